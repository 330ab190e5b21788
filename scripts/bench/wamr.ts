// An image under WAMR, per interpreter: the cost per event against wasm2c (callgrind, as
// the bench's posix column), the smallest execution stack and the smallest memory pool (at
// that stack) with which the image still runs its scenarios exactly as on the wasm2c
// board, and its linear memory. Part of `npm run bench`; alone:
//
//   npx tsx scripts/bench/wamr.ts [image ...]
//
// The sizes reach the boards through BOARD_WAMR_STACK / BOARD_WAMR_POOL (boards/wamr/
// README.md), so the image's own scenarios run unchanged: the bench workload (boot, setup
// and 300 events, refusals counted), the appliance scenarios registered for the image,
// the water heater's recorded life, the smart plug's script. A run "works" when every one
// of them gives what the wasm2c board gives. Searches are bisections (a smaller size that
// works implies every larger one does), each run under a time limit: a too-small stack
// can make the board fail mid-scenario.
//
// Figures are for the build on this machine (64-bit unless WAMR and the board are built
// with -m32; pools are about 1.4x larger on 64-bit).
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { PosixDevice, posixExecutable } from "../../host-sim/device/posix-device.ts";
import { callgrindTotal, callgrindWrapper, valgrindAvailable } from "./callgrind.ts";
import type { NativeHostName } from "../../host-sim/device/types.ts";
import { APPLIANCES } from "../../host-sim/appliances/index.ts";
import { runScenario, traceToJson, type Scenario } from "../../host-sim/scenario/index.ts";
import { recordLife, T } from "../../host-sim/appliances/water-heater/scenarios/life.ts";
import { smartPlugScript } from "../../host-sim/appliances/smart-plug/scenario.ts";
import { runWorkload } from "./run.ts";
import { memoryLimits } from "./wasm-memory.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EVENTS = 300;
const RUN_LIMIT_MS = 60_000;
const work = mkdtempSync(join(tmpdir(), "bench-wamr-"));
let seq = 0;
const fresh = () => {
  const dir = join(work, `${seq++}`);
  mkdirSync(dir);
  return dir;
};

/** The appliance scenarios registered for `image`, each made once: some draw their inputs
 *  at random when made (the conformance scenario's signatures), and every run must see the
 *  same ones. */
const scenarios = new Map<string, [string, Scenario][]>();
function scenariosOf(image: string): [string, Scenario][] {
  if (!scenarios.has(image)) {
    const list: [string, Scenario][] = [];
    for (const a of APPLIANCES) for (const [name, make] of Object.entries(a.scenarios)) {
      const sc = make();
      if (sc.image === image) list.push([name, sc]);
    }
    scenarios.set(image, list);
  }
  return scenarios.get(image)!;
}

/** What the image's scenarios give on one engine, as one comparable string. */
export async function outcome(image: string, host: NativeHostName): Promise<string> {
  const parts: unknown[] = [];
  const dev = await PosixDevice.create({ image, flashFile: join(fresh(), "f.bin") }, {}, host);
  try {
    const run = await runWorkload(dev, image, EVENTS);
    parts.push(["workload", run.refused, run.firstRefusal ?? null]);
  } finally { await dev.close(); }
  for (const [name, sc] of scenariosOf(image)) {
    const r = await runScenario(sc, { host, dir: fresh() });
    parts.push([name, r.failures, traceToJson(r)]);
  }
  if (image === "water-heater") {
    const wh = await PosixDevice.create({ image, flashFile: join(fresh(), "f.bin") }, {}, host);
    try {
      const results = [(await wh.boot(T)).result];
      for (const op of await lifeOps()) results.push((await wh.event(T, op.event)).result);
      parts.push(["life", results]);
    } finally { await wh.close(); }
  }
  if (image === "smart-plug") {
    const r = await smartPlugScript(host);
    parts.push(["plug", r.trace]);
  }
  return JSON.stringify(parts);
}

let life: Awaited<ReturnType<typeof recordLife>> | undefined;
const lifeOps = async () => (life ??= await recordLife());

async function works(image: string, host: NativeHostName, reference: string, stack: number, pool: number): Promise<boolean> {
  process.env.BOARD_WAMR_STACK = String(stack);
  process.env.BOARD_WAMR_POOL = String(pool);
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = new Promise<string>((_, reject) => { timer = setTimeout(() => reject(new Error("time limit")), RUN_LIMIT_MS); });
    return (await Promise.race([outcome(image, host), limit])) === reference;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    delete process.env.BOARD_WAMR_STACK;
    delete process.env.BOARD_WAMR_POOL;
  }
}

/** The smallest value in (lo, hi] for which ok holds, to `step`; ok(hi) must hold. */
async function smallest(lo: number, hi: number, step: number, ok: (v: number) => Promise<boolean>): Promise<number> {
  while (hi - lo > step) {
    const mid = Math.ceil((lo + hi) / 2 / step) * step;
    if (mid >= hi) break;
    if (await ok(mid)) hi = mid; else lo = mid;
  }
  return hi;
}

const BIG_POOL = 1 << 20, BIG_STACK = 16 << 10;
const ENGINES = ["wamr-fast", "wamr-classic"] as const;

/** Instructions per workload event on one engine: (I(W+N) - I(W)) / N under callgrind. */
async function perEvent(image: string, host: NativeHostName, w = 300, n = 300): Promise<number> {
  const total = async (events: number) => {
    const base = join(fresh(), "run");
    const wrapper = callgrindWrapper(work, `${seq++}-wrap`, posixExecutable(image, host), `${base}.cg`);
    const dev = await PosixDevice.create({ image: wrapper, flashFile: `${base}.flash` }, { answerMs: 300_000, quitMs: 300_000 }, host);
    try { await runWorkload(dev, image, events); } finally { await dev.close(); }
    return callgrindTotal(`${base}.cg`);
  };
  const [a, b] = await Promise.all([total(w), total(w + n)]);
  return (b - a) / n;
}

export interface WamrRow { image: string; engine: string; wasmBytes: number; irPerEvent: number | null; vsWasm2c: number | null; stack: number | null; pool: number | null; linear: number }

/** The figures for one image on both interpreters; null where not measured. */
export async function benchWamrImage(image: string): Promise<WamrRow[]> {
  const wasm = readFileSync(join(ROOT, "build/images", `${image}.wasm`));
  const linear = (memoryLimits(wasm)?.initial ?? 0) * 65536;
  const reference = await outcome(image, "posix");
  const cg = valgrindAvailable();
  const base = cg ? await perEvent(image, "posix") : null;
  const rows: WamrRow[] = [];
  for (const host of ENGINES) {
    const row: WamrRow = { image, engine: host, wasmBytes: wasm.length, irPerEvent: null, vsWasm2c: null, stack: null, pool: null, linear };
    rows.push(row);
    if (!(await works(image, host, reference, BIG_STACK, BIG_POOL))) continue;
    if (cg && base) {
      row.irPerEvent = await perEvent(image, host);
      row.vsWasm2c = row.irPerEvent / base;
    }
    row.stack = await smallest(256, BIG_STACK, 128, (s) => works(image, host, reference, s, BIG_POOL));
    row.pool = await smallest(4096, BIG_POOL, 512, (p) => works(image, host, reference, row.stack!, p));
  }
  return rows;
}

/** Whether the WAMR boards of `image` are built. */
export const wamrBuilt = (image: string) => ENGINES.every((e) => existsSync(posixExecutable(image, e)));

export function printWamr(rows: WamrRow[]): void {
  const k = (b: number | null) => (b === null ? "-" : `${(b / 1024).toFixed(1)} KiB`);
  const table = [["image", "engine", "wasm", "per event", "vs wasm2c", "stack", "pool", "linear", "wasm in RAM", "RAM"]];
  for (const r of rows) {
    // The classic interpreter patches its bytecode: its copy of the image lives in RAM. The
    // fast one loads it read-only (wasm_binary_freeable), so on a device it stays in flash.
    const wasmRam = r.engine === "wamr-classic" ? r.wasmBytes : 0;
    table.push([r.image, r.engine, k(r.wasmBytes), r.irPerEvent === null ? "-" : `${(r.irPerEvent / 1000).toFixed(1)}k Ir`,
      r.vsWasm2c === null ? "-" : `${r.vsWasm2c.toFixed(1)}x`, r.stack === null ? "-" : `${r.stack} B`, k(r.pool), k(r.linear),
      k(wasmRam), r.pool === null ? "does not run" : k(r.pool + r.linear + wasmRam)]);
  }
  const w = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log("\nWAMR (build/wamr-fast, build/wamr-classic; scripts/bench/wamr.ts):");
  for (const [i, row] of table.entries()) {
    console.log("  " + row.map((cell, c) => (c < 2 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join("  "));
    if (i === 0) console.log("  " + w.map((x) => "-".repeat(x)).join("  "));
  }
  console.log(`  per event: the bench workload, (I(W+N) - I(W)) / N with W = N = 300 under callgrind, whole board process;`);
  console.log(`  stack, pool: the smallest (to 128 B, 512 B) with which the image's scenarios give what wasm2c gives;`);
  console.log(`  pool measured at the smallest stack (the stack is allocated in it); linear memory is outside it;`);
  console.log(`  wasm in RAM: the classic interpreter's copy of the image (the fast one reads it from flash);`);
  console.log(`  RAM = pool + linear memory + wasm in RAM. Built for this machine`);
  console.log(`  (${process.arch}); on a 32-bit build pools are smaller (about 1/1.4 on earlier measurements).`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const images = args.length ? args : Object.keys(JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8")).targets);
  const rows: WamrRow[] = [];
  for (const image of images) {
    if (!wamrBuilt(image)) { console.error(`bench-wamr: no WAMR boards for ${image} (npm run build with WAMR_SOURCE)`); process.exit(1); }
    rows.push(...(await benchWamrImage(image)));
  }
  printWamr(rows);
}
