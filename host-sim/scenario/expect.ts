// Checking one call against its Expect. Returns readable mismatch texts (empty = pass).
import type { BoardOutput } from "../device/types.ts";
import type { Expect } from "./types.ts";
import { renderOutput } from "./format.ts";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function matches(pattern: Partial<BoardOutput>, actual: BoardOutput): boolean {
  const a = actual as Record<string, unknown>;
  return Object.entries(pattern).every(([k, v]) => {
    if (v === undefined) return true;
    const got = a[k];
    if (v instanceof Uint8Array) return got instanceof Uint8Array && sameBytes(v, got);
    return got === v;
  });
}

const listing = (outputs: BoardOutput[]) =>
  outputs.length === 0 ? "  (no outputs)" : outputs.map((o, i) => `  ${i}: ${renderOutput(o)}`).join("\n");

/** The first output where a call differs from its exact expectation (one pattern per
 *  output, in order), or null when each output matches its pattern. */
export function firstDifference(patterns: readonly Partial<BoardOutput>[], outputs: readonly BoardOutput[]): { index: number; expected: string; got: string } | null {
  for (let i = 0; i < Math.max(patterns.length, outputs.length); i++) {
    const p = patterns[i], o = outputs[i];
    if (p && o && matches(p, o)) continue;
    return { index: i, expected: p ? renderOutput(p) : "no more outputs", got: o ? renderOutput(o) : "no more outputs" };
  }
  return null;
}

export function checkCall(e: Expect, outputs: BoardOutput[], result: number | null): string[] {
  const problems: string[] = [];
  if (e.result !== undefined && e.result !== result) {
    problems.push(`expected result ${e.result}, got ${result}`);
  }
  if (e.exact && e.outputs) {
    const d = firstDifference(e.outputs, outputs);
    if (d) problems.push(`output ${d.index}: expected ${d.expected}, got ${d.got}`);
  } else if (e.outputs) {
    let from = 0;
    for (let k = 0; k < e.outputs.length; k++) {
      const at = outputs.findIndex((o, i) => i >= from && matches(e.outputs![k], o));
      if (at < 0) {
        const where = from === 0 ? "" : ` after output ${from - 1}`;
        problems.push(`expected output ${renderOutput(e.outputs[k])} (pattern ${k}) not found${where}; outputs were:\n${listing(outputs)}`);
        break;
      }
      from = at + 1;
    }
  }
  for (const p of e.absent ?? []) {
    const at = outputs.findIndex((o) => matches(p, o));
    if (at >= 0) problems.push(`output ${at} ${renderOutput(outputs[at])} matches absent pattern ${renderOutput(p)}`);
  }
  return problems;
}
