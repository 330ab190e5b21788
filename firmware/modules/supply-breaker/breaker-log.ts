// The breaker's transitions, the last `capacity` of them, in RAM as in the LOG record:
// a ring of fixed typed arrays (remembering a transition allocates nothing), numbered by
// a seq that counts every transition since manufacture and never restarts, so that the
// receiver of the reports can drop a repeated one.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { ENTRY_BYTES, LOG_HEADER, MAX_LOG, RECORD_FORMAT } from "./records";
import { validTransition } from "./states";

export class BreakerLog {
  count: i32 = 0;
  private head: i32 = 0;   // the oldest entry's slot
  private readonly seqs: Uint32Array;
  private readonly times: Int64Array;
  private readonly froms: Uint8Array;
  private readonly tos: Uint8Array;
  private readonly reasons: Uint8Array;

  constructor(public readonly capacity: i32) {
    this.seqs = new Uint32Array(capacity);
    this.times = new Int64Array(capacity);
    this.froms = new Uint8Array(capacity);
    this.tos = new Uint8Array(capacity);
    this.reasons = new Uint8Array(capacity);
  }

  clear(): void { this.count = 0; this.head = 0; }

  /** The newest entry's seq: how many transitions there were since manufacture (0: none). */
  newestSeq(): u32 { return this.count == 0 ? 0 : this.seqs[this.slot(this.count - 1)]; }
  /** The oldest entry still kept, or 0 when the log is empty. */
  oldestSeq(): u32 { return this.count == 0 ? 0 : this.seqs[this.head]; }

  // Entry i, 0 the oldest.
  seqAt(i: i32): u32 { return this.seqs[this.slot(i)]; }
  timeAt(i: i32): i64 { return this.times[this.slot(i)]; }
  fromAt(i: i32): u8 { return this.froms[this.slot(i)]; }
  toAt(i: i32): u8 { return this.tos[this.slot(i)]; }
  reasonAt(i: i32): u8 { return this.reasons[this.slot(i)]; }

  /** Remembers the next transition (seq = newest + 1); a full log forgets its oldest. */
  add(time: i64, from: u8, to: u8, reason: u8): void {
    const seq = this.newestSeq() + 1;
    let s: i32;
    if (this.count == this.capacity) {
      s = this.head;
      this.head = this.slot(1);
    } else {
      s = this.slot(this.count);
      this.count++;
    }
    this.seqs[s] = seq;
    this.times[s] = time;
    this.froms[s] = from;
    this.tos[s] = to;
    this.reasons[s] = reason;
  }

  /** The LOG record as it would be after add(time, from, to, reason), into `out`
   *  (recordBytes() long): its length. The log itself is unchanged. */
  encodeWith(out: Uint8Array, time: i64, from: u8, to: u8, reason: u8): i32 {
    const keep = this.count == this.capacity ? this.count - 1 : this.count;
    const skip = this.count - keep;
    out[0] = RECORD_FORMAT;
    out[1] = <u8>(keep + 1);
    for (let i = 0; i < keep; i++) this.write(skip + i, out, LOG_HEADER + i * ENTRY_BYTES);
    putEntry(out, LOG_HEADER + keep * ENTRY_BYTES, this.newestSeq() + 1, time, from, to, reason);
    return LOG_HEADER + (keep + 1) * ENTRY_BYTES;
  }

  /** The largest LOG record of this log. */
  recordBytes(): i32 { return LOG_HEADER + this.capacity * ENTRY_BYTES; }

  /** Entry i as the outbox carries it (ENTRY_BYTES at `at`). */
  write(i: i32, out: Uint8Array, at: i32): void {
    const s = this.slot(i);
    putEntry(out, at, this.seqs[s], this.times[s], this.froms[s], this.tos[s], this.reasons[s]);
  }

  /** Reads a LOG record (written by this firmware with any capacity up to MAX_LOG; the
   *  newest `capacity` entries are kept); false, and the log cleared, when it is not one:
   *  no entry, a length that is not the count's, seqs that do not follow each other, or
   *  a transition no call makes. */
  decode(v: Uint8Array): bool {
    this.clear();
    if (v.length < LOG_HEADER || v[0] != RECORD_FORMAT) return false;
    const n = <i32>v[1];
    if (n == 0 || n > MAX_LOG || v.length != LOG_HEADER + n * ENTRY_BYTES) return false;
    const first = getU32LE(v, LOG_HEADER);
    if (first == 0) return false;
    for (let i = 0; i < n; i++) {
      const at = LOG_HEADER + i * ENTRY_BYTES;
      const from = v[at + 12], to = v[at + 13], reason = v[at + 14];
      if (getU32LE(v, at) != first + <u32>i || !validTransition(from, to, reason)) { this.clear(); return false; }
      if (i < n - this.capacity) continue;
      this.add(getI64LE(v, at + 4), from, to, reason);
      this.seqs[this.slot(this.count - 1)] = first + <u32>i;
    }
    return true;
  }

  private slot(i: i32): i32 {
    const s = this.head + i;
    return s >= this.capacity ? s - this.capacity : s;
  }
}

function putEntry(out: Uint8Array, at: i32, seq: u32, time: i64, from: u8, to: u8, reason: u8): void {
  putU32LE(out, at, seq);
  putU32LE(out, at + 4, <u32>time);
  putU32LE(out, at + 8, <u32>(time >>> 32));
  out[at + 12] = from;
  out[at + 13] = to;
  out[at + 14] = reason;
}

function getI64LE(v: Uint8Array, at: i32): i64 {
  return <i64>(<u64>getU32LE(v, at) | (<u64>getU32LE(v, at + 4) << 32));
}
