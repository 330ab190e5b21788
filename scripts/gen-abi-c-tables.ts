// The C view of boards/abi/v1.json's function lists, for abi_check.c (the import and
// export tables an image is checked against), board.c (the imports' prototypes, so a
// signature that drifts from the JSON fails to compile) and the engines' glue (the
// import list with its C shape and WAMR signature). Written by scripts/gen-abi.ts.
type WasmType = "i32" | "i64";
export interface AbiFunction { name: string; params: [string, WasmType][]; result: WasmType | null; since?: string }
export interface AbiExport { name: string; params?: [string, WasmType][]; result?: WasmType | null }
export interface AbiJson { module: string; version: number; minor: number; functions: AbiFunction[]; exports: AbiExport[] }

function fail(msg: string): never {
  throw new Error(`gen-abi: ${msg}`);
}

const letter = (t: string): string => {
  if (t === "i32") return "i";
  if (t === "i64") return "I";
  return fail(`boards/abi/v1.json: type ${JSON.stringify(t)} is not i32 or i64`);
};
const cType = (t: string | null): string => (t === null ? "void" : t === "i64" ? "uint64_t" : "uint32_t");
const cIdent = (s: string): string => (/^[a-z_][a-z0-9_]*$/.test(s) ? s : fail(`bad ABI name ${JSON.stringify(s)}`));

export function renderAbiTables(abi: AbiJson): string {
  if (abi.module !== "board" || abi.version !== 1) fail("boards/abi/v1.json: expected module board, version 1");
  const sig = (f: { params?: [string, WasmType][]; result?: WasmType | null }) =>
    `"${(f.params ?? []).map(([, t]) => letter(t)).join("")}", "${f.result ? letter(f.result) : ""}"`;
  const fnExports = abi.exports.filter((e) => e.params !== undefined);
  const memExports = abi.exports.filter((e) => e.params === undefined);
  if (memExports.length !== 1 || memExports[0].name !== "memory") fail("v1.json: expected exactly one non-function export, memory");
  const L: string[] = [];
  L.push("#ifndef ABI_V1_H", "#define ABI_V1_H", "", "#include <stdint.h>", "");
  L.push(`#define ABI_MODULE "${cIdent(abi.module)}"`, `#define ABI_VERSION ${Number(abi.version)}`, `#define ABI_MINOR ${Number(abi.minor)}`);
  L.push(`#define ABI_IMPORT_COUNT ${abi.functions.length}`, `#define ABI_FUNC_EXPORT_COUNT ${fnExports.length}`);
  L.push(`#define ABI_MEMORY_EXPORT "memory"`, "");
  L.push("/* X-macro over the import names: lets a host prove at link time it has them all. */");
  L.push("#define ABI_FOR_EACH_IMPORT(X) \\");
  L.push(abi.functions.map((f) => `    X(${cIdent(f.name)})`).join(" \\\n"), "");
  L.push("#ifdef ABI_TABLES");
  L.push("/* Signatures as letters: i = i32, I = i64; result \"\" = none. */");
  L.push("struct abi_entry { const char *name; const char *params; const char *result; };");
  L.push("static const struct abi_entry abi_imports[ABI_IMPORT_COUNT] = {");
  for (const f of abi.functions) L.push(`    { "${cIdent(f.name)}", ${sig(f)} },`);
  L.push("};", "static const struct abi_entry abi_func_exports[ABI_FUNC_EXPORT_COUNT] = {");
  for (const e of fnExports) L.push(`    { "${cIdent(e.name)}", ${sig(e)} },`);
  L.push("};", "#endif", "");
  L.push("/* X-macro over the imports with their C shape, so each engine's glue is one line per");
  L.push(" * engine and no ABI function body exists twice: X(ret, name, decl, args, kw, wamr_sig)");
  L.push(" * with decl = \"(, uint32_t a0, ...)\" and args = \"(, a0, ...)\" (ABI_UNPAREN drops the");
  L.push(" * parentheses after a leading argument), kw = return or nothing (void), wamr_sig in");
  L.push(" * WAMR's letters. */");
  L.push("#define ABI_UNPAREN(...) __VA_ARGS__");
  L.push("#define ABI_FOR_EACH_IMPORT_SIG(X) \\");
  L.push(abi.functions.map((f) => {
    const decl = f.params.map(([, t], i) => `, ${cType(t)} a${i}`).join("");
    const args = f.params.map((_, i) => `, a${i}`).join("");
    const wamr = `"(${f.params.map(([, t]) => letter(t)).join("")})${f.result ? letter(f.result) : ""}"`;
    return `    X(${cType(f.result)}, ${cIdent(f.name)}, (${decl}), (${args}), ${f.result ? "return" : ""}, ${wamr})`;
  }).join(" \\\n"), "");
  L.push("#ifdef ABI_BOARD_PROTOTYPES");
  L.push("/* The imports as the engine-neutral board implements them (i32 -> u32, i64 -> u64). */");
  L.push("struct board;");
  for (const f of abi.functions) {
    const params = ["struct board*", ...f.params.map(([, t]) => cType(t))].join(", ");
    L.push(`${cType(f.result)} board_${f.name}(${params});`);
  }
  L.push("#endif", "", "#endif", "");
  return L.join("\n");
}
