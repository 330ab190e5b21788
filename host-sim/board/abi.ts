// Board ABI v1 as data (boards/abi/v1.json) and the host-side check of an image against
// it. The JSON is the single source: the C host's abi-check reads the same list.
// Minor versions only add functions (each names the minor that added it in "since"): an
// image that imports one is refused by name by a host of an earlier minor.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readWasmInterface, formatSig, type FuncSig, type ValType } from "./wasm-reader.ts";

export interface AbiFunction { name: string; params: [string, ValType][]; result: ValType | null; since?: string }
export interface AbiExport { name: string; params?: [string, ValType][]; result?: ValType | null }
export interface AbiSpec { module: string; version: number; minor: number; functions: AbiFunction[]; exports: AbiExport[] }

const ABI_PATH = fileURLToPath(new URL("../../boards/abi/v1.json", import.meta.url));

export const ABI: AbiSpec = JSON.parse(readFileSync(ABI_PATH, "utf8"));
export const ABI_MODULE = ABI.module;
export const ABI_VERSION = ABI.version;
export const ABI_MINOR = ABI.minor;

/** The ABI as a host of an earlier minor version implements it (e.g. 0 for v1.0). */
export function abiAtMinor(minor: number): AbiSpec {
  const added = (f: AbiFunction) => Number((f.since ?? `${ABI.version}.0`).split(".")[1]);
  return { ...ABI, minor, functions: ABI.functions.filter((f) => added(f) <= minor) };
}

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

const notInAbi = (spec: AbiSpec, what: string) => `image imports ${what}, which is not in board ABI v${spec.version}.${spec.minor}`;

function checkImport(spec: AbiSpec, module: string, name: string, kind: string): AbiFunction {
  const id = `${module}.${name}`;
  const f = spec.functions.find((x) => x.name === name);
  if (module !== spec.module || !f) throw new Error(notInAbi(spec, id));
  if (kind !== "function") throw new Error(notInAbi(spec, `${id} as a ${kind}`) + " (it is a function there)");
  return f;
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
export function checkImage(module: WebAssembly.Module, spec: AbiSpec = ABI): void {
  for (const i of WebAssembly.Module.imports(module)) checkImport(spec, i.module, i.name, i.kind);
  checkExportPresence(WebAssembly.Module.exports(module));
}

/** checkImage plus the signatures of imports and required exports, read from the bytes. */
export function checkImageBytes(bytes: Uint8Array, spec: AbiSpec = ABI): void {
  const iface = readWasmInterface(bytes);
  for (const i of iface.imports) {
    const want = abiSig(checkImport(spec, i.module, i.name, i.kind));
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
