// Where each key's newest record is: the record store's in-RAM index, rebuilt at mount.
// Two arrays searched in order instead of a Map: an image holds tens of keys, so a scan
// costs little, and the hash map's code is gone from every image. Insertion order is
// kept as a Map keeps it (an update stays in place, a key removed and set again goes
// last): collection copies records in this order, so it decides the flash bytes.

export class RecordIndex<E> {
  private ids: u32[] = [];
  private entries: E[] = [];

  private find(key: u32): i32 {
    const ids = this.ids;
    for (let i = 0, n = ids.length; i < n; i++) if (unchecked(ids[i]) == key) return i;
    return -1;
  }

  has(key: u32): bool { return this.find(key) >= 0; }

  /** The key's entry; the caller has checked has(key). */
  get(key: u32): E { return this.entries[this.find(key)]; }

  set(key: u32, e: E): void {
    const i = this.find(key);
    if (i >= 0) { this.entries[i] = e; return; }
    this.ids.push(key);
    this.entries.push(e);
  }

  delete(key: u32): void {
    const i = this.find(key);
    if (i < 0) return;
    this.ids.splice(i, 1);
    this.entries.splice(i, 1);
  }

  clear(): void { this.ids = []; this.entries = []; }

  /** A copy of the keys, oldest first: safe to change the index while walking it. */
  keys(): u32[] { return this.ids.slice(0); }

  /** Position-wise reads, for walks that leave the index as it is (no copy made). */
  get size(): i32 { return this.ids.length; }
  keyAt(i: i32): u32 { return unchecked(this.ids[i]); }
  entryAt(i: i32): E { return unchecked(this.entries[i]); }
}
