// A fleet on the TypeScript host: many water heaters in one process, one virtual clock,
// each device pressed through its menus on a fixed rhythm while its own timers (reheat,
// automatic bath) are set, cancelled and fired. The figure is wasm events (fw_event
// calls: buttons and timers) per second of wall time, boots and setup left out.
//
//   npx tsx scripts/bench/fleet.ts [devices] [virtual seconds]
//   (or FLEET_DEVICES / FLEET_SECONDS; defaults 1000 devices, 1280 s)
//
// Per device a button every PRESS_EVERY_MS of device time, in the order of PRESSES: one
// cycle switches reheat (a 10 min timer) and the automatic bath (a 15 min fill timer) on
// or off and edits the hot-water temperature six times (each OK saves it to flash).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TsDevice } from "../../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../../host-sim/device/power-on.ts";
import { EventKind, type BoardEvent, type CallResult } from "../../host-sim/device/types.ts";
import { DeviceTimers } from "../../host-sim/sim/device-timers.ts";
import { Scheduler } from "../../host-sim/sim/scheduler.ts";

// The water heater remote's buttons (firmware/images/water-heater/remote.ts).
const MENU = 0, UP = 1, DOWN = 2, OK = 3, BACK = 4, AUTO_BATH = 5, REHEAT = 6;
const EDIT_UP = [MENU, OK, UP, OK, BACK];
const EDIT_DOWN = [MENU, OK, DOWN, OK, BACK];
const PRESSES = [REHEAT, AUTO_BATH, ...EDIT_UP, ...EDIT_DOWN, ...EDIT_UP, ...EDIT_DOWN, ...EDIT_UP, ...EDIT_DOWN];
const PRESS_EVERY_MS = 20_000;

export interface FleetBench {
  devices: number;
  virtualMs: number;
  buttons: number;
  timers: number;
  /** fw_event calls that returned a negative result or never returned. */
  refused: number;
  /** Flash writes and erases of the whole fleet during the run (the saved settings). */
  flashOps: number;
  bootWallMs: number;
  runWallMs: number;
  /** CPU time (user + system) of this process during the run: less moved by other load. */
  runCpuMs: number;
  eventsPerSec: number;
  eventsPerCpuSec: number;
}

interface Member { dev: TsDevice; timers: DeviceTimers; next: number }

export async function benchFleet(devices = 1000, seconds = 1280): Promise<FleetBench> {
  const dir = mkdtempSync(join(tmpdir(), "bench-fleet-"));
  const sim = new Scheduler();
  const image = wasmImagePath("water-heater");
  const members: Member[] = [];
  let buttons = 0, timers = 0, refused = 0;
  const time = () => ({ nowMs: sim.nowMs, wallMs: -1 });

  const follow = (m: Member, r: CallResult) => {
    if (r.result === null || r.result < 0) refused++;
    for (const o of r.outputs) {
      if (o.t === "timer_set") m.timers.arm(o.id, o.delayMs, () => deliver(m, { kind: EventKind.TIMER, arg: o.id }, true));
      else if (o.t === "timer_cancel") m.timers.cancel(o.id);
    }
  };
  // Synchronous all the way: the scheduler runs a task that returns nothing without a
  // promise. FLEET_ASYNC=1 goes through the DeviceHandle's promise per event instead.
  const deliver = process.env.FLEET_ASYNC
    ? async (m: Member, ev: BoardEvent, timer: boolean) => {
      if (timer) timers++; else buttons++;
      follow(m, await m.dev.event(time(), ev));
    }
    : (m: Member, ev: BoardEvent, timer: boolean) => {
      if (timer) timers++; else buttons++;
      follow(m, m.dev.eventNow(time(), ev));
    };
  const press = (m: Member) => () => {
    sim.schedule(sim.nowMs + PRESS_EVERY_MS, press(m));
    return deliver(m, { kind: EventKind.BUTTON, arg: PRESSES[m.next++ % PRESSES.length] }, false);
  };

  try {
    const t0 = performance.now();
    for (let i = 0; i < devices; i++) {
      const dev = await TsDevice.create({ image, flashFile: join(dir, `${i}.flash`), seed: i, keySeed: `fleet ${i}` });
      const m: Member = { dev, timers: new DeviceTimers({ scheduler: sim }), next: 0 };
      members.push(m);
      follow(m, await dev.boot(time()));
      // Spread the presses over the period so every millisecond is not a burst.
      sim.schedule(Math.floor((i * PRESS_EVERY_MS) / devices), press(m));
    }
    const opsBefore = members.reduce((n, m) => n + m.dev.flashOpSizes().length, 0);
    const t1 = performance.now(), c1 = process.cpuUsage();
    await sim.runUntil(seconds * 1000);
    const t2 = performance.now(), c2 = process.cpuUsage(c1);
    const runCpuMs = (c2.user + c2.system) / 1000;
    const events = buttons + timers;
    const flashOps = members.reduce((n, m) => n + m.dev.flashOpSizes().length, 0) - opsBefore;
    return {
      devices, virtualMs: seconds * 1000, buttons, timers, refused, flashOps,
      bootWallMs: t1 - t0, runWallMs: t2 - t1, runCpuMs,
      eventsPerSec: Math.round(events / ((t2 - t1) / 1000)), eventsPerCpuSec: Math.round(events / (runCpuMs / 1000)),
    };
  } finally {
    for (const m of members) await m.dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeFleet(f: FleetBench): string {
  return `${f.devices} water heaters, ${f.virtualMs / 1000} s of device time: ${f.buttons} buttons + ${f.timers} timers ` +
    `(${f.flashOps} flash operations) in ${(f.runWallMs / 1000).toFixed(2)} s = ${f.eventsPerSec} wasm events/s ` +
    `(${f.eventsPerCpuSec} per CPU second)` +
    (f.refused ? ` (${f.refused} refused)` : "") + `; ${f.devices} power-ons took ${(f.bootWallMs / 1000).toFixed(1)} s`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (k: number, env: string, dflt: number) => Number(process.argv[2 + k] ?? process.env[env] ?? dflt);
  console.log(describeFleet(await benchFleet(arg(0, "FLEET_DEVICES", 1000), arg(1, "FLEET_SECONDS", 1280))));
}
