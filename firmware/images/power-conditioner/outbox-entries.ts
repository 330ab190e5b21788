// The power conditioner's outbox entries (PROTOCOL.md §4.1): compact in flash, flat JSON
// on the wire (up/history; up/reply for command replies). Integers little-endian. A
// reading carries its MAC from the moment it is handed: the entry in flash is what the
// partner checks, so nothing is computed again when it is sent.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { JsonWriter } from "../../core/codecs/flat-json";
import { OutboxFormat, replyJson } from "../../modules/cloud-link/index";

export namespace Entry {
  export const REPLY: u8 = 1;
  export const READING: u8 = 2;
  export const AUTH: u8 = 3;
  export const CHANGE: u8 = 4;
  export const TAMPER: u8 = 5;
}

/** co u32 | rseq u32 | q u8 | t i64 | pv ch dis u32 × 3 | e u32 × 3 (the MAC covers these
 *  41 bytes as they are) | cap u32 × 3 | mac 32 | site len u8 | site: 86 bytes and the site. */
export const READING_FIXED: i32 = 86;
export const CAP_AT: i32 = 41;
export const MAC_AT: i32 = 53;
export const SITE_AT: i32 = 85;
/** event u8 | issuer u32 | serial u32 | via u8 | reason u8 */
export const AUTH_BYTES: i32 = 11;
/** item u8 | op u8 | issuer u32 | serial u32 | via u8, then the value's fields (below). */
export const CHANGE_FIXED: i32 = 11;

export namespace Op {
  export const SET: u8 = 0;
  export const DELETE: u8 = 1;
}

const ITEM_NAMES: string[] = ["personal", "history", "site", "capacities", "connection"];
const EVENT_NAMES: string[] = ["", "stored", "refused", "match", "mismatch", "expired", "used-up", "locked"];
const REASON_NAMES: string[] = ["", "malformed", "other-device", "unknown-issuer", "bad-signature", "replayed", "no-time"];
const VIA_NAMES: string[] = ["cloud", "panel", "ble"];

function name(list: string[], i: i32): string { return i >= 0 && i < list.length ? unchecked(list[i]) : "unknown"; }
export function itemName(item: i32): string { return name(ITEM_NAMES, item); }

export function putI64(b: Uint8Array, off: i32, v: i64): void {
  putU32LE(b, off, <u32>v);
  putU32LE(b, off + 4, <u32>(v >> 32));
}

export function getI64(b: Uint8Array, off: i32): i64 {
  return <i64>((<u64>getU32LE(b, off + 4) << 32) | <u64>getU32LE(b, off));
}

const HEX = "0123456789abcdef";

/** Lower-case hex of `n` bytes of `b` from `off`. */
export function hex(b: Uint8Array, off: i32, n: i32, upper: bool = false): string {
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    const v = <i32>b[off + i];
    out[2 * i] = <u8>HEX.charCodeAt(v >> 4);
    out[2 * i + 1] = <u8>HEX.charCodeAt(v & 15);
    if (upper) { out[2 * i] = upcase(out[2 * i]); out[2 * i + 1] = upcase(out[2 * i + 1]); }
  }
  return String.UTF8.decodeUnsafe(out.dataStart, <usize>out.length);
}

function upcase(c: u8): u8 { return c >= 0x61 ? c - 0x20 : c; }

/** `D101:7` (the issuer's code in hex, its serial), or `maintenance` for 0:0. */
export function byName(issuer: u32, serial: u32): string {
  if (issuer == 0) return "maintenance";
  const b = new Uint8Array(4);
  b[0] = <u8>(issuer >>> 24); b[1] = <u8>(issuer >>> 16); b[2] = <u8>(issuer >>> 8); b[3] = <u8>issuer;
  let s = hex(b, 0, 4, true);
  let i = 0;
  while (i < 4 && s.charCodeAt(i) == 0x30) i++;   // D101, not 0000D101
  const d = new Uint8Array(10);
  let n = 0, v = serial;
  do { d[9 - n++] = <u8>(0x30 + v % 10); v /= 10; } while (v > 0);
  return s.substring(i) + ":" + String.UTF8.decodeUnsafe(d.dataStart + <usize>(10 - n), <usize>n);
}

export class PcsOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return kind == Entry.REPLY ? "reply" : "history"; }

  json(seq: u32, kind: u8, b: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    const n = b.length;
    if (kind == Entry.REPLY && replyJson(w, b)) return w.toString();
    if (kind == Entry.READING && n >= READING_FIXED && n == READING_FIXED + <i32>b[SITE_AT]) {
      w.str("kind", "reading").num("co", getU32LE(b, 0)).num("rseq", getU32LE(b, 4)).num("q", b[8]).num("t", getI64(b, 9))
        .num("pv", getU32LE(b, 17)).num("ch", getU32LE(b, 21)).num("dis", getU32LE(b, 25))
        .three("e", getU32LE(b, 29), getU32LE(b, 33), getU32LE(b, 37))
        .str("site", String.UTF8.decodeUnsafe(b.dataStart + <usize>(SITE_AT + 1), <usize>b[SITE_AT]))
        .three("cap", getU32LE(b, CAP_AT), getU32LE(b, CAP_AT + 4), getU32LE(b, CAP_AT + 8));
      return w.str("mac", hex(b, MAC_AT, 32)).toString();
    }
    if (kind == Entry.AUTH && n == AUTH_BYTES) {
      w.str("kind", "auth").str("event", name(EVENT_NAMES, b[0])).num("issuer", getU32LE(b, 1)).num("serial", getU32LE(b, 5))
        .str("via", name(VIA_NAMES, b[9]));
      if (b[10] != 0) w.str("reason", name(REASON_NAMES, b[10]));
      return w.toString();
    }
    if (kind == Entry.CHANGE && n >= CHANGE_FIXED) {
      const item = <i32>b[0];
      w.str("kind", "change").str("item", itemName(item)).str("op", b[1] == Op.DELETE ? "delete" : "set")
        .str("by", byName(getU32LE(b, 2), getU32LE(b, 6))).str("via", name(VIA_NAMES, b[10]));
      const rest = n - CHANGE_FIXED;
      if (item == 2 && rest >= 1 && rest == 1 + <i32>b[CHANGE_FIXED]) {
        w.str("site", String.UTF8.decodeUnsafe(b.dataStart + <usize>(CHANGE_FIXED + 1), <usize>(rest - 1)));
      } else if (item == 3 && rest == 12) {
        w.three("cap", getU32LE(b, CHANGE_FIXED), getU32LE(b, CHANGE_FIXED + 4), getU32LE(b, CHANGE_FIXED + 8));
      } else if (item == 4 && rest == 4) w.num("to", getU32LE(b, CHANGE_FIXED));
      return w.toString();
    }
    if (kind == Entry.TAMPER && n == 1) return w.str("kind", "tamper").str("item", itemName(b[0])).toString();
    return w.str("kind", "unknown").toString();
  }
}
