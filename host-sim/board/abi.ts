// Board ABI v1 as data (boards/abi/v1.json) and the host-side check of an image against
// it. The JSON is the single source: the C host's abi-check reads the same list.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readWasmInterface, formatSig, type FuncSig, type ValType } from "./wasm-reader.ts";

export interface AbiFunction { name: string; params: [string, ValType][]; result: ValType | null }
export interface AbiExport { name: string; params?: [string, ValType][]; result?: ValType | null }
export interface AbiSpec { module: string; version: number; functions: AbiFunction[]; exports: AbiExport[] }

const ABI_PATH = fileURLToPath(new URL("../../boards/abi/v1.json", import.meta.url));

export const ABI: AbiSpec = JSON.parse(readFileSync(ABI_PATH, "utf8"));
export const ABI_MODULE = ABI.module;
export const ABI_VERSION = ABI.version;

/** Names of the functions an image may import from the board module. */
export function abiFunctionNames(): string[] {
  return ABI.functions.map((f) => f.name);
}

function abiSig(f: { params?: [string, ValType][]; result?: ValType | null }): FuncSig {
  return { params: (f.params ?? []).map((p) => p[1]), results: f.result ? [f.result] : [] };
}

function sameSig(a: FuncSig, b: FuncSig): boolean {
  return a.params.join() === b.params.join() && a.results.join() === b.results.join();
}

const byName = new Map(ABI.functions.map((f) => [f.name, f]));
const notInAbi = (what: string) => `image imports ${what}, which is not in board ABI v${ABI_VERSION}`;

function checkImport(module: string, name: string, kind: string): void {
  const id = `${module}.${name}`;
  if (module !== ABI_MODULE || !byName.has(name)) throw new Error(notInAbi(id));
  if (kind !== "function") throw new Error(notInAbi(`${id} as a ${kind}`) + " (it is a function there)");
}

function checkExportPresence(exports: { name: string; kind: string }[]): void {
  for (const e of ABI.exports) {
    const want = e.name === "memory" ? "memory" : "function";
    const got = exports.find((x) => x.name === e.name);
    if (!got) throw new Error(`image does not export ${e.name}, required by board ABI v${ABI_VERSION}`);
    if (got.kind !== want) throw new Error(`image exports ${e.name} as a ${got.kind}; board ABI v${ABI_VERSION} requires a ${want}`);
  }
}

/** Refuses a compiled image that imports anything outside the ABI (by module, name and
 *  kind) or lacks a required export. Node 20 cannot reflect signatures from a Module:
 *  use checkImageBytes when the bytes are at hand. */
export function checkImage(module: WebAssembly.Module): void {
  for (const i of WebAssembly.Module.imports(module)) checkImport(i.module, i.name, i.kind);
  checkExportPresence(WebAssembly.Module.exports(module));
}

/** checkImage plus the signatures of imports and required exports, read from the bytes. */
export function checkImageBytes(bytes: Uint8Array): void {
  const iface = readWasmInterface(bytes);
  for (const i of iface.imports) {
    checkImport(i.module, i.name, i.kind);
    const want = abiSig(byName.get(i.name)!);
    if (!i.sig || !sameSig(i.sig, want)) {
      throw new Error(`image imports ${i.module}.${i.name} with type ${formatSig(i.sig)}, ` +
        `but board ABI v${ABI_VERSION} has ${formatSig(want)}`);
    }
  }
  checkExportPresence(iface.exports);
  for (const e of ABI.exports) {
    if (e.name === "memory") continue;
    const got = iface.exports.find((x) => x.name === e.name)!;
    const want = abiSig(e);
    if (!got.sig || !sameSig(got.sig, want)) {
      throw new Error(`image exports ${e.name} with type ${formatSig(got.sig)}, ` +
        `but board ABI v${ABI_VERSION} requires ${formatSig(want)}`);
    }
  }
}
