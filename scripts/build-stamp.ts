// When a build step can be skipped: each output has a stamp beside it (<output>.inputs.json)
// that records the SHA-256 of every input the step read when it last ran, and null for a
// path it looked for and did not find. The step runs again when an output is missing or
// any input's content (or absence) differs. Contents, not times: a checkout or a touch
// that leaves a file as it was rebuilds nothing, and a host-side file that the step never
// read (a test scenario, host-sim/**) cannot make it stale.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export type Inputs = Record<string, string | null>;

export function hashFile(path: string): string | null {
  return existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : null;
}

/** The inputs of `paths` as they are now. */
export function inputsOf(paths: Iterable<string>): Inputs {
  const out: Inputs = {};
  for (const p of [...paths].sort()) out[p] = hashFile(p);
  return out;
}

const stampOf = (output: string) => `${output}.inputs.json`;

/** Why `output` must be rebuilt, or null when it is up to date. `extra` are inputs the
 *  step always has (its configuration, the build script, the compiler version). */
export function staleReason(output: string, extra: Inputs = {}): string | null {
  if (!existsSync(output)) return "no output yet";
  if (!existsSync(stampOf(output))) return "no record of its inputs";
  let recorded: Inputs;
  try {
    recorded = JSON.parse(readFileSync(stampOf(output), "utf8")) as Inputs;
  } catch {
    return "its record of inputs is unreadable";
  }
  for (const [k, v] of Object.entries(extra)) if (recorded[k] !== v) return `${k} changed`;
  for (const [path, hash] of Object.entries(recorded)) {
    if (path in extra) continue;
    if (hashFile(path) !== hash) return `${path} changed`;
  }
  return null;
}

export function writeStamp(output: string, inputs: Inputs): void {
  writeFileSync(stampOf(output), JSON.stringify(inputs, null, 1) + "\n");
}
