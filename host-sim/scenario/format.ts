// Readable and JSON-stable renderings of outputs: bytes as hex, so failures can be read
// in a terminal and two hosts' traces compared with deepStrictEqual.
import type { BoardOutput } from "../device/types.ts";

export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex");

/** One line, fields in the order given, bytes as <hex>. */
export function renderOutput(o: Partial<BoardOutput>): string {
  const fields = Object.entries(o).map(([k, v]) => `${k}: ${v instanceof Uint8Array ? `<${hex(v)}>` : JSON.stringify(v)}`);
  return `{${fields.join(", ")}}`;
}

/** The same object with Uint8Array fields replaced by hex strings. */
export function jsonOutput(o: BoardOutput): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[k] = v instanceof Uint8Array ? hex(v) : v;
  return r;
}
