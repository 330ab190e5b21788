// Where each key's newest record is: the record store's in-RAM index, rebuilt at mount.
// One array searched in order instead of a Map: an image holds tens of keys, so a scan
// costs little, and the hash map's code is gone from every image. Insertion order is
// kept as a Map keeps it (an update stays in place, a key removed and added again goes
// last): collection copies records in this order, so it decides the flash bytes.

/** A key's newest record: where it is and what it holds. */
export class Entry {
  constructor(public key: u32, public seq: u32, public addr: i32, public len: i32, public tomb: bool) {}

  /** Points the entry at a newer record of its key; it keeps its place in the index. */
  move(seq: u32, addr: i32, len: i32, tomb: bool): void {
    this.seq = seq; this.addr = addr; this.len = len; this.tomb = tomb;
  }
}

export class RecordIndex {
  /** Oldest first. Read by position for walks; changed only through add/removeAt. */
  entries: Entry[] = [];

  /** The key's entry, or null. */
  find(key: u32): Entry | null {
    const a = this.entries;
    for (let i = 0, n = a.length; i < n; i++) {
      const e = unchecked(a[i]);
      if (e.key == key) return e;
    }
    return null;
  }

  /** Adds the entry of a key the index does not hold yet. */
  add(e: Entry): void { this.entries.push(e); }

  /** Removes the entry at position i; later entries move up one place. Shifted by hand:
   *  splice would allocate an array of the removed entries. */
  removeAt(i: i32): void {
    const a = this.entries;
    for (const n = a.length - 1; i < n; i++) unchecked(a[i] = a[i + 1]);
    a.pop();
  }

  clear(): void { this.entries = []; }
}
