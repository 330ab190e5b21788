// Builds the WAMR boards for one image: the engine-neutral C board (boards/posix/) with the
// WAMR glue (boards/wamr/engine.c) and the image's bytes built in (boards/wamr/image.c),
// linked against WAMR's interpreter, once per mode:
//
//   build/wamr-fast/<target>      fast interpreter
//   build/wamr-classic/<target>   classic interpreter
//
// Both speak the device link on stdio exactly like build/posix/<target>. With `m32` (the
// bench only, never setup or the tests: CI needs no multilib) the same boards are built
// for 32-bit x86, as a 32-bit MCU's pointers are, into build/wamr32-fast/<target> and
// build/wamr32-classic/<target>; m32Missing() says what this machine lacks for them.
//
// WAMR is a dependency, never part of the repository. Its sources come from WAMR_SOURCE
// (a checkout, or a .tar.gz of one, unpacked under build/wamr-src/; WAMR_SOURCE=fetch:
// the pinned commit below through CMake's FetchContent), or else from the archive in
// ../shared/vendor/ or ../../shared/vendor/ beside the repository (or beside the local
// repository it was cloned from) when there is one, or
// else, when GitHub answers, through FetchContent. wamrSource() says null when there is
// none of these, or when WAMR_SOURCE=none: the caller skips the WAMR boards (and tests
// print a skip line, or fail under CI=true).
//
// The engine (libvmlib.a, configured by boards/wamr/CMakeLists.txt; options and reasons
// in boards/wamr/README.md) is built with CMake once per mode, word size and source; each
// image's board is one gcc link against it. The fast interpreter is built with compact
// code unless WAMR_COMPACT_CODE=0 (wamrCompactCode()); the choice is part of its stamp.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { boardSources } from "./build-posix.ts";
import { hashFile, inputsOf, staleReason, writeStamp, type Inputs } from "./build-stamp.ts";

const root = new URL("..", import.meta.url).pathname;
const boardDir = root + "boards/posix/";
const glueDir = root + "boards/wamr/";

export type WamrMode = "fast" | "classic";
export const WAMR_MODES: WamrMode[] = ["fast", "classic"];

/** The WAMR release fetched when there are no sources here: the commit of the vendored
 *  archive (wasm-micro-runtime-2.4.1-289-g646b5a9b, `git get-tar-commit-id`), 289 commits
 *  after the tag WAMR-2.4.1, so a fetched build is the build tested here. */
export const WAMR_PIN = {
  repository: "https://github.com/bytecodealliance/wasm-micro-runtime.git",
  commit: "646b5a9bc786bfdb69f01e136706d524d4466120",
  describe: "WAMR-2.4.1-289-g646b5a9b",
};
/** wamrSource()'s answer when the sources are to be fetched. */
export const WAMR_FETCH = "fetch";

/** Where a build's boards go: build/wamr-<mode> (this machine's word size, the tests'),
 *  build/wamr32-<mode> (-m32, the bench's RAM figures). */
export const wamrBuildDir = (mode: WamrMode, m32 = false) => `build/wamr${m32 ? "32" : ""}-${mode}`;

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
 *  repository, or WAMR_FETCH when the pinned repository answers; null when none does. */
export function wamrSource(): string | null {
  const env = process.env.WAMR_SOURCE;
  if (env === "none") return null;
  if (env === WAMR_FETCH) return WAMR_FETCH;
  if (env) {
    const p = resolve(root, env);
    if (!existsSync(p)) fail(`WAMR_SOURCE=${env}: no such file or directory`);
    return p;
  }
  for (const dir of vendorDirs()) {
    if (!existsSync(dir)) continue;
    const archive = readdirSync(dir).filter((f) => /^wasm-micro-runtime-.*\.tar\.gz$/.test(f)).sort().pop();
    if (archive) return join(dir, archive);
  }
  return pinAnswers() ? WAMR_FETCH : null;
}

/** Where a vendored archive may be: beside this repository, and beside the repository it
 *  was cloned from when that is a local path (a second clone made elsewhere, e.g. in a
 *  temporary folder, still finds the archive beside the first). */
function vendorDirs(): string[] {
  const bases = [root];
  const origin = spawnSync("git", ["config", "--get", "remote.origin.url"], { cwd: root, encoding: "utf8" });
  const url = origin.status === 0 ? origin.stdout.trim().replace(/^file:\/\//, "") : "";
  if (url.startsWith("/") && existsSync(url)) bases.push(url);
  return bases.flatMap((b) => [join(b, "../shared/vendor"), join(b, "../../shared/vendor")]);
}

let answered: boolean | undefined;
/** Whether the pinned repository answers within a few seconds (a machine with internet):
 *  asked once per process, and only when no sources are here. */
function pinAnswers(): boolean {
  answered ??= spawnSync("git", ["ls-remote", "--exit-code", WAMR_PIN.repository, "HEAD"], {
    stdio: "ignore", timeout: 5_000, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  }).status === 0;
  return answered;
}

/** The pinned commit's tree under build/wamr-src/, populated by CMake's FetchContent
 *  (boards/wamr/fetch-wamr.cmake) unless it is there already. */
function fetchedTree(): { tree: string; id: string } {
  const id = `fetch:${WAMR_PIN.commit}`;
  const dest = join(root, "build/wamr-src", WAMR_PIN.describe);
  const mark = join(dest, ".fetched-as");
  if (!existsSync(mark) || readFileSync(mark, "utf8") !== id) {
    console.log(`wamr: fetching ${WAMR_PIN.describe} (${WAMR_PIN.commit}) from ${WAMR_PIN.repository}`);
    mkdirSync(join(root, "build/wamr-src"), { recursive: true });
    run("cmake", [`-DWAMR_GIT_REPOSITORY=${WAMR_PIN.repository}`, `-DWAMR_GIT_COMMIT=${WAMR_PIN.commit}`,
      `-DWAMR_SOURCE_DIR=${dest}`, `-DWAMR_FETCH_WORK_DIR=${dest}.fetch`, "-P", join(glueDir, "fetch-wamr.cmake")], "fetch WAMR");
    writeFileSync(mark, id);
  }
  if (!existsSync(join(dest, "build-scripts/runtime_lib.cmake"))) fail(`${dest} does not hold a WAMR source tree after the fetch`);
  return { tree: dest, id };
}

let m32Answer: string | null | undefined;
/** What this machine lacks to build the -m32 boards, or null when it has it all: gcc must
 *  compile, link and run a 32-bit program against a 32-bit libcrypto (the board's crypto).
 *  Debian: gcc-multilib and libssl-dev:i386. */
export function m32Missing(): string | null {
  if (m32Answer !== undefined) return m32Answer;
  const dir = join(root, "build/tmp");
  mkdirSync(dir, { recursive: true });
  const src = join(dir, "m32-probe.c"), exe = join(dir, "m32-probe");
  writeFileSync(src, "#include <openssl/crypto.h>\nint main(void) { return OpenSSL_version_num() == 0; }\n");
  const cc = spawnSync("gcc", ["-m32", "-o", exe, src, "-lcrypto"], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) {
    const why = (cc.stderr ?? "").split("\n").find((l) => /error|cannot find/.test(l))?.trim() ?? cc.error?.message ?? `exit ${cc.status}`;
    m32Answer = `gcc -m32 cannot build against a 32-bit libcrypto (${why})`;
  } else {
    const r = spawnSync(exe, [], { stdio: "ignore" });
    m32Answer = r.status === 0 ? null : `a 32-bit program linked with libcrypto does not run (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`;
  }
  return m32Answer;
}

/** The WAMR source tree for `source`: a directory as is, an archive unpacked once under
 *  build/wamr-src/<archive name>/ (the archive's hash decides whether to unpack again). */
function wamrTree(source: string): { tree: string; id: string } {
  if (source === WAMR_FETCH) return fetchedTree();
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

/** The fast interpreter's compact code (boards/wamr/CMakeLists.txt, WAMR_BOARD_COMPACT_CODE:
 *  opcodes stored as 2-byte numbers, not 4-byte handler addresses): on unless
 *  WAMR_COMPACT_CODE=0, which builds the faster, larger variant (the bench measures either). */
export const wamrCompactCode = (): boolean => process.env.WAMR_COMPACT_CODE !== "0";

/** libvmlib.a for one mode and word size, rebuilt when the source, the CMake file, this
 *  script or (fast) the compact-code choice changed. A CMake cache left by another
 *  directory (a copied build/) is dropped. */
function buildEngine(mode: WamrMode, m32: boolean, source: string, force: boolean): string {
  const { tree, id } = wamrTree(source);
  const name = basename(wamrBuildDir(mode, m32));
  const dir = join(root, wamrBuildDir(mode, m32), "engine");
  const lib = join(dir, "libvmlib.a");
  const compact = mode === "fast" ? { compactCode: wamrCompactCode() ? "on" : "off" } : {};
  const inputs: Inputs = { ...inputsOf(["boards/wamr/CMakeLists.txt", "scripts/build-wamr.ts"]), wamr: id, ...compact };
  const why = force ? "forced" : staleReason(lib, inputs);
  if (!why) return tree;
  console.log(`${name} engine: building (${why})`);
  const cache = join(dir, "CMakeCache.txt");
  if (existsSync(cache) && !readFileSync(cache, "utf8").includes(`CMAKE_CACHEFILE_DIR:INTERNAL=${dir}\n`)) rmSync(dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  // X86_32: WAMR's own 32-bit x86 target (its ia32 native-call stub); -m32 for C and the
  // assembly alike.
  const word = m32 ? ["-DWAMR_BUILD_TARGET=X86_32", "-DCMAKE_C_FLAGS=-m32", "-DCMAKE_ASM_FLAGS=-m32"] : [];
  run("cmake", ["-S", glueDir, "-B", dir, `-DWAMR_ROOT_DIR=${tree}`, `-DWAMR_BUILD_FAST_INTERP=${mode === "fast" ? 1 : 0}`,
    `-DWAMR_BOARD_COMPACT_CODE=${wamrCompactCode() ? "ON" : "OFF"}`, ...word], `cmake ${name}`);
  run("cmake", ["--build", dir, "--target", "vmlib", "-j", "2"], `build ${name}`);
  writeStamp(lib, inputs);
  return tree;
}

/** What a board of `target` is made from. */
function boardInputs(mode: WamrMode, m32: boolean, target: string): Inputs {
  const glue = readdirSync(glueDir).filter((f) => /\.[ch]$/.test(f)).map((f) => `boards/wamr/${f}`);
  return {
    ...inputsOf([`build/images/${target}.wasm`, ...boardSources(), ...glue, `${wamrBuildDir(mode, m32)}/engine/libvmlib.a`, "scripts/build-wamr.ts"]),
  };
}

/** Builds the WAMR boards of `target` that are out of date; returns how many were built.
 *  The caller has checked wamrSource() is not null (and, for m32, m32Missing() is null). */
export function buildWamr(target: string, source: string, force = false, m32 = false): number {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(target)) fail(`bad target name ${JSON.stringify(target)}`);
  const wasm = root + `build/images/${target}.wasm`;
  if (!existsSync(wasm)) fail(`${wasm} missing: build the images first (scripts/build.ts --images)`);
  let built = 0;
  const bits = m32 ? ["-m32"] : [];
  for (const mode of WAMR_MODES) {
    const tree = buildEngine(mode, m32, source, force);
    const name = basename(wamrBuildDir(mode, m32));
    const out = join(root, wamrBuildDir(mode, m32));
    const exe = join(out, target);
    const inputs = boardInputs(mode, m32, target);
    const why = force ? "forced" : staleReason(exe, inputs);
    if (!why) continue;
    console.log(`${name} ${target}: building (${why})`);
    const objDir = join(out, `${target}.obj`);
    mkdirSync(objDir, { recursive: true });
    const inc = ["-I", boardDir, "-I", glueDir, "-I", join(tree, "core/iwasm/include")];
    const sources = [
      ...readdirSync(boardDir).filter((f) => f.endsWith(".c") && f !== "abi_check.c").sort().map((f) => boardDir + f),
      ...readdirSync(glueDir).filter((f) => f.endsWith(".c")).sort().map((f) => glueDir + f),
    ];
    const objs = sources.map((src) => {
      const obj = join(objDir, src.slice(root.length).replace(/\//g, "_").replace(/\.c$/, ".o"));
      run("gcc", [...bits, "-O2", "-c", "-Wall", "-Wextra", ...inc, `-DIMAGE_NAME="${target}"`, `-DIMAGE_WASM="${wasm}"`, `-DWAMR_FAST_INTERP=${mode === "fast" ? 1 : 0}`, "-o", obj, src], `compile ${src}`);
      return obj;
    });
    run("gcc", [...bits, "-O2", "-o", exe, ...objs, join(out, "engine/libvmlib.a"), "-lcrypto", "-lm", "-lpthread"], `link ${name} ${target}`);
    writeStamp(exe, inputs);
    console.log(`${name} ${target}: ${wamrBuildDir(mode, m32)}/${target}`);
    built++;
  }
  return built;
}
