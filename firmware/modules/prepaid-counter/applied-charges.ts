// The charges already applied, remembered as prepaid meters remember token ids: the
// WINDOW highest applied charge ids, and a floor below which every id counts as too old.
// Charge ids are issued by the cloud per device, counting up from 1, so a replayed or
// duplicated charge is found in the window (USED), and one so late that WINDOW newer
// charges were applied since is refused (OLD) instead of being applied unchecked.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { APPLIED_ENTRY, APPLIED_HEADER, RECORD_FORMAT } from "./records";

/** How many applied charge ids are remembered. */
export const WINDOW: i32 = 32;
/** The APPLIED record's largest value. */
export const APPLIED_MAX_BYTES: i32 = APPLIED_HEADER + WINDOW * APPLIED_ENTRY;

/** Why a charge id would not be applied (PrepaidCounter.charge's answers). */
export namespace Seen {
  export const NEW: i32 = 0;   // never applied: apply it
  export const USED: i32 = 1;  // applied already (it is in the window)
  export const OLD: i32 = 2;   // older than the oldest remembered: cannot be told, refused
}

export class AppliedCharges {
  /** Every id at or below it is OLD. */
  floor: u32 = 0;
  count: i32 = 0;
  // Unordered; fixed arrays, so that remembering a charge allocates nothing.
  readonly ids: Uint32Array = new Uint32Array(WINDOW);
  readonly amounts: Uint32Array = new Uint32Array(WINDOW);
  readonly kinds: Uint8Array = new Uint8Array(WINDOW);

  clear(): void { this.floor = 0; this.count = 0; }

  /** NEW, USED or OLD for charge `id` (ids start at 1). */
  seen(id: u32): i32 {
    if (id <= this.floor) return Seen.OLD;
    if (this.indexOf(id) >= 0) return Seen.USED;
    if (this.count == WINDOW && id < this.ids[this.oldest()]) return Seen.OLD;
    return Seen.NEW;
  }

  /** The highest applied id, 0 before the first charge. */
  highest(): u32 {
    let h: u32 = 0;
    for (let i = 0; i < this.count; i++) if (this.ids[i] > h) h = this.ids[i];
    return h;
  }

  /** The kind a remembered charge was applied as, or 0 when it is not remembered. */
  kindOf(id: u32): u8 {
    const i = this.indexOf(id);
    return i < 0 ? 0 : this.kinds[i];
  }

  /** Remembers a NEW id; when the window is full the oldest is forgotten and becomes the floor. */
  add(id: u32, amount: u32, kind: u8): void {
    let slot = this.count;
    if (this.count == WINDOW) {
      slot = this.oldest();
      this.floor = this.ids[slot];
    } else {
      this.count++;
    }
    this.ids[slot] = id;
    this.amounts[slot] = amount;
    this.kinds[slot] = kind;
  }

  /** The stored form as it would be after add(id, amount, kind), into `out`
   *  (APPLIED_MAX_BYTES long): its length. The window itself is unchanged. */
  encodeWith(out: Uint8Array, id: u32, amount: u32, kind: u8): i32 {
    const evict = this.count == WINDOW ? this.oldest() : -1;
    out[0] = RECORD_FORMAT;
    putU32LE(out, 2, evict >= 0 ? this.ids[evict] : this.floor);
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      if (i == evict) continue;
      putEntry(out, n++, this.ids[i], this.amounts[i], this.kinds[i]);
    }
    putEntry(out, n++, id, amount, kind);
    out[1] = <u8>n;
    return APPLIED_HEADER + n * APPLIED_ENTRY;
  }

  /** Reads the stored form; false (and the window cleared) when it is malformed. */
  decode(v: Uint8Array): bool {
    this.clear();
    if (v.length < APPLIED_HEADER || v[0] != RECORD_FORMAT) return false;
    const n = <i32>v[1];
    if (n > WINDOW || v.length != APPLIED_HEADER + n * APPLIED_ENTRY) return false;
    const floor = getU32LE(v, 2);
    for (let i = 0; i < n; i++) {
      const at = APPLIED_HEADER + i * APPLIED_ENTRY;
      const id = getU32LE(v, at);
      // Each id above the floor and remembered once, or the record was not written by us.
      if (id <= floor || this.indexOf(id) >= 0) { this.clear(); return false; }
      this.ids[i] = id;
      this.amounts[i] = getU32LE(v, at + 4);
      this.kinds[i] = v[at + 8];
      this.count = i + 1;
    }
    this.floor = floor;
    return true;
  }

  private indexOf(id: u32): i32 {
    for (let i = 0; i < this.count; i++) if (this.ids[i] == id) return i;
    return -1;
  }

  private oldest(): i32 {
    let o = 0;
    for (let i = 1; i < this.count; i++) if (this.ids[i] < this.ids[o]) o = i;
    return o;
  }
}

function putEntry(out: Uint8Array, n: i32, id: u32, amount: u32, kind: u8): void {
  const at = APPLIED_HEADER + n * APPLIED_ENTRY;
  putU32LE(out, at, id);
  putU32LE(out, at + 4, amount);
  out[at + 8] = kind;
}
