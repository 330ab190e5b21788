// The last build step of an image: its declared buttons (firmware/images/<target>/buttons.json,
// host-sim/device/button-map.ts) appended to the .wasm as the custom section "buttons".
// A custom section may follow every other section; no engine reads it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { BUTTONS_SECTION, encodeButtonMap, parseButtonMap } from "../host-sim/device/button-map.ts";

export const buttonMapFile = (target: string) => `firmware/images/${target}/buttons.json`;

function leb128(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** One custom section: id 0, size, name, payload. */
export function customSection(name: string, payload: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = [...leb128(n.length), ...n, ...payload];
  return Uint8Array.from([0, ...leb128(body.length), ...body]);
}

/** Appends the target's map to its .wasm; returns the section's size in bytes. An image
 *  folder without buttons.json fails the build: every image declares its buttons (`{}`
 *  for none). */
export function appendButtonSection(target: string, wasmFile: string): number {
  const file = buttonMapFile(target);
  if (!existsSync(file)) throw new Error(`${file} missing: every image declares its buttons ({} for none)`);
  let map;
  try { map = parseButtonMap(readFileSync(file, "utf8")); } catch (e) { throw new Error(`${file}: ${(e as Error).message}`); }
  const section = customSection(BUTTONS_SECTION, encodeButtonMap(map));
  const wasm = readFileSync(wasmFile);
  writeFileSync(wasmFile, Buffer.concat([wasm, section]));
  return section.length;
}
