// An image's declared buttons: the names a person presses and the ids its BUTTON events
// carry. The image's folder holds them (firmware/images/<name>/buttons.json); the build
// appends them to the .wasm as a custom section named "buttons" (scripts/button-section.ts),
// which no engine reads (V8, wasm2c and WAMR skip custom sections), so it costs the device
// nothing at run time. A generic panel reads them from any image with readButtonMap.
import { readFileSync } from "node:fs";

/** The custom section's name. */
export const BUTTONS_SECTION = "buttons";

/** Button names in the image's order, each with the BUTTON event's arg. */
export type ButtonMap = Readonly<Record<string, number>>;

const NAME = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const MAX_BUTTONS = 32;

/** Reads and checks a map's JSON (`{"menu": 0, "up": 1}`): bounded, names of up to 16
 *  lower-case letters, digits, "-" or "_", ids 0..255, no id twice. Throws with the reason. */
export function parseButtonMap(text: string): ButtonMap {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { throw new Error(`not JSON: ${(e as Error).message}`); }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object of button names to ids");
  const entries = Object.entries(v);
  if (entries.length > MAX_BUTTONS) throw new Error(`${entries.length} buttons (at most ${MAX_BUTTONS})`);
  const ids = new Set<number>();
  for (const [name, id] of entries) {
    if (!NAME.test(name)) throw new Error(`bad button name ${JSON.stringify(name)}`);
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 255) throw new Error(`button ${name}: id ${JSON.stringify(id)} is not 0..255`);
    if (ids.has(id)) throw new Error(`button ${name}: id ${id} used twice`);
    ids.add(id);
  }
  return Object.fromEntries(entries) as ButtonMap;
}

/** The section's bytes: the map as compact JSON (UTF-8). */
export function encodeButtonMap(map: ButtonMap): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(map));
}

/** The image's declared buttons, or null when it declares none (an image built without
 *  a map, or elsewhere). A section that is there but malformed throws. */
export function buttonMapOf(wasm: Uint8Array): ButtonMap | null {
  const sections = WebAssembly.Module.customSections(new WebAssembly.Module(wasm), BUTTONS_SECTION);
  if (sections.length === 0) return null;
  if (sections.length > 1) throw new Error(`${sections.length} "${BUTTONS_SECTION}" sections`);
  return parseButtonMap(new TextDecoder("utf-8", { fatal: true }).decode(sections[0]));
}

/** buttonMapOf for a .wasm file. */
export function readButtonMap(wasmFile: string): ButtonMap | null {
  return buttonMapOf(readFileSync(wasmFile));
}
