// Where persisted deadlines live in flash: one record per deadline, its id chosen by the
// reset class the deadline's name was registered with, so the store's resets erase
// deadlines together with the state they belong to.
import { KeyRange, ResetClass } from "../../storage/keyspace";

export const FIRST_ID: u32 = 0x0400;
/** Names 0x00..0x3F can be persisted: each reset class has 64 record ids. */
export const PERSISTABLE_NAMES: u32 = 0x40;

export const KEYS: KeyRange[] = [
  new KeyRange("scheduler", 0x0400, 0x043f, ResetClass.KEPT),
  new KeyRange("scheduler", 0x0440, 0x047f, ResetClass.INITIALIZATION),
  new KeyRange("scheduler", 0x0480, 0x04bf, ResetClass.FACTORY_RESET),
  // 0x04C0-0x04FF: reserved for the scheduler, unused.
];

@inline export function recordId(name: u32, reset: u8): u32 { return FIRST_ID + <u32>reset * PERSISTABLE_NAMES + name; }

// Value (BYTES, 17 bytes): version u8 = 1 | due UTC ms i64 LE | period ms i64 LE.
// The due time is the first one (the anchor): a periodic deadline's later times are
// anchor + k * period, so its record is never rewritten as it repeats.
export const RECORD_LEN: i32 = 17;
const VERSION: u8 = 1;

export function encode(into: Uint8Array, dueUtcMs: i64, periodMs: i64): void {
  into[0] = VERSION;
  putI64LE(into, 1, dueUtcMs);
  putI64LE(into, 9, periodMs);
}

/** False for a record this firmware cannot read (another version, a cut length, or
 *  values no scheduler writes): such a record is ignored. */
export function valid(v: Uint8Array): bool {
  return v.length == RECORD_LEN && v[0] == VERSION && getI64LE(v, 1) >= 0 && getI64LE(v, 9) >= 0;
}
export function dueUtcOf(v: Uint8Array): i64 { return getI64LE(v, 1); }
export function periodOf(v: Uint8Array): i64 { return getI64LE(v, 9); }

function putI64LE(b: Uint8Array, off: i32, v: i64): void {
  for (let i = 0; i < 8; i++) b[off + i] = <u8>(v >>> (i * 8));
}
function getI64LE(b: Uint8Array, off: i32): i64 {
  let v: i64 = 0;
  for (let i = 7; i >= 0; i--) v = (v << 8) | <i64>b[off + i];
  return v;
}
