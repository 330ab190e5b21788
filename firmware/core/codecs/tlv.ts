// Tag-length-value blocks in the layout of NFC Forum Type 2 Tag TLV blocks, so the same
// reader walks a tag's data area and our own compact records:
//   tag u8 | length u8 (0x00..0xFE) | value            (short form)
//   tag u8 | 0xFF | length u16 BE (0x00FF..0xFFFE) | value   (long form)
// Tag 0x00 (NULL) has no length and is skipped; tag 0xFE (TERMINATOR) has no length and
// ends the blocks. Our own tags therefore avoid 0x00 and 0xFE. Reading is bounded by the
// buffer and by maxValue: anything else is E_MALFORMED or E_RANGE and yields nothing.
import { OK, E_MALFORMED, E_NOTFOUND, E_RANGE } from "../errors";
import { getU16BE, putU16BE } from "./bytes";

export const TLV_NULL: u8 = 0x00;
export const TLV_NDEF_MESSAGE: u8 = 0x03;
export const TLV_TERMINATOR: u8 = 0xfe;
export const TLV_MAX_VALUE: i32 = 0xfffe;

export class TlvReader {
  tag: u8 = 0;
  value: Uint8Array = new Uint8Array(0);
  /** The error that stopped the reader, OK while it can go on. */
  error: i32 = OK;
  private i: i32 = 0;

  constructor(private b: Uint8Array, private maxValue: i32 = TLV_MAX_VALUE) {}

  /** The next block in tag/value: OK, E_NOTFOUND at the end (buffer or TERMINATOR),
   *  E_MALFORMED for a length beyond the buffer or a long form under 0xFF, E_RANGE for a
   *  value longer than maxValue. After an error every call returns it again. */
  next(): i32 {
    if (this.error != OK) return this.error;
    while (this.i < this.b.length && this.b[this.i] == TLV_NULL) this.i++;
    if (this.i >= this.b.length || this.b[this.i] == TLV_TERMINATOR) return this.stop(E_NOTFOUND);
    const tag = this.b[this.i++];
    if (this.i >= this.b.length) return this.stop(E_MALFORMED);
    let n = <i32>this.b[this.i++];
    if (n == 0xff) {
      if (this.i + 2 > this.b.length) return this.stop(E_MALFORMED);
      n = <i32>getU16BE(this.b, this.i);
      this.i += 2;
      if (n < 0xff || n > TLV_MAX_VALUE) return this.stop(E_MALFORMED);
    }
    if (n > this.b.length - this.i) return this.stop(E_MALFORMED);
    if (n > this.maxValue) return this.stop(E_RANGE);
    this.tag = tag;
    this.value = this.b.slice(this.i, this.i + n);
    this.i += n;
    return OK;
  }

  private stop(rc: i32): i32 {
    this.error = rc;
    this.tag = 0;
    this.value = new Uint8Array(0);
    return rc;
  }
}

/** Builds a sequence of blocks. A tag of 0x00 or 0xFE, or a value over TLV_MAX_VALUE,
 *  makes finish() return null. */
export class TlvWriter {
  private parts: Uint8Array[] = [];
  private size: i32 = 0;
  private bad: bool = false;

  add(tag: u8, value: Uint8Array): TlvWriter {
    if (tag == TLV_NULL || tag == TLV_TERMINATOR || value.length > TLV_MAX_VALUE) { this.bad = true; return this; }
    const long = value.length >= 0xff;
    const h = new Uint8Array(long ? 4 : 2);
    h[0] = tag;
    if (long) { h[1] = 0xff; putU16BE(h, 2, <u32>value.length); } else h[1] = <u8>value.length;
    this.parts.push(h);
    this.parts.push(value);
    this.size += h.length + value.length;
    return this;
  }

  /** The blocks, followed by a TERMINATOR when `terminate` (as on an NFC tag). */
  finish(terminate: bool = false): Uint8Array | null {
    if (this.bad) return null;
    const out = new Uint8Array(this.size + (terminate ? 1 : 0));
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) { out.set(this.parts[i], at); at += this.parts[i].length; }
    if (terminate) out[at] = TLV_TERMINATOR;
    return out;
  }
}
