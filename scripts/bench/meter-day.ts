// Simulated days of the meter image on one engine, driven as the head-end and the load
// would (no broker): provisioned, installed, a contract company confirmed so that
// readings are handed, a 500 W load sampled at every call, the board's timers delivered
// as they fall due, and the head-end acknowledging after each. Part of `npm run bench`
// (scripts/bench/meter.ts: the cost per reading); alone, for the image's heap sizing:
//
//   npx tsx scripts/bench/meter-day.ts [host] [days] [stress] [heap]
//
// "stress": at every timer event a HEMS Get of six properties, a company's read, a
// re-ordered change and a confirmation, and no acknowledgement, so that the outbox fills
// and stays full (firmware/images/meter/README.md, "Linear memory": rebuild with a smaller
// lowMemoryLimit; a trap ends the run with `panic`). "heap" (TS host): what one event of
// each kind allocates at most, and the most the heap holds after an event
// (scripts/bench/heap-walk.ts, sampled at every ABI call the image makes).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { powerOn, type HostName } from "../../host-sim/device/power-on.ts";
import { watchedTsMeter, provisionEvent, installEvent, down } from "./meter-watch.ts";
import { EventKind, type BoardEvent, type BoardOutput, type BoardTime, type DeviceHandle } from "../../host-sim/device/types.ts";

export interface MeterDayOptions {
  host: HostName;
  days: number;
  stress?: boolean;
  /** On the TS host: the heap's growth per event, by event (scripts/bench/heap-walk.ts). */
  heap?: boolean;
  /** A board executable to run instead of the host's own (a callgrind wrapper). */
  open?: (flashFile: string) => Promise<DeviceHandle>;
}

export interface MeterDay {
  host: HostName; days: number; stress: boolean;
  /** Wall time of the simulated days (installation excluded), in ms. */
  wallMs: number;
  timerEvents: number; events: number; readings: number; published: number;
  /** Error-level log lines of the image. */
  errors: number;
  flashOps: number;
  /** The trap that ended the run, if one did. */
  panic: string | null;
  /** With `heap`: the most one event of each kind allocated, and the most the heap held
   *  after an event (live objects and garbage not yet collected). */
  heap?: { allocatedByEvent: Record<string, number>; maxHeld: number; arena: number };
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 22, 0, 7);
const CONTRACT = 40961, OTHER = 45058;
/** A HEMS Get of E2, E7, E0, EA, E5 and 9F from 192.168.1.20 to port 3610. */
const HEMS_GET = Buffer.from("1081000105FF010288016206E200E700E000EA00E5009F00", "hex");


const KIND_NAMES = new Map<number, string>([[EventKind.TIMER, "TIMER"], [EventKind.UDP, "UDP"], [EventKind.LINK, "LINK"], [EventKind.MQTT_STATE, "MQTT_STATE"], [EventKind.MQTT_MESSAGE, "MQTT_MESSAGE"]]);
const eventName = (e: BoardEvent) => `${KIND_NAMES.get(e.kind) ?? e.kind}${e.kind === EventKind.TIMER ? ` 0x${e.arg.toString(16)}` : ""}`;


export async function meterDay(o: MeterDayOptions): Promise<MeterDay> {
  const dir = mkdtempSync(join(tmpdir(), "meter-day-"));
  const flashFile = join(dir, "flash.bin");
  const watch = o.heap ? await watchedTsMeter(flashFile) : null;
  if (watch && o.host !== "ts") throw new Error("the heap is watched on the TS host only");
  const dev = watch ? watch.dev : o.open ? await o.open(flashFile) : await powerOn(o.host, { image: "meter", flashFile });
  const r: MeterDay = { host: o.host, days: o.days, stress: !!o.stress, wallMs: 0, timerEvents: 0, events: 0, readings: 0, published: 0, errors: 0, flashOps: 0, panic: null };
  let now = 0, wall = START, cmd = 3, acked = 0, maxSeq = 0;
  const timers = new Map<number, number>();
  const time = (): BoardTime => ({ nowMs: now, wallMs: wall, meter: [{ status: 0, powerW: 500, energyWh: Math.floor(1_000_000 + (wall - START) * 500 / 3.6e6) }] });
  const note = (outs: BoardOutput[]) => {
    for (const out of outs) {
      if (out.t === "timer_set") timers.set(out.id, now + out.delayMs);
      if (out.t === "timer_cancel") timers.delete(out.id);
      if (out.t === "mqtt_publish") {
        r.published++;
        const s = Buffer.from(out.payload).toString();
        if (s.includes('"kind":"reading"')) r.readings++;
        const m = /"seq":(\d+)/.exec(s);
        if (m && out.topic.includes("/up/")) maxSeq = Math.max(maxSeq, Number(m[1]));
      }
      if (out.t === "log" && out.level === 0) r.errors++;
      if (out.t === "panic") r.panic = out.text;
    }
  };
  if (watch) r.heap = { allocatedByEvent: {}, maxHeld: 0, arena: watch.arena };
  const ev = async (e: BoardEvent, what = eventName(e)) => {
    if (r.panic) return;
    now += 5; wall += 5; r.events++;
    const before = watch?.resetPeak();
    note((await dev.event(time(), e)).outputs);
    if (watch && before !== undefined && !r.panic) {
      const h = r.heap!;
      h.allocatedByEvent[what] = Math.max(h.allocatedByEvent[what] ?? 0, watch.peak() - before);
      h.maxHeld = Math.max(h.maxHeld, watch.used());
    }
  };
  try {
    note((await dev.boot(time())).outputs);
    await ev(provisionEvent(), "PROVISION");
    await ev(installEvent(), "INSTALL");
    await ev({ kind: EventKind.MQTT_STATE, arg: 1 }, "connected");
    await ev(down(`{"cmd":1,"co":${CONTRACT},"change":0,"at":-1,"to":${CONTRACT},"types":13}`), "first change");
    await ev(down(`{"cmd":2,"co":${CONTRACT},"confirm":13}`), "first confirm");
    r.events = 0;
    const t0 = process.hrtime.bigint();
    const end = wall + o.days * DAY;
    while (!r.panic) {
      let id = -1, at = Infinity;
      for (const [k, v] of timers) if (v < at) { at = v; id = k; }
      if (id < 0 || wall + (at - now) > end) break;
      // The timer's event arrives at its time (ev() adds the 5 ms every call takes).
      wall += at - now - 5; now = at - 5; timers.delete(id);
      await ev({ kind: EventKind.TIMER, arg: id });
      r.timerEvents++;
      if (o.stress) {
        const p = Buffer.alloc(2 + HEMS_GET.length); p.writeUInt16BE(3610, 0); HEMS_GET.copy(p, 2);
        await ev({ kind: EventKind.UDP, arg: 0xc0a80114 | 0, payload: p });
        await ev(down(`{"cmd":${cmd++},"co":${CONTRACT},"read":15}`), "read");
        await ev(down(`{"cmd":${cmd++},"co":${OTHER},"change":0,"at":${wall + 3_600_000 * (1 + r.timerEvents % 5)},"to":${OTHER},"types":13}`), "change");
        await ev(down(`{"cmd":${cmd++},"co":${OTHER},"confirm":13}`), "confirm");
      } else if (maxSeq > acked) {
        await ev(down(`{"ack":${maxSeq}}`), "ack");
        acked = maxSeq;
      }
    }
    r.wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!r.panic) r.flashOps = (await dev.flashStats()).ops;
  } finally {
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const host = (process.argv[2] ?? "ts") as HostName;
  const r = await meterDay({ host, days: Number(process.argv[3] ?? 1), stress: process.argv.includes("stress"), heap: process.argv.includes("heap") });
  console.log(JSON.stringify({ ...r, wallMs: Math.round(r.wallMs), msPerReading: +(r.wallMs / Math.max(1, r.readings)).toFixed(2) }));
  if (r.panic) process.exit(3);
}
