// The ECHONET Lite frame, format 1 ("specified message format"): EHD1 EHD2 TID SEOJ DEOJ
// ESV OPC, then OPC times EPC PDC EDT. Decoding never copies and never reads past the
// datagram; writing never writes past the writer's limit (README.md, "Frame").
import { OK, E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../../core/errors";

export const EHD1: u8 = 0x10;                  // ECHONET Lite
export const EHD2: u8 = 0x81;                  // format 1, the specified message format
export const HEADER: i32 = 12;                 // EHD1 .. OPC
export const OPC_AT: i32 = 11;
/** The largest datagram read or written: a board link frame (MAX_LINK_FRAME). */
export const MAX_FRAME: i32 = 1024;
/** Properties in one frame: more is refused (E_RANGE), as is none. */
export const MAX_PROPERTIES: i32 = 32;

/** ECHONET Lite services (ESV). */
export namespace Esv {
  export const SETI: u8 = 0x60;
  export const SETC: u8 = 0x61;
  export const GET: u8 = 0x62;
  export const INF_REQ: u8 = 0x63;
  export const SETGET: u8 = 0x6e;
  export const SET_RES: u8 = 0x71;
  export const GET_RES: u8 = 0x72;
  export const INF: u8 = 0x73;
  export const INFC: u8 = 0x74;
  export const INFC_RES: u8 = 0x7a;
  export const SETGET_RES: u8 = 0x7e;
  export const SETI_SNA: u8 = 0x50;
  export const SETC_SNA: u8 = 0x51;
  export const GET_SNA: u8 = 0x52;
  export const INF_SNA: u8 = 0x53;
  export const SETGET_SNA: u8 = 0x5e;
}

/** ECHONET objects (class group, class, instance) as 24-bit numbers. */
export namespace Eoj {
  export const NODE_PROFILE: u32 = 0x0ef001;
  export const CONTROLLER: u32 = 0x05ff01;
  export const SMART_METER: u32 = 0x028801;
}

/** A decoded frame: its header and where each property's EDT lies in `bytes`, which it
 *  does not copy. One Frame is reused for every datagram. */
export class Frame {
  bytes: Uint8Array = new Uint8Array(0);
  tid: u32 = 0;
  seoj: u32 = 0;
  deoj: u32 = 0;
  esv: u8 = 0;
  count: i32 = 0;
  epc: StaticArray<u8> = new StaticArray<u8>(MAX_PROPERTIES);
  pdc: StaticArray<u8> = new StaticArray<u8>(MAX_PROPERTIES);
  at: StaticArray<i32> = new StaticArray<i32>(MAX_PROPERTIES);
}

/** Reads the first len bytes of b into f. OK; E_MALFORMED: shorter than its header or its
 *  properties, a PDC past the end, bytes after the last property, longer than MAX_FRAME;
 *  E_UNSUPPORTED: not EHD1 0x10 EHD2 0x81, or SetGet (two property lists, not served);
 *  E_RANGE: OPC 0 or over MAX_PROPERTIES. On an error f.count is 0. */
export function decodeFrame(b: Uint8Array, len: i32, f: Frame): i32 {
  f.count = 0;
  if (len < 0 || len > b.length) return E_MALFORMED;
  if (len < 2) return E_MALFORMED;
  if (b[0] != EHD1 || b[1] != EHD2) return E_UNSUPPORTED;
  if (len < HEADER || len > MAX_FRAME) return E_MALFORMED;
  const esv = b[10];
  if (esv == Esv.SETGET || esv == Esv.SETGET_RES || esv == Esv.SETGET_SNA) return E_UNSUPPORTED;
  const opc = <i32>b[OPC_AT];
  if (opc == 0 || opc > MAX_PROPERTIES) return E_RANGE;
  let i = HEADER;
  for (let k = 0; k < opc; k++) {
    if (len - i < 2) return E_MALFORMED;
    const pdc = <i32>b[i + 1];
    if (len - i - 2 < pdc) return E_MALFORMED;
    unchecked(f.epc[k] = b[i]);
    unchecked(f.pdc[k] = <u8>pdc);
    unchecked(f.at[k] = i + 2);
    i += 2 + pdc;
  }
  if (i != len) return E_MALFORMED;
  f.bytes = b;
  f.tid = (<u32>b[2] << 8) | b[3];
  f.seoj = eojAt(b, 4);
  f.deoj = eojAt(b, 7);
  f.esv = esv;
  f.count = opc;
  return OK;
}

function eojAt(b: Uint8Array, i: i32): u32 { return (<u32>b[i] << 16) | (<u32>b[i + 1] << 8) | b[i + 2]; }

/** Writes one frame into its own buffer. Every put stops at `limit` and marks the writer
 *  `over` instead; `mark`/`rewind` take back a property that did not fit. */
export class FrameWriter {
  buf: Uint8Array;
  len: i32 = 0;
  limit: i32;
  over: bool = false;
  count: i32 = 0;

  constructor(size: i32 = MAX_FRAME) {
    this.buf = new Uint8Array(size);
    this.limit = size;
  }

  /** Starts a frame: the header with OPC 0. */
  head(tid: u32, seoj: u32, deoj: u32, esv: u8): void {
    this.len = 0; this.count = 0; this.over = false; this.limit = this.buf.length;
    this.u8(EHD1); this.u8(EHD2); this.u16(tid);
    this.eoj(seoj); this.eoj(deoj); this.u8(esv); this.u8(0);
  }

  /** Opens a property: EPC and a PDC that close() fills in. Where its PDC is. */
  open(epc: u8): i32 { this.u8(epc); const at = this.len; this.u8(0); this.count++; return at; }
  close(pdcAt: i32): void { if (!this.over) this.buf[pdcAt] = <u8>(this.len - pdcAt - 1); }
  /** A property with no EDT (PDC 0). */
  empty(epc: u8): void { this.u8(epc); this.u8(0); this.count++; }

  u8(v: u32): void { if (this.len < this.limit) this.buf[this.len++] = <u8>v; else this.over = true; }
  u16(v: u32): void { this.u8(v >> 8); this.u8(v); }
  u32(v: u32): void { this.u16(v >> 16); this.u16(v); }
  eoj(v: u32): void { this.u8(v >> 16); this.u16(v); }
  bytes(b: Uint8Array, from: i32, n: i32): void { for (let k = 0; k < n; k++) this.u8(b[from + k]); }

  /** Sets the service after the properties were written (Get_Res or Get_SNA). */
  esv(v: u8): void { this.buf[10] = v; }
  /** Fills in OPC. The frame's length. */
  finish(): i32 { this.buf[OPC_AT] = <u8>this.count; return this.len; }
}

/** Writes f again as it was decoded: for the codec agreement test, and a sanity check that
 *  decoding keeps every field. */
export function encodeFrame(f: Frame, w: FrameWriter): i32 {
  if (f.count == 0) return E_RANGE;
  w.head(f.tid, f.seoj, f.deoj, f.esv);
  for (let k = 0; k < f.count; k++) {
    const at = w.open(unchecked(f.epc[k]));
    w.bytes(f.bytes, unchecked(f.at[k]), <i32>unchecked(f.pdc[k]));
    w.close(at);
  }
  if (w.over) return E_RANGE;
  return w.finish();
}
