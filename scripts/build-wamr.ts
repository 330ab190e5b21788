// Builds the WAMR boards for one image: the engine-neutral C board (boards/posix/) with the
// WAMR glue (boards/wamr/engine.c) and the image's bytes built in (boards/wamr/image.c),
// linked against WAMR's interpreter, once per mode:
//
//   build/wamr-fast/<target>      fast interpreter
//   build/wamr-classic/<target>   classic interpreter
//
// Both speak the device link on stdio exactly like build/posix/<target>.
//
// WAMR is a dependency, never part of the repository. Its sources come from WAMR_SOURCE
// (a checkout, or a .tar.gz of one, unpacked under build/wamr-src/), or else from the
// archive in ../shared/vendor/ or ../../shared/vendor/ beside the repository when there
// is one. wamrSource() says null when there is none, or when WAMR_SOURCE=none: the caller
// skips the WAMR boards (and tests print a skip line, or fail under CI=true).
//
// The engine (libvmlib.a, configured by boards/wamr/CMakeLists.txt; options and reasons
// in boards/wamr/README.md) is built with CMake once per mode and source; each image's
// board is one gcc link against it.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { boardSources } from "./build-posix.ts";
import { hashFile, inputsOf, staleReason, writeStamp, type Inputs } from "./build-stamp.ts";

const root = new URL("..", import.meta.url).pathname;
const boardDir = root + "boards/posix/";
const glueDir = root + "boards/wamr/";

export type WamrMode = "fast" | "classic";
export const WAMR_MODES: WamrMode[] = ["fast", "classic"];

function fail(msg: string, status = 1): never {
  console.error(`build-wamr: ${msg}`);
  process.exit(status);
}

function run(cmd: string, argv: string[], what: string, cwd = root): void {
  const r = spawnSync(cmd, argv, { cwd, stdio: ["ignore", "inherit", "inherit"] });
  if (r.error) fail(`${what}: cannot run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (${cmd} exit ${r.status ?? r.signal})`, r.status || 1);
}

/** Where WAMR's sources come from: WAMR_SOURCE, or the vendored archive beside the
 *  repository; null when there is neither. */
export function wamrSource(): string | null {
  const env = process.env.WAMR_SOURCE;
  if (env === "none") return null;
  if (env) {
    const p = resolve(root, env);
    if (!existsSync(p)) fail(`WAMR_SOURCE=${env}: no such file or directory`);
    return p;
  }
  for (const dir of [join(root, "../shared/vendor"), join(root, "../../shared/vendor")]) {
    if (!existsSync(dir)) continue;
    const archive = readdirSync(dir).filter((f) => /^wasm-micro-runtime-.*\.tar\.gz$/.test(f)).sort().pop();
    if (archive) return join(dir, archive);
  }
  return null;
}

/** The WAMR source tree for `source`: a directory as is, an archive unpacked once under
 *  build/wamr-src/<archive name>/ (the archive's hash decides whether to unpack again). */
function wamrTree(source: string): { tree: string; id: string } {
  if (statSync(source).isDirectory()) {
    if (!existsSync(join(source, "build-scripts/runtime_lib.cmake"))) fail(`${source} is not a WAMR source tree`);
    return { tree: source, id: `dir:${source}` };
  }
  const id = `archive:${hashFile(source)}`;
  const dest = join(root, "build/wamr-src", basename(source).replace(/\.tar\.gz$/, ""));
  const mark = join(dest, ".unpacked-from");
  if (!existsSync(mark) || readFileSync(mark, "utf8") !== id) {
    mkdirSync(dest, { recursive: true });
    run("tar", ["-xzf", source, "-C", dest, "--strip-components=1"], `unpack ${source}`);
    writeFileSync(mark, id);
  }
  if (!existsSync(join(dest, "build-scripts/runtime_lib.cmake"))) fail(`${source} does not hold a WAMR source tree`);
  return { tree: dest, id };
}

/** libvmlib.a for one mode, rebuilt when the source, the CMake file or this script changed. */
function buildEngine(mode: WamrMode, source: string, force: boolean): string {
  const { tree, id } = wamrTree(source);
  const dir = join(root, `build/wamr-${mode}/engine`);
  const lib = join(dir, "libvmlib.a");
  const inputs: Inputs = { ...inputsOf(["boards/wamr/CMakeLists.txt", "scripts/build-wamr.ts"]), wamr: id };
  const why = force ? "forced" : staleReason(lib, inputs);
  if (!why) return tree;
  console.log(`wamr-${mode} engine: building (${why})`);
  mkdirSync(dir, { recursive: true });
  run("cmake", ["-S", glueDir, "-B", dir, `-DWAMR_ROOT_DIR=${tree}`, `-DWAMR_BUILD_FAST_INTERP=${mode === "fast" ? 1 : 0}`], `cmake wamr-${mode}`);
  run("cmake", ["--build", dir, "--target", "vmlib", "-j", "2"], `build wamr-${mode}`);
  writeStamp(lib, inputs);
  return tree;
}

/** What build/wamr-<mode>/<target> is made from. */
function boardInputs(mode: WamrMode, target: string): Inputs {
  const glue = readdirSync(glueDir).filter((f) => /\.[ch]$/.test(f)).map((f) => `boards/wamr/${f}`);
  return {
    ...inputsOf([`build/images/${target}.wasm`, ...boardSources(), ...glue, `build/wamr-${mode}/engine/libvmlib.a`, "scripts/build-wamr.ts"]),
  };
}

/** Builds the WAMR boards of `target` that are out of date; returns how many were built.
 *  The caller has checked wamrSource() is not null. */
export function buildWamr(target: string, source: string, force = false): number {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(target)) fail(`bad target name ${JSON.stringify(target)}`);
  const wasm = root + `build/images/${target}.wasm`;
  if (!existsSync(wasm)) fail(`${wasm} missing: build the images first (scripts/build.ts --images)`);
  let built = 0;
  for (const mode of WAMR_MODES) {
    const tree = buildEngine(mode, source, force);
    const out = join(root, `build/wamr-${mode}`);
    const exe = join(out, target);
    const inputs = boardInputs(mode, target);
    const why = force ? "forced" : staleReason(exe, inputs);
    if (!why) continue;
    console.log(`wamr-${mode} ${target}: building (${why})`);
    const objDir = join(out, `${target}.obj`);
    mkdirSync(objDir, { recursive: true });
    const inc = ["-I", boardDir, "-I", glueDir, "-I", join(tree, "core/iwasm/include")];
    const sources = [
      ...readdirSync(boardDir).filter((f) => f.endsWith(".c") && f !== "abi_check.c").sort().map((f) => boardDir + f),
      ...readdirSync(glueDir).filter((f) => f.endsWith(".c")).sort().map((f) => glueDir + f),
    ];
    const objs = sources.map((src) => {
      const obj = join(objDir, src.slice(root.length).replace(/\//g, "_").replace(/\.c$/, ".o"));
      run("gcc", ["-O2", "-c", "-Wall", "-Wextra", ...inc, `-DIMAGE_NAME="${target}"`, `-DIMAGE_WASM="${wasm}"`, `-DWAMR_FAST_INTERP=${mode === "fast" ? 1 : 0}`, "-o", obj, src], `compile ${src}`);
      return obj;
    });
    run("gcc", ["-O2", "-o", exe, ...objs, join(out, "engine/libvmlib.a"), "-lcrypto", "-lm", "-lpthread"], `link wamr-${mode} ${target}`);
    writeStamp(exe, inputs);
    console.log(`wamr-${mode} ${target}: build/wamr-${mode}/${target}`);
    built++;
  }
  return built;
}
