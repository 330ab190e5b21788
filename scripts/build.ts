// Builds the firmware images listed in asconfig.json (firmware/images/<target>/main.ts),
// the native boards for each (posix = wasm2c; wamr-fast and wamr-classic when WAMR's
// sources are there: scripts/build-wamr.ts), and the mosquitto login plugin; before
// anything, the files generated from the board ABI (scripts/gen-abi.ts).
//
//   npm run build                      everything that is out of date
//   npm run build -- water-heater      that image and its native boards only
//   npm run build -- --images|--posix|--wamr|--broker   that part only (with or without names)
//   npm run build -- --check           CI: a stale or hand-edited generated ABI file fails
//   npm run build -- --force           rebuild even what is up to date
//
// A step runs only when an input it read last time changed (scripts/build-stamp.ts): an
// image depends on exactly the files the compiler read for it, so a change to host-side
// code or to another image's sources leaves it alone.
import { mkdirSync } from "node:fs";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { buildPosix, posixInputs } from "./build-posix.ts";
import { buildBrokerPlugin, BROKER_PLUGIN } from "./build-broker-plugin.ts";
import { buildWamr, wamrSource } from "./build-wamr.ts";
import { generate } from "./gen-abi.ts";
import { convergeImage } from "./build-converge.ts";
import { hashFile, inputsOf, staleReason, writeStamp, type Inputs } from "./build-stamp.ts";
import { appendButtonSection, buttonMapFile } from "./button-section.ts";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

export function imageTargets(): string[] {
  const cfg = JSON.parse(readFileSync("asconfig.json", "utf8"));
  return Object.keys(cfg.targets);
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
const names = args.filter((a) => !a.startsWith("--"));
const parts = ["--images", "--posix", "--wamr", "--broker"];
const known = new Set([...parts, "--check", "--force"]);
for (const f of flags) if (!known.has(f)) fail(`unknown option ${f} (known: ${[...known].join(" ")})`);
const partsAsked = parts.filter((p) => flags.has(p));
const only = (part: string) => partsAsked.length === 0 || partsAsked.includes(part);
const force = flags.has("--force");

function fail(msg: string): never {
  console.error(`build: ${msg}`);
  process.exit(1);
}

/** What every image's build reads besides its sources. */
const imageConfig = (): Inputs => ({
  "asconfig.json": hashFile("asconfig.json"),
  "scripts/build.ts": hashFile("scripts/build.ts"),
  "scripts/utf8-literals.mjs": hashFile("scripts/utf8-literals.mjs"),
  "scripts/data-segments.mjs": hashFile("scripts/data-segments.mjs"),
  "scripts/abort-files.mjs": hashFile("scripts/abort-files.mjs"),
  "scripts/static-headers.mjs": hashFile("scripts/static-headers.mjs"),
  "scripts/empty-arrays.mjs": hashFile("scripts/empty-arrays.mjs"),
  "scripts/key-owners.mjs": hashFile("scripts/key-owners.mjs"),
  "scripts/build-converge.ts": hashFile("scripts/build-converge.ts"),
  "scripts/one-page-memory.ts": hashFile("scripts/one-page-memory.ts"),
  "scripts/button-section.ts": hashFile("scripts/button-section.ts"),
  "host-sim/device/button-map.ts": hashFile("host-sim/device/button-map.ts"),
  assemblyscript: JSON.parse(readFileSync("node_modules/assemblyscript/package.json", "utf8")).version,
});

/** Compiles one image in process, recording every file the compiler read (or looked for
 *  and did not find): those are the image's inputs. */
async function compileImage(target: string): Promise<Inputs> {
  const read = new Set<string>();
  // Loaded only when an image is out of date: the compiler takes seconds to load.
  const asc = (await import("assemblyscript/asc")).default;
  const { error } = await asc.main([`firmware/images/${target}/main.ts`, "--config", resolve(root, "asconfig.json"), "--target", target], {
    stdout: process.stdout,
    stderr: process.stderr,
    readFile(filename: string, baseDir: string) {
      const path = resolve(baseDir, filename);
      read.add(relative(root, path));
      try {
        return readFileSync(path, "utf8");
      } catch {
        return null;
      }
    },
  });
  if (error) fail(`image ${target}: ${error.message}`);
  const cfg = JSON.parse(readFileSync("asconfig.json", "utf8"));
  const t = cfg.targets[target];
  await convergeImage(t.outFile, t.textFile, cfg.options.optimizeLevel, cfg.options.shrinkLevel,
    t.lowMemoryLimit ?? cfg.options.lowMemoryLimit);
  // The image's declared buttons, for a generic panel; no engine reads the section.
  try {
    const bytes = appendButtonSection(target, t.outFile);
    console.log(`image ${target}: buttons section ${bytes} bytes`);
  } catch (e) { fail(`image ${target}: ${(e as Error).message}`); }
  return { ...inputsOf([...read, buttonMapFile(target)]), ...imageConfig() };
}

async function buildImage(target: string): Promise<boolean> {
  const wasm = `build/images/${target}.wasm`;
  const why = force ? "forced" : staleReason(wasm, imageConfig());
  if (!why) return false;
  console.log(`image ${target}: building (${why})`);
  writeStamp(wasm, await compileImage(target));
  console.log(`image ${target}: ${wasm}`);
  return true;
}

function buildBoard(target: string): boolean {
  const exe = `build/posix/${target}`;
  const inputs = posixInputs(target);
  const why = force ? "forced" : staleReason(exe, inputs);
  if (!why) return false;
  console.log(`posix ${target}: building (${why})`);
  buildPosix(target);
  writeStamp(exe, inputs);
  return true;
}

function buildPlugin(): boolean {
  const inputs = inputsOf(["host-sim/net/mosquitto-plugin/device-auth.c", "scripts/build-broker-plugin.ts"]);
  const why = force ? "forced" : staleReason(BROKER_PLUGIN, inputs);
  if (!why) return false;
  buildBrokerPlugin();
  writeStamp(BROKER_PLUGIN, inputs);
  return true;
}

const problems = generate({ check: flags.has("--check") });
if (problems.length) fail(problems.join("\nbuild: "));

const all = imageTargets();
for (const n of names) if (!all.includes(n)) fail(`no image ${JSON.stringify(n)} in asconfig.json (images: ${all.join(", ")})`);
const targets = names.length ? names : all;

mkdirSync("build/images", { recursive: true });
let built = 0;
// WAMR is optional here (tests that need it say so); asked for by name, it must be there.
const wamr = only("--wamr") ? wamrSource() : null;
if (only("--wamr") && !wamr) {
  const msg = "WAMR sources not found (set WAMR_SOURCE to a WAMR checkout or its .tar.gz): no wamr-fast/wamr-classic boards";
  if (flags.has("--wamr")) fail(msg);
  console.log(`build: ${msg}`);
}
for (const t of targets) {
  if (only("--images") && (await buildImage(t))) built++;
  if (only("--posix") && buildBoard(t)) built++;
  if (wamr) built += buildWamr(t, wamr, force);
}
// The plugin belongs to no image: built with everything, or when asked for by name.
if ((names.length === 0 || flags.has("--broker")) && only("--broker") && buildPlugin()) built++;
if (built === 0) console.log(`build: up to date (${names.length ? names.join(", ") : "all images"})`);
