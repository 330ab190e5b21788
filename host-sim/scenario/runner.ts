// Runs a scenario on one host through the device runner: simulated time, power-ons on one
// flash file, expectations, and an optional power cut. Everything a host does is recorded
// in the trace, so two hosts can be compared call for call.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { efuseFileFor } from "../board/efuse.ts";
import { DeviceRunner, POWER_CUT, type DeviceCall } from "../device/device-runner.ts";
import { EventKind, type MeterSample } from "../device/types.ts";
import type { MeterFeed } from "../device/runner-types.ts";
import { MeterModel } from "../meter-model/meter-model.ts";
import { Scheduler } from "../sim/scheduler.ts";
import { checkCall } from "./expect.ts";
import type { CallInput, Expect, RunOptions, Scenario, ScenarioRun, Step } from "./types.ts";

type EventStep = Extract<Step, { event: unknown }>;

/** measure() as a recording saw it: the samples of the step being run. */
class RecordedMeter implements MeterFeed {
  next: MeterSample[] = [];
  sample(): MeterSample[] { return this.next; }
  observe(): void {}
}

export async function runScenario(s: Scenario, opts: RunOptions): Promise<ScenarioRun> {
  mkdirSync(opts.dir, { recursive: true });
  const flashFile = join(opts.dir, "flash.bin");
  rmSync(flashFile, { force: true }); // every run starts from erased flash
  rmSync(efuseFileFor(flashFile), { force: true }); // and a device burned with its key seed
  if (s.flash) writeFileSync(flashFile, s.flash); // or from the flash a recording started on
  const run: ScenarioRun = { name: s.name, host: opts.host, calls: [], flashFile, failures: [], cut: false, flashOps: 0 };
  const sim = new Scheduler();
  // A recorded metered device: each call reads the samples its step recorded.
  const recorded = s.meterRecorded ? new RecordedMeter() : null;
  const device = new DeviceRunner({
    host: opts.host, image: s.image, flashFile, pages: s.pages, seed: s.seed, keySeed: s.keySeed,
    wallStartMs: s.wallStartMs, clock: { scheduler: sim }, cutAt: opts.cutAt, cutKeep: opts.cutKeep, countFlashOps: true,
    followTimers: s.timers !== "recorded",
    // The runner's meter clock is the world's UTC: the wall start, or simulated time from 0.
    ...(s.meter ? { meter: new MeterModel(s.meter.profile, { ...s.meter, originUtcMs: Math.max(0, s.wallStartMs ?? 0) }) } : {}),
    ...(recorded ? { meter: recorded } : {}),
  });
  let booted = false;
  let currentStep = 0;

  const fail = (step: number, label: string | undefined, text: string) =>
    run.failures.push({ step, label, text: label ? `step ${step} (${label}): ${text}` : `step ${step}: ${text}` });

  function record(step: number, label: string | undefined, input: CallInput, c: DeviceCall, expect?: Expect): void {
    run.calls.push({ step, label, input, simMs: c.simMs, nowMs: c.time.nowMs, ...(c.time.meter ? { meter: c.time.meter } : {}), outputs: c.outputs, result: c.result });
    if (device.state.up === false && device.state.why === POWER_CUT) run.cut = true;
    if (expect && !run.cut) for (const p of checkCall(expect, c.outputs, c.result)) fail(step, label, p);
  }

  // A timer's call is attributed to the step that moved time onto it (an advance).
  device.onCall((c) => {
    if (c.cause === "timer" && c.input.call === "event") {
      record(currentStep, `timer ${c.input.arg}`, { call: "event", kind: "TIMER", arg: c.input.arg, payload: c.input.payload }, c);
    }
  });

  async function deliver(step: number, st: EventStep): Promise<void> {
    const state = device.state;
    if (!booted || !state.up) {
      fail(step, st.label, `${st.event.kind} event while the device is down (${booted && !state.up ? state.why : "not booted yet"})`);
      return;
    }
    const { kind, arg = 0 } = st.event;
    const payload = st.event.payload ?? new Uint8Array(0);
    const c = await device.deliver({ kind: typeof kind === "number" ? kind : EventKind[kind], arg, payload });
    if (c) record(step, st.label, { call: "event", kind, arg, payload }, c, st.expect);
  }

  try {
    for (let i = 0; i < s.steps.length && !run.cut; i++) {
      const st = s.steps[i];
      currentStep = i;
      if (recorded && !("advance" in st)) recorded.next = st.meter ?? [];
      if ("boot" in st) {
        const c = await device.powerOn(st.startedMs ?? 0);
        booted = true;
        record(i, st.label, { call: "boot", seed: c.input.call === "boot" ? c.input.seed : 0 }, c, st.expect);
      } else if ("event" in st) await deliver(i, st);
      else await sim.runUntil(sim.nowMs + st.advance);
    }
  } finally {
    await device.close();
  }
  run.flashOps = device.flashOps();
  return run;
}
