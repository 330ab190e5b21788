// Types of the device runner (device-runner.ts): how a device is run over time, and the
// record of each call it made into the image.
import type { HostName } from "./power-on.ts";
import type { BoardOutput, BoardTime, MeterSample } from "./types.ts";
import type { Scheduler } from "../sim/scheduler.ts";
import type { LiveClock } from "../sim/live-clock.ts";

/** Virtual time: timers run on this scheduler, and time moves only when its owner runs it.
 *  Real time: timers fire on the wall clock, device time running `speed` times faster.
 *  Live: real time on a clock shared with other devices, which may pause and step. */
export type RunnerClock = { scheduler: Scheduler } | { speed: number } | { live: LiveClock };

export interface DeviceRunnerOptions {
  host: HostName;
  /** Image name (build/images/<name>.wasm, build/posix/<name>) or a path to a .wasm. */
  image: string;
  /** The device's flash file: every power-on of this runner uses it. */
  flashFile: string;
  pages?: number;
  /** Random seed of the first power-on; power-on k (from 0) gets seed + k. Default 0. */
  seed?: number;
  /** Key seed its simulated factory burns into the key slots (host-sim/board/efuse.ts). */
  keySeed?: string;
  /** Wall clock (UTC ms) at simulated time 0; -1 or absent: the board does not know. */
  wallStartMs?: number;
  clock: RunnerClock;
  /** Fault injection: power fails during the N-th flash operation counted over every
   *  power-on of this runner, after `cutKeep` bytes of it; the device then stays down. */
  cutAt?: number;
  cutKeep?: number;
  /** Ask the board for its flash operation count after every call, for flashOps() (a
   *  round trip on the posix host, so only runs that need it ask; cutAt implies it). */
  countFlashOps?: boolean;
  /** false: the runner arms no timer; TIMER events come only from its owner (a recorded
   *  session replays each timer at the time it fired, not at the time it was due). */
  followTimers?: boolean;
  /** A watchdog: a device that panicked (or whose process died) is powered on again. */
  restartAfterFailure?: boolean;
  /** (ABI v1.3) The metrology of a meter (host-sim/meter-model): sampled for every call
   *  (BoardTime.meter), told every call's outputs (it follows the breaker pin). */
  meter?: MeterFeed;
}

/** A load model as the runner uses it. Its clock is the world's UTC: wallStartMs + the
 *  simulation's time, or the simulation's time alone when the board is not told the wall
 *  time (the energy flows whether or not the meter knows the date). */
export interface MeterFeed {
  sample(utcMs: number): MeterSample[];
  observe(outputs: readonly BoardOutput[], utcMs: number): void;
}

/** What started a call: fw_boot with its seed, or fw_event (kind as a number). */
export type RunnerInput =
  | { call: "boot"; seed: number }
  | { call: "event"; kind: number; arg: number; payload: Uint8Array };

/** One call into the image. `cause` is "timer" for a TIMER event the runner delivered
 *  because a timer fell due, "input" for everything asked for by the runner's owner. */
export interface DeviceCall {
  input: RunnerInput;
  cause: "input" | "timer";
  /** The board's clock during the call, and the simulation's time when it started. */
  time: BoardTime;
  simMs: number;
  outputs: BoardOutput[];
  /** null: the call never returned (panic or power cut); the device is down. */
  result: number | null;
}

export type DeviceState = { up: true } | { up: false; why: string };
