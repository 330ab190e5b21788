// What one meter boot allocates after a long time offline: the meter installed, a contract
// company confirmed and acknowledged, then the broker gone for `hours` with a power cut
// every 7 h (the readings pile up in the measurement log and the outbox), and the boot
// after the last cut watched at every ABI call it makes (scripts/bench/heap-walk.ts). A
// boot runs in one fw_boot call, where settle() cannot collect (firmware/board/heap.ts):
// all it allocates must fit in the arena, or the meter traps at every boot (a boot loop).
//
//   npx tsx scripts/bench/meter-boot-heap.ts [hours...]      (TS host)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { wasmImagePath } from "../../host-sim/device/power-on.ts";
import { TsDevice } from "../../host-sim/board/ts-device.ts";
import { TsBoard } from "../../host-sim/board/ts-board.ts";
import { walkHeap } from "./heap-walk.ts";
import { EventKind, LinkId, type BoardEvent, type BoardOutput, type BoardTime } from "../../host-sim/device/types.ts";

export interface BootHeap {
  hoursOffline: number;
  /** The most the heap held at an ABI call of the last boot (nothing held before it). */
  bootAllocated: number;
  /** The most of all the boots of the outage. */
  maxBootAllocated: number;
  arena: number;
  boots: number;
  /** A trap of a boot or an event, if one came. */
  panic: string | null;
}

const enc = new TextEncoder();
const HOUR = 3_600_000;
const START = Date.UTC(2026, 8, 22, 0, 7);
const DEVICE = "meter-dev-1";
const CONTRACT = 40961;
const CUT_EVERY_H = 7;

function frame(op: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = op; f[3] = data.length >> 8; f[4] = data.length & 255; f.set(data, 5);
  return f;
}
const lp = (s: string) => { const b = enc.encode(s); return Uint8Array.of(b.length, ...b); };
function down(body: string): BoardEvent {
  const t = enc.encode(`devices/${DEVICE}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}

interface Watched { dev: TsDevice; arena: number; peak(): number; reset(): void }

/** A meter on the TS host whose heap is sampled at every ABI call the image makes. */
async function powerOnWatched(flashFile: string): Promise<Watched> {
  let sample: () => number = () => 0;
  let peak = 0;
  const imports = TsBoard.prototype.imports;
  TsBoard.prototype.imports = function (this: TsBoard) {
    const real = imports.call(this);
    const watched: typeof real = {};
    for (const [name, f] of Object.entries(real)) watched[name] = (...a: never[]) => { peak = Math.max(peak, sample()); return f(...a); };
    return watched;
  };
  let dev: TsDevice;
  try { dev = await TsDevice.create({ image: wasmImagePath("meter"), flashFile }); } finally { TsBoard.prototype.imports = imports; }
  const exp = (dev as unknown as { exports: Record<string, unknown> }).exports;
  const memory = exp.memory as WebAssembly.Memory;
  const dataEnd = (exp.__data_end as WebAssembly.Global).value as number;
  const heapEnd = dev.heapEnd()!;
  sample = () => walkHeap(memory, dataEnd, heapEnd)?.used ?? 0;
  return { dev, arena: heapEnd - dataEnd, peak: () => peak, reset: () => { peak = 0; } };
}

export async function meterBootHeap(hours: number): Promise<BootHeap> {
  const dir = mkdtempSync(join(tmpdir(), "meter-boot-"));
  const flashFile = join(dir, "flash.bin");
  let w = await powerOnWatched(flashFile);
  const r: BootHeap = { hoursOffline: hours, bootAllocated: 0, maxBootAllocated: 0, arena: w.arena, boots: 0, panic: null };
  let now = 0, wall = START, maxSeq = 0;
  let timers = new Map<number, number>();
  const time = (): BoardTime => ({ nowMs: now, wallMs: wall, meter: [{ status: 0, powerW: 500, energyWh: Math.floor(1_000_000 + (wall - START) * 500 / 3.6e6) }] });
  const note = (outs: BoardOutput[]) => {
    for (const out of outs) {
      if (out.t === "timer_set") timers.set(out.id, now + out.delayMs);
      if (out.t === "timer_cancel") timers.delete(out.id);
      if (out.t === "mqtt_publish" && out.topic.includes("/up/")) {
        const m = /"seq":(\d+)/.exec(Buffer.from(out.payload).toString());
        if (m) maxSeq = Math.max(maxSeq, Number(m[1]));
      }
      if (out.t === "panic" && !r.panic) r.panic = out.text;
    }
  };
  const ev = async (e: BoardEvent) => { if (!r.panic) { now += 5; wall += 5; note((await w.dev.event(time(), e)).outputs); } };
  const boot = async () => {
    w.reset();
    note((await w.dev.boot(time())).outputs);
    r.boots++;
    r.bootAllocated = w.peak();
    r.maxBootAllocated = Math.max(r.maxBootAllocated, r.bootAllocated);
  };
  try {
    await boot();
    await ev({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame(1, enc.encode("SM-0001")) });
    await ev({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame(0x20, Uint8Array.of(...lp("JP-0123-4567-8901"), ...lp(DEVICE), ...lp("meter-password-0123456789"))) });
    await ev({ kind: EventKind.MQTT_STATE, arg: 1 });
    await ev(down(`{"cmd":1,"co":${CONTRACT},"change":0,"at":-1,"to":${CONTRACT},"types":13}`));
    await ev(down(`{"cmd":2,"co":${CONTRACT},"confirm":13}`));
    await ev(down(`{"ack":${maxSeq}}`));
    await ev({ kind: EventKind.MQTT_STATE, arg: 0 });
    const end = wall + hours * HOUR;
    let nextCut = wall + CUT_EVERY_H * HOUR;
    while (!r.panic) {
      let id = -1, at = Infinity;
      for (const [k, v] of timers) if (v < at) { at = v; id = k; }
      const dueWall = id < 0 ? Infinity : wall + (at - now);
      const stop = Math.min(end, nextCut);
      if (dueWall > stop) {
        // The power goes at `stop` (a cut every 7 h and one at the end of the outage):
        // the device is off for a minute, then boots on what its flash holds.
        const off = stop - wall + 60_000;
        await w.dev.close();
        wall += off; now += off;
        timers = new Map();
        w = await powerOnWatched(flashFile);
        await boot();
        if (stop === end) break;
        nextCut += CUT_EVERY_H * HOUR;
        continue;
      }
      wall += at - now - 5; now = at - 5; timers.delete(id);
      await ev({ kind: EventKind.TIMER, arg: id });
    }
  } finally {
    await w.dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const hours = process.argv.slice(2).map(Number);
  for (const h of hours.length ? hours : [0, 24, 48, 96, 168]) console.log(JSON.stringify(await meterBootHeap(h)));
}
