// npx tsx scripts/meter-day.ts [host] [days] [stress]
// Simulated days of the meter image on one engine (ts, posix, wamr-fast, wamr-classic):
// provisioned, installed, a contract company confirmed (so that readings are handed), a
// 500 W load sampled at every call, timers delivered as they fall due, the head-end
// acknowledging after each. Prints the wall time taken and the cost per reading
// (firmware/images/meter/README.md, "Cost per reading"). With "stress": at every timer
// event a HEMS Get of six properties, a company's read, a re-ordered change and a
// confirmation, and no acknowledgement (the outbox fills): the heap-arena sizing of
// README, "Linear memory" (rebuild with a smaller lowMemoryLimit; a trap prints PANIC).
import { powerOn, type HostName } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardOutput, type BoardTime } from "../host-sim/device/types.ts";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const host = (process.argv[2] ?? "ts") as HostName;
const days = Number(process.argv[3] ?? 1);
const stress = process.argv[4] === "stress";
let cmd = 3;
const enc = new TextEncoder();
const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 22, 0, 7);
let now = 0, wall = START;
const timers = new Map<number, number>();
let wh = 1_000_000;
const time = (): BoardTime => ({ nowMs: now, wallMs: wall, meter: [{ status: 0, powerW: 500, energyWh: Math.floor(wh + (wall - START) * 500 / 3.6e6) }] });
function frame(op: number, data: Uint8Array) { const f = new Uint8Array(5 + data.length); f[0] = op; f[3] = data.length >> 8; f[4] = data.length & 255; f.set(data, 5); return f; }
function lp(s: string) { const b = enc.encode(s); return Uint8Array.of(b.length, ...b); }
const dev = await powerOn(host, { image: "meter", flashFile: join(mkdtempSync(join(tmpdir(), "meterday-")), "flash.bin") });
let published = 0, acked = 0, readings = 0, maxSeq = 0, errors = 0, timerEvents = 0, lastEvent = "";
function note(outs: BoardOutput[]) {
  for (const o of outs) {
    if (o.t === "timer_set") timers.set(o.id, now + o.delayMs);
    if (o.t === "timer_cancel") timers.delete(o.id);
    if (o.t === "mqtt_publish") { published++; const s = Buffer.from(o.payload).toString(); if (s.includes('"kind":"reading"')) readings++; const m = /"seq":(\d+)/.exec(s); if (m && o.topic.includes("/up/")) maxSeq = Math.max(maxSeq, Number(m[1])); }
    if (o.t === "log" && o.level === 0) { errors++; if (errors < 5) console.log("error:", o.text); }
    if (o.t === "panic") { console.log("PANIC after timer events", timerEvents, o.text, lastEvent); process.exit(3); }
  }
}
async function ev(e: BoardEvent) { lastEvent = e.kind + " " + (e.payload ? Buffer.from(e.payload).toString().slice(0, 120) : e.arg); now += 5; wall += 5; const r = await dev.event(time(), e); note(r.outputs); return r; }
function down(body: string): BoardEvent {
  const t = enc.encode("devices/meter-dev-1/down"), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}
note((await dev.boot(time())).outputs);
await ev({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame(1, enc.encode("SM-0001")) });
const inst = new Uint8Array([...lp("JP-0123-4567-8901"), ...lp("meter-dev-1"), ...lp("meter-password-0123456789")]);
await ev({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame(0x20, inst) });
await ev({ kind: EventKind.MQTT_STATE, arg: 1 });
await ev(down('{"cmd":1,"co":40961,"change":0,"at":-1,"to":40961,"types":13}'));
await ev(down('{"cmd":2,"co":40961,"confirm":13}'));
const t0 = process.hrtime.bigint();
const end = wall + days * DAY;
while (true) {
  let id = -1, at = Infinity;
  for (const [k, v] of timers) if (v < at) { at = v; id = k; }
  if (id < 0 || wall + (at - now) > end) break;
  wall += at - now; now = at; timers.delete(id);
  now -= 5; wall -= 5;
  await ev({ kind: EventKind.TIMER, arg: id });
  timerEvents++;
  if (stress) {
    // The HEMS reads everything, the companies read and re-order, nobody acknowledges.
    const get = Buffer.from("108100010" + "5FF01028801620" + "6E200E700E000EA00E5009F00", "hex");
    const p = Buffer.alloc(2 + get.length); p.writeUInt16BE(3610, 0); get.copy(p, 2);
    await ev({ kind: EventKind.UDP, arg: 0xc0a80114 | 0, payload: p });
    await ev(down(`{"cmd":${cmd++},"co":40961,"read":15}`));
    await ev(down(`{"cmd":${cmd++},"co":45058,"change":0,"at":${wall + 3_600_000 * (1 + timerEvents % 5)},"to":45058,"types":13}`));
    await ev(down(`{"cmd":${cmd++},"co":45058,"confirm":13}`));
  } else if (maxSeq > acked) { await ev(down(`{"ack":${maxSeq}}`)); acked = maxSeq; }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const st = await dev.flashStats();
console.log(JSON.stringify({ host, days, wallMsTaken: Math.round(ms), timerEvents, readings, published, errors, flashOps: st.ops, msPerReading: +(ms / Math.max(1, readings)).toFixed(2) }));
await dev.close();
