// The leak scan of issue 12: every 8-byte window of a secret, as raw bytes, hex (either
// case), base64 and base64url, searched in what someone can reach: a deep walk of objects
// (own properties, Maps, Sets, arrays, buffers), files, text. A base64 text of any 8 bytes
// of a secret holds two whole 3-byte groups of it whatever its alignment: those 8
// characters are the needles, for each of the three alignments.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface Needles { name: string; raw: Buffer[]; text: string[] }

export function needlesOf(name: string, secret: Uint8Array): Needles {
  const s = Buffer.from(secret);
  if (s.length < 8) throw new RangeError(`${name}: a secret of ${s.length} bytes is too short to scan for`);
  const raw: Buffer[] = [], text = new Set<string>();
  for (let i = 0; i + 8 <= s.length; i++) {
    const w = s.subarray(i, i + 8);
    raw.push(w);
    text.add(w.toString("hex"));
    text.add(w.toString("hex").toUpperCase());
  }
  for (let k = 0; k < 3; k++) {
    for (const enc of ["base64", "base64url"] as const) {
      const b = s.subarray(k).toString(enc);
      for (let j = 0; j + 8 <= b.length; j += 4) {
        // A last group with padding or a short tail is not a whole group.
        if (4 * (j / 4 + 2) * 3 / 4 > s.length - k) break;
        text.add(b.slice(j, j + 8));
      }
    }
  }
  return { name, raw, text: [...text] };
}

/** The hits of `needles` in one haystack, each as "<what> holds <name>". */
export function scanBytes(what: string, hay: Uint8Array, needles: Needles[]): string[] {
  const b = Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength);
  const t = b.toString("latin1");
  const hits: string[] = [];
  for (const n of needles) {
    if (n.raw.some((w) => b.includes(w)) || n.text.some((x) => t.includes(x))) hits.push(`${what} holds ${n.name}`);
  }
  return hits;
}

/** Every file under `dir`, by path. */
export function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ path: p, bytes: readFileSync(p) });
  }
  return out;
}

/** Everything reachable from `root` by property, Map, Set, array and buffer: each string
 *  and each byte buffer once (functions' closures are not reachable from outside them; JS
 *  #private fields are not either, and that is the point). */
export function reachable(root: unknown): { strings: string[]; buffers: Uint8Array[]; objects: number } {
  const seen = new Set<object>();
  const strings: string[] = [], buffers: Uint8Array[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === "string") { strings.push(v); continue; }
    if (typeof v === "number" || typeof v === "bigint") { strings.push(String(v)); continue; }
    if ((typeof v !== "object" && typeof v !== "function") || v === null || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) { buffers.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); continue; }
    if (v instanceof ArrayBuffer || v instanceof SharedArrayBuffer) { buffers.push(new Uint8Array(v)); continue; }
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    if (v instanceof Set) for (const x of v) stack.push(x);
    for (const k of Reflect.ownKeys(v)) {
      if (typeof k === "string") strings.push(k);
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && "value" in d) stack.push(d.value);
    }
    const proto = Object.getPrototypeOf(v);
    if (proto && proto !== Object.prototype && proto !== Function.prototype && !seen.has(proto)) stack.push(proto);
  }
  return { strings, buffers, objects: seen.size };
}

/** The hits in everything reachable from `root`. */
export function scanObjects(what: string, root: unknown, needles: Needles[]): { hits: string[]; objects: number } {
  const r = reachable(root);
  const hits = new Set<string>();
  for (const s of r.strings) for (const h of scanBytes(what, Buffer.from(s, "latin1"), needles)) hits.add(h);
  for (const s of r.strings) for (const h of scanBytes(what, Buffer.from(s, "utf8"), needles)) hits.add(h);
  for (const b of r.buffers) for (const h of scanBytes(what, b, needles)) hits.add(h);
  return { hits: [...hits], objects: r.objects };
}
