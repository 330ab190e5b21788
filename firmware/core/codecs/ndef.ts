// NFC Data Exchange Format (NFC Forum NDEF 1.0) messages: a sequence of records, each
//   header u8 (MB 0x80 | ME 0x40 | CF 0x20 | SR 0x10 | IL 0x08 | TNF 0x07)
//   type length u8 | payload length (u8 when SR, else u32 BE) | id length u8 (when IL)
//   type | id | payload
// The printer's connection handover uses it. Decoding is bounded: at most MAX_RECORDS
// records and MAX_PAYLOAD bytes per payload; the first record has MB, only the last has
// ME, nothing follows it. Chunked records (CF) are refused (E_UNSUPPORTED): no appliance
// needs a payload split across records.
import { OK, E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../errors";
import { getU32BE, putU32BE } from "./bytes";

export namespace Tnf {
  export const EMPTY: u8 = 0;
  export const WELL_KNOWN: u8 = 1;
  export const MEDIA: u8 = 2;
  export const ABSOLUTE_URI: u8 = 3;
  export const EXTERNAL: u8 = 4;
  export const UNKNOWN: u8 = 5;
  export const UNCHANGED: u8 = 6;
}

const MB: u8 = 0x80, ME: u8 = 0x40, CF: u8 = 0x20, SR: u8 = 0x10, IL: u8 = 0x08;
export const MAX_RECORDS: i32 = 8;
export const MAX_PAYLOAD: i32 = 1024;

export class NdefRecord {
  constructor(public tnf: u8, public type: Uint8Array, public id: Uint8Array, public payload: Uint8Array) {}
}

/** The records of a message, or none with `error` set (E_MALFORMED, E_RANGE,
 *  E_UNSUPPORTED). */
export class NdefMessage {
  records: NdefRecord[] = [];
  error: i32 = OK;
}

export function decodeNdef(b: Uint8Array): NdefMessage {
  const m = new NdefMessage();
  let i = 0;
  while (true) {
    if (m.records.length == MAX_RECORDS) return fail(m, E_RANGE);
    if (i >= b.length) return fail(m, E_MALFORMED);           // ended before ME
    const h = b[i++];
    const first = m.records.length == 0;
    if (((h & MB) != 0) != first) return fail(m, E_MALFORMED);
    if ((h & CF) != 0) return fail(m, E_UNSUPPORTED);
    const tnf = h & 0x07;
    if (tnf == 7 || tnf == Tnf.UNCHANGED) return fail(m, E_MALFORMED);
    if (i >= b.length) return fail(m, E_MALFORMED);
    const typeLen = <i32>b[i++];
    let payloadLen: i64;
    if ((h & SR) != 0) {
      if (i >= b.length) return fail(m, E_MALFORMED);
      payloadLen = <i64>b[i++];
    } else {
      if (i + 4 > b.length) return fail(m, E_MALFORMED);
      payloadLen = <i64>getU32BE(b, i);
      i += 4;
    }
    let idLen = 0;
    if ((h & IL) != 0) {
      if (i >= b.length) return fail(m, E_MALFORMED);
      idLen = <i32>b[i++];
    }
    if (payloadLen > <i64>MAX_PAYLOAD) return fail(m, E_RANGE);
    const pl = <i32>payloadLen;
    if (<i64>typeLen + <i64>idLen + <i64>pl > <i64>(b.length - i)) return fail(m, E_MALFORMED);
    // EMPTY has no type, id or payload; UNKNOWN has no type (NDEF 1.0 §3.2.6).
    if (tnf == Tnf.EMPTY && (typeLen != 0 || idLen != 0 || pl != 0)) return fail(m, E_MALFORMED);
    if (tnf == Tnf.UNKNOWN && typeLen != 0) return fail(m, E_MALFORMED);
    if ((tnf == Tnf.WELL_KNOWN || tnf == Tnf.MEDIA || tnf == Tnf.ABSOLUTE_URI || tnf == Tnf.EXTERNAL) && typeLen == 0) return fail(m, E_MALFORMED);
    const type = b.slice(i, i + typeLen); i += typeLen;
    const id = b.slice(i, i + idLen); i += idLen;
    const payload = b.slice(i, i + pl); i += pl;
    m.records.push(new NdefRecord(<u8>tnf, type, id, payload));
    if ((h & ME) != 0) {
      if (i != b.length) return fail(m, E_MALFORMED);        // bytes after the last record
      return m;
    }
  }
  return m;
}

function fail(m: NdefMessage, rc: i32): NdefMessage {
  m.records = [];
  m.error = rc;
  return m;
}

/** The message bytes; short records where the payload fits 255 bytes. Null for no
 *  records, more than MAX_RECORDS, a field over its limit or an invalid TNF. */
export function encodeNdef(records: NdefRecord[]): Uint8Array | null {
  if (records.length == 0 || records.length > MAX_RECORDS) return null;
  let size = 0;
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    if (r.tnf > Tnf.UNKNOWN || r.type.length > 255 || r.id.length > 255 || r.payload.length > MAX_PAYLOAD) return null;
    size += 2 + (r.payload.length <= 255 ? 1 : 4) + (r.id.length > 0 ? 1 : 0) + r.type.length + r.id.length + r.payload.length;
  }
  const out = new Uint8Array(size);
  let i = 0;
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    const short = r.payload.length <= 255;
    let h: u8 = r.tnf;
    if (k == 0) h |= MB;
    if (k == records.length - 1) h |= ME;
    if (short) h |= SR;
    if (r.id.length > 0) h |= IL;
    out[i++] = h;
    out[i++] = <u8>r.type.length;
    if (short) out[i++] = <u8>r.payload.length; else { putU32BE(out, i, <u32>r.payload.length); i += 4; }
    if (r.id.length > 0) out[i++] = <u8>r.id.length;
    out.set(r.type, i); i += r.type.length;
    out.set(r.id, i); i += r.id.length;
    out.set(r.payload, i); i += r.payload.length;
  }
  return out;
}
