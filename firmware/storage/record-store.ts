// Power-loss-safe keyed records over the board's NOR flash. Format and guarantees:
// FORMAT.md beside this file. One instance per image (the flash partition is one).
import * as board from "../board/index";
import { crc32, crc32Update } from "../core/crc32";
// wipe zeroes staged values: the helper the credential store already brings, not a second one.
import { getU16LE, getU32LE, putU16LE, putU32LE, wipe } from "../core/codecs/bytes";
import { OK, E_INVAL, E_IO, E_NOSPACE, E_NOTFOUND, E_RANGE, E_STATE } from "../core/errors";
import {
  PAGE_MAGIC, PAGE_HEADER, PAGE_STATE_OFF, PAGE_FREEING, REC_HEADER, REC_FREE, REC_CLAIMED,
  REC_COMMITTED, REC_SCRUBBED, FLAG_TOMBSTONE, FLAG_TXN, FLAG_COMMIT, TXN_COMMIT_LEN, KEY_NONE, align4, recordSize,
} from "./layout";
import { Entry, RecordIndex } from "./record-index";

/** One staged change: a key's new value, or its removal (tomb, with an empty value).
 *  While it is written, it also holds where it went and where the key's old record was. */
class Change {
  addr: i32 = 0;
  oldAddr: i32 = -1;
  oldLen: i32 = 0;
  constructor(public key: u32, public value: Uint8Array, public tomb: bool) {}
}

/** Several records changed all-or-nothing. put/remove stage changes in RAM (a copy of
 *  each value); commit() writes them as one transaction (FORMAT.md, "Transactions"): after
 *  a power cut at any point, either every change is visible or none is. A refused
 *  put/remove makes commit() return that refusal and write nothing. */
export class RecordTransaction {
  /** In the order their keys were first staged. */
  changes: Change[] = [];
  /** The first refusal of a put/remove; commit() returns it. */
  error: i32 = OK;
  done: bool = false;

  constructor(private store: RecordStore) {}

  put(key: u32, data: Uint8Array): i32 {
    if (key >= KEY_NONE) return this.fail(E_INVAL);
    if (recordSize(data.length) > this.store.maxTransactionBytes()) return this.fail(E_RANGE);
    const copy = new Uint8Array(data.length);
    copy.set(data);
    this.stage(key, copy, false);
    return OK;
  }

  remove(key: u32): i32 {
    if (key >= KEY_NONE) return this.fail(E_INVAL);
    this.stage(key, new Uint8Array(0), true);
    return OK;
  }

  /** Refuses the whole transaction (a caller's check failed): commit() returns rc. */
  fail(rc: i32): i32 {
    if (this.error == OK) this.error = rc;
    return rc;
  }

  commit(): i32 { return this.store.commitTransaction(this); }

  /** Drops every staged change, wiping the staged values. */
  discard(): void {
    const a = this.changes;
    for (let i = 0; i < a.length; i++) wipe(a[i].value);
    this.changes = [];
    this.done = true;
  }

  private stage(key: u32, v: Uint8Array, tomb: bool): void {
    const a = this.changes;
    for (let i = 0; i < a.length; i++) {
      const c = a[i];
      if (c.key == key) { wipe(c.value); c.value = v; c.tomb = tomb; return; }
    }
    a.push(new Change(key, v, tomb));
  }
}

// Page states, kept as i32: StaticArray<u8> would add its own accessors to the image,
// while i32 shares those of pageSeq and pageEnd.
const P_FREE: i32 = 0;
const P_USED: i32 = 1;
const P_FREEING: i32 = 2;
const CHUNK = 256;
// Blank and zero checks read this much per board call (a quarter of a 4096-byte page).
const WIDE = 1024;

/** What mount found and repaired; images log it, tests read it. */
export class MountReport {
  records: i32 = 0;
  scrubbed: i32 = 0;      // torn, superseded or corrupt records scrubbed at mount
  erasedPages: i32 = 0;   // pages whose erase or opening power had cut short
  resumedCollection: bool = false;
  rolledForward: i32 = 0; // members of a committed transaction completed at mount
}

export class RecordStore {
  private pageSize: i32 = 0;
  private pageCount: i32 = 0;
  private state: StaticArray<i32> = new StaticArray<i32>(0);
  private pageSeq: StaticArray<u32> = new StaticArray<u32>(0);
  private pageEnd: StaticArray<i32> = new StaticArray<i32>(0);
  private index: RecordIndex = new RecordIndex();
  private nextSeq: u32 = 1;
  private maxPageSeq: u32 = 0;
  private active: i32 = -1;
  private hdr: Uint8Array = new Uint8Array(REC_HEADER);
  private chunk: Uint8Array = new Uint8Array(CHUNK);
  private zeros: Uint8Array = new Uint8Array(CHUNK);
  /** A record's data on its way to the active page in collect(): grown to the largest one moved. */
  private moved: Uint8Array = new Uint8Array(0);
  private wide: Uint8Array = new Uint8Array(WIDE);
  private one: Uint8Array = new Uint8Array(1);
  private commits: u32[] = [];          // at mount: first seq, member count of each commit record
  private pending: Entry[] = [];        // at mount: claimed transaction members (page: pageOf(addr))
  mounted: bool = false;
  report: MountReport = new MountReport();

  // ---------------------------------------------------------------- mount

  mount(): i32 {
    this.mounted = false;
    this.report = new MountReport();
    this.index.clear();
    this.nextSeq = 1;
    this.maxPageSeq = 0;
    this.active = -1;
    this.pageSize = board.flashPageSize();
    this.pageCount = board.flashPageCount();
    if (this.pageCount < 3 || this.pageSize < 512 || (this.pageSize & 3) != 0) return E_INVAL;
    const n = this.pageCount;
    this.state = new StaticArray<i32>(n);
    this.pageSeq = new StaticArray<u32>(n);
    this.pageEnd = new StaticArray<i32>(n);

    for (let p = 0; p < n; p++) {
      const rc = this.readPageHeader(p);
      if (rc < 0) return rc;
    }
    this.commits = [];
    this.pending = [];
    this.walkPages(false);
    const rf = this.rollForward();
    if (rf < 0) return rf;
    this.walkPages(true);
    this.active = this.newestInUse();
    if (this.active < 0) {
      const rc = this.openPage();
      if (rc < 0) return rc;
    }
    for (let p = 0; p < n; p++) {
      if (this.state[p] == P_FREEING) {
        this.report.resumedCollection = true;
        // If it cannot finish now, the page stays readable and is collected first next time.
        this.collect(p);
      }
    }
    this.report.records = this.count();
    this.mounted = true;
    return OK;
  }

  private readPageHeader(p: i32): i32 {
    const h = this.hdr;
    if (board.flashRead(p * this.pageSize, h, 0, PAGE_HEADER) < 0) return E_IO;
    if (getU32LE(h, 0) == PAGE_MAGIC && getU32LE(h, 8) == crc32(h, 0, 8)) {
      this.state[p] = h[PAGE_STATE_OFF] == PAGE_FREEING ? P_FREEING : P_USED;
      const seq = getU32LE(h, 4);
      this.pageSeq[p] = seq;
      if (seq > this.maxPageSeq) this.maxPageSeq = seq;
      return OK;
    }
    this.state[p] = P_FREE;
    if (!this.isBlank(p * this.pageSize, this.pageSize)) {
      if (board.flashErase(p) < 0) return E_IO;
      this.report.erasedPages++;
    }
    return OK;
  }

  /** Walks every page in use; the first pass also notes where each page's records end. */
  private walkPages(scrubPass: bool): void {
    for (let p = 0; p < this.pageCount; p++) {
      if (this.state[p] == P_FREE) continue;
      const end = this.walk(p, scrubPass);
      if (!scrubPass) this.pageEnd[p] = end;
    }
  }

  /** Walks a page's records. First pass indexes them; second pass scrubs what must
   *  not stay. Returns the offset where appending may continue (page size = closed). */
  private walk(p: i32, scrubPass: bool): i32 {
    const base = p * this.pageSize;
    const h = this.hdr;
    let off = PAGE_HEADER;
    while (off + REC_HEADER <= this.pageSize) {
      const addr = base + off;
      if (board.flashRead(addr, h, 0, REC_HEADER) < 0) return this.pageSize;
      const st = h[0];
      if (st == REC_FREE) return this.allFF(h, REC_HEADER) ? off : this.pageSize;
      if (getU32LE(h, 12) != crc32(h, 1, 11)) {
        // Claimed but its header never completed: power failed before any data was
        // written, so the slot is exactly one header long.
        if (st == REC_CLAIMED) { off += REC_HEADER; continue; }
        // Any other bad header tells us nothing about where the next record starts.
        return this.pageSize;
      }
      const key = getU16LE(h, 2);
      const seq = getU32LE(h, 4);
      const len = <i32>getU16LE(h, 8);
      const dcrc = getU32LE(h, 16);
      const tomb = (h[1] & FLAG_TOMBSTONE) != 0;
      const size = recordSize(len);
      if (off + size > this.pageSize) return this.pageSize;
      if (seq >= this.nextSeq) this.nextSeq = seq + 1;
      if (!scrubPass) {
        const flags = h[1];
        // A transaction member: claimed, and valid only if its commit record is found.
        const member = st == REC_CLAIMED && (flags & FLAG_TXN) != 0 && key != KEY_NONE;
        if ((st == REC_COMMITTED || member) && this.dataCrc(addr + REC_HEADER, len) == dcrc) {
          if (member) this.pending.push(new Entry(key, seq, addr, len, tomb));
          else if (key != KEY_NONE) this.consider(key, seq, addr, len, tomb, p);
          else if ((flags & FLAG_COMMIT) != 0 && len == TXN_COMMIT_LEN) this.noteCommit(addr);
        }
      } else {
        // What must not stay: a scrubbed record with bytes left, and any other record but
        // the newest committed one of its key (or its copy on a page being collected).
        let dirty: bool;
        if (st == REC_SCRUBBED) dirty = !this.isZero(addr + REC_HEADER, align4(len));
        else {
          const e = st == REC_COMMITTED ? this.index.find(key) : null;
          dirty = e === null || !(e.seq == seq && (e.addr == addr || this.state[p] == P_FREEING)
            && this.dataCrc(addr + REC_HEADER, len) == dcrc);
        }
        if (dirty) { this.scrub(addr, len); this.report.scrubbed++; }
      }
      off += size;
    }
    return this.pageSize;
  }

  private noteCommit(addr: i32): void {
    if (board.flashRead(addr + REC_HEADER, this.chunk, 0, TXN_COMMIT_LEN) < 0) return;
    this.commits.push(getU32LE(this.chunk, 0));
    this.commits.push(getU32LE(this.chunk, 4));
  }

  /** Completes every transaction whose commit record is durable: its claimed members
   *  become committed records. Members of a transaction without one stay claimed and are
   *  scrubbed as torn writes. The commit records themselves are scrubbed afterwards. */
  private rollForward(): i32 {
    for (let i = 0; i < this.pending.length; i++) {
      const m = this.pending[i];
      let committed = false;
      for (let c = 0; c < this.commits.length; c += 2) {
        if (m.seq >= this.commits[c] && m.seq - this.commits[c] < this.commits[c + 1]) { committed = true; break; }
      }
      if (!committed) continue;
      if (this.writeByte(m.addr, REC_COMMITTED) < 0) return E_IO;
      this.consider(m.key, m.seq, m.addr, m.len, m.tomb, this.pageOf(m.addr));
      this.report.rolledForward++;
    }
    this.pending = [];
    this.commits = [];
    return OK;
  }

  private consider(key: u32, seq: u32, addr: i32, len: i32, tomb: bool, p: i32): void {
    const e = this.index.find(key);
    if (e === null) { this.index.add(new Entry(key, seq, addr, len, tomb)); return; }
    // A copy made by an unfinished collection has the same seq: prefer the one that stays.
    const better = seq > e.seq || (seq == e.seq && this.state[this.pageOf(e.addr)] == P_FREEING && this.state[p] != P_FREEING);
    if (better) e.move(seq, addr, len, tomb);
  }

  // ---------------------------------------------------------------- reads

  has(key: u32): bool { return this.live(key) !== null; }

  /** The key's entry unless absent or removed (a tombstone). */
  private live(key: u32): Entry | null {
    const e = this.index.find(key);
    return e === null || e.tomb ? null : e;
  }

  /** The value, or null if absent or if its bytes no longer match their CRC. */
  get(key: u32): Uint8Array | null {
    const e = this.live(key);
    if (e === null) return null;
    const out = new Uint8Array(e.len);
    return this.readValue(e, out) ? out : null;
  }

  /** The value read into `out` from 0, allocating nothing: its length, or E_NOTFOUND
   *  (absent), E_RANGE (`out` too short) or E_IO (unreadable, or its bytes no longer
   *  match their CRC). For values read many at a time, whose copies would otherwise all
   *  stay garbage until the event ends (the heap is a fixed arena: board/heap.ts). */
  readInto(key: u32, out: Uint8Array): i32 {
    const e = this.live(key);
    if (e === null) return E_NOTFOUND;
    if (e.len > out.length) return E_RANGE;
    return this.readValue(e, out) ? e.len : E_IO;
  }

  private readValue(e: Entry, out: Uint8Array): bool {
    if (e.len > 0 && board.flashRead(e.addr + REC_HEADER, out, 0, e.len) < 0) return false;
    if (board.flashRead(e.addr, this.hdr, 0, REC_HEADER) < 0) return false;
    return crc32(out, 0, e.len) == getU32LE(this.hdr, 16);
  }

  keys(): u32[] {
    const all = this.index.entries;
    const live: u32[] = [];   // a literal: new Array<u32>() would bring the constructor into the image
    for (let i = 0, n = all.length; i < n; i++) {
      const e = unchecked(all[i]);
      if (!e.tomb) live.push(e.key);
    }
    return live;
  }

  count(): i32 { return this.keys().length; }

  // ---------------------------------------------------------------- writes

  /** Writes a key's new value. Returns OK once it is durable; the old value's bytes are
   *  then scrubbed. */
  put(key: u32, data: Uint8Array): i32 {
    if (!this.mounted) return E_IO;
    if (key >= KEY_NONE) return E_INVAL;
    const size = recordSize(data.length);
    if (size > this.pageSize - PAGE_HEADER) return E_RANGE;
    const e = this.live(key);
    const old = e === null ? 0 : recordSize(e.len);
    if (this.liveBytes(-1) - old + size > this.capacity()) return E_NOSPACE;
    return this.append(key, 0, data);
  }

  /** Removes a key: a tombstone, then the old value's bytes are scrubbed. */
  remove(key: u32): i32 {
    if (!this.mounted) return E_IO;
    if (!this.has(key)) return OK;
    return this.append(key, FLAG_TOMBSTONE, new Uint8Array(0));
  }

  /** A new transaction on this store; see RecordTransaction. */
  begin(): RecordTransaction { return new RecordTransaction(this); }

  /** The most a transaction's records (with their headers) may take: they and the commit
   *  record are written on one page, so that no page collection runs in between. */
  maxTransactionBytes(): i32 { return this.pageSize - PAGE_HEADER - recordSize(TXN_COMMIT_LEN); }

  /** Writes a transaction (FORMAT.md, "Transactions"). */
  commitTransaction(t: RecordTransaction): i32 {
    if (t.done) return E_STATE;
    if (!this.mounted) { t.discard(); return E_IO; }
    if (t.error < 0) { const e = t.error; t.discard(); return e; }
    // What changes: removals of absent keys change nothing.
    const todo: Change[] = [];
    let bytes = 0, growth = 0;
    for (let i = 0; i < t.changes.length; i++) {
      const c = t.changes[i];
      const e = this.live(c.key);
      if (c.tomb && e === null) continue;
      todo.push(c);
      const size = recordSize(c.value.length);
      bytes += size;
      if (e !== null) growth -= recordSize(e.len);
      if (!c.tomb) growth += size;
    }
    let rc = OK;
    if (todo.length == 0) rc = OK;
    else if (bytes > this.maxTransactionBytes()) rc = E_RANGE;
    else if (this.liveBytes(-1) + growth > this.capacity()) rc = E_NOSPACE;
    else rc = this.writeTransaction(todo, bytes + recordSize(TXN_COMMIT_LEN));
    t.discard();
    return rc;
  }

  private writeTransaction(todo: Change[], total: i32): i32 {
    const room = this.makeRoom(total);
    if (room < 0) return room;
    const first = this.nextSeq;
    const n = todo.length;
    for (let i = 0; i < n; i++) {
      const m = todo[i];
      const addr = this.writeAtEnd(m.key, FLAG_TXN | (m.tomb ? FLAG_TOMBSTONE : 0), this.nextSeq++, m.value, m.value.length, false);
      if (addr < 0) return addr;
      m.addr = addr;
    }
    const c = new Uint8Array(TXN_COMMIT_LEN);
    putU32LE(c, 0, first);
    putU32LE(c, 4, <u32>n);
    const commitAddr = this.writeAtEnd(KEY_NONE, FLAG_COMMIT, this.nextSeq++, c, c.length, true);
    if (commitAddr < 0) return commitAddr;
    // Durable from here on: a power cut now ends in the whole transaction at mount.
    for (let i = 0; i < n; i++) {
      const m = todo[i];
      const seq = first + <u32>i, len = m.value.length;
      const o = this.index.find(m.key);
      if (o === null) this.index.add(new Entry(m.key, seq, m.addr, len, m.tomb));
      else { m.oldAddr = o.addr; m.oldLen = o.len; o.move(seq, m.addr, len, m.tomb); }
    }
    let rc = OK;
    for (let i = 0; i < n && rc == OK; i++) rc = this.writeByte(todo[i].addr, REC_COMMITTED);
    for (let i = 0; i < n && rc == OK; i++) if (todo[i].oldAddr >= 0) rc = this.scrub(todo[i].oldAddr, todo[i].oldLen);
    if (rc == OK) rc = this.scrub(commitAddr, TXN_COMMIT_LEN);
    return rc;
  }

  /** Live bytes the store accepts: half of all pages but the two kept for collection. */
  private capacity(): i32 { return (this.pageCount - 2) * (this.pageSize - PAGE_HEADER) / 2; }

  private append(key: u32, flags: u8, data: Uint8Array): i32 {
    const rc = this.makeRoom(recordSize(data.length));
    if (rc < 0) return rc;
    const seq = this.nextSeq++;
    const addr = this.writeAtEnd(key, flags, seq, data, data.length, true);
    if (addr < 0) return addr;
    const tomb = (flags & FLAG_TOMBSTONE) != 0;
    const e = this.index.find(key);
    if (e !== null) {
      const oldAddr = e.addr, oldLen = e.len;
      e.move(seq, addr, data.length, tomb);
      return this.scrub(oldAddr, oldLen);
    }
    this.index.add(new Entry(key, seq, addr, data.length, tomb));
    return OK;
  }

  /** Writes a record (the first `len` bytes of `data`) at the end of the active page,
   *  committed or (a transaction member) left claimed, and moves the end past it: its
   *  address, or E_IO. */
  private writeAtEnd(key: u32, flags: u8, seq: u32, data: Uint8Array, len: i32, commit: bool): i32 {
    const addr = this.active * this.pageSize + this.pageEnd[this.active];
    // Step 4 of a record write, unless a transaction's commit record does it later.
    if (this.writeClaimed(addr, key, flags, seq, data, len) < 0 || (commit && this.writeByte(addr, REC_COMMITTED) < 0)) return E_IO;
    this.pageEnd[this.active] += recordSize(len);
    return addr;
  }

  /** Steps 1-3 of a record write: claim, header, data. The record stays claimed. */
  private writeClaimed(addr: i32, key: u32, flags: u8, seq: u32, data: Uint8Array, len: i32): i32 {
    const h = this.hdr;
    if (this.writeByte(addr, REC_CLAIMED) < 0) return E_IO;
    h[0] = REC_CLAIMED;
    h[1] = flags;
    putU16LE(h, 2, key);
    putU32LE(h, 4, seq);
    putU16LE(h, 8, <u32>len);
    putU16LE(h, 10, 0xffff);
    putU32LE(h, 12, crc32(h, 1, 11));
    putU32LE(h, 16, crc32(data, 0, len));
    if (board.flashWrite(addr + 1, h, 1, REC_HEADER - 1) < 0) return E_IO;
    if (len > 0 && board.flashWrite(addr + REC_HEADER, data, 0, len) < 0) return E_IO;
    return OK;
  }

  /** Zeroes a record's data, then marks it scrubbed. Safe to repeat after a power cut. */
  private scrub(addr: i32, len: i32): i32 {
    const n = align4(len);
    for (let done = 0; done < n; done += CHUNK) {
      if (board.flashWrite(addr + REC_HEADER + done, this.zeros, 0, min(CHUNK, n - done)) < 0) return E_IO;
    }
    return this.writeByte(addr, REC_SCRUBBED);
  }

  // ---------------------------------------------------------------- pages

  private makeRoom(size: i32): i32 {
    for (let iter = 0; iter < 2 * this.pageCount + 2; iter++) {
      if (this.pageEnd[this.active] + size <= this.pageSize) return OK;
      const free = this.freeCount();
      if (free > 0) {
        const rc = this.openPage();
        if (rc < 0) return rc;
        // One page is always kept free so the oldest page can be collected into it.
        if (free > 1) continue;
      }
      const victim = this.oldestInUse();
      if (victim < 0 || this.liveBytes(victim) > this.pageSize - this.pageEnd[this.active]) return E_NOSPACE;
      const rc = this.collect(victim);
      if (rc < 0) return rc;
    }
    return E_NOSPACE;
  }

  /** Moves a page's live records to the active page, then erases it. Tombstones are
   *  dropped: every older copy of their key was scrubbed when they were written. */
  private collect(victim: i32): i32 {
    if (this.state[victim] != P_FREEING) {
      if (this.writeByte(victim * this.pageSize + PAGE_STATE_OFF, PAGE_FREEING) < 0) return E_IO;
      this.state[victim] = P_FREEING;
    }
    // Walked by position: only the current entry is ever removed, so the walk sees every
    // entry once, in index order.
    const all = this.index.entries;
    for (let i = 0; i < all.length; i++) {
      const e = unchecked(all[i]);
      if (this.pageOf(e.addr) != victim) continue;
      if (e.tomb) { this.index.removeAt(i--); continue; }
      const size = recordSize(e.len);
      // openPage refuses (E_NOSPACE, writing nothing) when no page is free.
      if (this.pageEnd[this.active] + size > this.pageSize) {
        const rc = this.openPage();
        if (rc < 0) return rc;
      }
      // One buffer for every record moved: a new one each would leave a page's worth of
      // garbage in the call that filled the page (a boot's outbox write among them), and
      // nothing collects inside a call (board/heap.ts).
      if (e.len > this.moved.length) this.moved = new Uint8Array(e.len);
      const data = this.moved;
      const read = e.len == 0 || board.flashRead(e.addr + REC_HEADER, data, 0, e.len) >= 0;
      const addr = read ? this.writeAtEnd(e.key, 0, e.seq, data, e.len, true) : E_IO;
      // The buffer stays: no record's bytes stay in it.
      wipe(data);
      if (addr < 0) return addr;
      e.addr = addr;
    }
    if (board.flashErase(victim) < 0) return E_IO;
    this.state[victim] = P_FREE;
    this.pageEnd[victim] = 0;
    return OK;
  }

  /** Opens the next free page in ring order after the active one. */
  private openPage(): i32 {
    let p = -1;
    for (let i = 1; i <= this.pageCount; i++) {
      const c = (max(this.active, 0) + i) % this.pageCount;
      if (this.state[c] == P_FREE) { p = c; break; }
    }
    if (p < 0) return E_NOSPACE;
    const h = this.hdr;
    putU32LE(h, 0, PAGE_MAGIC);
    putU32LE(h, 4, ++this.maxPageSeq);
    putU32LE(h, 8, crc32(h, 0, 8));
    if (board.flashWrite(p * this.pageSize, h, 0, 12) < 0) return E_IO;
    this.state[p] = P_USED;
    this.pageSeq[p] = this.maxPageSeq;
    this.pageEnd[p] = PAGE_HEADER;
    this.active = p;
    return OK;
  }

  private newestInUse(): i32 {
    let best = -1;
    for (let p = 0; p < this.pageCount; p++) {
      if (this.state[p] == P_USED && (best < 0 || this.pageSeq[p] > this.pageSeq[best])) best = p;
    }
    return best;
  }

  private oldestInUse(): i32 {
    let best = -1;
    for (let p = 0; p < this.pageCount; p++) {
      if (p == this.active || this.state[p] == P_FREE) continue;
      // A collection left unfinished goes first.
      if (this.state[p] == P_FREEING) return p;
      if (best < 0 || this.pageSeq[p] < this.pageSeq[best]) best = p;
    }
    return best;
  }

  private freeCount(): i32 {
    let n = 0;
    for (let p = 0; p < this.pageCount; p++) if (this.state[p] == P_FREE) n++;
    return n;
  }

  /** Bytes of live records, in one page or (page < 0) in the whole store. */
  private liveBytes(page: i32): i32 {
    const all = this.index.entries;
    let n = 0;
    for (let i = 0, c = all.length; i < c; i++) {
      const e = unchecked(all[i]);
      if (!e.tomb && (page < 0 || this.pageOf(e.addr) == page)) n += recordSize(e.len);
    }
    return n;
  }

  @inline private pageOf(addr: i32): i32 { return addr / this.pageSize; }

  // ---------------------------------------------------------------- flash helpers

  private writeByte(addr: i32, v: u8): i32 {
    this.one[0] = v;
    return board.flashWrite(addr, this.one, 0, 1) < 0 ? E_IO : OK;
  }

  private dataCrc(addr: i32, len: i32): u32 {
    let c: u32 = 0;
    for (let done = 0; done < len; done += CHUNK) {
      const n = min(CHUNK, len - done);
      // An unreadable range gets a CRC no stored record can match (crc32 of nothing is 0).
      if (board.flashRead(addr + done, this.chunk, 0, n) < 0) return 0xffffffff;
      c = crc32Update(c, this.chunk, 0, n);
    }
    return c;
  }

  private isBlank(addr: i32, len: i32): bool { return this.allBytes(addr, len, true); }
  private isZero(addr: i32, len: i32): bool { return this.allBytes(addr, len, false); }

  /** Whether flash [addr, addr+len) is all 0xFF (ones) or all 0x00. Reads WIDE bytes per
   *  board call and folds 64 bytes per loop pass with eight u64 loads: under an
   *  interpreter a byte-wise loop costs about 1,600 instructions a byte, and mount checks
   *  every free page this way. One loop serves both patterns: each word XOR the pattern
   *  is zero exactly when the word is the pattern. */
  private allBytes(addr: i32, len: i32, ones: bool): bool {
    const buf = this.wide.dataStart;
    const pat: u64 = ones ? u64.MAX_VALUE : 0;
    for (let done = 0; done < len; done += WIDE) {
      const n = min(WIDE, len - done);
      if (board.flashRead(addr + done, this.wide, 0, n) < 0) return false;
      const end = buf + <usize>(n & ~63);
      let p = buf;
      let acc: u64 = 0;
      for (; p < end; p += 64) {
        acc |= (load<u64>(p) ^ pat) | (load<u64>(p, 8) ^ pat) | (load<u64>(p, 16) ^ pat) | (load<u64>(p, 24) ^ pat)
          | (load<u64>(p, 32) ^ pat) | (load<u64>(p, 40) ^ pat) | (load<u64>(p, 48) ^ pat) | (load<u64>(p, 56) ^ pat);
      }
      for (; p < buf + <usize>n; p++) acc |= <u64>load<u8>(p) ^ (pat & 0xff);
      if (acc != 0) return false;
    }
    return true;
  }

  private allFF(b: Uint8Array, n: i32): bool {
    for (let i = 0; i < n; i++) if (b[i] != 0xff) return false;
    return true;
  }
}
