// A meter offline for a long time, and what its boot allocates then: installed, a contract
// company confirmed and acknowledged, then the broker gone for `hours` with a power cut
// every 7 h and one at the end (the readings pile up in the measurement log and the
// outbox until both are full), then the broker back and the head-end acknowledging until
// the meter has nothing left to send. On the TS host every boot is watched at each ABI
// call it makes (scripts/bench/heap-walk.ts): a boot runs in one fw_boot call, where
// settle() cannot collect (firmware/board/heap.ts), so all it allocates must fit in the
// arena, or the meter traps at every boot: a boot loop that delivers nothing. Used by
// test/meter-offline-boot.test.ts; alone, the figure by offline time:
//
//   npx tsx scripts/bench/meter-boot-heap.ts [hours...] [provision]   (TS host; 0 24 48 96 168 unless given)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { powerOn, type HostName } from "../../host-sim/device/power-on.ts";
import { watchedTsMeter, provisionEvent, installEvent, down } from "./meter-watch.ts";
import { EventKind, type BoardEvent, type BoardOutput, type BoardTime, type DeviceHandle } from "../../host-sim/device/types.ts";

export interface OfflineMeter {
  host: HostName;
  hoursOffline: number;
  /** Boots in all: the first on blank flash, one after every cut. */
  boots: number;
  /** The first trap of a boot or an event, if one came, and in which call
   *  ("boot", or the event's kind and argument). */
  panic: string | null;
  panicIn?: string;
  /** TS host: the most the heap held at an ABI call of a boot (nothing is held before
   *  one), for the last boot of the outage and the most of all its boots. */
  bootAllocated?: number;
  maxBootAllocated?: number;
  /** TS host: what the heap holds after the last boot once collected (its live objects). */
  liveAfterBoot?: number;
  /** TS host: the heap's arena (the image's lowMemoryLimit less its static data). */
  arena?: number;
  /** The rseqs of the contract company's readings the head-end received, in order of
   *  arrival, repeats included (the head-end drops those by rseq). */
  rseqs: number[];
  /** The same for the data provision company, with `provision`. */
  provisionRseqs: number[];
  /** The slot end (UTC ms) of the newest reading received, and the newest :00/:30
   *  boundary the meter has measured when the head-end stopped waiting. */
  newestReadingT: number;
  newestBoundary: number;
  /** Sequence numbers sent and acknowledged when the run ended. */
  lastSeq: number;
  acked: number;
}

const HOUR = 3_600_000;
const SLOT = 30 * 60_000;
const START = Date.UTC(2026, 8, 22, 0, 7);
const CONTRACT = 0xa001, PROVISION = 0xc003;
const CUT_EVERY_H = 7;


interface Powered { dev: DeviceHandle; arena?: number; peak(): number; reset(): void; live(): number }

/** A meter on the TS host whose heap is walked at every ABI call the image makes. */
async function powerOnWatched(flashFile: string): Promise<Powered> {
  const w = await watchedTsMeter(flashFile);
  return { dev: w.dev, arena: w.arena, peak: w.peak, reset: () => { w.resetPeak(); }, live: w.live };
}

async function powerOnMeter(host: HostName, flashFile: string): Promise<Powered> {
  if (host === "ts") return powerOnWatched(flashFile);
  const dev = await powerOn(host, { image: "meter", flashFile });
  return { dev, peak: () => 0, reset: () => {}, live: () => 0 };
}

/** `provision`: a data provision company confirmed besides (TIME and POWER), so that every
 *  slot hands two readings. */
export async function offlineMeter(host: HostName, hours: number, provision = false): Promise<OfflineMeter> {
  const dir = mkdtempSync(join(tmpdir(), "meter-boot-"));
  const flashFile = join(dir, "flash.bin");
  let w = await powerOnMeter(host, flashFile);
  const watched = w.arena !== undefined;
  const r: OfflineMeter = { host, hoursOffline: hours, boots: 0, panic: null, rseqs: [], provisionRseqs: [], newestReadingT: 0, newestBoundary: 0, lastSeq: 0, acked: 0 };
  if (watched) Object.assign(r, { bootAllocated: 0, maxBootAllocated: 0, liveAfterBoot: 0, arena: w.arena });
  let now = 0, wall = START, online = true, calling = "boot";
  let timers = new Map<number, number>();
  const time = (): BoardTime => ({ nowMs: now, wallMs: wall, meter: [{ status: 0, powerW: 500, energyWh: Math.floor(1_000_000 + (wall - START) * 500 / 3.6e6) }] });
  const note = (outs: BoardOutput[]) => {
    for (const out of outs) {
      if (out.t === "timer_set") timers.set(out.id, now + out.delayMs);
      if (out.t === "timer_cancel") timers.delete(out.id);
      // Offline, the board refuses a publish: nothing reaches the head-end.
      if (out.t === "mqtt_publish" && online && out.topic.includes("/up/")) {
        const msg = JSON.parse(Buffer.from(out.payload).toString()) as { seq?: number; kind?: string; co?: number; rseq?: number; t?: number };
        if (msg.seq !== undefined) r.lastSeq = Math.max(r.lastSeq, msg.seq);
        if (msg.kind === "reading" && msg.co === PROVISION) r.provisionRseqs.push(msg.rseq!);
        if (msg.kind === "reading" && msg.co === CONTRACT) {
          r.rseqs.push(msg.rseq!);
          r.newestReadingT = Math.max(r.newestReadingT, msg.t ?? 0);
        }
      }
      if (out.t === "panic" && !r.panic) { r.panic = out.text; r.panicIn = calling; }
    }
  };
  const ev = async (e: BoardEvent) => {
    if (r.panic) return;
    now += 5; wall += 5; calling = `event ${e.kind}/${e.arg} at ${((wall - START) / HOUR).toFixed(2)} h`;
    note((await w.dev.event(time(), e)).outputs);
  };
  const ack = async () => { if (r.lastSeq > r.acked) { r.acked = r.lastSeq; await ev(down(`{"ack":${r.acked}}`)); } };
  const boot = async () => {
    w.reset();
    calling = `boot at ${((wall - START) / HOUR).toFixed(2)} h`;
    note((await w.dev.boot(time())).outputs);
    r.boots++;
    if (watched) {
      r.bootAllocated = w.peak();
      r.maxBootAllocated = Math.max(r.maxBootAllocated!, r.bootAllocated);
    }
  };
  /** The next board timer, delivered at its time, unless it falls after `until`. */
  const nextTimer = async (until: number): Promise<boolean> => {
    let id = -1, at = Infinity;
    for (const [k, v] of timers) if (v < at) { at = v; id = k; }
    if (id < 0 || wall + (at - now) > until) return false;
    wall += at - now - 5; now = at - 5; timers.delete(id);
    await ev({ kind: EventKind.TIMER, arg: id });
    return true;
  };
  try {
    await boot();
    await ev(provisionEvent());
    await ev(installEvent());
    await ev({ kind: EventKind.MQTT_STATE, arg: 1 });
    await ev(down(`{"cmd":1,"co":${CONTRACT},"change":0,"at":-1,"to":${CONTRACT},"types":13}`));
    await ev(down(`{"cmd":2,"co":${CONTRACT},"confirm":13}`));
    if (provision) {
      await ev(down(`{"cmd":3,"co":${PROVISION},"change":1,"at":-1,"to":${PROVISION},"types":3}`));
      await ev(down(`{"cmd":4,"co":${PROVISION},"confirm":3}`));
    }
    await ack();
    // The broker goes away.
    online = false;
    await ev({ kind: EventKind.MQTT_STATE, arg: 0 });
    const end = wall + hours * HOUR;
    let nextCut = wall + CUT_EVERY_H * HOUR;
    while (!r.panic) {
      const cut = Math.min(end, nextCut);
      if (await nextTimer(cut)) continue;
      // The power goes at `cut`; a minute later the meter boots on what its flash holds.
      const off = cut - wall + 60_000;
      await w.dev.close();
      wall += off; now += off;
      timers = new Map();
      w = await powerOnMeter(host, flashFile);
      await boot();
      if (cut === end) break;
      nextCut += CUT_EVERY_H * HOUR;
    }
    if (watched && !r.panic) r.liveAfterBoot = w.live();
    // The broker is back: the head-end acknowledges everything it gets, and the meter's
    // hand-offs go on at each acknowledgement and transmission, for up to a day.
    online = true;
    await ev({ kind: EventKind.MQTT_STATE, arg: 1 });
    const giveUp = wall + 24 * HOUR;
    for (;;) {
      if (r.panic) break;
      if (r.lastSeq > r.acked) { await ack(); continue; }
      if (r.newestReadingT >= Math.floor((wall - 60_000) / SLOT) * SLOT) break;
      if (!(await nextTimer(giveUp))) break;
    }
    r.newestBoundary = Math.floor(wall / SLOT) * SLOT;
  } finally {
    await w.dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const provision = process.argv.includes("provision");
  const hours = process.argv.slice(2).filter((a) => a !== "provision").map(Number);
  for (const h of hours.length ? hours : [0, 24, 48, 96, 168]) {
    const { rseqs, provisionRseqs, ...r } = await offlineMeter("ts", h, provision);
    console.log(JSON.stringify({ ...r, readings: rseqs.length, distinct: new Set(rseqs).size, maxRseq: Math.max(0, ...rseqs),
      ...(provision ? { provisionReadings: provisionRseqs.length, provisionDistinct: new Set(provisionRseqs).size } : {}) }));
  }
}
