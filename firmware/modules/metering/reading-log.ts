// The measurement log in RAM: the last `capacity` readings, numbered by mseq (from 1, never
// restarting), in fixed typed arrays indexed by mseq, and their stored form: chunk records
// of PER_CHUNK consecutive readings, so that a measurement is one atomic record write (the
// chunk it lands in, rewritten whole) and a power cut leaves the old chunk or the new one.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { CHUNK_FORMAT, CHUNK_HEADER, MeteringRecord, PER_CHUNK, READING_BYTES } from "./ids";

export class ReadingLog {
  /** The newest reading's mseq (0: none yet). */
  newest: u32 = 0;
  private readonly mseqs: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly powers: Int32Array;
  private readonly energies: Uint32Array;
  private readonly slots: Uint32Array;
  private readonly qualities: Uint8Array;
  /** Chunk records the ring uses: one more than the log needs, for the one being filled. */
  readonly chunks: i32;

  constructor(public readonly capacity: i32) {
    this.mseqs = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.powers = new Int32Array(capacity);
    this.energies = new Uint32Array(capacity);
    this.slots = new Uint32Array(capacity);
    this.qualities = new Uint8Array(capacity);
    this.chunks = (capacity + PER_CHUNK - 1) / PER_CHUNK + 1;
  }

  clear(): void {
    this.newest = 0;
    for (let i = 0; i < this.capacity; i++) this.mseqs[i] = 0;
  }

  /** The oldest mseq the log may still hold (1 before it first filled). */
  get oldest(): u32 { return this.newest <= <u32>this.capacity ? 1 : this.newest - <u32>this.capacity + 1; }

  /** Whether reading `mseq` is held (a chunk a store error or tampering lost is not). */
  has(mseq: u32): bool {
    return mseq != 0 && mseq <= this.newest && mseq >= this.oldest && this.mseqs[this.slot(mseq)] == mseq;
  }

  // Reading `mseq` (has(mseq) first): the slot's end in UTC minutes, power W, the energy
  // register Wh (modulo 2^32), the slot's Wh and the quality bits.
  endMin(mseq: u32): u32 { return this.ends[this.slot(mseq)]; }
  power(mseq: u32): i32 { return this.powers[this.slot(mseq)]; }
  energy(mseq: u32): u32 { return this.energies[this.slot(mseq)]; }
  slotWh(mseq: u32): u32 { return this.slots[this.slot(mseq)]; }
  quality(mseq: u32): u8 { return this.qualities[this.slot(mseq)]; }

  /** The newest reading's slot end (UTC minutes), or 0 with none. */
  newestEndMin(): u32 { return this.has(this.newest) ? this.endMin(this.newest) : 0; }

  /** The mseq of the reading whose slot ends at `endMin`, or 0. */
  find(endMin: u32): u32 {
    for (let m = this.newest; m >= this.oldest && m > 0; m--) {
      if (!this.has(m)) continue;
      const e = this.endMin(m);
      if (e == endMin) return m;
      if (e < endMin) return 0;
    }
    return 0;
  }

  /** Remembers reading newest + 1. */
  add(endMin: u32, power: i32, energy: u32, slotWh: u32, quality: u8): void {
    this.put(this.newest + 1, endMin, power, energy, slotWh, quality);
    this.newest++;
  }

  /** The chunk record id reading `mseq` is stored in. */
  chunkId(mseq: u32): u32 { return MeteringRecord.FIRST_CHUNK + ((mseq - 1) / <u32>PER_CHUNK) % <u32>this.chunks; }

  /** The chunk record as it is after add(...) of reading newest + 1, into `out`: its
   *  length. The readings before it in its chunk come from the log (capacity ≥ PER_CHUNK). */
  encodeWith(out: Uint8Array, endMin: u32, power: i32, energy: u32, slotWh: u32, quality: u8): i32 {
    const m = this.newest + 1;
    const first = (m - 1) / <u32>PER_CHUNK * <u32>PER_CHUNK + 1;
    out[0] = CHUNK_FORMAT;
    putU32LE(out, 1, first);
    out[5] = <u8>(m - first + 1);
    let at = CHUNK_HEADER;
    for (let k = first; k < m; k++) {
      const s = this.slot(k);
      // A reading the log lost (a chunk it could not read) is stored as a FAULT gap.
      if (this.has(k)) putReading(out, at, this.ends[s], this.powers[s], this.energies[s], this.slots[s], this.qualities[s]);
      else putReading(out, at, 0, 0, 0, 0, 8 /* Quality.FAULT */);
      at += READING_BYTES;
    }
    putReading(out, at, endMin, power, energy, slotWh, quality);
    return at + READING_BYTES;
  }

  /** Takes in a chunk record read at boot: false when it is not one. Readings newer than
   *  what a slot holds replace it; the newest mseq follows the newest reading seen. */
  decode(v: Uint8Array): bool {
    if (v.length < CHUNK_HEADER + READING_BYTES || v[0] != CHUNK_FORMAT) return false;
    const first = getU32LE(v, 1);
    const n = <i32>v[5];
    if (first == 0 || (first - 1) % <u32>PER_CHUNK != 0 || n < 1 || n > PER_CHUNK
      || v.length != CHUNK_HEADER + n * READING_BYTES) return false;
    for (let i = 0; i < n; i++) {
      const m = first + <u32>i;
      const at = CHUNK_HEADER + i * READING_BYTES;
      const s = this.slot(m);
      if (this.mseqs[s] >= m) continue;
      this.put(m, getU32LE(v, at), <i32>getU32LE(v, at + 4), getU32LE(v, at + 8), getU32LE(v, at + 12), v[at + 16]);
      if (m > this.newest) this.newest = m;
    }
    return true;
  }

  private put(m: u32, endMin: u32, power: i32, energy: u32, slotWh: u32, quality: u8): void {
    const s = this.slot(m);
    this.mseqs[s] = m;
    this.ends[s] = endMin;
    this.powers[s] = power;
    this.energies[s] = energy;
    this.slots[s] = slotWh;
    this.qualities[s] = quality;
  }

  private slot(mseq: u32): i32 { return <i32>((mseq - 1) % <u32>this.capacity); }
}

function putReading(out: Uint8Array, at: i32, endMin: u32, power: i32, energy: u32, slotWh: u32, quality: u8): void {
  putU32LE(out, at, endMin);
  putU32LE(out, at + 4, <u32>power);
  putU32LE(out, at + 8, energy);
  putU32LE(out, at + 12, slotWh);
  out[at + 16] = quality;
}
