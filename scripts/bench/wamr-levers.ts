// One-off measurement of WAMR's build levers on the fast interpreter (boards/wamr/README.md,
// "Levers for the fast interpreter's pool"). Each variant is boards/wamr/CMakeLists.txt
// with one change, built under build/wamr-levers/<bits>/<variant>/ (the engine, then each
// image's board linked from the objects the bench's boards were compiled to); then, for
// each image, the smallest stack and pool with which its scenarios give what wasm2c gives,
// and the cost per event, exactly as scripts/bench/wamr.ts measures them (its functions).
// The simulator starts build/wamr32-fast/<image> for "wamr-fast" (32-bit): each variant's
// board is put there for its measurement and the original put back afterwards.
//
//   npx tsx scripts/bench/wamr-levers.ts [--variants a,b,...] [image ...]
//   LEVERS_BITS=64: the 64-bit boards (build/wamr-fast/<image>, against build/posix)
//
// Run the bench (or npm run build) first: it builds the boards whose objects are linked.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { outcome, perEvent, smallest, works } from "./wamr.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Each variant: the compact-code choice and text replacements in the CMakeLists copy. */
const VARIANTS: Record<string, { compact: boolean; edits?: [string, string][] }> = {
  "handler-addresses": { compact: false },
  "compact": { compact: true },
  "handler-addresses+unaligned": { compact: false, edits: [["-DWASM_CPU_SUPPORTS_UNALIGNED_ADDR_ACCESS=0", "-DWASM_CPU_SUPPORTS_UNALIGNED_ADDR_ACCESS=1"]] },
  "compact+unaligned": { compact: true, edits: [["-DWASM_CPU_SUPPORTS_UNALIGNED_ADDR_ACCESS=0", "-DWASM_CPU_SUPPORTS_UNALIGNED_ADDR_ACCESS=1"]] },
  "handler-addresses+mini-loader": { compact: false, edits: [["set (WAMR_BUILD_MINI_LOADER 0)", "set (WAMR_BUILD_MINI_LOADER 1)"]] },
};

const args = process.argv.slice(2);
let names = Object.keys(VARIANTS);
const v = args.indexOf("--variants");
if (v >= 0) {
  names = args[v + 1].split(",");
  args.splice(v, 2);
  for (const n of names) if (!VARIANTS[n]) { console.error(`unknown variant ${n}: ${Object.keys(VARIANTS).join(", ")}`); process.exit(2); }
}
const images = args.length ? args : ["water-heater", "smart-plug", "devkit", "board-conformance"];
const m32 = process.env.LEVERS_BITS !== "64";
const boards = join(ROOT, m32 ? "build/wamr32-fast" : "build/wamr-fast");
const wamrTree = readdirSync(join(ROOT, "build/wamr-src")).map((d) => join(ROOT, "build/wamr-src", d))
  .find((d) => existsSync(join(d, "build-scripts/runtime_lib.cmake")));
if (!wamrTree) { console.error("no WAMR sources under build/wamr-src (npm run build with WAMR_SOURCE)"); process.exit(1); }

function run(cmd: string, argv: string[]): void {
  const r = spawnSync(cmd, argv, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed:\n${r.stdout}${r.stderr}`);
}

/** Builds the variant's engine and its board for each image; returns its directory. */
function build(name: string): string {
  const variant = VARIANTS[name];
  const dir = join(ROOT, "build/wamr-levers", m32 ? "32" : "64", name);
  mkdirSync(join(dir, "src"), { recursive: true });
  let cmake = readFileSync(join(ROOT, "boards/wamr/CMakeLists.txt"), "utf8");
  for (const [from, to] of variant.edits ?? []) {
    if (!cmake.includes(from)) throw new Error(`${name}: boards/wamr/CMakeLists.txt has no "${from}"`);
    cmake = cmake.replace(from, to);
  }
  writeFileSync(join(dir, "src/CMakeLists.txt"), cmake);
  const word = m32 ? ["-DWAMR_BUILD_TARGET=X86_32", "-DCMAKE_C_FLAGS=-m32", "-DCMAKE_ASM_FLAGS=-m32"] : [];
  run("cmake", ["-S", join(dir, "src"), "-B", join(dir, "engine"), `-DWAMR_ROOT_DIR=${wamrTree}`, "-DWAMR_BUILD_FAST_INTERP=1",
    `-DWAMR_BOARD_COMPACT_CODE=${variant.compact ? "ON" : "OFF"}`, ...word]);
  run("cmake", ["--build", join(dir, "engine"), "--target", "vmlib", "-j", "2"]);
  for (const image of images) {
    const objs = join(boards, `${image}.obj`);
    if (!existsSync(objs)) throw new Error(`no ${objs}: run the bench (or npm run build) first`);
    const o = readdirSync(objs).filter((f) => f.endsWith(".o")).map((f) => join(objs, f));
    run("gcc", [...(m32 ? ["-m32"] : []), "-O2", "-o", join(dir, image), ...o, join(dir, "engine/libvmlib.a"), "-lcrypto", "-lm", "-lpthread"]);
  }
  return dir;
}

const dirs = names.map((n) => [n, build(n)] as const);
const BIG_POOL = 1 << 20, BIG_STACK = 16 << 10;
if (m32) process.env.BOARD_WAMR_BITS = "32";
for (const image of images) {
  const reference = await outcome(image, "posix");
  const base = await perEvent(image, "posix", join(ROOT, m32 ? "build/posix32" : "build/posix", image));
  const slot = join(boards, image), saved = `${slot}.levers-saved`;
  if (!existsSync(saved)) renameSync(slot, saved);
  try {
    for (const [name, dir] of dirs) {
      const exe = join(dir, image);
      rmSync(slot, { force: true }); // a board of the previous variant may still be exiting
      copyFileSync(exe, slot);
      if (!(await works(image, "wamr-fast", reference, BIG_STACK, BIG_POOL))) {
        console.log(`${image}\t${name}\tdoes not run`);
        continue;
      }
      const stack = await smallest(256, BIG_STACK, 128, (s) => works(image, "wamr-fast", reference, s, BIG_POOL));
      const pool = await smallest(4096, BIG_POOL, 512, (p) => works(image, "wamr-fast", reference, stack, p));
      const ir = await perEvent(image, "wamr-fast", exe);
      console.log(`${image}\t${name}\tstack ${stack} B\tpool ${(pool / 1024).toFixed(1)} KiB\t${(ir / 1000).toFixed(1)}k Ir/event\t${(ir / base).toFixed(2)}x wasm2c-${m32 ? 32 : 64} (${(base / 1000).toFixed(1)}k)`);
    }
  } finally {
    rmSync(slot, { force: true });
    renameSync(saved, slot);
  }
}
