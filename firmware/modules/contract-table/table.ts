// The table's contents in RAM and in its two records: the company in effect for each role,
// and the pending changes kept in time order (ties in the order they were stored). Pure
// data: nothing here writes flash or reads a clock.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import {
  ACTIVE_BYTES, CHANGE_BYTES, DataType, IMMEDIATE, MAX_PENDING, NO_COMPANY, PENDING_HEADER, RECORD_FORMAT, ROLES,
} from "./ids";

export class Table {
  // The company in effect, per role.
  readonly codes: Uint32Array = new Uint32Array(ROLES);
  readonly types: Uint32Array = new Uint32Array(ROLES);
  /** Counts every update since manufacture (KEPT): the image reports the table with it,
   *  and the cloud keeps the report with the highest version. */
  version: u32 = 0;
  /** The id the next stored change gets (ids are never reused). */
  nextId: u32 = 1;
  count: i32 = 0;
  // Pending changes, sorted by switching time then id; fixed arrays, so nothing allocates.
  readonly ids: Uint32Array = new Uint32Array(MAX_PENDING);
  readonly roles: Uint8Array = new Uint8Array(MAX_PENDING);
  readonly at: Int64Array = new Int64Array(MAX_PENDING);
  readonly changeCodes: Uint32Array = new Uint32Array(MAX_PENDING);
  readonly changeTypes: Uint32Array = new Uint32Array(MAX_PENDING);

  clear(): void {
    for (let r = 0; r < ROLES; r++) { this.codes[r] = NO_COMPANY; this.types[r] = 0; }
    this.version = 0;
    this.nextId = 1;
    this.count = 0;
  }

  copyFrom(o: Table): void {
    for (let r = 0; r < ROLES; r++) { this.codes[r] = o.codes[r]; this.types[r] = o.types[r]; }
    this.version = o.version;
    this.nextId = o.nextId;
    this.count = o.count;
    for (let i = 0; i < o.count; i++) this.copyChange(i, o, i);
  }

  /** The index of pending change `id`, or -1. */
  indexOf(id: u32): i32 {
    for (let i = 0; i < this.count; i++) if (this.ids[i] == id) return i;
    return -1;
  }

  /** The index of the pending change of `role` at exactly `atUtc`, or -1. */
  indexAt(role: u8, atUtc: i64): i32 {
    for (let i = 0; i < this.count; i++) if (this.roles[i] == role && this.at[i] == atUtc) return i;
    return -1;
  }

  /** Inserts a change in time order (after those at the same time); false when full. */
  insert(id: u32, role: u8, atUtc: i64, code: u32, types: u32): bool {
    if (this.count == MAX_PENDING) return false;
    let i = this.count;
    while (i > 0 && this.at[i - 1] > atUtc) { this.copyChange(i, this, i - 1); i--; }
    this.ids[i] = id;
    this.roles[i] = role;
    this.at[i] = atUtc;
    this.changeCodes[i] = code;
    this.changeTypes[i] = types;
    this.count++;
    return true;
  }

  removeAt(i: i32): void {
    for (let j = i; j + 1 < this.count; j++) this.copyChange(j, this, j + 1);
    this.count--;
  }

  /** Moves every pending change due at `wallMs` (switching time at or before it) into
   *  effect, in time order; how many moved. */
  applyDue(wallMs: i64): i32 {
    let n = 0;
    while (n < this.count && this.at[n] <= wallMs) {
      this.codes[this.roles[n]] = this.changeCodes[n];
      this.types[this.roles[n]] = this.changeTypes[n];
      n++;
    }
    for (let i = 0; i + n < this.count; i++) this.copyChange(i, this, i + n);
    this.count -= n;
    return n;
  }

  /** The company of `role` in effect just before `atUtc` with the pending changes applied. */
  codeBefore(role: u8, atUtc: i64): u32 {
    let code = this.codes[role];
    for (let i = 0; i < this.count && this.at[i] < atUtc; i++) if (this.roles[i] == role) code = this.changeCodes[i];
    return code;
  }

  /** Index of the last pending change of `role` due at `wallMs`, or -1 (the table's own). */
  dueFor(role: u8, wallMs: i64): i32 {
    let found = -1;
    if (wallMs < 0) return found;
    for (let i = 0; i < this.count && this.at[i] <= wallMs; i++) if (this.roles[i] == role) found = i;
    return found;
  }

  encodeActive(out: Uint8Array): i32 {
    out[0] = RECORD_FORMAT;
    putU32LE(out, 1, this.version);
    for (let r = 0; r < ROLES; r++) {
      putU32LE(out, 5 + 8 * r, this.codes[r]);
      putU32LE(out, 9 + 8 * r, this.types[r]);
    }
    return ACTIVE_BYTES;
  }

  encodePending(out: Uint8Array): i32 {
    out[0] = RECORD_FORMAT;
    putU32LE(out, 1, this.nextId);
    out[5] = <u8>this.count;
    for (let i = 0; i < this.count; i++) {
      const p = PENDING_HEADER + i * CHANGE_BYTES;
      putU32LE(out, p, this.ids[i]);
      out[p + 4] = this.roles[i];
      putI64LE(out, p + 5, this.at[i]);
      putU32LE(out, p + 13, this.changeCodes[i]);
      putU32LE(out, p + 17, this.changeTypes[i]);
    }
    return PENDING_HEADER + this.count * CHANGE_BYTES;
  }

  /** Reads both records; false (and the table cleared) when either is not what encode wrote. */
  decode(active: Uint8Array, pending: Uint8Array): bool {
    this.clear();
    if (active.length != ACTIVE_BYTES || active[0] != RECORD_FORMAT) return false;
    if (pending.length < PENDING_HEADER || pending[0] != RECORD_FORMAT) return false;
    const n = <i32>pending[5];
    if (n > MAX_PENDING || pending.length != PENDING_HEADER + n * CHANGE_BYTES) return false;
    this.version = getU32LE(active, 1);
    for (let r = 0; r < ROLES; r++) {
      const code = getU32LE(active, 5 + 8 * r), types = getU32LE(active, 9 + 8 * r);
      if (!validCompany(code, types)) { this.clear(); return false; }
      this.codes[r] = code;
      this.types[r] = types;
    }
    this.nextId = getU32LE(pending, 1);
    if (this.nextId == 0) { this.clear(); return false; }
    for (let i = 0; i < n; i++) {
      const p = PENDING_HEADER + i * CHANGE_BYTES;
      const id = getU32LE(pending, p), role = pending[p + 4], at = getI64LE(pending, p + 5);
      const code = getU32LE(pending, p + 13), types = getU32LE(pending, p + 17);
      // Ids below nextId and unique, valid roles and companies, times in order.
      const ordered = i == 0 || at >= this.at[i - 1];
      if (id == 0 || id >= this.nextId || this.indexOf(id) >= 0 || <i32>role >= ROLES || at < 0 || !ordered
        || !validCompany(code, types)) { this.clear(); return false; }
      this.ids[i] = id;
      this.roles[i] = role;
      this.at[i] = at;
      this.changeCodes[i] = code;
      this.changeTypes[i] = types;
      this.count = i + 1;
    }
    return true;
  }

  private copyChange(to: i32, from: Table, i: i32): void {
    this.ids[to] = from.ids[i];
    this.roles[to] = from.roles[i];
    this.at[to] = from.at[i];
    this.changeCodes[to] = from.changeCodes[i];
    this.changeTypes[to] = from.changeTypes[i];
  }
}

/** A company (code ≠ 0 with a non-empty scope of known types), or an abolition (0, 0). */
export function validCompany(code: u32, types: u32): bool {
  if (code == NO_COMPANY) return types == 0;
  return types != 0 && (types & ~DataType.ALL) == 0;
}

/** A switching time: IMMEDIATE or a UTC time. */
export function validTime(atUtc: i64): bool { return atUtc == IMMEDIATE || atUtc >= 0; }

function putI64LE(b: Uint8Array, off: i32, v: i64): void {
  putU32LE(b, off, <u32>v);
  putU32LE(b, off + 4, <u32>(v >>> 32));
}

function getI64LE(b: Uint8Array, off: i32): i64 {
  return <i64>((<u64>getU32LE(b, off + 4) << 32) | <u64>getU32LE(b, off));
}
