// Who gets which readings: the delivery lanes and the per-company sequence table, in RAM
// as in the LANES record (one record, so that a lane's mark and its company's next rseq
// always move together: a reading handed again after a power cut gets the same rseq).
//
// A lane is one company's time in one role, [from, to): it owns the readings whose slot
// ends in (from, to], i.e. whose last instant (end − 1 ms) fell while the company was in
// effect. `mark` is the next mseq it has to look at. A company's rseq counts the readings
// handed to it over all its lanes, from 1, and is never reused.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import {
  COMPANY_BYTES, LANES_FORMAT, LANES_HEADER, LANE_BYTES, MAX_COMPANIES, MAX_LANES, OPEN_END,
} from "./ids";

/** A company's flags in the sequence table. */
export namespace CompanyFlag {
  /** A matching confirmation came: its lanes may hand readings. */
  export const CONFIRMED: u8 = 1;
  /** A confirmation did not match: nothing is handed until a later match. */
  export const BLOCKED: u8 = 2;
}

export class Lanes {
  /** Readings that left the log before a lane owning them had handed them. */
  lost: u32 = 0;
  /** The first rseq of a company the table no longer remembers (above every rseq that a
   *  forgotten company was given), so that none is ever reused. */
  rseqFloor: u32 = 1;

  companyCount: i32 = 0;
  readonly companyCodes: Uint32Array = new Uint32Array(MAX_COMPANIES);
  readonly nextRseqs: Uint32Array = new Uint32Array(MAX_COMPANIES);
  readonly flags: Uint8Array = new Uint8Array(MAX_COMPANIES);

  count: i32 = 0;
  readonly codes: Uint32Array = new Uint32Array(MAX_LANES);
  readonly types: Uint32Array = new Uint32Array(MAX_LANES);
  readonly roles: Uint8Array = new Uint8Array(MAX_LANES);
  readonly froms: Int64Array = new Int64Array(MAX_LANES);
  readonly tos: Int64Array = new Int64Array(MAX_LANES);
  readonly marks: Uint32Array = new Uint32Array(MAX_LANES);

  clear(): void { this.lost = 0; this.rseqFloor = 1; this.companyCount = 0; this.count = 0; }

  copyFrom(o: Lanes): void {
    this.lost = o.lost;
    this.rseqFloor = o.rseqFloor;
    this.companyCount = o.companyCount;
    for (let i = 0; i < o.companyCount; i++) {
      this.companyCodes[i] = o.companyCodes[i];
      this.nextRseqs[i] = o.nextRseqs[i];
      this.flags[i] = o.flags[i];
    }
    this.count = o.count;
    for (let i = 0; i < o.count; i++) {
      this.codes[i] = o.codes[i];
      this.types[i] = o.types[i];
      this.roles[i] = o.roles[i];
      this.froms[i] = o.froms[i];
      this.tos[i] = o.tos[i];
      this.marks[i] = o.marks[i];
    }
  }

  // ---------------------------------------------------------------- companies

  /** The company's index in the sequence table, or -1. */
  company(code: u32): i32 {
    for (let i = 0; i < this.companyCount; i++) if (this.companyCodes[i] == code) return i;
    return -1;
  }

  /** The company's index, adding it (rseq from 1, or the floor) when it is new. A full
   *  table forgets a company without a lane, raising the floor above its rseqs. */
  addCompany(code: u32): i32 {
    const i = this.company(code);
    if (i >= 0) return i;
    if (this.companyCount == MAX_COMPANIES) {
      let k = -1;
      for (let j = 0; j < this.companyCount && k < 0; j++) if (this.laneOf(this.companyCodes[j]) < 0) k = j;
      if (k < 0) return -1;
      if (this.nextRseqs[k] > this.rseqFloor) this.rseqFloor = this.nextRseqs[k];
      this.removeCompany(k);
    }
    const n = this.companyCount++;
    this.companyCodes[n] = code;
    this.nextRseqs[n] = this.rseqFloor;
    this.flags[n] = 0;
    return n;
  }

  private removeCompany(k: i32): void {
    for (let j = k + 1; j < this.companyCount; j++) {
      this.companyCodes[j - 1] = this.companyCodes[j];
      this.nextRseqs[j - 1] = this.nextRseqs[j];
      this.flags[j - 1] = this.flags[j];
    }
    this.companyCount--;
  }

  /** Whether the company's lanes may hand: confirmed and not blocked. */
  mayHand(code: u32): bool {
    const i = this.company(code);
    return i >= 0 && (this.flags[i] & (CompanyFlag.CONFIRMED | CompanyFlag.BLOCKED)) == CompanyFlag.CONFIRMED;
  }

  // ---------------------------------------------------------------- lanes

  /** The first lane of `code`, or -1. */
  laneOf(code: u32): i32 {
    for (let i = 0; i < this.count; i++) if (this.codes[i] == code) return i;
    return -1;
  }

  /** The open lane of `role`, or -1. */
  openLane(role: u8): i32 {
    for (let i = 0; i < this.count; i++) if (this.roles[i] == role && this.tos[i] == OPEN_END) return i;
    return -1;
  }

  /** A new open lane at the end (lanes are handed in the order they were opened). False
   *  when MAX_LANES are kept or the company table has no room. */
  open(code: u32, types: u32, role: u8, from: i64, mark: u32): bool {
    if (this.count == MAX_LANES || this.addCompany(code) < 0) return false;
    const n = this.count++;
    this.codes[n] = code;
    this.types[n] = types;
    this.roles[n] = role;
    this.froms[n] = from;
    this.tos[n] = OPEN_END;
    this.marks[n] = mark;
    return true;
  }

  removeLane(k: i32): void {
    for (let j = k + 1; j < this.count; j++) {
      this.codes[j - 1] = this.codes[j];
      this.types[j - 1] = this.types[j];
      this.roles[j - 1] = this.roles[j];
      this.froms[j - 1] = this.froms[j];
      this.tos[j - 1] = this.tos[j];
      this.marks[j - 1] = this.marks[j];
    }
    this.count--;
  }

  /** Whether lane k owns a reading whose slot ends at `endMs`. */
  owns(k: i32, endMs: i64): bool { return this.froms[k] < endMs && endMs <= this.tos[k]; }

  // ---------------------------------------------------------------- stored form

  encode(out: Uint8Array): i32 {
    out[0] = LANES_FORMAT;
    putU32LE(out, 1, this.lost);
    putU32LE(out, 5, this.rseqFloor);
    out[9] = <u8>this.companyCount;
    out[10] = <u8>this.count;
    let at = LANES_HEADER;
    for (let i = 0; i < this.companyCount; i++) {
      putU32LE(out, at, this.companyCodes[i]);
      putU32LE(out, at + 4, this.nextRseqs[i]);
      out[at + 8] = this.flags[i];
      at += COMPANY_BYTES;
    }
    for (let i = 0; i < this.count; i++) {
      putU32LE(out, at, this.codes[i]);
      putU32LE(out, at + 4, this.types[i]);
      out[at + 8] = this.roles[i];
      putI64LE(out, at + 9, this.froms[i]);
      putI64LE(out, at + 17, this.tos[i]);
      putU32LE(out, at + 25, this.marks[i]);
      at += LANE_BYTES;
    }
    return at;
  }

  /** False (and cleared) when `v` is not a LANES record this firmware wrote. */
  decode(v: Uint8Array): bool {
    this.clear();
    if (v.length < LANES_HEADER || v[0] != LANES_FORMAT) return false;
    const nc = <i32>v[9], nl = <i32>v[10];
    if (nc > MAX_COMPANIES || nl > MAX_LANES || v.length != LANES_HEADER + nc * COMPANY_BYTES + nl * LANE_BYTES) return false;
    this.lost = getU32LE(v, 1);
    this.rseqFloor = getU32LE(v, 5);
    let at = LANES_HEADER;
    for (let i = 0; i < nc; i++) {
      this.companyCodes[i] = getU32LE(v, at);
      this.nextRseqs[i] = getU32LE(v, at + 4);
      this.flags[i] = v[at + 8];
      if (this.companyCodes[i] == 0 || this.nextRseqs[i] == 0) { this.clear(); return false; }
      at += COMPANY_BYTES;
    }
    this.companyCount = nc;
    for (let i = 0; i < nl; i++) {
      this.codes[i] = getU32LE(v, at);
      this.types[i] = getU32LE(v, at + 4);
      this.roles[i] = v[at + 8];
      this.froms[i] = getI64LE(v, at + 9);
      this.tos[i] = getI64LE(v, at + 17);
      this.marks[i] = getU32LE(v, at + 25);
      if (this.company(this.codes[i]) < 0 || this.tos[i] < this.froms[i] || this.marks[i] == 0) { this.clear(); return false; }
      at += LANE_BYTES;
    }
    this.count = nl;
    return this.rseqFloor != 0;
  }
}

function putI64LE(out: Uint8Array, at: i32, v: i64): void {
  putU32LE(out, at, <u32>v);
  putU32LE(out, at + 4, <u32>(v >>> 32));
}

function getI64LE(v: Uint8Array, at: i32): i64 {
  return <i64>(<u64>getU32LE(v, at) | (<u64>getU32LE(v, at + 4) << 32));
}
