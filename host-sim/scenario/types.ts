// A scenario: a script of inputs to one image and the outputs expected from it. Plain data,
// so scenarios can be TS modules that build their steps with the helpers in steps.ts.
import type { BoardOutput, EventKindName, MeterSample } from "../device/types.ts";
import type { LoadProfile } from "../meter-model/load-profile.ts";
import type { HostName } from "../device/power-on.ts";

export interface Scenario {
  name: string;
  /** Image name (build/images/<name>.wasm, build/posix/<name>) or a path to a .wasm. */
  image: string;
  pages?: number;          // default 16
  /** Random seed of the first power-on; power-on #k (from 0) gets seed + k. Default 0. */
  seed?: number;
  /** Wall clock at simulated time 0 (UTC ms); -1 = the board does not know. Default -1. */
  wallStartMs?: number;
  /** The device's key seed: what its simulated factory burns into its key slots
   *  (host-sim/board/efuse.ts). Default "". */
  keySeed?: string;
  /** (ABI v1.3) A meter's load: measure() reads this profile, integrated from the scenario's
   *  start (host-sim/meter-model), on every host alike. Absent: no channel is metered. */
  meter?: { profile: LoadProfile; startWh?: readonly number[]; breakerClosed?: boolean };
  /** The flash image at the first boot (a recorded session starts from the device's flash
   *  as it was); absent: erased flash. */
  flash?: Uint8Array;
  /** (ABI v1.3) What measure() read during each call, given with each boot and event step
   *  instead of a load profile (a recorded metered device: the home's load model, its
   *  breaker and outages as they were). Only with `timers: "recorded"`. */
  meterRecorded?: boolean;
  /** "scheduled" (default): timers fire as advance steps reach them. "recorded": the
   *  runner arms none; TIMER events are steps like any other (a recorded session, whose
   *  timers fired when the real clock got to them, a little after they were due). */
  timers?: "scheduled" | "recorded";
  steps: Step[];
}

export type Step =
  /** Power-on: a fresh device on the same flash file (the previous one is closed), fw_boot.
   *  `startedMs`: the board's clock reads this at fw_boot, power having come that long
   *  before (a recorded board that took a few ms to start). */
  | { boot: true; expect?: Expect; label?: string; meter?: MeterSample[]; startedMs?: number }
  | { event: { kind: EventKindName | number; arg?: number; payload?: Uint8Array }; expect?: Expect; label?: string; meter?: MeterSample[] }
  /** Moves simulated time; timers that fall due fire as TIMER events, in time order. */
  | { advance: number; label?: string };

export interface Expect {
  result?: number | null;
  /** Each must match, in order, a subsequence of the call's outputs. A pattern matches an
   *  output when every field it names is equal (Uint8Array fields by bytes). */
  outputs?: Partial<BoardOutput>[];
  /** None of the call's outputs may match any of these. */
  absent?: Partial<BoardOutput>[];
  /** `outputs` are all of the call's outputs, in order, one pattern each (a recording). */
  exact?: boolean;
}

export interface RunOptions {
  host: HostName;
  /** Working directory of the run: the flash file is created here (erased at start). */
  dir: string;
  /** Fault injection: power fails during the N-th flash operation counted over the whole
   *  run (all power-ons), after `cutKeep` bytes of it. */
  cutAt?: number;
  cutKeep?: number;
}

/** What started one call into the image. */
export type CallInput =
  | { call: "boot"; seed: number }
  /** kind: the ABI's name, or a number for a kind the ABI does not define (a probe). */
  | { call: "event"; kind: EventKindName | number; arg: number; payload: Uint8Array };

export interface TraceCall {
  /** Index of the step that caused the call (for timers: the advance step). */
  step: number;
  label?: string;
  input: CallInput;
  /** Simulated time of the run, and the device's clock_now_ms (since its power-on). */
  simMs: number;
  nowMs: number;
  /** (ABI v1.3) What measure() read during the call, when the scenario has a meter. */
  meter?: MeterSample[];
  outputs: BoardOutput[];
  result: number | null;
}

export interface Failure { step: number; label?: string; text: string }

export interface ScenarioRun {
  name: string;
  host: HostName;
  calls: TraceCall[];
  flashFile: string;
  failures: Failure[];
  /** Power was cut (fault injection): the run stopped there. */
  cut: boolean;
  /** Flash operations (writes + erases) over all power-ons of the run. */
  flashOps: number;
}
