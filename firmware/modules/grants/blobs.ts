// Bounded parsers of the maker's signed blobs (PROTOCOL.md §1): each reads one whole blob
// or refuses it, keeps offsets into the caller's bytes (no copies), and checks every
// length before reading.
import { getU32LE } from "../../core/codecs/bytes";

export const SIG_LEN: i32 = 64;
export const KEY_LEN: i32 = 65;
export const NONCE_LEN: i32 = 16;
export const SERIAL_MAX: i32 = 32;
export const SCHEDULES_MAX: i32 = 4;
export const REVOKED_MAX: i32 = 32;

export function getI64(b: Uint8Array, off: i32): i64 {
  return <i64>getU32LE(b, off) | (<i64>getU32LE(b, off + 4) << 32);
}

/** The 3-byte head `magic magic 01` and the serial after it: the serial's end, or -1. */
function head(b: Uint8Array, m1: u8, m2: u8): i32 {
  if (b.length < 8 || b[0] != m1 || b[1] != m2 || b[2] != 1) return -1;
  return 3;
}

function serialEnd(b: Uint8Array, at: i32): i32 {
  if (at >= b.length) return -1;
  const n = <i32>b[at];
  if (n < 1 || n > SERIAL_MAX || at + 1 + n > b.length) return -1;
  return at + 1 + n;
}

/** §1.1. */
export class GrantView {
  id: u32 = 0;
  serialAt: i32 = 0;     // the length byte
  serialEnd: i32 = 0;
  type: u8 = 0;
  timeoutS: u32 = 0;
  schedules: i32 = 0;
  schedulesAt: i32 = 0;
  keyAt: i32 = 0;
  signatureAt: i32 = 0;

  parse(b: Uint8Array): bool {
    if (head(b, 0x4c, 0x47) < 0 || b.length < 7) return false;
    this.id = getU32LE(b, 3);
    if (this.id == 0) return false;
    this.serialAt = 7;
    const e = serialEnd(b, 7);
    if (e < 0 || e + 6 > b.length) return false;
    this.serialEnd = e;
    const type = b[e];
    if (type < 1 || type > 3) return false;
    this.type = type;
    this.timeoutS = getU32LE(b, e + 1);
    if ((type == 3) != (this.timeoutS != 0)) return false;
    const n = <i32>b[e + 5];
    if (n > SCHEDULES_MAX) return false;
    this.schedules = n;
    this.schedulesAt = e + 6;
    this.keyAt = this.schedulesAt + n * 16;
    this.signatureAt = this.keyAt + KEY_LEN;
    if (this.signatureAt + SIG_LEN != b.length) return false;
    for (let i = 0; i < n; i++) if (this.start(b, i) >= this.end(b, i)) return false;
    return b[this.keyAt] == 0x04;
  }
  start(b: Uint8Array, i: i32): i64 { return getI64(b, this.schedulesAt + i * 16); }
  end(b: Uint8Array, i: i32): i64 { return getI64(b, this.schedulesAt + i * 16 + 8); }
  /** The end of its last schedule (0 with none): when its first use may be forgotten. */
  lastEnd(b: Uint8Array): i64 {
    let e: i64 = 0;
    for (let i = 0; i < this.schedules; i++) if (this.end(b, i) > e) e = this.end(b, i);
    return e;
  }
}

/** §1.2. */
export class TimeView {
  serialAt: i32 = 0;
  serialEnd: i32 = 0;
  nonceAt: i32 = 0;
  utcMs: i64 = 0;
  signatureAt: i32 = 0;

  parse(b: Uint8Array): bool {
    if (head(b, 0x4c, 0x54) < 0) return false;
    this.serialAt = 3;
    const e = serialEnd(b, 3);
    if (e < 0) return false;
    this.serialEnd = e;
    this.nonceAt = e;
    this.signatureAt = e + NONCE_LEN + 8;
    if (this.signatureAt + SIG_LEN != b.length) return false;
    this.utcMs = getI64(b, e + NONCE_LEN);
    return true;
  }
}

/** §1.3. */
export class RevocationView {
  serialAt: i32 = 0;
  serialEnd: i32 = 0;
  version: u32 = 0;
  count: i32 = 0;
  idsAt: i32 = 0;
  signatureAt: i32 = 0;

  parse(b: Uint8Array): bool {
    if (head(b, 0x4c, 0x52) < 0) return false;
    this.serialAt = 3;
    const e = serialEnd(b, 3);
    if (e < 0 || e + 5 > b.length) return false;
    this.serialEnd = e;
    this.version = getU32LE(b, e);
    const n = <i32>b[e + 4];
    if (n > REVOKED_MAX) return false;
    this.count = n;
    this.idsAt = e + 5;
    this.signatureAt = this.idsAt + n * 4;
    return this.signatureAt + SIG_LEN == b.length;
  }
}

/** Whether `b[from, to)` is `len u8 | serial` of `me` (the serial's UTF-8). */
export function sameSerial(b: Uint8Array, from: i32, to: i32, me: Uint8Array): bool {
  if (to - from != me.length + 1 || <i32>b[from] != me.length) return false;
  for (let i = 0; i < me.length; i++) if (b[from + 1 + i] != me[i]) return false;
  return true;
}
