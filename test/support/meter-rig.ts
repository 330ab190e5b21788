// The meter image on one engine, driven as the head-end, the card reader, the load and
// the HEMS would drive it, with no broker: a board clock and its timers, every output
// kept (what it published, the datagrams it sent, the breaker pin) and a trace of every
// call, so that tests can compare engines call by call and read what each company got.
// Shared by meter-cross-host and meter-switching.
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { powerOn, type HostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, Pin, type BoardEvent, type BoardTime, type CallResult, type DeviceHandle } from "../../host-sim/device/types.ts";
import { jsonOutput } from "../../host-sim/scenario/format.ts";

const enc = new TextEncoder();
export const MIN = 60_000, DAY = 86_400_000;
export const KANTO = 0xa001, GREEN = 0xb002, DATA_CO = 0xc003;
export const HEMS = 0xc0a80114;                              // 192.168.1.20
/** contract-table DataType bits. */
export const TIME = 1, POWER = 2, ENERGY = 4, HISTORY = 8;
export const DEVICE_ID = "meter-dev-1";

export function serviceFrame(op: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = op; f[3] = data.length >> 8; f[4] = data.length & 255; f.set(data, 5);
  return f;
}
const lp = (s: string) => { const b = enc.encode(s); return Uint8Array.of(b.length, ...b); };
/** A CARD link frame: slot, present, then the card bytes of PROTOCOL.md §1. */
export function card(slot: number, role: number, code: number, types: number): Uint8Array {
  const b = Buffer.alloc(18);
  b[0] = slot; b[1] = 1; b.write("CT", 2); b[4] = 1; b[5] = role;
  b.writeUInt32LE(code, 6); b.writeUInt32LE(types, 10);
  return b;
}
/** The JSON of a published payload ("up/history {…}" → {…}). */
export const body = (p: string): Record<string, number> => JSON.parse(p.slice(p.indexOf("{")));

/** A meter on one engine with a board clock, its timers and a steady load. */
export class MeterRig {
  dev!: DeviceHandle;
  now = 0;
  wall: number;
  powerW = 600;
  /** What the board's `measure` answers (0 OK; else the metrology front end failed). */
  measureStatus = 0;
  /** The register at `start`, Wh. */
  energyBaseWh = 50_000;
  timers = new Map<number, number>();
  trace: string[] = [];
  published: string[] = [];
  datagrams: { addr: number; data: string }[] = [];
  pin = -1;
  /** The panel's last text. */
  screen = "";
  /** Answer the outbox after each timer event, as a head-end that is online. */
  autoAck = true;
  private cmd = 0;
  private acked = 0;
  private maxSeq = 0;
  readonly flashFile = join(mkdtempSync(join(tmpdir(), "meter-rig-")), "flash.bin");
  constructor(readonly host: HostName, readonly start: number) { this.wall = start; }

  time(): BoardTime {
    // The register in whole Wh from `energyBaseWh` at `start`, as a metrology front end counts it.
    return { nowMs: this.now, wallMs: this.wall, meter: [{ status: this.measureStatus, powerW: this.powerW, energyWh: this.energyBaseWh + Math.floor((this.wall - this.start) * this.powerW / 3.6e6) }] };
  }
  private note(what: string, r: CallResult): CallResult {
    this.trace.push(`${what} -> ${r.result} ${JSON.stringify(r.outputs.map(jsonOutput))}`);
    for (const o of r.outputs) {
      if (o.t === "timer_set") this.timers.set(o.id, this.now + o.delayMs);
      else if (o.t === "timer_cancel") this.timers.delete(o.id);
      else if (o.t === "gpio" && o.pin === Pin.BREAKER) this.pin = o.level;
      else if (o.t === "display") this.screen = o.text;
      else if (o.t === "udp_send") this.datagrams.push({ addr: o.addr, data: Buffer.from(o.data).toString("hex") });
      else if (o.t === "mqtt_publish") {
        const s = Buffer.from(o.payload).toString();
        this.published.push(`${o.topic.split("/").slice(2).join("/")} ${s}`);
        const m = /^\{"seq":(\d+)/.exec(s);
        if (m) this.maxSeq = Math.max(this.maxSeq, Number(m[1]));
      }
    }
    return r;
  }
  async boot(): Promise<void> {
    this.timers.clear();
    this.dev = await powerOn(this.host, { image: "meter", flashFile: this.flashFile });
    this.note("boot", await this.dev.boot(this.time()));
  }
  /** Power off for `ms` of wall time (the board clock starts again from 0 at boot). */
  async off(ms: number): Promise<void> { await this.dev.close(); this.wall += ms; this.now = 0; }
  async close(): Promise<void> { await this.dev.close(); }
  /** One event, `dt` ms after the previous one. */
  async send(ev: BoardEvent, what: string, dt = 10): Promise<CallResult> {
    this.now += dt; this.wall += dt;
    return this.note(what, await this.dev.event(this.time(), ev));
  }
  down(text: string, dt = 10): Promise<CallResult> {
    const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(text);
    const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
    return this.send({ kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p }, text, dt);
  }
  /** A command from company `co` as the head-end relays it; its number. */
  async command(co: number, text: string, dt = 10): Promise<number> {
    const n = ++this.cmd;
    await this.down(`{"cmd":${n},"co":${co},${text}}`, dt);
    return n;
  }
  /** The head-end acknowledges everything published so far. */
  async ack(): Promise<void> {
    if (this.maxSeq > this.acked) { this.acked = this.maxSeq; await this.down(`{"ack":${this.acked}}`); }
  }
  /** The status the meter answered command `n` with (its `up/reply` outbox entry). */
  status(n: number): number | undefined {
    const r = this.published.filter((p) => p.startsWith("up/reply")).map(body).find((b) => b.cmd === n);
    return r?.status;
  }
  /** A command and the status it was answered with (the outbox may publish the answer
   *  only after the head-end acknowledged what came before it). */
  async order(co: number, text: string): Promise<number | undefined> {
    const n = await this.command(co, text);
    for (let i = 0; i < 3 && this.status(n) === undefined; i++) await this.ack();
    return this.status(n);
  }
  online() { return this.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online"); }
  offline() { return this.send({ kind: EventKind.MQTT_STATE, arg: 0 }, "offline"); }
  press(b: number) { return this.send({ kind: EventKind.BUTTON, arg: b }, `button ${b}`); }
  link(link: number, data: Uint8Array, what: string) { return this.send({ kind: EventKind.LINK, arg: link, payload: data }, what); }
  udp(hex: string) {
    const d = Buffer.from(hex.replace(/ /g, ""), "hex");
    const p = Buffer.alloc(2 + d.length); p.writeUInt16BE(3610, 0); d.copy(p, 2);
    return this.send({ kind: EventKind.UDP, arg: HEMS | 0, payload: p }, `udp ${hex}`);
  }
  /** Provisioning and installation by the utility's installer, then the link comes up. */
  async install(): Promise<void> {
    await this.link(LinkId.SERVICE, serviceFrame(0x01, enc.encode("SM-0001")), "provision");
    await this.link(LinkId.SERVICE, serviceFrame(0x20, Uint8Array.of(...lp("JP-0123-4567-8901"), ...lp(DEVICE_ID), ...lp("meter-password-0123456789"))), "install");
    await this.online();
  }
  /** Runs the board's timers up to `until` (wall), acknowledging what was published. */
  async runTo(until: number): Promise<void> {
    for (;;) {
      let id = -1, at = Infinity;
      for (const [k, v] of this.timers) if (v < at) { at = v; id = k; }
      if (id < 0 || this.wall + (at - this.now) > until) break;
      this.wall += at - this.now - 10; this.now = at - 10;
      this.timers.delete(id);
      await this.send({ kind: EventKind.TIMER, arg: id }, `timer ${id}`);
      if (this.autoAck) await this.ack();
    }
    this.now += until - this.wall; this.wall = until;
  }
  /** Every outbox entry of `kind` published so far (resends included). */
  entries(kind: string): Record<string, number>[] {
    return this.published.filter((p) => p.startsWith("up/history") && p.includes(`"kind":"${kind}"`)).map(body);
  }
  readings(co: number): string[] { return this.published.filter((p) => p.startsWith("up/history") && p.includes(`"kind":"reading","co":${co},`)); }
  /** Company `co`'s readings, one per rseq (a resend is the same entry again). */
  readingsOf(co: number): Record<string, number>[] {
    const by = new Map<number, Record<string, number>>();
    for (const r of this.readings(co).map(body)) by.set(r.rseq, r);
    return [...by.values()].sort((a, b) => a.rseq - b.rseq);
  }
  /** Everything published that names company `co` (readings, read answers, notices). */
  toCompany(co: number): Record<string, number>[] {
    return this.published.map(body).filter((b) => b.co === co);
  }
  /** The `up/read` answers to command `n`. */
  readAnswers(n: number): Record<string, number>[] {
    return this.published.filter((p) => p.startsWith("up/read")).map(body).filter((b) => b.cmd === n);
  }
}
