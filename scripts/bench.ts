// npm run bench: one row per image of asconfig.json (build/images/<t>.wasm and
// build/posix/<t>, built by the prebench step): wasm size against its budget (64 KiB; the printer's 32),
// linear-memory pages, and the cost of one event on V8 (the TypeScript host in node) and
// on the wasm2c posix board, and the cost of booting on blank flash (scripts/bench/boot.ts).
// Nothing here asserts on a time or a count: it reports. On stderr it says up front which
// parts it will run and about how long they take (the last run's times on this machine,
// build/bench/timings.json, or rough figures), then each part as it starts (i of n) and
// what it took (scripts/bench/progress.ts).
//
// Cost per event: valgrind --tool=callgrind instruction counts of the whole process, run
// once with W + N and once with W + 2N events of the image's workload
// (scripts/bench/workloads.ts): (I(W+2N) - I(W+N)) / N. Start-up, image load and boot
// cancel, and the W warm-up events keep V8's one-time JIT compiles (measured: TurboFan
// work between events 600 and 1200) out of the window. N is chosen per image from a quick
// in-process calibration so every window holds about the same amount of work: cheap
// events get a large N, which averages out GC and V8's background threads.
// Without valgrind, or when node fails under it, both hosts are timed with hrtime instead
// (the row says which method it used).
//
//   BENCH_WINDOW_MS=<ms>  calibrated work per window on the TS host (default 40)
//   BENCH_N=<events>      a fixed N for every image instead
//   BENCH_JOBS=<k>        valgrind runs at a time (default: CPUs, at most 4)
//   BENCH_RAW=1           also print the raw instruction counts
//   BENCH_WALL=1          skip valgrind: wall time for both hosts
//   BENCH_NO_FLEET=1      skip the fleet row (1,000 water heaters on the TS host)
//   BENCH_NO_METER=1      skip the meter's cost per reading and its day in the home
//   BENCH_NO_PCS=1        skip the power conditioner's cost per credential check
//   BENCH_NO_LOCK=1       skip the lock's cost per OPERATE (two ECDSA verifies through the board)
//   BENCH_NO_HOME=1       skip the simulated-home parts (water heater, meter)
//   BENCH_NO_PAGE=1       skip the web page's load time and memory (headless chromium)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { PosixDevice, posixExecutable } from "../host-sim/device/posix-device.ts";
import type { DeviceHandle } from "../host-sim/device/types.ts";
import { callgrindProcess, callgrindTotal, callgrindWrapper, valgrindAvailable } from "./bench/callgrind.ts";
import { runWorkload, type WorkloadRun } from "./bench/run.ts";
import { memoryLimits } from "./bench/wasm-memory.ts";
import { credentialUpdate, workloadFor } from "./bench/workloads.ts";
import { BenchProgress, formatDuration, type BenchPart } from "./bench/progress.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const envInt = (name: string, dflt: number | null): number | null => {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) { console.error(`bench: ${name} must be a positive integer`); process.exit(64); }
  return n;
};
const FIXED_N = envInt("BENCH_N", null);
const WINDOW_MS = envInt("BENCH_WINDOW_MS", 40)!;
const JOBS = envInt("BENCH_JOBS", Math.min(4, availableParallelism()))!;
const W = 1200;                        // warm-up events in every cost run
const N_MIN = 200, N_MAX = 20_000;
const CALIBRATE = 600;                 // events timed (after W) in the calibration run
/** Wasm budget per image: 64 KiB unless its issue set a smaller one (the printer's, issue 9). */
const BUDGET = 64 * 1024;
const IMAGE_BUDGET: Record<string, number> = { printer: 32 * 1024 };
const budgetOf = (image: string) => IMAGE_BUDGET[image] ?? BUDGET;
const PAGE = 65536;
const WEAR_IMAGES = new Set(["devkit"]);
const WEAR_UPDATES = 2000;
const WEAR_PAGES = 16;

const images: string[] = Object.keys(JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8")).targets);
const work = mkdtempSync(join(tmpdir(), "bench-"));
const notes: string[] = [];
let seq = 0;
const fresh = (what: string) => join(work, `${seq++}-${what}`);

// ---- small helpers

/** Runs thunks with at most `width` in flight; results in the order given. */
async function pool<T>(thunks: (() => Promise<T>)[], width: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(thunks.length);
  let next = 0;
  const lane = async () => {
    while (next < thunks.length) {
      const k = next++;
      try { results[k] = { status: "fulfilled", value: await thunks[k]() }; }
      catch (e) { results[k] = { status: "rejected", reason: e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, thunks.length) }, lane));
  return results;
}

function noteRefusals(image: string, host: string, run: WorkloadRun): void {
  if (run.refused > 0) notes.push(`${image} on ${host}: ${run.refused} call(s) refused (first: ${run.firstRefusal})`);
}

async function withDevice<T>(dev: DeviceHandle, f: (d: DeviceHandle) => Promise<T>): Promise<T> {
  try { return await f(dev); } finally { await dev.close(); }
}

const message = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0];

// ---- the V8 driver as a plain .mjs: node under valgrind then skips tsx's loader, which
// halves the start-up each run pays. build/bench/ keeps the modules' relative paths
// (../../boards, ../../build) pointing into the repository.

async function v8DriverArgv(): Promise<{ argv: string[]; how: string }> {
  const src = join(ROOT, "scripts/bench/v8-driver.ts");
  try {
    const esbuild = await import("esbuild");
    const out = join(ROOT, "build/bench/v8-driver.mjs");
    mkdirSync(join(ROOT, "build/bench"), { recursive: true });
    await esbuild.build({ entryPoints: [src], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "silent" });
    return { argv: [process.execPath, out], how: "driver bundled with esbuild" };
  } catch {
    return { argv: [process.execPath, "--import", "tsx", src], how: "driver through tsx" };
  }
}

// ---- measurements

interface Cost { perEvent: number; unit: "Ir" | "us" }

/** One in-process run on the TS host: W warm-up events then CALIBRATE timed ones. Gives the
 *  linear-memory peak over all of it and the warm cost per event in microseconds. */
async function tsProfile(image: string): Promise<{ peakPages: number; arena: number | null; usPerEvent: number }> {
  const dev = await TsDevice.create({ image: wasmImagePath(image), flashFile: fresh(`profile-${image}.flash`) });
  let peak = dev.linearMemoryBytes();
  const marks: bigint[] = [];
  const run = await withDevice(dev, (d) => runWorkload(d, image, W + CALIBRATE,
    { marks, after: () => { peak = Math.max(peak, dev.linearMemoryBytes()); } }));
  noteRefusals(image, "the TS host", run);
  // The median of 100-event chunks: a GC or a JIT compile in one chunk does not move it.
  const chunks: number[] = [];
  for (let k = W; k + 100 <= W + CALIBRATE; k += 100) chunks.push(Number(marks[k + 100] - marks[k]) / 100 / 1000);
  chunks.sort((a, b) => a - b);
  return { peakPages: peak / PAGE, arena: dev.heapEnd(), usPerEvent: chunks[chunks.length >> 1] };
}

function chooseN(usPerEvent: number): number {
  if (FIXED_N !== null) return FIXED_N;
  const n = Math.round((WINDOW_MS * 1000) / Math.max(usPerEvent, 0.001) / 100) * 100;
  return Math.min(N_MAX, Math.max(N_MIN, n));
}

async function posixCallgrind(image: string, events: number): Promise<number> {
  const base = fresh(`posix-${image}-${events}`);
  const wrapper = callgrindWrapper(work, `${seq}-wrap`, posixExecutable(image), `${base}.cg`);
  const dev = await PosixDevice.create({ image: wrapper, flashFile: `${base}.flash` }, { answerMs: 300_000, quitMs: 300_000 });
  const run = await withDevice(dev, (d) => runWorkload(d, image, events));
  noteRefusals(image, `posix (${events} events)`, run);
  return callgrindTotal(`${base}.cg`);
}

async function v8Callgrind(driver: string[], image: string, events: number): Promise<number> {
  const base = fresh(`v8-${image}-${events}`);
  const r = await callgrindProcess([...driver, image, String(events), `${base}.flash`], `${base}.cg`, ROOT);
  noteRefusals(image, `V8 (${events} events)`, JSON.parse(r.stdout.trim().split("\n").at(-1)!) as WorkloadRun);
  return r.ir;
}

/** Microseconds per event over events W+N..W+2N-1, hrtime in this process. For posix
 *  that includes the device-link round trip through a pipe. */
async function wallPerEvent(host: "ts" | "posix", image: string, n: number): Promise<number> {
  const flashFile = fresh(`wall-${host}-${image}.flash`);
  const dev = host === "ts"
    ? await TsDevice.create({ image: wasmImagePath(image), flashFile })
    : await PosixDevice.create({ image, flashFile });
  const marks: bigint[] = [];
  await withDevice(dev, (d) => runWorkload(d, image, W + 2 * n, { marks }));
  return Number(marks[W + 2 * n] - marks[W + n]) / n / 1000;
}

/** Erases per page after WEAR_UPDATES credential-store updates, on the TS host. */
async function wear(image: string): Promise<string> {
  const dev = await TsDevice.create({ image: wasmImagePath(image), flashFile: fresh(`wear-${image}.flash`), pages: WEAR_PAGES });
  return withDevice(dev, async (d) => {
    await runWorkload(d, image, 0);   // boot, provisioning and registration
    let refused = 0;
    for (let i = 0; i < WEAR_UPDATES; i++) {
      const r = await d.event({ nowMs: 1000 + i, wallMs: -1 }, credentialUpdate(i));
      if (r.result === null) throw new Error(`${image}: update ${i} never returned`);
      if (r.result < 0) refused++;
    }
    const e = (await d.flashStats()).erasesPerPage;
    return `${image}: ${WEAR_UPDATES} credential-store updates (PUT over 8 user records), ${WEAR_PAGES} pages: ` +
      `erases per page min ${Math.min(...e)} / max ${Math.max(...e)} (total ${e.reduce((a, b) => a + b, 0)}; by page ${e.join(" ")})` +
      (refused ? `; ${refused} updates refused` : "");
  });
}

// ---- main

const started = process.hrtime.bigint();
// `npm run bench -- printer water-heater`: only those images.
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const runnable = images.filter((i) => existsSync(wasmImagePath(i)) && (only.length === 0 || only.includes(i)));
for (const i of images) if (!runnable.includes(i) && (only.length === 0 || only.includes(i))) notes.push(`${i}: build/images/${i}.wasm missing (not built)`);

const useCallgrind = !process.env.BENCH_WALL && valgrindAvailable();
if (!useCallgrind) notes.push(process.env.BENCH_WALL ? "BENCH_WALL set: cost per event by wall time" : "valgrind not found: cost per event by wall time");

// The parts this run will play, in order, with a rough time for each on a 2-core machine
// (the estimate uses the last run's times instead once there is one: bench/progress.ts).
// Measured for the rough figures: one V8 run under callgrind about 25 s, a posix one 3 s,
// the boot part 4 s (smart-plug alone, 2 cores shared); the other parts are guesses.
// Parts whose time depends on the images measured are keyed by that list.
const imageSet = runnable.join(",");
const v8Runs = 2 * runnable.length, posixRuns = 2 * runnable.filter((i) => existsSync(posixExecutable(i))).length;
const doWear = runnable.some((i) => WEAR_IMAGES.has(i));
const doWamr = !process.env.BENCH_NO_WAMR;
const doMeter = runnable.includes("meter") && !process.env.BENCH_NO_METER;
const doPcs = runnable.includes("power-conditioner") && !process.env.BENCH_NO_PCS;
const doLock = runnable.includes("lock") && !process.env.BENCH_NO_LOCK;
const doFleet = runnable.includes("water-heater") && !process.env.BENCH_NO_FLEET;
const doHome = images.includes("water-heater") && !process.env.BENCH_NO_HOME;
const doPage = runnable.includes("water-heater") && !process.env.BENCH_NO_PAGE && existsSync("/usr/bin/chromium");
if (!doPage && !process.env.BENCH_NO_PAGE && runnable.includes("water-heater")) notes.push("no /usr/bin/chromium: the page's figures left out (node scripts/setup.mjs installs it before npm test)");
const plan: BenchPart[] = [
  { key: `profile:${imageSet}`, title: `TS host profile of ${runnable.length} image(s) (calibrates N)`, roughS: 3 * runnable.length },
  useCallgrind
    ? { key: `cost:${imageSet}`, title: `cost per event: ${v8Runs + posixRuns} valgrind runs, ${JOBS} at a time`, roughS: Math.ceil((v8Runs * 30 + posixRuns * 5) / JOBS) }
    : { key: `cost-wall:${imageSet}`, title: "cost per event by wall time", roughS: 5 * runnable.length },
  ...(doWear ? [{ key: "wear", title: "flash wear (devkit)", roughS: 10 }] : []),
  ...(useCallgrind ? [{ key: "boot", title: "boot on blank flash (posix under callgrind)", roughS: 10 }] : []),
  ...(doWamr ? [{ key: `wamr:${imageSet}`, title: "WAMR against wasm2c", roughS: 180 }] : []),
  ...(doMeter ? [{ key: "meter", title: "meter: cost per reading, a day in the home", roughS: 240 }] : []),
  ...(doPcs ? [{ key: "pcs", title: "power conditioner: cost per credential check", roughS: 90 }] : []),
  ...(doLock ? [{ key: "lock", title: "lock: cost per OPERATE", roughS: 90 }] : []),
  ...(doFleet ? [{ key: "fleet", title: "fleet: 1,000 water heaters in one process", roughS: 60 }] : []),
  ...(doHome ? [{ key: "home", title: "water heater in the simulated home (registrations, bridge)", roughS: 90 }] : []),
  ...(doPage ? [{ key: "page", title: "the web page: load time and memory (headless chromium)", roughS: 40 }] : []),
];
const progress = new BenchProgress(join(ROOT, "build/bench/timings.json"), plan);
progress.announce();

const profiles = new Map<string, { peakPages: number; arena: number | null; usPerEvent: number; n: number }>();
await progress.part(plan[0].key, async () => {
  for (const [k, image] of runnable.entries()) {
    progress.step(k + 1, runnable.length, image);
    const p = await tsProfile(image);
    profiles.set(image, { ...p, n: chooseN(p.usPerEvent) });
  }
});
const driver = useCallgrind ? await v8DriverArgv() : null;

// Valgrind runs of all images through one pool; V8 runs first, they are the long ones.
type Job = { image: string; host: "v8" | "posix"; events: number; run: () => Promise<number> };
const jobs: Job[] = [];
if (useCallgrind) {
  for (const host of ["v8", "posix"] as const) {
    for (const image of runnable) {
      if (host === "posix" && !existsSync(posixExecutable(image))) continue;
      const n = profiles.get(image)!.n;
      for (const events of [W + n, W + 2 * n]) {
        jobs.push({ image, host, events, run: host === "v8" ? () => v8Callgrind(driver!.argv, image, events) : () => posixCallgrind(image, events) });
      }
    }
  }
}
interface Row { image: string; bytes: number; initial: number | null; peak: number; arena: number | null; n: number; v8: Cost | null; posix: Cost | null; method: string }
const rows: Row[] = [];
const raw: string[] = [];
// Cost per event: the valgrind runs (or, without them, wall time) of every image.
await progress.part(plan[1].key, async () => {
  let finished = 0;
  const settled = await pool(jobs.map((j) => async () => {
    try { return await j.run(); } finally { progress.step(++finished, jobs.length, `${j.image} on ${j.host}, ${j.events} events`); }
  }), JOBS);
  const irOf = (image: string, host: "v8" | "posix") =>
    jobs.map((j, k) => ({ j, r: settled[k] })).filter(({ j }) => j.image === image && j.host === host);

  for (const image of runnable) {
    const prof = profiles.get(image)!;
    const n = prof.n;
    const perEvent = (host: "v8" | "posix"): Cost | null => {
      const rs = irOf(image, host);
      if (rs.length !== 2) return null;
      const failed = rs.find(({ r }) => r.status === "rejected");
      if (failed) {
        notes.push(`${image}: ${host} under callgrind failed: ${message((failed.r as PromiseRejectedResult).reason)}`);
        return null;
      }
      const [a, b] = rs.map(({ r }) => (r as PromiseFulfilledResult<number>).value);
      raw.push(`${image} ${host}: I(${W + n}) = ${a}, I(${W + 2 * n}) = ${b}`);
      return { perEvent: (b - a) / n, unit: "Ir" };
    };
    let v8 = useCallgrind ? perEvent("v8") : null;
    let posix = useCallgrind ? perEvent("posix") : null;
    let method = "callgrind";
    if (!v8) {
      // Fall back to wall time for both hosts, so the ratio compares like with like.
      method = "wall time";
      v8 = { perEvent: await wallPerEvent("ts", image, n), unit: "us" };
      posix = existsSync(posixExecutable(image)) ? { perEvent: await wallPerEvent("posix", image, n), unit: "us" } : null;
    }
    const bytes = statSync(wasmImagePath(image)).size;
    const initial = memoryLimits(readFileSync(wasmImagePath(image)))?.initial ?? null;
    rows.push({ image, bytes, initial, peak: prof.peakPages, arena: prof.arena, n, v8, posix, method });
  }
});
const wearLines: string[] = [];
if (doWear) await progress.part("wear", async () => { for (const image of runnable.filter((i) => WEAR_IMAGES.has(i))) wearLines.push(await wear(image)); });

// ---- report

const fmtCost = (c: Cost | null) => {
  if (!c) return "-";
  if (c.unit === "us") return `${c.perEvent.toFixed(1)} us`;
  return c.perEvent >= 1e6 ? `${(c.perEvent / 1e6).toFixed(2)}M Ir` : `${(c.perEvent / 1e3).toFixed(1)}k Ir`;
};
const ratio = (x: number) => `${x < 1 ? x.toFixed(2) : x.toFixed(1)}x`;
const table = [
  ["image", "wasm bytes", "KiB", "of budget", "pages init/peak", "memory used", "N", "V8 per event", "posix per event", "V8 : posix", "method"],
  ...rows.map((r) => [
    r.image, String(r.bytes), (r.bytes / 1024).toFixed(1), `${((100 * r.bytes) / budgetOf(r.image)).toFixed(1)}% of ${budgetOf(r.image) / 1024}`,
    `${r.initial ?? "?"} / ${r.peak}`, r.arena === null ? "-" : `${(r.arena / 1024).toFixed(1)} KiB`, String(r.n), fmtCost(r.v8), fmtCost(r.posix),
    r.v8 && r.posix ? ratio(r.v8.perEvent / r.posix.perEvent) : "-", r.method,
  ]),
];
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
const line = (row: string[]) => row.map((cell, c) => (c === 0 || c === row.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
console.log();
console.log(line(table[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of table.slice(1)) console.log(line(row));
console.log();
const nRule = FIXED_N !== null ? `N = ${FIXED_N} (BENCH_N)`
  : `N per image so that N events take about ${WINDOW_MS} ms warm on the TS host (calibrated in-process, ${N_MIN}..${N_MAX})`;
if (rows.some((r) => r.method === "callgrind")) {
  console.log(`method: valgrind --tool=callgrind, instructions (Ir) of the whole process; per event = (I(W+2N) - I(W+N)) / N,`);
  console.log(`  W = ${W} warm-up events in both runs, ${nRule}.`);
  console.log(`  V8: node ${process.version} running the TypeScript host in-process (${driver?.how}).`);
  console.log("  posix: build/posix/<image> (wasm2c, gcc -O2), including its device-link framing and pipe I/O;");
  console.log("  the controller side runs outside valgrind.");
}
if (rows.some((r) => r.method === "wall time")) {
  console.log(`method (wall time rows): hrtime per event over events W+N..W+2N-1, W = ${W}, ${nRule};`);
  console.log("  posix includes the device-link round trip through a pipe.");
}
console.log(`pages: initial from the module's memory section; peak = max memory.buffer.byteLength / 65536 on the TS host`);
console.log(`  after every call of boot, setup and ${W + CALIBRATE} workload events.`);
console.log("memory used: the image's exported __heap_base, the end of its fixed heap arena (asconfig.json lowMemoryLimit):");
console.log("  all of linear memory it touches, and what WAMR allocates for it (README, \"Linear memory\").");
console.log("workloads:");
for (const image of runnable) console.log(`  ${image}: ${workloadFor(image).describe}`);
console.log("flash wear (TS host flashStats, fresh flash):");
if (wearLines.length === 0) console.log("  (no devkit image)");
for (const w of wearLines) console.log(`  ${w}`);

// Boot on blank flash: scripts/bench/boot.ts (posix board under callgrind).
if (useCallgrind) {
  await progress.part("boot", async () => {
    const { bootCosts, printBootCosts, BOOT_IMAGES } = await import("./bench/boot.ts");
    const bootImages = BOOT_IMAGES.filter((i) => images.includes(i) && existsSync(posixExecutable(i)));
    if (bootImages.length) printBootCosts(await bootCosts(bootImages));
  });
} else {
  notes.push("boot on blank flash: needs valgrind (callgrind), not measured");
}
// WAMR: cost per event against wasm2c, smallest stack and pool (scripts/bench/wamr.ts).
if (doWamr) await progress.part(`wamr:${imageSet}`, async () => {
  const { benchWamrImage, printWamr, wamrBuilt } = await import("./bench/wamr.ts");
  const wamrImages = runnable.filter(wamrBuilt);
  const wamrRows = [];
  for (const [k, image] of wamrImages.entries()) {
    progress.step(k + 1, wamrImages.length, image);
    wamrRows.push(...(await benchWamrImage(image)));
  }
  if (wamrRows.length) printWamr(wamrRows);
  else notes.push("WAMR: no wamr-fast/wamr-classic boards built (WAMR_SOURCE, boards/wamr/README.md), not measured");
});
// The meter: cost per reading on every engine, one simulated day in the home (scripts/bench/meter.ts).
if (doMeter) await progress.part("meter", async () => {
  const { meterCosts, printMeterCosts, benchMeterHome, printMeterHome } = await import("./bench/meter.ts");
  printMeterCosts(await meterCosts(useCallgrind));
  if (!process.env.BENCH_NO_HOME) printMeterHome(await benchMeterHome());
});
// The power conditioner: one credential check per event on every engine (scripts/bench/pcs.ts).
if (doPcs) await progress.part("pcs", async () => {
  const { pcsCheckCosts, printPcsCheckCosts } = await import("./bench/pcs.ts");
  printPcsCheckCosts(await pcsCheckCosts(useCallgrind));
});
// The lock: one OPERATE (two ECDSA verifies through the board) on every engine (scripts/bench/lock.ts).
if (doLock) await progress.part("lock", async () => {
  const { lockOperateCosts, printLockOperateCosts } = await import("./bench/lock.ts");
  printLockOperateCosts(await lockOperateCosts(useCallgrind));
});
// The TypeScript host carrying a fleet: 1,000 water heaters in one process, virtual time.
if (doFleet) await progress.part("fleet", async () => {
  const { benchFleet, describeFleet } = await import("./bench/fleet.ts");
  const fleet = await benchFleet();
  console.log("\nTypeScript host, fleet in one process (wall time on this machine; scripts/bench/fleet.ts):");
  console.log(`  ${describeFleet(fleet)}`);
});

// Water heater in the simulated home: registration time and bridge throughput.
if (doHome) await progress.part("home", async () => {
  const { benchHome } = await import("./bench/home.ts");
  const { findMosquitto } = await import("../host-sim/net/broker-mosquitto.ts");
  const kinds = (["embedded", "mosquitto"] as const).filter((k) => k === "embedded" || findMosquitto());
  const homeRows = [["broker", "registrations", "median ms", "p90 ms", "messages", "bridge QoS1 msg/s"]];
  for (const k of kinds) {
    const h = await benchHome(k);
    homeRows.push([k, String(h.runs), h.medianMs.toFixed(0), h.p90Ms.toFixed(0), String(h.messages), String(h.msgsPerSec)]);
  }
  const hw = homeRows[0].map((_, c) => Math.max(...homeRows.map((r) => r[c].length)));
  console.log("\nwater heater in the simulated home (TS host, wall time on this machine):");
  for (const [i, r] of homeRows.entries()) {
    console.log("  " + r.map((cell, c) => (c === 0 ? cell.padEnd(hw[c]) : cell.padStart(hw[c]))).join("  "));
    if (i === 0) console.log("  " + hw.map((w) => "-".repeat(w)).join("  "));
  }
  console.log("  registration: the app's HELLO (S82) until the cloud receives the remote's hello under its new");
  console.log("  device ID; new registrations after initialization, one after another. messages: LAN frames, HTTP");
  console.log("  requests and MQTT messages in between (median). bridge: one device publishing QoS 1, 32 in flight,");
  console.log("  3000 messages, counted when the broker acknowledges them.");
});
// The web page: load time and memory in headless chromium (scripts/bench/page.ts).
if (doPage) await progress.part("page", async () => {
  const { pageBench } = await import("./bench/page.ts");
  console.log(`\n${await pageBench()}`);
});
if (process.env.BENCH_RAW) for (const r of raw) console.log(`raw: ${r}`);
for (const n of notes) console.log(`note: ${n}`);
progress.finish();
console.log(`bench took ${formatDuration(Number(process.hrtime.bigint() - started) / 1e9)}` + (jobs.length ? ` (${JOBS} valgrind runs at a time)` : ""));
rmSync(work, { recursive: true, force: true });
