// Authentication information as the server sends it (PROTOCOL.md §2.1): a bounded parse
// of the fixed layout, nothing allocated but the object. The signed part is every byte
// before the signature.
import { getU32LE } from "../../core/codecs/bytes";

export const MAGIC0: u8 = 0x50;   // 'P'
export const MAGIC1: u8 = 0x41;   // 'A'
export const VERSION: u8 = 1;
export const SALT_LEN: i32 = 16;
export const VERIFIER_LEN: i32 = 32;
export const SIGNATURE_LEN: i32 = 64;
export const DEVICE_MAX: i32 = 32;
/** Up to the device field's length byte. */
const FIXED: i32 = 27;
export const ALL_ITEMS: u32 = 0x1f;

export class Information {
  issuer: u32 = 0;
  serial: u32 = 0;
  issuedUtcMs: i64 = 0;
  lifetimeS: u32 = 0;
  uses: i32 = 0;
  failures: i32 = 0;
  items: u32 = 0;
  /** Where the device serial, salt, verifier and signature start in the blob. */
  deviceAt: i32 = 0;
  deviceLen: i32 = 0;
  saltAt: i32 = 0;
  verifierAt: i32 = 0;
  signatureAt: i32 = 0;

  /** Reads `b`: false when its length or a field is wrong (E_MALFORMED). */
  parse(b: Uint8Array): bool {
    if (b.length < FIXED) return false;
    if (b[0] != MAGIC0 || b[1] != MAGIC1 || b[2] != VERSION) return false;
    const dlen = <i32>b[26];
    if (dlen < 1 || dlen > DEVICE_MAX) return false;
    if (b.length != FIXED + dlen + SALT_LEN + VERIFIER_LEN + SIGNATURE_LEN) return false;
    const items = <u32>b[25];
    if (items == 0 || (items & ~ALL_ITEMS) != 0) return false;
    this.issuer = getU32LE(b, 3);
    this.serial = getU32LE(b, 7);
    this.issuedUtcMs = <i64>getU32LE(b, 11) | (<i64>getU32LE(b, 15) << 32);
    this.lifetimeS = getU32LE(b, 19);
    this.uses = <i32>b[23];
    this.failures = <i32>b[24];
    this.items = items;
    this.deviceAt = FIXED;
    this.deviceLen = dlen;
    this.saltAt = FIXED + dlen;
    this.verifierAt = this.saltAt + SALT_LEN;
    this.signatureAt = this.verifierAt + VERIFIER_LEN;
    return this.issuer != 0;
  }

  /** Whether the device field is exactly `serial` (UTF-8). */
  isFor(b: Uint8Array, serial: Uint8Array): bool {
    if (serial.length != this.deviceLen) return false;
    for (let i = 0; i < this.deviceLen; i++) if (b[this.deviceAt + i] != serial[i]) return false;
    return true;
  }
}
