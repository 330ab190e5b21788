// npm run fuzz [-- --seed 1 --host wamr-fast --inputs 50000 --only "LINK LAN" --image water-heater]
// Fuzzes every entry point of each image that has them (the water heater, the printer, the
// meter; or
// the one --image names) (every fw_event kind it takes) from a fixed seed on
// each engine asked for (--host, repeatable: ts, posix, wamr-fast, wamr-classic; default
// V8 and every native engine built for the image), and prints one table row per entry
// point and engine: inputs, crashes, hangs, state changes, time. The engines run the same
// inputs, so they must answer each with the same result code: the first input where they
// do not is printed as a disagreement. Exit status 1 on any finding or disagreement.
// How inputs are made and judged: scripts/fuzz/ (water-heater.ts, loop.ts, agreement.ts).
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import { NATIVE_HOSTS, type HostName, type NativeHostName } from "../host-sim/device/power-on.ts";
import { firstDisagreement, type Disagreement } from "./fuzz/agreement.ts";
import type { EntryPointsModule } from "./fuzz/entry-point.ts";
import { fuzzEntry, type EntryResult } from "./fuzz/run.ts";

/** Images with fuzz entry points, and the module that names them. */
const IMAGES: Record<string, string> = {
  "water-heater": new URL("./fuzz/water-heater.ts", import.meta.url).href,
  "printer": new URL("./fuzz/printer.ts", import.meta.url).href,
  "meter": new URL("./fuzz/meter.ts", import.meta.url).href,
  "power-conditioner": new URL("./fuzz/power-conditioner.ts", import.meta.url).href,
  "lock": new URL("./fuzz/lock.ts", import.meta.url).href,
};
/** Inputs per entry point when --inputs is not given: V8 runs an input in process, a
 *  native board answers over its device link. */
const DEFAULT_INPUTS: Record<HostName, number> = { "ts": 100_000, "posix": 20_000, "wamr-fast": 20_000, "wamr-classic": 20_000 };

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    host: { type: "string", multiple: true },
    inputs: { type: "string" },
    only: { type: "string" },
    image: { type: "string" },
    "hang-ms": { type: "string", default: "2000" },
  },
});

/** A usage error: said in one line, exit status 2 (1 is for findings). */
function usage(text: string): never {
  console.error(`fuzz: ${text}`);
  process.exit(2);
}

if (values.image && !IMAGES[values.image]) usage(`no fuzz entry points for image ${values.image} (${Object.keys(IMAGES).join(", ")})`);
if (values.inputs !== undefined && !(Number(values.inputs) > 0)) usage(`--inputs ${values.inputs}: a count above 0`);
const inputsOn = (h: HostName) => values.inputs !== undefined ? Number(values.inputs) : DEFAULT_INPUTS[h];
const isNative = (h: string): h is NativeHostName => (NATIVE_HOSTS as readonly string[]).includes(h);

/** The engines asked for, or V8 and every native board built for the image. */
function hostsFor(image: string): HostName[] {
  const built = (h: NativeHostName) => existsSync(posixExecutable(image, h));
  if (values.host) {
    for (const h of values.host) {
      if (h !== "ts" && !isNative(h)) usage(`unknown host ${h} (ts, ${NATIVE_HOSTS.join(", ")})`);
      if (isNative(h) && !built(h)) usage(`no ${h} board for ${image} at ${posixExecutable(image, h)}: npm run build${h === "posix" ? "" : " with WAMR_SOURCE set"}`);
    }
    return [...new Set(values.host as HostName[])];
  }
  const missing = NATIVE_HOSTS.filter((h) => !built(h));
  if (missing.length) console.log(`not built, left out: ${missing.join(", ")} (npm run build; WAMR needs WAMR_SOURCE)`);
  return ["ts", ...NATIVE_HOSTS.filter(built)];
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const accepted = (r: EntryResult) => Object.entries(r.results).filter(([k]) => Number(k) >= 0).reduce((n, [, v]) => n + v, 0);
const codes = (r: EntryResult) => Object.entries(r.results).sort(([a], [b]) => Number(b) - Number(a)).map(([k, v]) => `${k}:${v}`).join(" ");
const row = (r: EntryResult) => `${pad(r.entry, 18)}${pad(r.host, 14)}${pad(r.inputs, 9)}${pad(accepted(r), 10)}${pad(r.crashes, 9)}${pad(r.hangs, 7)}${pad(r.stateChanges, 15)}${pad((r.ms / 1000).toFixed(1) + " s", 9)}${codes(r)}`;
const findings: EntryResult["findings"] = [];
const disagreements: (Disagreement & { image: string; entry: string })[] = [];

const images = values.image ? [values.image] : Object.keys(IMAGES);
let ranAny = false;
for (const image of images) {
  const entries = IMAGES[image];
  const names = ((await import(entries)) as EntryPointsModule).entryPoints().map((e) => e.name).filter((n) => !values.only || n === values.only);
  if (!names.length) continue;
  ranAny = true;
  const hosts = hostsFor(image);
  console.log(`fuzzing ${image}, seed ${values.seed}, on ${hosts.join(", ")}`);
  console.log(`${pad("entry point", 18)}${pad("host", 14)}${pad("inputs", 9)}${pad("accepted", 10)}${pad("crashes", 9)}${pad("hangs", 7)}${pad("state changes", 15)}${pad("time", 9)}result codes`);
  for (const entry of names) {
    // One entry point on every engine, then compared; its per-input records are dropped.
    const runs: EntryResult[] = [];
    for (const host of hosts) {
      const r = await fuzzEntry({ image, entries, entry, host, seed: Number(values.seed), inputs: inputsOn(host), hangMs: Number(values["hang-ms"]) });
      runs.push(r);
      findings.push(...r.findings);
      console.log(row(r));
    }
    const d = firstDisagreement(runs);
    if (d) disagreements.push({ image, entry, ...d });
  }
  console.log();
}
if (!ranAny) usage(`no entry point ${values.only} in ${images.join(", ")}`);
for (const f of findings.slice(0, 40)) console.log(`${f.verdict}: ${f.entry} on ${f.host}, input ${f.index}: ${f.detail}\n    ${f.input}`);
if (findings.length > 40) console.log(`... and ${findings.length - 40} more`);
for (const d of disagreements) console.log(`engines disagree: ${d.image} ${d.entry}, input ${d.index}: ${Object.entries(d.codes).map(([h, c]) => `${h} ${c}`).join(", ")}\n    ${d.input}`);
process.exitCode = findings.length || disagreements.length ? 1 : 0;
