// An image under WAMR, per interpreter: the cost per event against wasm2c (callgrind, as
// the bench's posix column), the smallest execution stack and the smallest memory pool (at
// that stack) with which the image still runs its scenarios exactly as on the wasm2c
// board, and the linear memory WAMR allocates for it. Part of `npm run bench`; alone:
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
// The figures are for a 32-bit build, as on a 32-bit MCU (WAMR's pool holds pointers):
// the bench builds build/wamr32-fast/<image> and build/wamr32-classic/<image> with -m32
// (scripts/build-wamr.ts) and points the simulator's WAMR hosts at them
// (BOARD_WAMR_BITS=32). Where this machine cannot build them (gcc-multilib and
// libssl-dev:i386 on Debian) it measures the 64-bit boards the tests use, and its table
// says so. The linear memory is what the boards report from WAMR's instance at the end of
// each run (BOARD_WAMR_REPORT, boards/wamr/engine.c), the largest over the scenarios.
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
import { buildWamr, m32Missing, wamrCompactCode, wamrSource } from "../build-wamr.ts";
import { buildPosix, posixInputs } from "../build-posix.ts";
import { staleReason, writeStamp } from "../build-stamp.ts";

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

export async function works(image: string, host: NativeHostName, reference: string, stack: number, pool: number, report?: string): Promise<boolean> {
  process.env.BOARD_WAMR_STACK = String(stack);
  process.env.BOARD_WAMR_POOL = String(pool);
  if (report) process.env.BOARD_WAMR_REPORT = report;
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
    delete process.env.BOARD_WAMR_REPORT;
  }
}

/** The largest linear memory the boards reported into `file` (null: none reported). */
function largestLinear(file: string): number | null {
  let text = "";
  try { text = readFileSync(file, "utf8"); } catch { return null; }
  const sizes = [...text.matchAll(/^linear (\d+)$/gm)].map((m) => Number(m[1]));
  return sizes.length ? Math.max(...sizes) : null;
}

/** The smallest value in (lo, hi] for which ok holds, to `step`; ok(hi) must hold. */
export async function smallest(lo: number, hi: number, step: number, ok: (v: number) => Promise<boolean>): Promise<number> {
  while (hi - lo > step) {
    const mid = Math.ceil((lo + hi) / 2 / step) * step;
    if (mid >= hi) break;
    if (await ok(mid)) hi = mid; else lo = mid;
  }
  return hi;
}

const BIG_POOL = 1 << 20, BIG_STACK = 16 << 10;
const ENGINES = ["wamr-fast", "wamr-classic"] as const;

/** Instructions per workload event on one engine (its board `exe`): (I(W+N) - I(W)) / N
 *  under callgrind. */
export async function perEvent(image: string, host: NativeHostName, exe = posixExecutable(image, host), w = 300, n = 300): Promise<number> {
  const total = async (events: number) => {
    const base = join(fresh(), "run");
    const wrapper = callgrindWrapper(work, `${seq++}-wrap`, exe, `${base}.cg`);
    const dev = await PosixDevice.create({ image: wrapper, flashFile: `${base}.flash` }, { answerMs: 300_000, quitMs: 300_000 }, host);
    try { await runWorkload(dev, image, events); } finally { await dev.close(); }
    return callgrindTotal(`${base}.cg`);
  };
  const [a, b] = await Promise.all([total(w), total(w + n)]);
  return (b - a) / n;
}

export interface WamrRow {
  image: string; engine: string; wasmBytes: number; irPerEvent: number | null;
  /** Against the wasm2c board of the same word size, and against the 64-bit one (the tests'). */
  vsWasm2c: number | null; vsWasm2c64: number | null;
  /** Those boards' own Ir per event. */
  wasm2c: number | null; wasm2c64: number | null;
  stack: number | null; pool: number | null; linear: number | null;
  /** 32 when measured on the -m32 boards, 64 on this machine's own (the tests'). */
  bits: 32 | 64;
}

/** Which WAMR boards the bench measures: the 32-bit ones when this machine can build them
 *  (null), else why not (the 64-bit ones are measured, and the table says so). */
export const wamr32Missing = (): string | null => m32Missing();

/** Builds the -m32 boards of `image` when they are out of date (WAMR's, and wasm2c's for
 *  the cost per event's baseline, build/posix32/<image>); false when they cannot be. */
function build32(image: string): boolean {
  const source = wamrSource();
  if (!source || wamr32Missing()) return false;
  buildWamr(image, source, false, true);
  const exe = posix32(image), inputs = posixInputs(image);
  if (staleReason(exe, inputs)) {
    buildPosix(image, true);
    writeStamp(exe, inputs);
  }
  return true;
}
const posix32 = (image: string) => join(ROOT, "build/posix32", image);

/** The figures for one image on both interpreters; null where not measured. */
export async function benchWamrImage(image: string): Promise<WamrRow[]> {
  const bits = build32(image) ? 32 : 64;
  const wasm = readFileSync(join(ROOT, "build/images", `${image}.wasm`));
  const reference = await outcome(image, "posix");
  const cg = valgrindAvailable();
  // The baseline in the same word size as the WAMR boards measured, and the 64-bit one.
  const base64 = cg ? await perEvent(image, "posix") : null;
  const base = cg && bits === 32 ? await perEvent(image, "posix", posix32(image)) : base64;
  const rows: WamrRow[] = [];
  if (bits === 32) process.env.BOARD_WAMR_BITS = "32";
  try {
    for (const host of ENGINES) {
      const row: WamrRow = { image, engine: host, wasmBytes: wasm.length, irPerEvent: null, vsWasm2c: null, vsWasm2c64: null, wasm2c: base, wasm2c64: base64, stack: null, pool: null, linear: null, bits };
      rows.push(row);
      const report = join(fresh(), "report.txt");
      const runs = await works(image, host, reference, BIG_STACK, BIG_POOL, report);
      row.linear = largestLinear(report);
      if (!runs) continue;
      if (cg && base && base64) {
        row.irPerEvent = await perEvent(image, host);
        row.vsWasm2c = row.irPerEvent / base;
        row.vsWasm2c64 = row.irPerEvent / base64;
      }
      row.stack = await smallest(256, BIG_STACK, 128, (s) => works(image, host, reference, s, BIG_POOL));
      row.pool = await smallest(4096, BIG_POOL, 512, (p) => works(image, host, reference, row.stack!, p));
    }
  } finally {
    delete process.env.BOARD_WAMR_BITS;
  }
  return rows;
}

/** Whether the WAMR boards of `image` are built. */
export const wamrBuilt = (image: string) => ENGINES.every((e) => existsSync(posixExecutable(image, e)));

/** The issue's RAM targets, pool + linear memory: classic <= 128 KiB, fast <= 160 KiB. */
export const RAM_TARGET: Record<string, number> = { "wamr-classic": 128 * 1024, "wamr-fast": 160 * 1024 };

export function printWamr(rows: WamrRow[]): void {
  const k = (b: number | null) => (b === null ? "-" : `${(b / 1024).toFixed(1)} KiB`);
  const table = [["image", "engine", "wasm", "per event", "vs wasm2c", "vs wasm2c-64", "stack", "pool", "linear", "RAM", "target", "wasm in RAM", "RAM + wasm"]];
  for (const r of rows) {
    // The classic interpreter patches its bytecode: its copy of the image lives in RAM. The
    // fast one loads it read-only (wasm_binary_freeable), so on a device it stays in flash.
    const wasmRam = r.engine === "wamr-classic" ? r.wasmBytes : 0;
    const ram = r.pool === null || r.linear === null ? null : r.pool + r.linear;
    const target = RAM_TARGET[r.engine];
    table.push([r.image, r.engine, k(r.wasmBytes), r.irPerEvent === null ? "-" : `${(r.irPerEvent / 1000).toFixed(1)}k Ir`,
      r.vsWasm2c === null ? "-" : `${r.vsWasm2c.toFixed(1)}x`, r.vsWasm2c64 === null ? "-" : `${r.vsWasm2c64.toFixed(1)}x`, r.stack === null ? "-" : `${r.stack} B`, k(r.pool), k(r.linear),
      r.pool === null ? "does not run" : k(ram), ram === null ? "-" : `${ram <= target ? "met" : "over"} (<= ${target / 1024})`,
      k(wasmRam), ram === null ? "-" : k(ram + wasmRam)]);
  }
  const w = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const bits = new Set(rows.map((r) => r.bits));
  const why = wamr32Missing();
  if (bits.has(32)) console.log("\nWAMR, 32-bit build (-m32: build/wamr32-fast, build/wamr32-classic; scripts/bench/wamr.ts):");
  if (bits.has(64)) {
    console.log(`\nWAMR, 64-BIT BUILD (build/wamr-fast, build/wamr-classic; scripts/bench/wamr.ts): NOT the issue's 32-bit figures;`);
    console.log(`  pools are larger than on a 32-bit MCU. The 32-bit boards need gcc -m32 and a 32-bit libcrypto`);
    console.log(`  (Debian: apt-get install gcc-multilib libssl-dev:i386)${why ? `; here: ${why}` : ""}.`);
  }
  for (const [i, row] of table.entries()) {
    console.log("  " + row.map((cell, c) => (c < 2 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join("  "));
    if (i === 0) console.log("  " + w.map((x) => "-".repeat(x)).join("  "));
  }
  const ir = (v: number | null) => (v === null ? "-" : `${(v / 1000).toFixed(1)}k Ir`);
  for (const r of rows.filter((x) => x.engine === ENGINES[0]))
    console.log(`  wasm2c per event, ${r.image}: ${ir(r.wasm2c)}${r.bits === 32 ? ` (32-bit), ${ir(r.wasm2c64)} (64-bit)` : ""}`);
  console.log(`  per event: the bench workload, (I(W+N) - I(W)) / N with W = N = 300 under callgrind, whole board process;`);
  console.log(`  stack, pool: the smallest (to 128 B, 512 B) with which the image's scenarios give what wasm2c gives;`);
  console.log(`  pool measured at the smallest stack (the stack is allocated in it); linear memory is outside it,`);
  console.log(`  as WAMR's instance has it at the end of the scenarios (the largest over them);`);
  console.log(`  RAM = pool + linear memory, against the issue's targets (classic <= 128 KiB, fast <= 160 KiB);`);
  console.log(`  wasm in RAM: the classic interpreter's copy of the image (the fast one reads it from flash);`);
  console.log(`  vs wasm2c: against the wasm2c board of the same word size (32-bit: build/posix32, built by the bench);`);
  console.log(`  vs wasm2c-64: against the 64-bit wasm2c board the tests use (build/posix);`);
  console.log(wamrCompactCode()
    ? `  fast interpreter with compact code (opcodes as 2-byte numbers; WAMR_COMPACT_CODE=0: 4-byte handler addresses).`
    : `  fast interpreter WITHOUT compact code (WAMR_COMPACT_CODE=0: opcodes as 4-byte handler addresses).`);
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
