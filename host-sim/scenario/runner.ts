// Runs a scenario on one host: simulated time, timers, power-ons on one flash file,
// expectations, and an optional power cut. Everything a host does is recorded in the
// trace, so two hosts can be compared call for call.
import { mkdirSync, rmSync } from "node:fs";
import { efuseFileFor } from "../board/efuse.ts";
import { join } from "node:path";
import { powerOn } from "../device/power-on.ts";
import { EventKind, type BoardTime, type CallResult, type DeviceHandle } from "../device/types.ts";
import { Scheduler } from "../sim/scheduler.ts";
import { DeviceTimers } from "../sim/device-timers.ts";
import { checkCall } from "./expect.ts";
import type { CallInput, Expect, RunOptions, Scenario, ScenarioRun, Step } from "./types.ts";

export async function runScenario(s: Scenario, opts: RunOptions): Promise<ScenarioRun> {
  mkdirSync(opts.dir, { recursive: true });
  const flashFile = join(opts.dir, "flash.bin");
  rmSync(flashFile, { force: true }); // every run starts from erased flash
  rmSync(efuseFileFor(flashFile), { force: true }); // and a device burned with its key seed
  const run: ScenarioRun = { name: s.name, host: opts.host, calls: [], flashFile, failures: [], cut: false, flashOps: 0 };
  const sim = new Scheduler();
  const timers = new DeviceTimers({ scheduler: sim });
  let device: DeviceHandle | null = null;
  let down: string | null = "not booted yet";
  let bootAtMs = 0;
  let boots = 0;
  let opsBefore = 0;   // flash ops of earlier power-ons
  let opsNow = 0;      // flash ops of this power-on, as of the last call that returned
  let currentStep = 0;

  const time = (): BoardTime => ({
    nowMs: sim.nowMs - bootAtMs,
    wallMs: (s.wallStartMs ?? -1) < 0 ? -1 : s.wallStartMs! + sim.nowMs,
  });

  const fail = (step: number, label: string | undefined, text: string) =>
    run.failures.push({ step, label, text: label ? `step ${step} (${label}): ${text}` : `step ${step}: ${text}` });

  // Records a call, follows its timer outputs and its fate (panic, power cut).
  async function record(step: number, label: string | undefined, input: CallInput, t: BoardTime,
    r: CallResult, expect?: Expect): Promise<void> {
    run.calls.push({ step, label, input, simMs: sim.nowMs, nowMs: t.nowMs, outputs: r.outputs, result: r.result });
    for (const o of r.outputs) {
      // A timer's call is attributed to the step that moved time onto it (an advance).
      if (o.t === "timer_set") timers.arm(o.id, o.delayMs, async () => {
        if (run.cut || down) return;
        await deliver(currentStep, `timer ${o.id}`, { kind: "TIMER", arg: o.id });
      });
      if (o.t === "timer_cancel") timers.cancel(o.id);
      if (o.t === "power_cut") { run.cut = true; opsNow = o.op; }
      if (o.t === "panic") down = "panicked";
    }
    if (r.result !== null) opsNow = (await device!.flashStats()).ops;
    if (run.cut) { down = "power cut"; sim.clear(); timers.clear(); return; }
    if (down) { sim.clear(); timers.clear(); }
    if (expect) for (const p of checkCall(expect, r.outputs, r.result)) fail(step, label, p);
  }

  async function deliver(step: number, label: string | undefined,
    ev: { kind: keyof typeof EventKind | number; arg?: number; payload?: Uint8Array }, expect?: Expect): Promise<void> {
    if (down || !device) { fail(step, label, `${ev.kind} event while the device is down (${down})`); return; }
    const t = time();
    const payload = ev.payload ?? new Uint8Array(0);
    const kind = typeof ev.kind === "number" ? ev.kind : EventKind[ev.kind];
    const r = await device.event(t, { kind, arg: ev.arg ?? 0, payload });
    await record(step, label, { call: "event", kind: ev.kind, arg: ev.arg ?? 0, payload }, t, r, expect);
  }

  async function powerOnAndBoot(step: number, st: Extract<Step, { boot: true }>): Promise<void> {
    if (device) {
      // A panicked posix board has exited: its last call's ops are then not counted.
      if (!run.cut) opsNow = await device.flashStats().then((st) => st.ops, () => opsNow);
      await device.close();
    }
    opsBefore += opsNow;
    opsNow = 0;
    sim.clear(); // timers do not survive power loss
    timers.clear();
    bootAtMs = sim.nowMs;
    const seed = (s.seed ?? 0) + boots++;
    const remaining = opts.cutAt === undefined ? undefined : opts.cutAt - opsBefore;
    device = await powerOn(opts.host, {
      image: s.image, flashFile, pages: s.pages, seed, keySeed: s.keySeed,
      ...(remaining !== undefined && remaining >= 1 ? { cutAt: remaining, cutKeep: opts.cutKeep } : {}),
    });
    down = null;
    const t = time();
    const r = await device.boot(t);
    await record(step, st.label, { call: "boot", seed }, t, r, st.expect);
  }

  try {
    for (let i = 0; i < s.steps.length && !run.cut; i++) {
      const st = s.steps[i];
      currentStep = i;
      if ("boot" in st) await powerOnAndBoot(i, st);
      else if ("event" in st) await deliver(i, st.label, st.event, st.expect);
      else await sim.runUntil(sim.nowMs + st.advance);
    }
  } finally {
    if (device) await (device as DeviceHandle).close();
  }
  run.flashOps = opsBefore + opsNow;
  return run;
}
