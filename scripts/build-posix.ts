// Builds the posix board for one image: the image, translated to C by wasm2c, linked with
// the engine-neutral C board (boards/posix/) and the wasm2c engine glue (boards/wasm2c/)
// into build/posix/<target>, an executable that speaks the device link on stdio
// (boards/DEVICE-LINK.md).
//
//   1. build/posix/abi-check from boards/posix/abi_check.c (once per process), with the
//      ABI tables of boards/posix/abi_v1.h (generated from boards/abi/v1.json by gen-abi)
//   2. abi-check build/images/<target>.wasm: an import outside the ABI stops here (78)
//   3. wasm2c into build/posix/<target>.wasm2c/ (the executable takes build/posix/<target>)
//   4. gcc -O2 -> build/posix/<target>, with -lcrypto -lm
//
// With `m32` (the bench only: the baseline of the 32-bit WAMR boards' cost per event) the
// board is compiled for 32-bit x86 into build/posix32/<target>.
//
// Every tool runs through spawnSync with an argument vector (no shell), and any failure
// ends the build with a non-zero status.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, existsSync } from "node:fs";
import { inputsOf, type Inputs } from "./build-stamp.ts";

const root = new URL("..", import.meta.url).pathname;
const out = root + "build/posix/";
const hostDir = root + "boards/posix/";
const engineDir = root + "boards/wasm2c/";
const wasm2cRuntime = "/usr/src/wasm2c";

// Bounds-checked memory instead of guard pages and a SIGSEGV handler: works under
// valgrind, needs no 8 GiB reservation, and stack exhaustion is a trap, not a crash.
const runtimeDefines = ["-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"];

function fail(msg: string, status = 1): never {
  console.error(`build-posix: ${msg}`);
  process.exit(status);
}

function run(cmd: string, argv: string[], what: string): void {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error) fail(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (${cmd} exit ${r.status ?? r.signal})`, r.status || 1);
}

/** The C board's sources (boards/posix/, engine-neutral), relative to the repository. */
export function boardSources(): string[] {
  return readdirSync(hostDir).filter((f) => /\.[ch]$/.test(f)).sort().map((f) => `boards/posix/${f}`);
}

/** What build/posix/<target> is made from: the image, the board's and the wasm2c glue's
 *  sources, this script. */
export function posixInputs(target: string): Inputs {
  const glue = readdirSync(engineDir).filter((f) => /\.[ch]$/.test(f)).map((f) => `boards/wasm2c/${f}`);
  // Paths relative to the repository (scripts/build.ts runs from there).
  return inputsOf([`build/images/${target}.wasm`, ...boardSources(), ...glue, "scripts/build-posix.ts"]);
}

let toolsReady = false;

function buildTools(): void {
  if (toolsReady) return;
  mkdirSync(out, { recursive: true });
  run("gcc", ["-O2", "-Wall", "-Wextra", "-I", hostDir, "-o", out + "abi-check", hostDir + "abi_check.c"], "abi-check build");
  toolsReady = true;
}

export function buildPosix(target: string, m32 = false): void {
  // The target becomes a path and a C string literal: keep it to plain name characters.
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(target)) fail(`bad target name ${JSON.stringify(target)}`);
  buildTools();
  const wasm = root + `build/images/${target}.wasm`;
  if (!existsSync(wasm)) fail(`${wasm} missing: build the images first (scripts/build.ts --images)`);

  // The image is checked before anything of it is compiled.
  const check = spawnSync(out + "abi-check", [wasm], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (check.error) fail(`abi-check: ${check.error.message}`);
  if (check.status !== 0) fail(`image ${target} refused by abi-check`, check.status ?? 1);

  const dir = m32 ? root + "build/posix32/" : out;
  const bits = m32 ? ["-m32"] : [];
  const gen = dir + `${target}.wasm2c/`;
  mkdirSync(gen, { recursive: true });
  run("wasm2c", [wasm, "-n", "fw", "-o", gen + "fw.c"], `wasm2c ${target}`);

  // Host sources: every .c of the board except the abi-check tool, and the wasm2c glue.
  // Our own code gets warnings; generated and runtime code is compiled as is.
  const hostSources = [
    ...readdirSync(hostDir).filter((f) => f.endsWith(".c") && f !== "abi_check.c").sort().map((f) => hostDir + f),
    ...readdirSync(engineDir).filter((f) => f.endsWith(".c")).sort().map((f) => engineDir + f),
  ];
  const inc = ["-I", gen, "-I", hostDir, "-I", wasm2cRuntime];
  const objs: string[] = [];
  const cc = (src: string, obj: string, extra: string[]) => {
    run("gcc", [...bits, "-O2", "-c", ...runtimeDefines, ...inc, ...extra, "-o", obj, src], `compile ${src}`);
    objs.push(obj);
  };
  for (const f of hostSources) {
    cc(f, gen + f.slice(root.length).replace(/\//g, "_").replace(/\.c$/, ".o"), ["-Wall", "-Wextra", "-Wno-cast-function-type", `-DIMAGE_NAME="${target}"`]);
  }
  cc(gen + "fw.c", gen + "fw.o", []);
  cc(wasm2cRuntime + "/wasm-rt-impl.c", gen + "wasm-rt-impl.o", []);
  const exe = dir + target;
  run("gcc", [...bits, "-O2", "-o", exe, ...objs, "-lcrypto", "-lm"], `link ${target}`);
  console.log(`posix ${target}: ${exe.slice(root.length)}`);
}
