// npm run fuzz [-- --seed 1 --ts 100000 --posix 20000 --only "LINK LAN" --image water-heater]
// Fuzzes every entry point of the image (every fw_event kind it takes) on the TypeScript
// host and the posix host, from a fixed seed, and prints one table row per entry point
// and host: inputs, crashes, hangs, state changes, time. Exit status 1 on any finding.
// How inputs are made and judged: scripts/fuzz/ (water-heater.ts, loop.ts).
import { parseArgs } from "node:util";
import type { EntryPointsModule } from "./fuzz/entry-point.ts";
import { fuzzEntry, type EntryResult } from "./fuzz/run.ts";

/** Images with fuzz entry points, and the module that names them. */
const IMAGES: Record<string, string> = {
  "water-heater": new URL("./fuzz/water-heater.ts", import.meta.url).href,
};

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    ts: { type: "string", default: "100000" },
    posix: { type: "string", default: "20000" },
    only: { type: "string" },
    image: { type: "string", default: "water-heater" },
    "hang-ms": { type: "string", default: "2000" },
  },
});

const image = values.image!;
const entries = IMAGES[image];
if (!entries) throw new Error(`no fuzz entry points for image ${image}`);
const names = ((await import(entries)) as EntryPointsModule).entryPoints().map((e) => e.name).filter((n) => !values.only || n === values.only);
const hosts = ([["ts", Number(values.ts)], ["posix", Number(values.posix)]] as const).filter(([, n]) => n > 0);
const results: EntryResult[] = [];

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const accepted = (r: EntryResult) => Object.entries(r.results).filter(([k]) => Number(k) >= 0).reduce((n, [, v]) => n + v, 0);
const row = (r: EntryResult) => `${pad(r.entry, 15)}${pad(r.host, 7)}${pad(r.inputs, 9)}${pad(accepted(r), 10)}${pad(r.crashes, 9)}${pad(r.hangs, 7)}${pad(r.stateChanges, 15)}${pad((r.ms / 1000).toFixed(1) + " s", 9)}${codes(r)}`;
const codes = (r: EntryResult) => Object.entries(r.results).sort(([a], [b]) => Number(b) - Number(a)).map(([k, v]) => `${k}:${v}`).join(" ");
console.log(`fuzzing ${image}, seed ${values.seed}`);
console.log(`${pad("entry point", 15)}${pad("host", 7)}${pad("inputs", 9)}${pad("accepted", 10)}${pad("crashes", 9)}${pad("hangs", 7)}${pad("state changes", 15)}${pad("time", 9)}result codes`);
for (const [host, inputs] of hosts) {
  for (const entry of names) {
    const r = await fuzzEntry({ image, entries, entry, host, seed: Number(values.seed), inputs, hangMs: Number(values["hang-ms"]) });
    results.push(r);
    console.log(row(r));
  }
}
const findings = results.flatMap((r) => r.findings);
for (const f of findings.slice(0, 40)) console.log(`${f.verdict}: ${f.entry} on ${f.host}, input ${f.index}: ${f.detail}\n    ${f.input}`);
if (findings.length > 40) console.log(`... and ${findings.length - 40} more`);
process.exitCode = findings.length ? 1 : 0;
