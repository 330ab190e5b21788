// Test helpers: a meter whose every value a spec sets, a node around it, hex frames.
import { EchonetNode, NodeConfig, MeterProvider, History, FixedTimeEnergy, NOT_HELD, SLOTS } from "..";
export { hex, same, cat } from "../../handover/__tests__/bytes";
import { hex } from "../../handover/__tests__/bytes";

export class TestMeter extends MeterProvider {
  status: i64 = 0x30;
  where: i64 = 0x00;
  fault: i64 = 0x42;
  coeff: i64 = 1;
  digitCount: i64 = 6;
  kwh: i64 = 4660;
  unitCode: i64 = 0x01;
  day: i64 = 0;
  watts: i64 = NOT_HELD;
  slots: StaticArray<u32> = new StaticArray<u32>(SLOTS);
  historyHeld: bool = true;
  fixed: FixedTimeEnergy | null = null;
  refuseSets: bool = false;
  sets: i32 = 0;

  operationStatus(): i64 { return this.status; }
  location(): i64 { return this.where; }
  setLocation(code: u8): bool { if (this.refuseSets) return false; this.where = code; this.sets++; return true; }
  faultStatus(): i64 { return this.fault; }
  coefficient(): i64 { return this.coeff; }
  digits(): i64 { return this.digitCount; }
  energy(): i64 { return this.kwh; }
  unit(): i64 { return this.unitCode; }
  history(h: History): bool {
    if (!this.historyHeld) return false;
    h.day = <u32>this.day;
    for (let k = 0; k < SLOTS; k++) h.slots[k] = this.slots[k];
    return true;
  }
  historyDay(): i64 { return this.day; }
  setHistoryDay(day: u8): bool { if (this.refuseSets) return false; this.day = day; this.sets++; return true; }
  power(): i64 { return this.watts; }
  fixedTimeEnergy(r: FixedTimeEnergy): bool {
    const f = this.fixed;
    if (f == null) return false;
    r.year = f.year; r.month = f.month; r.day = f.day; r.hour = f.hour; r.minute = f.minute; r.second = f.second;
    r.energy = f.energy;
    return true;
  }
}

export function fixedTime(year: u32, month: u32, day: u32, hour: u32, minute: u32, second: u32, energy: u32): FixedTimeEnergy {
  const r = new FixedTimeEnergy();
  r.year = year; r.month = month; r.day = day; r.hour = hour; r.minute = minute; r.second = second; r.energy = energy;
  return r;
}

export function node(m: TestMeter): EchonetNode {
  const c = new NodeConfig();
  c.makerCode = 0x00000b;
  for (let k = 0; k < c.uniqueId.length; k++) c.uniqueId[k] = <u8>(k + 1);
  return new EchonetNode(c, m);
}

/** The node's answer to a hex datagram, as bytes (empty: no answer). */
export function answer(n: EchonetNode, frame: string): Uint8Array {
  const b = hex(frame);
  const len = n.handle(b, b.length);
  return n.out.buf.slice(0, len);
}

/** The node's answer to a datagram given as bytes. */
export function answerBytes(n: EchonetNode, b: Uint8Array): Uint8Array {
  return n.out.buf.slice(0, n.handle(b, b.length));
}

export function toHex(b: Uint8Array): string {
  let s = "";
  const digits = "0123456789ABCDEF";
  for (let k = 0; k < b.length; k++) s += digits.charAt(b[k] >> 4) + digits.charAt(b[k] & 15);
  return s;
}
