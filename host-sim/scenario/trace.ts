// A host-independent, JSON-able form of a run: what two hosts must agree on.
import { hex, jsonOutput } from "./format.ts";
import type { ScenarioRun } from "./types.ts";

export interface TraceJson {
  name: string;
  cut: boolean;
  flashOps: number;
  calls: {
    step: number;
    input: Record<string, unknown>;
    simMs: number;
    nowMs: number;
    /** (ABI v1.3) measure()'s samples for the call, when the scenario has a meter. */
    meter?: { status: number; powerW: number; energyWh: number }[];
    outputs: Record<string, unknown>[];
    result: number | null;
  }[];
}

/** Leaves out what legitimately differs between hosts or runs: host name, file paths,
 *  labels and failure texts. */
export function traceToJson(run: ScenarioRun): TraceJson {
  return {
    name: run.name,
    cut: run.cut,
    flashOps: run.flashOps,
    calls: run.calls.map((c) => ({
      step: c.step,
      input: c.input.call === "boot" ? { ...c.input } : { ...c.input, payload: hex(c.input.payload) },
      simMs: c.simMs,
      nowMs: c.nowMs,
      ...(c.meter ? { meter: c.meter.map((m) => ({ ...m })) } : {}),
      outputs: c.outputs.map(jsonOutput),
      result: c.result,
    })),
  };
}
