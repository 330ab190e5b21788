// Replays a scenario (a recorded session) on several hosts and reports the first
// difference: against the scenario's expected outputs on each host, then between the
// hosts' full traces (the first host's trace is what the others must give).
import { join } from "node:path";
import type { HostName } from "../device/power-on.ts";
import { runScenario } from "./runner.ts";
import { traceToJson, type TraceJson } from "./trace.ts";
import type { Scenario, ScenarioRun } from "./types.ts";

export interface ReplayDifference {
  host: HostName;
  step: number;
  label?: string;
  /** What the scenario (or the first host) gave, and what this host gave. */
  expected: string;
  got: string;
}

export interface ReplayReport {
  hosts: HostName[];
  runs: ScenarioRun[];
  difference: ReplayDifference | null;
  /** One line for a person: "same trace on ts, posix (42 calls)", or the difference. */
  text: string;
}

type Call = TraceJson["calls"][number];

/** Where two hosts' calls first differ, or null. */
export function traceDifference(a: TraceJson, b: TraceJson): { step: number; expected: string; got: string } | null {
  for (let i = 0; i < Math.max(a.calls.length, b.calls.length); i++) {
    const x: Call | undefined = a.calls[i], y: Call | undefined = b.calls[i];
    if (!x || !y) return { step: (x ?? y)!.step, expected: x ? JSON.stringify(x.input) : "no more calls", got: y ? JSON.stringify(y.input) : "no more calls" };
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    for (let k = 0; k < Math.max(x.outputs.length, y.outputs.length); k++) {
      const ox = JSON.stringify(x.outputs[k] ?? "no more outputs"), oy = JSON.stringify(y.outputs[k] ?? "no more outputs");
      if (ox !== oy) return { step: x.step, expected: `output ${k} ${ox}`, got: oy };
    }
    const { outputs: _a, ...restX } = x, { outputs: _b, ...restY } = y;
    return { step: x.step, expected: JSON.stringify(restX), got: JSON.stringify(restY) };
  }
  if (a.cut !== b.cut || a.flashOps !== b.flashOps) return { step: -1, expected: `cut ${a.cut}, ${a.flashOps} flash operations`, got: `cut ${b.cut}, ${b.flashOps}` };
  return null;
}

const where = (d: ReplayDifference) => d.step < 0 ? "at the end" : `at step ${d.step}${d.label ? ` (${d.label})` : ""}`;

export function describe(d: ReplayDifference): string {
  return `${d.host}: differs ${where(d)}\n  expected ${d.expected}\n  got      ${d.got}`;
}

/** Runs `s` on each host in turn (each in its own folder under `dir`). */
export async function replayScenario(s: Scenario, hosts: readonly HostName[], dir: string): Promise<ReplayReport> {
  const runs: ScenarioRun[] = [];
  let difference: ReplayDifference | null = null;
  for (const host of hosts) {
    const run = await runScenario(s, { host, dir: join(dir, host) });
    runs.push(run);
    const f = run.failures[0];
    if (f) {
      // The runner's text is "step N (label): <problem>"; the problem names expected and got.
      const problem = f.text.replace(/^step \d+( \([^)]*\))?: /, "");
      const m = /^(output \d+): expected (.*), got (.*)$/s.exec(problem) ?? /^expected (result .*), got (.*)$/s.exec(problem);
      difference = m && m.length === 4 ? { host, step: f.step, label: f.label, expected: `${m[1]} ${m[2]}`, got: m[3] }
        : m ? { host, step: f.step, label: f.label, expected: m[1], got: m[2] }
        : { host, step: f.step, label: f.label, expected: "the scenario's expectation", got: problem };
      break;
    }
    if (runs.length > 1) {
      const d = traceDifference(traceToJson(runs[0]), traceToJson(run));
      if (d) {
        const label = s.steps[d.step]?.label;
        difference = { host, ...d, ...(label ? { label } : {}), expected: `(${runs[0].host}) ${d.expected}` };
        break;
      }
    }
  }
  const calls = runs[0]?.calls.length ?? 0;
  return {
    hosts: [...hosts], runs, difference,
    text: difference ? describe(difference) : `same trace on ${hosts.join(", ")} (${calls} calls)`,
  };
}
