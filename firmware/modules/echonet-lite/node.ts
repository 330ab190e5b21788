// One ECHONET Lite node: the node profile 0x0EF001 and one smart meter 0x028801. It answers
// Get and INF_REQ (Get_Res/INF, or Get_SNA/INF_SNA with each property it could not serve
// echoed with PDC 0), SetC and SetI (Set_Res, nothing, or SetC_SNA/SetI_SNA echoing each
// refused property with its EDT), and writes the INF frames the image sends on its own.
// Everything else is ignored (README.md, "Answers"). No allocation per datagram.
import { OK, E_NOTFOUND } from "../../core/errors";
import { Frame, FrameWriter, Esv, Eoj, MAX_FRAME, decodeFrame } from "./frame";
import { writePropertyMap, inMap } from "./property-map";
import {
  MeterProvider, History, FixedTimeEnergy, NOT_HELD, MAX_COEFFICIENT, HISTORY_BYTES,
  validUnit, validEnergy, validHistoryDay, validFixedTime, validHistory, OPERATING, NOT_OPERATING, FAULT, NO_FAULT,
} from "./meter";

/** The node's fixed identity. */
export class NodeConfig {
  /** 8A: the maker code the ECHONET Consortium assigned (3 bytes). */
  makerCode: u32 = 0;
  /** 83: the node's unique number after the maker code (13 bytes). */
  uniqueId: Uint8Array = new Uint8Array(UNIQUE_ID_BYTES);
  /** Node profile 82: ECHONET Lite version 1.13 (01 0D), message format 1 only (01 00). */
  liteVersion: u32 = 0x010d0100;
  /** Meter 82: the APPENDIX release letter whose class definition the meter follows. */
  appendixRelease: u8 = 0x52;                  // 'R'
}

export const UNIQUE_ID_BYTES: i32 = 13;

// Property maps. The meter's Get map has 16 entries: the bitmap form.
const NODE_GET: StaticArray<u8> = [0x80, 0x82, 0x83, 0x8a, 0x9d, 0x9e, 0x9f, 0xd3, 0xd4, 0xd6, 0xd7];
const NODE_SET: StaticArray<u8> = [];
const NODE_INF: StaticArray<u8> = [0x80, 0xd5];
const METER_GET: StaticArray<u8> = [0x80, 0x81, 0x82, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe5, 0xe7, 0xea];
const METER_SET: StaticArray<u8> = [0x81, 0xe5];
const METER_INF: StaticArray<u8> = [0x80, 0x81, 0x88, 0xea];

export class EchonetNode {
  /** The answer or announcement: its first `length` bytes, as handle() etc. said. */
  readonly out: FrameWriter = new FrameWriter(MAX_FRAME);
  /** Whether the last answer is an INF (to the multicast group 224.0.23.0), not unicast. */
  multicast: bool = false;
  /** TID of the next frame the node sends on its own; 1 after boot. */
  nextTid: u32 = 1;
  private frame: Frame = new Frame();
  private history: History = new History();
  private fixed: FixedTimeEnergy = new FixedTimeEnergy();

  constructor(public config: NodeConfig, public meter: MeterProvider) {}

  /** Answers the first len bytes of a datagram received on UDP port 3610: the answer's
   *  length in `out.buf`, or 0 when there is none (malformed, another object, a service
   *  the node does not serve, an accepted SetI). */
  handle(b: Uint8Array, len: i32): i32 {
    this.multicast = false;
    const f = this.frame;
    if (decodeFrame(b, len, f) != OK) return 0;
    const obj = addressed(f.deoj);
    if (obj == 0) return 0;
    const esv = f.esv;
    if (esv == Esv.GET) return this.get(f, obj, Esv.GET_RES, Esv.GET_SNA);
    if (esv == Esv.INF_REQ) return this.get(f, obj, Esv.INF, Esv.INF_SNA);
    if (esv == Esv.SETC) return this.set(f, obj, Esv.SET_RES, Esv.SETC_SNA);
    if (esv == Esv.SETI) return this.set(f, obj, 0, Esv.SETI_SNA);
    return 0;
  }

  /** The start-up announcement: INF of D5 (the instance list) from and to the node profile. */
  announceInstances(): i32 {
    const w = this.out;
    w.head(this.takeTid(), Eoj.NODE_PROFILE, Eoj.NODE_PROFILE, Esv.INF);
    const at = w.open(0xd5);
    this.instanceList(w);
    w.close(at);
    this.multicast = true;
    return w.finish();
  }

  /** INF of one of the meter's announced properties (9D: 80, 81, 88, EA), e.g. EA after
   *  each :00/:30: the frame's length, or E_NOTFOUND (not announced, not held, invalid). */
  announce(epc: u8): i32 {
    if (!inMap(METER_INF, epc)) return E_NOTFOUND;
    const w = this.out;
    w.head(this.nextTid, Eoj.SMART_METER, Eoj.NODE_PROFILE, Esv.INF);
    const at = w.open(epc);
    if (!this.meterValue(epc, w) || w.over) return E_NOTFOUND;
    w.close(at);
    this.takeTid();
    this.multicast = true;
    return w.finish();
  }

  private takeTid(): u32 { const t = this.nextTid; this.nextTid = (t + 1) & 0xffff; return t; }

  /** Get and INF_REQ: each property's value, or PDC 0 and the SNA service. Before each
   *  value, room for the later properties' two bytes is kept, so any request is answered
   *  within `out` (a value that does not fit fails). */
  private get(f: Frame, obj: u32, okEsv: u8, snaEsv: u8): i32 {
    const w = this.out;
    const size = w.buf.length;
    w.head(f.tid, obj, f.seoj, okEsv);
    let failed = false;
    for (let k = 0; k < f.count; k++) {
      const epc = unchecked(f.epc[k]);
      const mark = w.len;
      w.limit = size - 2 * (f.count - k - 1);
      const at = w.open(epc);
      const ok = unchecked(f.pdc[k]) == 0 && (obj == Eoj.NODE_PROFILE
        ? this.nodeValue(epc, okEsv == Esv.INF, w) : this.meterValue(epc, w));
      if (ok && !w.over) { w.close(at); continue; }
      w.len = mark; w.over = false; w.count--;
      w.empty(epc);
      failed = true;
    }
    w.limit = size;
    if (failed) w.esv(snaEsv);
    this.multicast = !failed && okEsv == Esv.INF;
    return w.finish();
  }

  /** SetC and SetI: accepted properties come back with PDC 0, refused ones as sent. The
   *  answer is never longer than the request. */
  private set(f: Frame, obj: u32, okEsv: u8, snaEsv: u8): i32 {
    const w = this.out;
    w.head(f.tid, obj, f.seoj, okEsv);
    let failed = false;
    for (let k = 0; k < f.count; k++) {
      const epc = unchecked(f.epc[k]), pdc = <i32>unchecked(f.pdc[k]), at = unchecked(f.at[k]);
      if (obj == Eoj.SMART_METER && this.put(epc, f.bytes, at, pdc)) { w.empty(epc); continue; }
      const p = w.open(epc);
      w.bytes(f.bytes, at, pdc);
      w.close(p);
      failed = true;
    }
    if (!failed && okEsv == 0) return 0;
    if (failed) w.esv(snaEsv);
    return w.finish();
  }

  private put(epc: u8, b: Uint8Array, at: i32, pdc: i32): bool {
    if (pdc != 1) return false;
    const v = b[at];
    if (epc == 0x81) return this.meter.setLocation(v);
    if (epc == 0xe5) return validHistoryDay(<i64>v) && this.meter.setHistoryDay(v);
    return false;
  }

  private nodeValue(epc: u8, inf: bool, w: FrameWriter): bool {
    const c = this.config;
    switch (epc) {
      case 0x80: w.u8(OPERATING); return true;
      case 0x82: w.u32(c.liteVersion); return true;
      case 0x83: w.u8(0xfe); w.eoj(c.makerCode); w.bytes(c.uniqueId, 0, UNIQUE_ID_BYTES); return true;
      case 0x8a: w.eoj(c.makerCode); return true;
      case 0x9d: writePropertyMap(NODE_INF, w); return true;
      case 0x9e: writePropertyMap(NODE_SET, w); return true;
      case 0x9f: writePropertyMap(NODE_GET, w); return true;
      case 0xd3: w.eoj(1); return true;                        // instances: 3 bytes
      case 0xd4: w.u16(2); return true;                        // classes, the node profile's counted
      case 0xd6: this.instanceList(w); return true;
      case 0xd7: w.u8(1); w.u16(Eoj.SMART_METER >> 8); return true;
      case 0xd5: if (!inf) return false; this.instanceList(w); return true;
    }
    return false;
  }

  private instanceList(w: FrameWriter): void { w.u8(1); w.eoj(Eoj.SMART_METER); }

  private meterValue(epc: u8, w: FrameWriter): bool {
    const m = this.meter;
    switch (epc) {
      case 0x80: { const v = m.operationStatus(); if (v != OPERATING && v != NOT_OPERATING) return false; w.u8(<u32>v); return true; }
      case 0x81: { const v = m.location(); if (v < 0 || v > 0xff) return false; w.u8(<u32>v); return true; }
      case 0x82: w.u16(0); w.u8(this.config.appendixRelease); w.u8(0); return true;
      case 0x88: { const v = m.faultStatus(); if (v != FAULT && v != NO_FAULT) return false; w.u8(<u32>v); return true; }
      case 0x8a: w.eoj(this.config.makerCode); return true;
      case 0x9d: writePropertyMap(METER_INF, w); return true;
      case 0x9e: writePropertyMap(METER_SET, w); return true;
      case 0x9f: writePropertyMap(METER_GET, w); return true;
      case 0xd3: { const v = m.coefficient(); if (v < 0 || v > MAX_COEFFICIENT) return false; w.u32(<u32>v); return true; }
      case 0xd7: { const v = m.digits(); if (v < 1 || v > 8) return false; w.u8(<u32>v); return true; }
      case 0xe0: { const v = m.energy(); if (!validEnergy(v)) return false; w.u32(<u32>v); return true; }
      case 0xe1: { const v = m.unit(); if (!validUnit(v)) return false; w.u8(<u32>v); return true; }
      case 0xe2: return this.writeHistory(w);
      case 0xe5: { const v = m.historyDay(); if (!validHistoryDay(v)) return false; w.u8(<u32>v); return true; }
      case 0xe7: { const v = m.power(); if (v == NOT_HELD || v < i32.MIN_VALUE || v > i32.MAX_VALUE) return false; w.u32(<u32>v); return true; }
      case 0xea: return this.writeFixedTime(w);
    }
    return false;
  }

  private writeHistory(w: FrameWriter): bool {
    const h = this.history;
    if (!this.meter.history(h) || !validHistory(h)) return false;
    if (w.limit - w.len < HISTORY_BYTES) return false;
    w.u16(h.day);
    for (let k = 0; k < h.slots.length; k++) w.u32(unchecked(h.slots[k]));
    return true;
  }

  private writeFixedTime(w: FrameWriter): bool {
    const r = this.fixed;
    if (!this.meter.fixedTimeEnergy(r) || !validFixedTime(r)) return false;
    w.u16(r.year); w.u8(r.month); w.u8(r.day); w.u8(r.hour); w.u8(r.minute); w.u8(r.second);
    w.u32(r.energy);
    return true;
  }
}

/** The object a DEOJ names, instance 0 meaning every instance of the class; 0: not ours. */
function addressed(deoj: u32): u32 {
  if (deoj == Eoj.SMART_METER || deoj == (Eoj.SMART_METER & 0xffff00)) return Eoj.SMART_METER;
  if (deoj == Eoj.NODE_PROFILE || deoj == (Eoj.NODE_PROFILE & 0xffff00)) return Eoj.NODE_PROFILE;
  return 0;
}
