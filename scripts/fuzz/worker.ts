// Runs inputs [from, to) of one entry point in a worker thread, so that a TypeScript
// board stuck in the image's code can be stopped from outside (run.ts).
import { parentPort, workerData } from "node:worker_threads";
import type { HostName } from "../../host-sim/device/types.ts";
import { Driver } from "./driver.ts";
import { loadEntryPoint } from "./entry-point.ts";
import { fuzzLoop, type Finding } from "./loop.ts";

export interface WorkerJob {
  /** Image name or .wasm path; the module (URL) exporting its entryPoints(). */
  image: string; entries: string; entry: string; host: HostName; seed: number; from: number; to: number; hangMs: number;
  progress: SharedArrayBuffer;
}
export type WorkerMessage =
  | { m: "finding"; finding: Finding }
  | { m: "judging"; index: number; input: string }
  | { m: "result"; index: number; code: number | null }
  | { m: "done" }
  | { m: "error"; text: string };

const job = workerData as WorkerJob;
const driver = new Driver(job.host, job.image, job.hangMs);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
try {
  await fuzzLoop({
    // Posted as they happen: a worker ended by the watchdog has told all it did.
    judging: (index, input) => post({ m: "judging", index, input }),
    result: (index, code) => post({ m: "result", index, code }),
    entry: await loadEntryPoint(job.entries, job.entry), driver, seed: job.seed, from: job.from, to: job.to,
    progress: new Int32Array(job.progress),
    report: (finding) => post({ m: "finding", finding }),
  });
  post({ m: "done" });
} catch (e) {
  post({ m: "error", text: (e as Error).stack ?? String(e) });
} finally {
  await driver.close();
}
