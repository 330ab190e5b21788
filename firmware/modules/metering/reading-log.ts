// The measurement log in RAM: the last `capacity` readings, numbered by mseq (from 1, never
// restarting), in fixed typed arrays indexed by mseq (each reading's channels side by
// side), and their stored form: chunk records of PER_CHUNK consecutive readings, so that a
// measurement is one atomic record write (the chunk it lands in, rewritten whole) and a
// power cut leaves the old chunk or the new one.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import {
  CHANNEL_BYTES, CHUNK_FORMAT, CHUNK_FORMAT_CHANNELS, CHUNK_HEADER, CHUNK_HEADER_CHANNELS, MeteringRecord, PER_CHUNK,
  READING_BYTES,
} from "./ids";

export class ReadingLog {
  /** The newest reading's mseq (0: none yet). */
  newest: u32 = 0;
  private readonly mseqs: Uint32Array;
  private readonly ends: Uint32Array;
  private readonly qualities: Uint8Array;
  // Each reading's values as `width` words, channel by channel: power W (as u32), energy
  // register Wh, slot Wh. Reading slot s starts at s × width.
  private readonly words: Uint32Array;
  // The next reading's words, set by stage() before encodeWith() and add().
  private readonly next: Uint32Array;
  private readonly width: i32;
  /** Chunk record ids the ring uses: one more than the log needs, for the one being filled. */
  readonly chunks: i32;
  /** Bytes one stored reading takes (17 for one channel, + 12 for each further one). */
  private readonly readingBytes: i32;
  private readonly header: i32;

  constructor(public readonly capacity: i32, public readonly channels: i32 = 1) {
    this.mseqs = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.qualities = new Uint8Array(capacity);
    const w = 3 * channels;
    this.width = w;
    this.words = new Uint32Array(capacity * w);
    this.next = new Uint32Array(w);
    this.chunks = (capacity + PER_CHUNK - 1) / PER_CHUNK + 1;
    this.readingBytes = READING_BYTES + (channels - 1) * CHANNEL_BYTES;
    this.header = channels == 1 ? CHUNK_HEADER : CHUNK_HEADER_CHANNELS;
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

  // Reading `mseq` (has(mseq) first): the slot's end in UTC minutes and the quality bits,
  // and of channel 0 (the meter's one) power W, the energy register Wh (modulo 2^32) and
  // the slot's Wh.
  endMin(mseq: u32): u32 { return this.ends[this.slot(mseq)]; }
  quality(mseq: u32): u8 { return this.qualities[this.slot(mseq)]; }
  power(mseq: u32): i32 { return this.powerAt(mseq, 0); }
  energy(mseq: u32): u32 { return this.energyAt(mseq, 0); }
  slotWh(mseq: u32): u32 { return this.slotWhAt(mseq, 0); }
  // The same of channel `c` (0 ≤ c < channels).
  powerAt(mseq: u32, c: i32): i32 { return <i32>this.word(mseq, 3 * c); }
  energyAt(mseq: u32, c: i32): u32 { return this.word(mseq, 3 * c + 1); }
  slotWhAt(mseq: u32, c: i32): u32 { return this.word(mseq, 3 * c + 2); }

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

  /** Channel `c`'s values of reading newest + 1, for encodeWith() and add(). */
  stage(c: i32, power: i32, energy: u32, slotWh: u32): void {
    const n = this.next;
    n[3 * c] = <u32>power;
    n[3 * c + 1] = energy;
    n[3 * c + 2] = slotWh;
  }

  /** Remembers reading newest + 1 with the staged channel values. */
  add(endMin: u32, quality: u8): void {
    const m = ++this.newest;
    const s = this.slot(m);
    this.mseqs[s] = m;
    this.ends[s] = endMin;
    this.qualities[s] = quality;
    const w = this.width;
    for (let j = 0; j < w; j++) this.words[s * w + j] = this.next[j];
  }

  /** The chunk record id reading `mseq` is stored in. */
  chunkId(mseq: u32): u32 { return MeteringRecord.FIRST_CHUNK + ((mseq - 1) / <u32>PER_CHUNK) % <u32>this.chunks; }

  /** The chunk record as it is after add(endMin, quality) of the staged reading newest + 1,
   *  into `out`: its length. The readings before it in its chunk come from the log
   *  (capacity ≥ PER_CHUNK). One channel: format 1; more: format 2 with their count. */
  encodeWith(out: Uint8Array, endMin: u32, quality: u8): i32 {
    const m = this.newest + 1;
    const first = (m - 1) / <u32>PER_CHUNK * <u32>PER_CHUNK + 1;
    const nc = this.channels;
    out[0] = nc == 1 ? CHUNK_FORMAT : CHUNK_FORMAT_CHANNELS;
    putU32LE(out, 1, first);
    out[5] = <u8>(m - first + 1);
    if (nc > 1) out[6] = <u8>nc;
    let at = this.header;
    const w = this.width;
    for (let k = first; k <= m; k++) {
      const s = this.slot(k);
      // The new reading from the staged words; a reading the log lost (a chunk it could not
      // read) as a FAULT gap.
      const isNew = k == m, held = isNew || this.has(k);
      const src = isNew ? this.next : this.words, base = isNew ? 0 : s * w;
      putU32LE(out, at, isNew ? endMin : held ? this.ends[s] : 0);
      out[at + 16] = isNew ? quality : held ? this.qualities[s] : 8 /* Quality.FAULT */;
      for (let j = 0; j < w; j++) putU32LE(out, wordAt(at, j), held ? src[base + j] : 0);
      at += this.readingBytes;
    }
    return at;
  }

  /** Takes in a chunk record read at boot (its first `len` bytes in `v`): false when it is
   *  not one of this log's channel count. Readings newer than what a slot holds replace
   *  it; the newest mseq follows the newest reading seen. */
  decode(v: Uint8Array, len: i32): bool {
    const nc = this.channels, h = this.header, rb = this.readingBytes;
    if (len < h + rb || len > v.length || v[0] != (nc == 1 ? CHUNK_FORMAT : CHUNK_FORMAT_CHANNELS)) return false;
    if (nc > 1 && <i32>v[6] != nc) return false;
    const first = getU32LE(v, 1);
    const n = <i32>v[5];
    if (first == 0 || (first - 1) % <u32>PER_CHUNK != 0 || n < 1 || n > PER_CHUNK || len != h + n * rb) return false;
    const w = this.width;
    for (let i = 0; i < n; i++) {
      const m = first + <u32>i;
      const at = h + i * rb;
      const s = this.slot(m);
      if (this.mseqs[s] >= m) continue;
      this.mseqs[s] = m;
      this.ends[s] = getU32LE(v, at);
      this.qualities[s] = v[at + 16];
      for (let j = 0; j < w; j++) this.words[s * w + j] = getU32LE(v, wordAt(at, j));
      if (m > this.newest) this.newest = m;
    }
    return true;
  }

  private slot(mseq: u32): i32 { return <i32>((mseq - 1) % <u32>this.capacity); }
  private word(mseq: u32, j: i32): u32 { return this.words[this.slot(mseq) * this.width + j]; }
}

/** Where word j of a stored reading at `at` is: channel 0's three after its end minutes
 *  (then its quality byte), each further channel's after that. */
function wordAt(at: i32, j: i32): i32 { return at + 4 + 4 * j + (j >= 3 ? 1 : 0); }
