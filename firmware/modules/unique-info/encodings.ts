// Bounded parsers of the items' encodings (PROTOCOL.md §1): the same bytes arrive in
// INSTALL, in a BLE CHANGE and sit in flash. Each checks every length and character and
// allocates nothing.
import { OK, E_INVAL, E_MALFORMED } from "../../core/errors";
import { getU32LE } from "../../core/codecs/bytes";
import {
  ADDRESS_MAX, CAPACITIES_LEN, CONNECTION_LEN, DAY_LEN, HISTORY_DAYS, Item, NAME_MAX, SITE_MAX,
} from "./ids";

/** OK when `v` is a well-formed value of `item`; E_MALFORMED otherwise, E_INVAL no such item. */
export function validate(item: i32, v: Uint8Array): i32 {
  if (item == Item.PERSONAL) return personal(v) ? OK : E_MALFORMED;
  if (item == Item.HISTORY) return history(v) ? OK : E_MALFORMED;
  if (item == Item.SITE) return site(v) ? OK : E_MALFORMED;
  if (item == Item.CAPACITIES) return v.length == CAPACITIES_LEN ? OK : E_MALFORMED;
  if (item == Item.CONNECTION) return connection(v) ? OK : E_MALFORMED;
  return E_INVAL;
}

// name len u8 (1..64) | name UTF-8 | address len u8 (1..128) | address UTF-8
function personal(v: Uint8Array): bool {
  if (v.length < 1) return false;
  const n = <i32>v[0];
  if (n < 1 || n > NAME_MAX || 1 + n >= v.length) return false;
  const a = <i32>v[1 + n];
  if (a < 1 || a > ADDRESS_MAX || v.length != 2 + n + a) return false;
  return utf8(v, 1, n) && utf8(v, 2 + n, a);
}

// days u8 (0..31) | days × (day u32 | PV Wh u32 | charge Wh u32 | discharge Wh u32), days rising
function history(v: Uint8Array): bool {
  if (v.length < 1) return false;
  const days = <i32>v[0];
  if (days > HISTORY_DAYS || v.length != 1 + days * DAY_LEN) return false;
  for (let i = 1; i < days; i++) if (getU32LE(v, 1 + i * DAY_LEN) <= getU32LE(v, 1 + (i - 1) * DAY_LEN)) return false;
  return true;
}

// len u8 (1..20) | ASCII 0-9 A-Z -
function site(v: Uint8Array): bool {
  if (v.length < 2) return false;
  const n = <i32>v[0];
  if (n < 1 || n > SITE_MAX || v.length != 1 + n) return false;
  for (let i = 1; i <= n; i++) {
    const c = v[i];
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c == 0x2d)) return false;
  }
  return true;
}

// partner code u32 (≠ 0) | partner public key 65 (0x04 ‖ X ‖ Y) | device key 32
function connection(v: Uint8Array): bool {
  return v.length == CONNECTION_LEN && getU32LE(v, 0) != 0 && v[4] == 0x04;
}

/** Well-formed UTF-8 in v[at, at + n): no stray continuation, no overlong or cut sequence,
 *  no control characters below 0x20. */
function utf8(v: Uint8Array, at: i32, n: i32): bool {
  let i = at;
  const end = at + n;
  while (i < end) {
    const c = <u32>v[i];
    let more = 0;
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) more = 2;
    else if (c >= 0xf0 && c <= 0xf4) more = 3;
    else return false;
    if (i + more >= end) return false;   // the sequence is cut
    for (let k = 1; k <= more; k++) if ((<u32>v[i + k] & 0xc0) != 0x80) return false;
    // Overlong three- and four-byte forms and code points above U+10FFFF.
    if (c == 0xe0 && <u32>v[i + 1] < 0xa0) return false;
    if (c == 0xf0 && <u32>v[i + 1] < 0x90) return false;
    if (c == 0xf4 && <u32>v[i + 1] > 0x8f) return false;
    i += 1 + more;
  }
  return true;
}
