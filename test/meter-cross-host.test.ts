// The meter image on every engine (V8, wasm2c, WAMR fast and classic), driven through the
// same script: provisioning and installation, a new resident's supply closed by the
// contract company's confirmation, an immediate switch by an IC card, a data-provision
// company with its own scope, a switch scheduled at T with the power off across T, a
// confirmation mismatch that opens the breaker, the local press, the HEMS over UDP, and
// a day of readings. Every output and the final flash bytes must be identical, and the
// meter must have done what the companies and the customer rely on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { powerOn, type HostName } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId, Pin, type BoardEvent, type BoardTime, type CallResult, type DeviceHandle } from "../host-sim/device/types.ts";
import { jsonOutput } from "../host-sim/scenario/format.ts";
import { nativeEngines } from "./support/engines.ts";

const enc = new TextEncoder();
const MIN = 60_000, DAY = 86_400_000;
const START = Date.UTC(2026, 8, 22, 10, 7);          // not on a :00/:30
const KANTO = 0xa001, GREEN = 0xb002, DATA_CO = 0xc003;
const HEMS = 0xc0a80114;                              // 192.168.1.20

function serviceFrame(op: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = op; f[3] = data.length >> 8; f[4] = data.length & 255; f.set(data, 5);
  return f;
}
const lp = (s: string) => { const b = enc.encode(s); return Uint8Array.of(b.length, ...b); };
function card(slot: number, role: number, code: number, types: number): Uint8Array {
  const b = Buffer.alloc(18);
  b[0] = slot; b[1] = 1; b.write("CT", 2); b[4] = 1; b[5] = role;
  b.writeUInt32LE(code, 6); b.writeUInt32LE(types, 10);
  return b;
}

/** A meter on one engine with a board clock, its timers and a load of 600 W. */
class Meter {
  dev!: DeviceHandle;
  now = 0;
  wall = START;
  timers = new Map<number, number>();
  trace: string[] = [];
  published: string[] = [];
  datagrams: { addr: number; data: string }[] = [];
  pin = -1;
  private cmd = 0;
  private acked = 0;
  private maxSeq = 0;
  readonly flashFile = join(mkdtempSync(join(tmpdir(), "meter-xhost-")), "flash.bin");
  constructor(readonly host: HostName) {}

  time(): BoardTime {
    // 600 W from START: the register in whole Wh, as a metrology front end counts it.
    return { nowMs: this.now, wallMs: this.wall, meter: [{ status: 0, powerW: 600, energyWh: 50_000 + Math.floor((this.wall - START) * 600 / 3.6e6) }] };
  }
  private note(what: string, r: CallResult): CallResult {
    this.trace.push(`${what} -> ${r.result} ${JSON.stringify(r.outputs.map(jsonOutput))}`);
    for (const o of r.outputs) {
      if (o.t === "timer_set") this.timers.set(o.id, this.now + o.delayMs);
      else if (o.t === "timer_cancel") this.timers.delete(o.id);
      else if (o.t === "gpio" && o.pin === Pin.BREAKER) this.pin = o.level;
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
  async off(ms: number): Promise<void> { await this.dev.close(); this.wall += ms; this.now = 0; }
  async send(ev: BoardEvent, what: string): Promise<CallResult> {
    this.now += 10; this.wall += 10;
    return this.note(what, await this.dev.event(this.time(), ev));
  }
  down(body: string): Promise<CallResult> {
    const t = enc.encode("devices/meter-dev-1/down"), b = enc.encode(body);
    const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
    return this.send({ kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p }, body);
  }
  /** A command from company `co` as the head-end relays it. */
  command(co: number, body: string): Promise<CallResult> { return this.down(`{"cmd":${++this.cmd},"co":${co},${body}}`); }
  press(b: number) { return this.send({ kind: EventKind.BUTTON, arg: b }, `button ${b}`); }
  link(link: number, data: Uint8Array, what: string) { return this.send({ kind: EventKind.LINK, arg: link, payload: data }, what); }
  udp(hex: string) {
    const d = Buffer.from(hex.replace(/ /g, ""), "hex");
    const p = Buffer.alloc(2 + d.length); p.writeUInt16BE(3610, 0); d.copy(p, 2);
    return this.send({ kind: EventKind.UDP, arg: HEMS | 0, payload: p }, `udp ${hex}`);
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
      if (this.maxSeq > this.acked) { this.acked = this.maxSeq; await this.down(`{"ack":${this.acked}}`); }
    }
    this.now += until - this.wall; this.wall = until;
  }
  readings(co: number): string[] { return this.published.filter((p) => p.startsWith("up/history") && p.includes(`"kind":"reading","co":${co},`)); }
}

async function script(host: HostName): Promise<Meter> {
  const m = new Meter(host);
  await m.boot();
  await m.link(LinkId.SERVICE, serviceFrame(0x01, enc.encode("SM-0001")), "provision");
  await m.link(LinkId.SERVICE, serviceFrame(0x20, Uint8Array.of(...lp("JP-0123-4567-8901"), ...lp("meter-dev-1"), ...lp("meter-password-0123456789"))), "install");
  await m.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online");
  await m.command(KANTO, `"change":0,"at":-1,"to":${KANTO},"types":13`);
  await m.command(KANTO, `"confirm":13`);                       // a new resident: the supply closes
  await m.command(DATA_CO, `"change":1,"at":-1,"to":${DATA_CO},"types":3`);
  await m.command(DATA_CO, `"confirm":3`);
  await m.runTo(START + 3 * 60 * MIN);                           // 10:30 … 13:00
  // An IC card of Green Power in slot 1, SELECT_1: an immediate switch; Green confirms.
  await m.link(LinkId.CARD, card(0, 0, GREEN, 13), "card in");
  await m.press(0);
  await m.command(GREEN, `"confirm":13`);
  // Kanto orders itself back at T = 15:00; the power is off from 14:50 to 15:20.
  const T = Date.UTC(2026, 8, 22, 15, 0);
  await m.command(KANTO, `"change":0,"at":${T},"to":${KANTO},"types":13`);
  await m.runTo(T - 10 * MIN);
  await m.off(30 * MIN);
  await m.boot();
  await m.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online again");
  // The HEMS: a Get of E7 and E0, a Get of an EPC the meter does not have.
  await m.udp("1081 0001 05FF01 028801 62 02 E700 E000");
  await m.udp("1081 0002 05FF01 028801 62 01 F000");
  // A mismatch by the contract company: the breaker opens; its match readies it; the press.
  await m.command(KANTO, `"confirm":15`);
  await m.command(KANTO, `"confirm":13`);
  await m.press(8);
  await m.runTo(START + DAY);
  await m.dev.close();
  return m;
}

test("meter: installation, switches, breaker, ECHONET and a day of readings give the same outputs and flash on every engine", async () => {
  const ts = await script("ts");
  const said = ts.published.join("\n");
  assert.equal(ts.pin, 1, "the supply is on at the end (closed by the press)");
  assert.match(said, /"kind":"breaker","bseq":1,"from":0,"to":1,"reason":3/, "the new resident's supply closed by the confirmation");
  assert.match(said, /"kind":"breaker","bseq":2,"from":1,"to":0,"reason":2/, "the mismatch opened it");
  assert.match(said, /"kind":"breaker","bseq":4,"from":2,"to":1,"reason":4/, "the press closed it");
  assert.match(said, /up\/state \{"breaker":2,"contract":40961,/, "the head-end's view follows the breaker (ready after the match)");
  assert.match(said, /"kind":"switched","role":0,"from":40961,"to":45058/, "the card switched to Green");
  assert.match(said, /"kind":"ending","co":45058,"role":0,"at":\d+/, "Green heard of its scheduled end");
  assert.match(said, /"kind":"switched","role":0,"from":45058,"to":40961,"at":1790089200000/, "the switch at T, applied at boot");
  // Readings: each company its own, numbered from 1 without a hole, its scope only.
  for (const co of [KANTO, GREEN, DATA_CO]) {
    const rs = ts.readings(co).map((s) => JSON.parse(s.slice(s.indexOf("{"))));
    assert.ok(rs.length > 0, `company ${co} got readings`);
    const seqs = [...new Set(rs.map((r) => r.rseq))].sort((a, b) => a - b);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `company ${co}: rseq 1..n`);
    for (const r of rs) {
      if (co === DATA_CO) assert.ok(!("wh" in r) && !("d" in r), "the data company never gets energy or history");
      else assert.ok(!("w" in r), "an electricity company without POWER never gets it");
    }
  }
  // Green's readings end at T, Kanto's resume after it; the reading of 15:00 (LATE: the
  // meter was off at T) is Green's.
  const green = ts.readings(GREEN).map((s) => JSON.parse(s.slice(s.indexOf("{"))));
  assert.equal(Math.max(...green.map((r) => r.t)), Date.UTC(2026, 8, 22, 15, 0));
  // ECHONET: 600 W and the register; an unknown EPC is echoed with PDC 0.
  assert.ok(ts.datagrams.some((d) => d.addr === HEMS && d.data.startsWith("1081000102880105ff017202e70400000258e004")), "E7 600 W");
  assert.ok(ts.datagrams.some((d) => d.addr === HEMS && d.data === "1081000202880105ff015201f000"), "Get_SNA");
  const engines = nativeEngines();
  for (const host of engines) {
    const other = await script(host);
    assert.deepEqual(other.trace, ts.trace, `trace on ${host}`);
    assert.ok(readFileSync(other.flashFile).equals(readFileSync(ts.flashFile)), `final flash images differ on ${host}`);
  }
});
