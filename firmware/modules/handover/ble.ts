// BLE carrier, MIME type application/vnd.bluetooth.le.oob: AD structures
//   length u8 (type + data) | AD type u8 | data
// Read: LE device address (0x1B, required), LE role (0x1C) and manufacturer data (0xFF);
// other AD types (security manager TK, OOB flags, LE Secure Connections confirmation and
// random, a name) are stepped over: the printer pairs with LE Secure Connections numeric
// comparison on its panel, so it neither sends nor needs OOB pairing values.
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE } from "../../core/errors";
import { ByteWriter } from "./writer";
import { NO_BYTES } from "./empty";

export const BLE_OOB_MIME = "application/vnd.bluetooth.le.oob";

export namespace AdType {
  export const LE_DEVICE_ADDRESS: u8 = 0x1b;
  export const LE_ROLE: u8 = 0x1c;
  export const MANUFACTURER_DATA: u8 = 0xff;
}

export namespace AddressType {
  export const PUBLIC: u8 = 0;
  export const RANDOM: u8 = 1;
}

export namespace LeRole {
  export const NONE: i32 = -1;
  export const PERIPHERAL: i32 = 0;
  export const CENTRAL: i32 = 1;
  export const PERIPHERAL_PREFERRED: i32 = 2;
  export const CENTRAL_PREFERRED: i32 = 3;
}

/** Manufacturer data fits one legacy advertising AD structure (31 - 2 bytes). */
export const MAX_MANUFACTURER_DATA: i32 = 29;

export class BleOob {
  /** 6 bytes, most significant first (sent least significant first). */
  address: Uint8Array = NO_BYTES;
  addressType: u8 = AddressType.PUBLIC;
  /** LeRole.*, NONE when not sent. */
  role: i32 = LeRole.NONE;
  /** Company id (LE) and data as sent; empty when not sent. */
  manufacturerData: Uint8Array = NO_BYTES;
}

export class BleOobDecoded {
  error: i32 = OK;
  oob: BleOob | null = null;
}

/** E_MALFORMED: an AD length of 0 or past the payload, a repeated or wrongly sized
 *  structure, no address; E_RANGE: an address type other than public / random, a role
 *  over 3, manufacturer data over 29 bytes or under its 2-byte company id. */
export function decodeBleOob(p: Uint8Array): BleOobDecoded {
  const r = new BleOobDecoded();
  const o = new BleOob();
  let seen: u32 = 0;
  let i = 0;
  const end = p.length;
  while (i < end) {
    const len = <i32>p[i];
    if (len == 0 || len > end - i - 1) return failed(r, E_MALFORMED);
    const type = p[i + 1];
    const at = i + 2, n = len - 1;
    const bit: u32 = type == AdType.LE_DEVICE_ADDRESS ? 1 : type == AdType.LE_ROLE ? 2 : type == AdType.MANUFACTURER_DATA ? 4 : 0;
    if ((seen & bit) != 0) return failed(r, E_MALFORMED);
    seen |= bit;
    if (type == AdType.LE_DEVICE_ADDRESS) {
      if (n != 7) return failed(r, E_MALFORMED);
      if (p[at + 6] > AddressType.RANDOM) return failed(r, E_RANGE);
      const a = new Uint8Array(6);
      for (let k = 0; k < 6; k++) a[k] = p[at + 5 - k];
      o.address = a;
      o.addressType = p[at + 6];
    } else if (type == AdType.LE_ROLE) {
      if (n != 1) return failed(r, E_MALFORMED);
      if (p[at] > 3) return failed(r, E_RANGE);
      o.role = <i32>p[at];
    } else if (type == AdType.MANUFACTURER_DATA) {
      if (n < 2 || n > MAX_MANUFACTURER_DATA) return failed(r, E_RANGE);
      o.manufacturerData = p.subarray(at, at + n);
    }
    i += 1 + len;
  }
  if ((seen & 1) == 0) return failed(r, E_MALFORMED);
  r.oob = o;
  return r;
}

function failed(r: BleOobDecoded, rc: i32): BleOobDecoded { r.error = rc; r.oob = null; return r; }

/** Appends the AD structures of `o`: address, then role and manufacturer data when set.
 *  E_RANGE for what decodeBleOob would refuse, E_NOSPACE when w is full. */
export function encodeBleOob(o: BleOob, w: ByteWriter): i32 {
  if (o.address.length != 6 || o.addressType > AddressType.RANDOM || o.role < LeRole.NONE || o.role > 3) return E_RANGE;
  const m = o.manufacturerData.length;
  if (m != 0 && (m < 2 || m > MAX_MANUFACTURER_DATA)) return E_RANGE;
  w.u8(8); w.u8(AdType.LE_DEVICE_ADDRESS);
  for (let k = 5; k >= 0; k--) w.u8(o.address[k]);
  w.u8(o.addressType);
  if (o.role != LeRole.NONE) { w.u8(2); w.u8(AdType.LE_ROLE); w.u8(<u32>o.role); }
  if (m != 0) { w.u8(<u32>(m + 1)); w.u8(AdType.MANUFACTURER_DATA); w.bytes(o.manufacturerData); }
  return w.overflow ? E_NOSPACE : OK;
}
