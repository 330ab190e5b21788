// A minimal reader of a wasm binary's type, import, function and export sections.
// Node 20 reports imports by name and kind only (no type reflection), and V8 accepts a
// JavaScript function for an import of any signature, so a host that must refuse an image
// with a wrong import signature has to read the signatures from the bytes itself.

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";
export type ExternKind = "function" | "table" | "memory" | "global" | "tag";

export interface FuncSig { params: ValType[]; results: ValType[] }
export interface WasmImport { module: string; name: string; kind: ExternKind; sig?: FuncSig }
export interface WasmExport { name: string; kind: ExternKind; sig?: FuncSig }
export interface WasmInterface { imports: WasmImport[]; exports: WasmExport[] }

const VALTYPES: Record<number, ValType> = {
  0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref",
};
const KINDS: ExternKind[] = ["function", "table", "memory", "global", "tag"];

class Cursor {
  constructor(readonly b: Uint8Array, public p = 0) {}
  byte(): number {
    if (this.p >= this.b.length) throw new Error("wasm image is truncated");
    return this.b[this.p++];
  }
  u32(): number {
    let result = 0, shift = 0;
    for (;;) {
      const x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error("wasm image has a bad LEB128 number");
    }
  }
  name(): string {
    const n = this.u32();
    if (this.p + n > this.b.length) throw new Error("wasm image is truncated");
    const s = new TextDecoder().decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
  valtype(): ValType {
    const x = this.byte();
    const t = VALTYPES[x];
    if (!t) throw new Error(`wasm image uses value type 0x${x.toString(16)}, which no board supports`);
    return t;
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/** Reads the imports and exports (with function signatures) of a wasm binary. */
export function readWasmInterface(bytes: Uint8Array): WasmInterface {
  const c = new Cursor(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const m of magic) if (c.byte() !== m) throw new Error("not a wasm 1.0 binary");
  const types: FuncSig[] = [];
  const funcTypes: number[] = [];    // the function index space: imports first, then own
  const imports: WasmImport[] = [];
  const exports: WasmExport[] = [];
  while (c.p < bytes.length) {
    const id = c.byte();
    const size = c.u32();
    const end = c.p + size;
    if (end > bytes.length) throw new Error("wasm image is truncated");
    if (id === 1) {
      for (let n = c.u32(); n > 0; n--) {
        const form = c.byte();
        if (form !== 0x60) throw new Error(`wasm image has type form 0x${form.toString(16)}, which no board supports`);
        const params: ValType[] = [];
        for (let k = c.u32(); k > 0; k--) params.push(c.valtype());
        const results: ValType[] = [];
        for (let k = c.u32(); k > 0; k--) results.push(c.valtype());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = c.u32(); n > 0; n--) {
        const module = c.name(), name = c.name();
        const kindByte = c.byte();
        const kind = KINDS[kindByte];
        if (!kind) throw new Error(`wasm image has import kind 0x${kindByte.toString(16)}`);
        if (kind === "function") {
          const t = c.u32();
          funcTypes.push(t);
          imports.push({ module, name, kind, sig: types[t] });
        } else {
          if (kind === "table") { c.byte(); c.limits(); }
          else if (kind === "memory") c.limits();
          else if (kind === "global") { c.valtype(); c.byte(); }
          else { c.byte(); c.u32(); }
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      for (let n = c.u32(); n > 0; n--) funcTypes.push(c.u32());
    } else if (id === 7) {
      for (let n = c.u32(); n > 0; n--) {
        const name = c.name();
        const kind = KINDS[c.byte()] ?? "tag";
        const index = c.u32();
        exports.push(kind === "function" ? { name, kind, sig: types[funcTypes[index]] } : { name, kind });
      }
    }
    c.p = end;
  }
  return { imports, exports };
}

export function formatSig(sig: FuncSig | undefined): string {
  if (!sig) return "(unknown)";
  const r = sig.results.length === 0 ? "nil" : sig.results.join(", ");
  return `(${sig.params.join(", ")}) -> ${r}`;
}
