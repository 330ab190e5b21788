// Engines given the same image, seed and inputs must answer each input with the same
// result code: V8, wasm2c and both WAMR interpreters run one wasm, so a different code is
// an engine (or board glue) bug, a finding like a crash. Only the first disagreement of an
// entry point is meaningful: from there on the boards may be in different states.

/** What one engine answered, input by input (null: the board went down or hung). */
export interface EngineRun {
  host: string;
  codes: (number | null)[];
  /** The inputs as delivered (loop.ts describeInput), by input number. */
  described: string[];
}

export interface Disagreement {
  index: number;
  /** Result code per engine. */
  codes: Record<string, number | null>;
  input: string;
}

/** The first input, among those every run delivered, that the engines answered with
 *  different codes; null when they agree on all of them. */
export function firstDisagreement(runs: EngineRun[]): Disagreement | null {
  if (runs.length < 2) return null;
  const common = Math.min(...runs.map((r) => r.codes.length));
  const code = (r: EngineRun, i: number) => r.codes[i] ?? null;
  for (let i = 0; i < common; i++) {
    if (runs.every((r) => code(r, i) === code(runs[0], i))) continue;
    return {
      index: i,
      codes: Object.fromEntries(runs.map((r) => [r.host, code(r, i)])),
      input: runs.find((r) => r.described[i] !== undefined)?.described[i] ?? "(not recorded)",
    };
  }
  return null;
}
