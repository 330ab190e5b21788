// The prepaid counter's two records and their stored form (README.md, "Records"). Both are
// KEPT by every reset: the balance is paid value, not user data, and the applied charges
// must outlive any reset or a charge replayed afterwards would be applied again.
import { KeyRange, ResetClass } from "../../storage/keyspace";

export const PREPAID_KEYS = new KeyRange("prepaid-counter", 0x0540, 0x057f, ResetClass.KEPT);

export namespace PrepaidRecord {
  /** format u8 = 1 | version u32 | balance u32 | free total u64 | paid total u64 | debited total u64 */
  export const COUNTER: u32 = 0x0540;
  /** format u8 = 1 | count u8 | floor u32 | count × (id u32 | amount u32 | kind u8) */
  export const APPLIED: u32 = 0x0541;
}

export const RECORD_FORMAT: u8 = 1;
export const COUNTER_BYTES: i32 = 1 + 4 + 4 + 8 * 3;
export const APPLIED_HEADER: i32 = 1 + 1 + 4;
export const APPLIED_ENTRY: i32 = 4 + 4 + 1;

export function putU64LE(b: Uint8Array, off: i32, v: u64): void {
  for (let i = 0; i < 8; i++) b[off + i] = <u8>(v >>> (<u64>(8 * i)));
}

export function getU64LE(b: Uint8Array, off: i32): u64 {
  let v: u64 = 0;
  for (let i = 7; i >= 0; i--) v = (v << 8) | <u64>b[off + i];
  return v;
}
