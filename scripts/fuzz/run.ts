// One entry point on one host (V8 or a native engine), in a worker thread under a
// watchdog: when the worker's heartbeat stops for longer than a call may take, the input
// it was running is a hang; the worker (and its native board) is ended and a new one
// resumes at the next input.
import { Worker } from "node:worker_threads";
import type { HostName } from "../../host-sim/device/types.ts";
import type { EngineRun } from "./agreement.ts";
import type { Finding } from "./loop.ts";
import { PROGRESS_SLOTS } from "./loop.ts";
import type { WorkerJob, WorkerMessage } from "./worker.ts";

export interface EntryResult extends EngineRun {
  entry: string;
  host: HostName;
  inputs: number;
  crashes: number;
  hangs: number;
  stateChanges: number;
  ms: number;
  findings: Finding[];
  /** How many inputs got each result code ("null": went down or hung). Shows how deep
   *  the inputs reached: accepted ones and the parsers' own refusals, not only framing. */
  results: Record<string, number>;
}

export interface RunOptions { image: string; entries: string; entry: string; host: HostName; seed: number; inputs: number; hangMs: number }

function runWorker(job: Omit<WorkerJob, "progress">, onFinding: (f: Finding) => void, run: Pick<EntryResult, "results" | "codes" | "described">): Promise<{ hungAt: { index: number; input: string } | null }> {
  const progress = new SharedArrayBuffer(4 * PROGRESS_SLOTS);
  const view = new Int32Array(progress);
  Atomics.store(view, 0, job.from);
  const worker = new Worker(new URL("./worker-boot.mjs", import.meta.url), { workerData: { ...job, progress } });
  return new Promise((resolve, reject) => {
    let beat = -1, still = 0, settled = false, judging = { index: job.from, input: "" };
    const finish = (f: () => void) => { if (settled) return; settled = true; clearInterval(watch); f(); };
    const watch = setInterval(() => {
      const b = Atomics.load(view, 1);
      // Armed from the first heartbeat: loading the worker is not a call.
      if (b !== beat || b === 0) { beat = b; still = 0; return; }
      still += 100;
      // A native board times out by itself first (Driver); this catches the TS board.
      if (still < job.hangMs * 2) return;
      const pid = Atomics.load(view, 2);
      if (pid > 0) { try { process.kill(pid, "SIGKILL"); } catch { /* gone already */ } }
      void worker.terminate();
      finish(() => resolve({ hungAt: judging }));
    }, 100);
    worker.on("message", (m: WorkerMessage) => {
      if (m.m === "finding") onFinding(m.finding);
      else if (m.m === "judging") { judging = { index: m.index, input: m.input }; run.described[m.index] = m.input; }
      else if (m.m === "result") { run.results[String(m.code)] = (run.results[String(m.code)] ?? 0) + 1; run.codes[m.index] = m.code; }
      else if (m.m === "done") finish(() => resolve({ hungAt: null }));
      else finish(() => reject(new Error(`fuzz worker for ${job.entry} on ${job.host} failed: ${m.text}`)));
    });
    worker.on("error", (e) => finish(() => reject(e)));
    worker.on("exit", (code) => finish(() => reject(new Error(`fuzz worker exited (${code}) before finishing`))));
  });
}

export async function fuzzEntry(o: RunOptions): Promise<EntryResult> {
  const t0 = performance.now();
  const findings: Finding[] = [];
  const run = { results: {} as Record<string, number>, codes: [] as (number | null)[], described: [] as string[] };
  let from = 0;
  while (from < o.inputs) {
    const { hungAt } = await runWorker({ image: o.image, entries: o.entries, entry: o.entry, host: o.host, seed: o.seed, from, to: o.inputs, hangMs: o.hangMs },
      (f) => findings.push(f), run);
    if (hungAt === null) break;
    findings.push({ entry: o.entry, host: o.host, index: hungAt.index, verdict: "hang", detail: `no return within ${o.hangMs * 2} ms (watchdog)`, input: hungAt.input });
    run.results.null = (run.results.null ?? 0) + 1;
    run.codes[hungAt.index] = null;
    from = hungAt.index + 1;
  }
  const count = (v: Finding["verdict"]) => findings.filter((f) => f.verdict === v).length;
  return {
    entry: o.entry, host: o.host, inputs: o.inputs,
    crashes: count("crash"), hangs: count("hang"), stateChanges: count("state change"),
    ms: performance.now() - t0, findings, ...run,
  };
}
