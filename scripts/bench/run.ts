// Drives one power-on of an image through its bench workload, on whichever host.
import type { BoardTime, CallResult, DeviceHandle } from "../../host-sim/device/types.ts";
import { workloadFor } from "./workloads.ts";

/** Simulated time between events; the workloads do not depend on it. */
const STEP_MS = 100;

export interface WorkloadRun {
  events: number;
  /** Calls (setup included) that returned a negative result or did not return. */
  refused: number;
  firstRefusal?: string;
}

export interface RunHooks {
  /** Sees every call (boot and setup included), e.g. to sample linear memory. */
  after?: (r: CallResult) => void;
  /** Gets process.hrtime.bigint() before each workload event and after the last one. */
  marks?: bigint[];
}

/** Boots the device, runs the setup events, then `n` workload events. */
export async function runWorkload(dev: DeviceHandle, image: string, n: number, hooks: RunHooks = {}): Promise<WorkloadRun> {
  const wl = workloadFor(image);
  const run: WorkloadRun = { events: n, refused: 0 };
  let t = 0;
  const step = wl.stepMs ?? STEP_MS;
  const time = (): BoardTime => {
    t += step;
    return { nowMs: t, wallMs: wl.wallStartMs === undefined ? -1 : wl.wallStartMs + t, ...(wl.load ? { meter: [wl.load] } : {}) };
  };
  const note = (what: string, r: CallResult) => {
    hooks.after?.(r);
    if (r.result === null || r.result < 0) {
      run.refused++;
      run.firstRefusal ??= `${what}: result ${r.result}`;
    }
    if (r.result === null) throw new Error(`${image}: ${what} never returned (${JSON.stringify(r.outputs.at(-1))})`);
  };
  note("boot", await dev.boot(time()));
  for (const [k, ev] of wl.setup.entries()) note(`setup event ${k}`, await dev.event(time(), ev));
  for (let i = 0; i < n; i++) {
    hooks.marks?.push(process.hrtime.bigint());
    note(`event ${i}`, await dev.event(time(), wl.event(i)));
  }
  hooks.marks?.push(process.hrtime.bigint());
  return run;
}
