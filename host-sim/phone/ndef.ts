// The phone's NDEF envelope (NFC Forum NDEF 1.0), with the same rules as the firmware's
// (firmware/core/codecs/ndef.ts): at most MAX_RECORDS records of at most MAX_PAYLOAD
// bytes, MB on the first and ME on the last only, nothing after it, chunked records refused.
import { E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../board/errors.ts";

export const Tnf = { EMPTY: 0, WELL_KNOWN: 1, MEDIA: 2, ABSOLUTE_URI: 3, EXTERNAL: 4, UNKNOWN: 5, UNCHANGED: 6 } as const;
export const MAX_RECORDS = 8;
export const MAX_PAYLOAD = 1024;
const MB = 0x80, ME = 0x40, CF = 0x20, SR = 0x10, IL = 0x08;

export interface NdefRecord { tnf: number; type: Uint8Array; id: Uint8Array; payload: Uint8Array }

/** A decoded value, or the result code (core/errors) that says why there is none. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: number };
export const fail = (error: number): { ok: false; error: number } => ({ ok: false, error });

export function decodeNdef(b: Uint8Array): Decoded<NdefRecord[]> {
  const records: NdefRecord[] = [];
  let i = 0;
  for (;;) {
    if (records.length === MAX_RECORDS) return fail(E_RANGE);
    if (i >= b.length) return fail(E_MALFORMED);
    const h = b[i++];
    if (((h & MB) !== 0) !== (records.length === 0)) return fail(E_MALFORMED);
    if (h & CF) return fail(E_UNSUPPORTED);
    const tnf = h & 0x07;
    if (tnf === 7 || tnf === Tnf.UNCHANGED) return fail(E_MALFORMED);
    if (i >= b.length) return fail(E_MALFORMED);
    const typeLen = b[i++];
    let payloadLen: number;
    if (h & SR) {
      if (i >= b.length) return fail(E_MALFORMED);
      payloadLen = b[i++];
    } else {
      if (i + 4 > b.length) return fail(E_MALFORMED);
      payloadLen = ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
      i += 4;
    }
    let idLen = 0;
    if (h & IL) {
      if (i >= b.length) return fail(E_MALFORMED);
      idLen = b[i++];
    }
    if (payloadLen > MAX_PAYLOAD) return fail(E_RANGE);
    if (typeLen + idLen + payloadLen > b.length - i) return fail(E_MALFORMED);
    if (tnf === Tnf.EMPTY && (typeLen || idLen || payloadLen)) return fail(E_MALFORMED);
    if (tnf === Tnf.UNKNOWN && typeLen) return fail(E_MALFORMED);
    if (tnf >= Tnf.WELL_KNOWN && tnf <= Tnf.EXTERNAL && typeLen === 0) return fail(E_MALFORMED);
    const type = b.slice(i, i + typeLen); i += typeLen;
    const id = b.slice(i, i + idLen); i += idLen;
    const payload = b.slice(i, i + payloadLen); i += payloadLen;
    records.push({ tnf, type, id, payload });
    if (h & ME) return i === b.length ? { ok: true, value: records } : fail(E_MALFORMED);
  }
}

/** The message bytes; short records where the payload fits 255 bytes. Throws on what
 *  decodeNdef would refuse: the phone's own code is wrong then, not its input. */
export function encodeNdef(records: NdefRecord[]): Uint8Array {
  if (records.length === 0 || records.length > MAX_RECORDS) throw new RangeError(`${records.length} NDEF records`);
  const parts: number[] = [];
  records.forEach((r, k) => {
    if (r.tnf > Tnf.UNKNOWN || r.type.length > 255 || r.id.length > 255 || r.payload.length > MAX_PAYLOAD) throw new RangeError("NDEF record out of bounds");
    const short = r.payload.length <= 255;
    const h = r.tnf | (k === 0 ? MB : 0) | (k === records.length - 1 ? ME : 0) | (short ? SR : 0) | (r.id.length ? IL : 0);
    parts.push(h, r.type.length);
    const n = r.payload.length;
    if (short) parts.push(n); else parts.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    if (r.id.length) parts.push(r.id.length);
    parts.push(...r.type, ...r.id, ...r.payload);
  });
  return Uint8Array.from(parts);
}
