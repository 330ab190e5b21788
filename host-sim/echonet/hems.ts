// The home's HEMS controller (ECHONET Lite, a controller object 0x05FF01 on UDP 3610):
// finds the smart meter by its start-up INF or by a multicast Get of the node profile's
// D6 (self-node instance list S), then reads its power (E7), register (E0 with E1, D3),
// fixed-time reading (EA) and the day's 48 half-hour counts (E2), and shows them.
import type { UdpSocket } from "../lan/udp-segment.ts";
import { formatIpv4 } from "../lan/ipv4.ts";
import { Eoj, Esv, MULTICAST_GROUP, PORT, decodeFrame, getRequest, isSna, type Frame } from "./frame.ts";
import {
  decodeCoefficient, decodeEnergy, decodeFixedTime, decodeHistory, decodeInstanceList, decodePower, decodeUnit,
  kWh, type FixedTimeEnergy, type History,
} from "./meter.ts";

/** A node found on the LAN and the objects it has. */
export interface EchonetNodeSeen { address: number; eojs: number[] }

/** What the HEMS read from a meter; null where the meter had no value or answered SNA. */
export interface MeterView {
  address: number;
  powerW: number | null;
  /** The register now, in kWh (E0 × D3 × E1). */
  energyKWh: number | null;
  fixed: (FixedTimeEnergy & { kWh: number | null }) | null;
  history: (History & { kWh: (number | null)[] }) | null;
  /** EPCs the meter refused (Get_SNA). */
  failed: number[];
}

export class HemsController {
  private tid = 0;
  /** Nodes by address, from INF announcements and discovery answers. */
  readonly nodes = new Map<number, EchonetNodeSeen>();

  constructor(private readonly socket: UdpSocket) {
    socket.join(MULTICAST_GROUP);
  }

  /** The address of a node holding a smart meter, if one has announced or answered. */
  meter(): number | undefined {
    this.absorb();
    for (const n of this.nodes.values()) if (n.eojs.some((e) => (e & 0xffff00) === (Eoj.SMART_METER & 0xffff00))) return n.address;
    return undefined;
  }

  /** A multicast Get of D6 to every node profile; the answers land in `nodes`. */
  async discover(): Promise<number | undefined> {
    await this.socket.send(MULTICAST_GROUP, PORT, this.request(Eoj.NODE_PROFILE, [0xd6]));
    return this.meter();
  }

  /** Reads the meter at `address` (one Get of every value it needs). */
  async read(address: number): Promise<MeterView> {
    const epcs = [0xe7, 0xe0, 0xe1, 0xd3, 0xea, 0xe2];
    const tid = this.tid;
    await this.socket.send(address, PORT, this.request(Eoj.SMART_METER, epcs));
    const answer = this.absorb().find((f) => f.frame.tid === tid && f.from === address && (f.frame.esv === Esv.GET_RES || f.frame.esv === Esv.GET_SNA));
    if (!answer) throw new Error(`no answer from the meter at ${formatIpv4(address)}`);
    const edt = (epc: number) => answer.frame.properties.find((p) => p.epc === epc && p.edt.length > 0)?.edt;
    const failed = answer.frame.properties.filter((p) => p.edt.length === 0).map((p) => p.epc);
    const unit = edt(0xe1) ? decodeUnit(edt(0xe1)!) : undefined;
    const coefficient = edt(0xd3) ? decodeCoefficient(edt(0xd3)!) ?? 1 : 1;
    const toKWh = (raw: number | null | undefined) => (raw == null || unit === undefined ? null : kWh(raw, unit, coefficient));
    const power = edt(0xe7) ? decodePower(edt(0xe7)!) : undefined;
    const energy = edt(0xe0) ? decodeEnergy(edt(0xe0)!) : undefined;
    const fixed = edt(0xea) ? decodeFixedTime(edt(0xea)!) : undefined;
    const history = edt(0xe2) ? decodeHistory(edt(0xe2)!) : undefined;
    return {
      address, failed,
      powerW: power ?? null,
      energyKWh: toKWh(energy),
      fixed: fixed ? { ...fixed, kWh: toKWh(fixed.energy) } : null,
      history: history ? { ...history, kWh: history.slots.map(toKWh) } : null,
    };
  }

  private request(deoj: number, epcs: number[]): Uint8Array {
    const r = getRequest(this.tid, deoj, epcs);
    this.tid = (this.tid + 1) & 0xffff;
    if (!r.ok) throw new Error(`cannot write a Get (${r.error})`);
    return r.value;
  }

  /** Reads every datagram that arrived, learning the nodes that announce or answer. */
  private absorb(): { from: number; frame: Frame }[] {
    const frames: { from: number; frame: Frame }[] = [];
    for (const d of this.socket.take()) {
      const f = decodeFrame(d.data);
      if (!f.ok) continue;                                   // a HEMS ignores what it cannot read
      frames.push({ from: d.from, frame: f.value });
      if ((f.value.seoj & 0xffff00) !== (Eoj.NODE_PROFILE & 0xffff00) || isSna(f.value.esv)) continue;
      for (const p of f.value.properties) {
        if (p.epc !== 0xd5 && p.epc !== 0xd6) continue;
        const eojs = decodeInstanceList(p.edt);
        if (eojs) this.nodes.set(d.from, { address: d.from, eojs });
      }
    }
    return frames;
  }
}

/** The HEMS screen: one meter's values as a person reads them. */
export function showMeter(v: MeterView): string {
  const n = (x: number | null, unit: string, digits = 3) => (x === null ? "--" : `${x.toFixed(digits)} ${unit}`);
  const lines = [`meter ${formatIpv4(v.address)}`, `  now      ${v.powerW === null ? "--" : `${v.powerW} W`}`, `  register ${n(v.energyKWh, "kWh")}`];
  if (v.fixed) {
    const f = v.fixed, p = (x: number) => String(x).padStart(2, "0");
    lines.push(`  at ${f.year}-${p(f.month)}-${p(f.day)} ${p(f.hour)}:${p(f.minute)} UTC  ${n(f.kWh, "kWh")}`);
  }
  if (v.history) {
    // E2 is the register at each :00/:30 (the MRA's cumulative history), not each slot's
    // use: what the day used is the last register held minus the first.
    const used = v.history.kWh.filter((x): x is number => x !== null);
    const span = used.length >= 2 ? `, ${(used[used.length - 1] - used[0]).toFixed(3)} kWh between the first and the last` : "";
    lines.push(`  day -${v.history.day}: ${used.length}/48 slots held${span}`);
  }
  if (v.failed.length > 0) lines.push(`  not held: ${v.failed.map((e) => e.toString(16).toUpperCase()).join(" ")}`);
  return lines.join("\n");
}
