// The device's outbox in flash: messages that must reach the cloud (usage history,
// command replies), numbered with a sequence number per registration and kept until the
// cloud acknowledges them ({"ack":n} on the down topic: everything up to n is stored).
// Entries are compact binary, many per flash record ("chunk"), so a day of history fits
// the partition; PROTOCOL.md §2 gives the figures and the overflow policy.
//
// Chunk record (BYTES): first seq u32 LE, then entries `kind u8 | len u8 | body`, with
// consecutive sequence numbers. Appending rewrites the newest chunk (one atomic record
// write), so a power cut keeps either the old or the new chunk.
import * as board from "../../board/index";
import { getU32LE, putU32LE, slice } from "../../core/codecs/bytes";
import { OK, E_NOSPACE, E_RANGE } from "../../core/errors";
import { CredentialStore } from "../credential-store/index";
import { ValueType, READ_INTO_SLACK } from "../credential-store/index";

// Registration-class records: erased with the registration they belong to.
/** u32: every seq up to this one is acknowledged. Written before acknowledged chunks are
 *  removed, so the numbering never restarts below what the cloud already holds. */
const FLOOR: u32 = 0x0206;
/** count u32 | gap seq u32: messages dropped because the outbox was full (or could not
 *  be written), to be reported by a gap entry that will get `gap seq`. */
const DROPPED: u32 = 0x0207;
const FIRST_CHUNK: u32 = 0x0220;
export const MAX_CHUNKS: i32 = 40;
/** Entry bytes per chunk: with its 4-byte header a chunk stays within the credential
 *  store's 512-byte value. */
export const CHUNK_BYTES: i32 = 500;
/** Entry kind reserved by the outbox: body u32 LE = how many messages were dropped. */
export const GAP: u8 = 0;

export class OutboxEntry {
  constructor(public seq: u32, public kind: u8, public body: Uint8Array) {}
}

class Chunk {
  constructor(public key: u32, public first: u32, public count: u32, public bytes: i32) {}
  get lastSeq(): u32 { return this.first + this.count - 1; }
}

export class Outbox {
  /** Acknowledged floor as stored in flash. */
  floor: u32 = 0;
  /** Messages dropped and not yet reported by a gap entry. */
  dropped: u32 = 0;
  private gapSeq: u32 = 0;
  private chunks: Chunk[] = [];   // oldest first
  private lastKey: u32 = FIRST_CHUNK + <u32>MAX_CHUNKS - 1;
  /** Every chunk is read into this one buffer: reading all of them at boot, or eight for
   *  a resend, would otherwise leave a copy of each as garbage until the call ends (the
   *  heap is a fixed arena: board/heap.ts). */
  private chunk: Uint8Array = new Uint8Array(4 + CHUNK_BYTES + READ_INTO_SLACK);

  constructor(private store: CredentialStore) {}

  /** Reads the outbox after boot or a new registration; finishes a clean-up that a power
   *  cut interrupted (acknowledged chunks still there, a gap already written). */
  load(): void {
    this.chunks = [];
    this.floor = 0;
    this.dropped = 0;
    const f = this.store.getTyped(FLOOR, ValueType.U32);
    if (f !== null && f.length == 4) this.floor = getU32LE(f, 0);
    for (let i: u32 = 0; i < <u32>MAX_CHUNKS; i++) {
      const key = FIRST_CHUNK + i;
      const n = this.store.readInto(key, ValueType.BYTES, this.chunk);
      if (n < 4) continue;
      const c = new Chunk(key, getU32LE(this.chunk, 0), 0, n - 4);
      c.count = <u32>~seek(this.chunk, n, -1);
      if (c.count == 0 || c.lastSeq <= this.floor) { this.store.erase(key); continue; }
      this.insert(c);
    }
    if (this.chunks.length > 0) this.lastKey = this.chunks[this.chunks.length - 1].key;
    const d = this.store.getTyped(DROPPED, ValueType.BYTES);
    if (d !== null && d.length == 8) {
      this.dropped = getU32LE(d, 0);
      this.gapSeq = getU32LE(d, 4);
      if (this.last >= this.gapSeq) { this.dropped = 0; this.store.erase(DROPPED); }
    }
  }

  /** The highest sequence number given out (0 before the first message). */
  get last(): u32 {
    return this.chunks.length == 0 ? this.floor : max(this.floor, this.chunks[this.chunks.length - 1].lastSeq);
  }

  /** The oldest sequence number still held, or 0 when empty. */
  get first(): u32 { return this.chunks.length == 0 ? 0 : max(this.floor + 1, this.chunks[0].first); }

  get chunkCount(): i32 { return this.chunks.length; }

  /** Stores a message and returns its sequence number, or a negative error when it could
   *  not be stored: it is then counted as dropped, and a gap entry reports it before the
   *  next message that fits. */
  append(kind: u8, body: Uint8Array): i64 {
    if (this.dropped > 0) {
      const b = new Uint8Array(4);
      putU32LE(b, 0, this.dropped);
      const gap = this.appendRaw(GAP, b);
      if (gap < 0) return this.drop(gap);
      this.dropped = 0;
      // The gap is in flash; a stale DROPPED record is recognised by its gap seq at load.
      this.store.erase(DROPPED);
    }
    const seq = this.appendRaw(kind, body);
    return seq < 0 ? this.drop(seq) : seq;
  }

  /** Stores a message whose producer keeps its own copy and offers it again later (the
   *  metering module's readings): when storing it would leave fewer than `reserve` chunks
   *  free, it is refused with E_NOSPACE and NOT counted as dropped (no gap: nothing was
   *  lost), so the room left stays for messages that have no other copy (replies, reports). */
  offer(kind: u8, body: Uint8Array, reserve: i32): i64 {
    const n = this.chunks.length;
    const tail = n > 0 ? this.chunks[n - 1] : null;
    const intoTail = this.dropped == 0 && tail !== null && tail!.lastSeq == this.last
      && tail!.bytes + 2 + body.length <= CHUNK_BYTES;
    // Not even into the newest chunk once an append has opened one in the reserve.
    if (n > MAX_CHUNKS - reserve) return E_NOSPACE;
    if (!intoTail && n + 1 + (this.dropped > 0 ? 1 : 0) > MAX_CHUNKS - reserve) return E_NOSPACE;
    return this.append(kind, body);
  }

  /** The stored message with this sequence number, or null. */
  entry(seq: u32): OutboxEntry | null {
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (seq < c.first || seq > c.lastSeq) continue;
      const v = this.chunk;
      const n = this.store.readInto(c.key, ValueType.BYTES, v);
      if (n < 0) return null;
      const at = seek(v, n, <i32>(seq - c.first));
      return at < 0 ? null : new OutboxEntry(seq, v[at], slice(v, at + 2, <i32>v[at + 1]));
    }
    return null;
  }

  /** The cloud holds everything up to n: chunks entirely at or below n leave flash, after
   *  the floor has moved past them. Returns the error of a failed write. */
  acknowledge(n: u32): i32 {
    let drop = 0;
    let floor = this.floor;
    while (drop < this.chunks.length && this.chunks[drop].lastSeq <= n) { floor = this.chunks[drop].lastSeq; drop++; }
    if (drop == 0) return OK;
    // Order matters: the floor first. Removing the chunks first would, after a power cut
    // between the two, restart the numbering below what the cloud has acknowledged, and
    // the cloud would take the new messages for resends.
    const rc = this.store.putU32(FLOOR, floor, 0);
    if (rc < 0) return rc;
    this.floor = floor;
    for (let i = 0; i < drop; i++) {
      const r = this.store.erase(this.chunks[0].key);
      if (r < 0) return r;   // left for the next acknowledgement or boot
      this.chunks.shift();
    }
    return OK;
  }

  /** RAM only: the registration (and with it the outbox) was erased. */
  forget(): void { this.chunks = []; this.floor = 0; this.dropped = 0; }

  private appendRaw(kind: u8, body: Uint8Array): i64 {
    if (body.length > 255 || 2 + body.length > CHUNK_BYTES) return E_RANGE;
    const seq = this.last + 1;
    const n = this.chunks.length;
    const tail = n > 0 ? this.chunks[n - 1] : null;
    let rec: Uint8Array;
    let key: u32;
    if (tail !== null && tail.lastSeq + 1 == seq && tail.bytes + 2 + body.length <= CHUNK_BYTES) {
      const n = this.store.readInto(tail.key, ValueType.BYTES, this.chunk);
      if (n < 0) return this.store.lastError < 0 ? this.store.lastError : E_NOSPACE;
      rec = new Uint8Array(n + 2 + body.length);
      memory.copy(rec.dataStart, this.chunk.dataStart, n);
      key = tail.key;
    } else {
      if (n >= MAX_CHUNKS) return E_NOSPACE;
      rec = new Uint8Array(4 + 2 + body.length);
      putU32LE(rec, 0, seq);
      key = this.freeKey();
    }
    const at = rec.length - 2 - body.length;
    rec[at] = kind;
    rec[at + 1] = <u8>body.length;
    rec.set(body, at + 2);
    const rc = this.store.put(key, ValueType.BYTES, 0, rec);
    if (rc < 0) return rc;
    if (tail !== null && key == tail.key) { tail.count++; tail.bytes = rec.length - 4; }
    else { this.chunks.push(new Chunk(key, seq, 1, rec.length - 4)); this.lastKey = key; }
    return seq;
  }

  /** Counts a message that could not be stored; the count is kept in flash so a power
   *  cut does not hide the loss. */
  private drop(rc: i64): i64 {
    if (this.dropped == 0) this.gapSeq = this.last + 1;
    this.dropped++;
    const b = new Uint8Array(8);
    putU32LE(b, 0, this.dropped);
    putU32LE(b, 4, this.gapSeq);
    const w = this.store.put(DROPPED, ValueType.BYTES, 0, b);
    const line = board.compose().add("outbox full or not writable (").num(rc).add("): ").num(this.dropped).add(" message(s) dropped");
    if (w < 0) line.add(", count not saved (").num(w).add(")");
    line.error();
    return rc;
  }

  private freeKey(): u32 {
    let k = this.lastKey;
    for (let i = 0; i < MAX_CHUNKS; i++) {
      k = k + 1 >= FIRST_CHUNK + <u32>MAX_CHUNKS ? FIRST_CHUNK : k + 1;
      if (!this.inUse(k)) return k;
    }
    return FIRST_CHUNK;
  }

  private inUse(key: u32): bool {
    for (let i = 0; i < this.chunks.length; i++) if (this.chunks[i].key == key) return true;
    return false;
  }

  private insert(c: Chunk): void {
    this.chunks.push(c);
    for (let i = this.chunks.length - 1; i > 0 && this.chunks[i - 1].first > c.first; i--) {
      this.chunks[i] = this.chunks[i - 1];
      this.chunks[i - 1] = c;
    }
  }
}

/** Where entry `k` (0 the first) of a chunk's first `length` bytes starts, or when it is
 *  not there whole, ~(how many entries before it are): seek(v, length, -1) counts them. */
function seek(v: Uint8Array, length: i32, k: i32): i32 {
  let n = 0;
  let at = 4;
  while (at + 2 <= length) {
    const next = at + 2 + <i32>v[at + 1];
    if (next > length) break;
    if (n == k) return at;
    at = next;
    n++;
  }
  return ~n;
}
