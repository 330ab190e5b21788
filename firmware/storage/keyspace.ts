// The record-id keyspace: each module owns ranges of record ids and says which reset
// erases them; an image's keyspace is the list of its modules' ranges (each module exports
// them as `KEYS` from its index.ts). The credential store erases by these classes, and
// refuses to write an id no range declares.
import { OK, E_INVAL } from "../core/errors";

/** Which reset erases a record. */
export namespace ResetClass {
  export const KEPT: u8 = 0;            // factory identity: kept by every reset
  export const INITIALIZATION: u8 = 1;  // erased by initialization (and by factory reset)
  export const FACTORY_RESET: u8 = 2;   // user data: erased by factory reset only
}

/** The highest id a record may have (0xFFFF is the record store's own). */
export const MAX_RECORD_ID: u32 = 0xfffe;

export class KeyRange {
  /** owner: the module (and record) the range belongs to, for specs and tools; images
   *  carry no names (scripts/key-owners.mjs), so nothing in an image may read it. */
  constructor(private ownerName: string, public first: u32, public last: u32, public reset: u8) {}
  get owner(): string { return this.ownerName; }
  contains(id: u32): bool { return id >= this.first && id <= this.last; }
  overlaps(o: KeyRange): bool { return this.first <= o.last && o.first <= this.last; }
  /** A range is well formed when first <= last <= MAX_RECORD_ID and its class is known. */
  valid(): bool { return this.first <= this.last && this.last <= MAX_RECORD_ID && this.reset <= ResetClass.FACTORY_RESET; }
}

/** Two ranges of one keyspace that share ids; describe() names both for a test failure or a log. */
export class Overlap {
  constructor(public a: KeyRange, public b: KeyRange) {}
  describe(): string {
    return this.a.owner + " 0x" + this.a.first.toString(16) + "-0x" + this.a.last.toString(16) + " overlaps "
      + this.b.owner + " 0x" + this.b.first.toString(16) + "-0x" + this.b.last.toString(16);
  }
}

/** The first pair of ranges that share an id, or null when every id has at most one owner. */
export function findOverlap(ranges: KeyRange[]): Overlap | null {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      if (ranges[i].overlaps(ranges[j])) return new Overlap(ranges[i], ranges[j]);
    }
  }
  return null;
}

export class Keyspace {
  readonly ranges: KeyRange[] = [];

  /** The image's keyspace from its modules' KEYS lists, e.g. `new Keyspace([a.KEYS, b.KEYS])`. */
  constructor(lists: KeyRange[][]) {
    for (let i = 0; i < lists.length; i++) {
      for (let j = 0; j < lists[i].length; j++) this.ranges.push(lists[i][j]);
    }
  }

  /** OK, or E_INVAL when a range is malformed or two ranges overlap (see overlap()). */
  check(): i32 {
    const r = this.ranges;
    for (let i = 0; i < r.length; i++) {
      if (!r[i].valid()) return E_INVAL;
      for (let j = i + 1; j < r.length; j++) if (r[i].overlaps(r[j])) return E_INVAL;
    }
    return OK;
  }

  overlap(): Overlap | null { return findOverlap(this.ranges); }

  /** The range that declares `id`, or null when no module owns it. */
  rangeOf(id: u32): KeyRange | null {
    for (let i = 0; i < this.ranges.length; i++) if (this.ranges[i].contains(id)) return this.ranges[i];
    return null;
  }

  declares(id: u32): bool { return this.rangeOf(id) !== null; }

  /** The reset class of `id`, or -1 when no range declares it. */
  resetClassOf(id: u32): i32 {
    const r = this.rangeOf(id);
    return r === null ? -1 : <i32>r.reset;
  }

  /** The module that owns `id`, or null. */
  ownerOf(id: u32): string | null {
    const r = this.rangeOf(id);
    return r === null ? null : r.owner;
  }
}
