// The ECHONET Lite frame as a HEMS controller reads and writes it (format 1: EHD1 0x10,
// EHD2 0x81, TID, SEOJ, DEOJ, ESV, OPC, then EPC PDC EDT per property). The firmware's
// codec is firmware/modules/echonet-lite/frame.ts; both refuse the same datagrams with the
// same codes (test/echonet-codec.test.ts holds them to it).
import { E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../board/errors.ts";

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: number };
const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = (error: number): { ok: false; error: number } => ({ ok: false, error });

export const EHD1 = 0x10;
export const EHD2 = 0x81;
export const HEADER = 12;
export const MAX_FRAME = 1024;
export const MAX_PROPERTIES = 32;
/** UDP port of every ECHONET Lite node, and the IPv4 multicast group of announcements. */
export const PORT = 3610;
export const MULTICAST_GROUP = "224.0.23.0";

export const Esv = {
  SETI: 0x60, SETC: 0x61, GET: 0x62, INF_REQ: 0x63, SETGET: 0x6e,
  SET_RES: 0x71, GET_RES: 0x72, INF: 0x73, INFC: 0x74, INFC_RES: 0x7a, SETGET_RES: 0x7e,
  SETI_SNA: 0x50, SETC_SNA: 0x51, GET_SNA: 0x52, INF_SNA: 0x53, SETGET_SNA: 0x5e,
} as const;

export const Eoj = { NODE_PROFILE: 0x0ef001, CONTROLLER: 0x05ff01, SMART_METER: 0x028801 } as const;

/** One property: EPC and its EDT (empty in a Get, and for a failed property in an SNA). */
export interface Property { epc: number; edt: Uint8Array }

/** An ECHONET Lite frame. EOJs are 24-bit numbers (class group, class, instance). */
export interface Frame { tid: number; seoj: number; deoj: number; esv: number; properties: Property[] }

/** Reads a datagram. E_MALFORMED: shorter than its header or properties, a PDC past the
 *  end, bytes after the last property, over MAX_FRAME; E_UNSUPPORTED: not EHD1 0x10 EHD2
 *  0x81, or SetGet; E_RANGE: OPC 0 or over MAX_PROPERTIES. EDTs are copies. */
export function decodeFrame(b: Uint8Array): Decoded<Frame> {
  if (b.length < 2) return fail(E_MALFORMED);
  if (b[0] !== EHD1 || b[1] !== EHD2) return fail(E_UNSUPPORTED);
  if (b.length < HEADER || b.length > MAX_FRAME) return fail(E_MALFORMED);
  const esv = b[10];
  if (esv === Esv.SETGET || esv === Esv.SETGET_RES || esv === Esv.SETGET_SNA) return fail(E_UNSUPPORTED);
  const opc = b[11];
  if (opc === 0 || opc > MAX_PROPERTIES) return fail(E_RANGE);
  const properties: Property[] = [];
  let i = HEADER;
  for (let k = 0; k < opc; k++) {
    if (b.length - i < 2) return fail(E_MALFORMED);
    const pdc = b[i + 1];
    if (b.length - i - 2 < pdc) return fail(E_MALFORMED);
    properties.push({ epc: b[i], edt: b.slice(i + 2, i + 2 + pdc) });
    i += 2 + pdc;
  }
  if (i !== b.length) return fail(E_MALFORMED);
  return ok({ tid: b[2] << 8 | b[3], seoj: eojAt(b, 4), deoj: eojAt(b, 7), esv, properties });
}

const eojAt = (b: Uint8Array, i: number) => b[i] << 16 | b[i + 1] << 8 | b[i + 2];

/** Writes a frame. E_RANGE: no properties or more than MAX_PROPERTIES, an EDT over 255
 *  bytes, a field out of its range, longer than MAX_FRAME. */
export function encodeFrame(f: Frame): Decoded<Uint8Array> {
  const n = f.properties.length;
  if (n === 0 || n > MAX_PROPERTIES) return fail(E_RANGE);
  if (!inRange(f.tid, 0xffff) || !inRange(f.seoj, 0xffffff) || !inRange(f.deoj, 0xffffff) || !inRange(f.esv, 0xff)) return fail(E_RANGE);
  let size = HEADER;
  for (const p of f.properties) {
    if (!inRange(p.epc, 0xff) || p.edt.length > 255) return fail(E_RANGE);
    size += 2 + p.edt.length;
  }
  if (size > MAX_FRAME) return fail(E_RANGE);
  const b = new Uint8Array(size);
  b.set([EHD1, EHD2, f.tid >> 8, f.tid & 0xff, f.seoj >> 16, f.seoj >> 8 & 0xff, f.seoj & 0xff,
    f.deoj >> 16, f.deoj >> 8 & 0xff, f.deoj & 0xff, f.esv, n]);
  let i = HEADER;
  for (const p of f.properties) {
    b[i] = p.epc; b[i + 1] = p.edt.length; b.set(p.edt, i + 2);
    i += 2 + p.edt.length;
  }
  return ok(b);
}

const inRange = (v: number, max: number) => Number.isInteger(v) && v >= 0 && v <= max;

/** A Get (PDC 0 for each EPC) from the controller. */
export function getRequest(tid: number, deoj: number, epcs: number[], seoj: number = Eoj.CONTROLLER): Decoded<Uint8Array> {
  return encodeFrame({ tid, seoj, deoj, esv: Esv.GET, properties: epcs.map((epc) => ({ epc, edt: new Uint8Array(0) })) });
}

/** Whether an answer's ESV says some property failed (Get_SNA, SetC_SNA, ...). */
export const isSna = (esv: number) => esv >= 0x50 && esv <= 0x5f;
