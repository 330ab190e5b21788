// Writes the board ABI's numbers and function list from boards/abi/v1.json (the single
// source) into each language that needs them, so that no host or image carries a hand
// copy that can drift:
//
//   firmware/board/constants.ts     AssemblyScript: Event, Link, Pin, ..., limits, results
//   firmware/board/abi.ts           AssemblyScript: the @external imports
//   host-sim/board/abi-constants.ts TypeScript: the same numbers for the simulator
//   boards/posix/abi_constants.h    C: the same numbers for the posix board
//   boards/posix/abi_v1.h           C: import/export tables and the board's prototypes
//
// Each file starts with a GENERATED line that records the SHA-256 of the rest of the
// file. A file whose body no longer matches its own hash was edited by hand: the
// generator refuses to overwrite it (the change belongs in v1.json). A file that matches
// its hash but not what v1.json gives now is stale: `npm run build` rewrites it, and
// `--check` (CI, test/abi-generated.test.ts) fails instead, naming the file.
//
//   tsx scripts/gen-abi.ts           write stale files
//   tsx scripts/gen-abi.ts --check   write nothing; exit 1 if any file is stale or edited
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderAbiTables, type AbiJson } from "./gen-abi-c-tables.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
export const ABI_JSON = "boards/abi/v1.json";

/** [name, value, doc] as v1.json spells every number. */
type Entry = [string, number, string];
interface Group { name: string; doc: string; count?: number; values: Entry[] }
export interface AbiNumbers extends AbiJson { groups: Group[]; constants: Entry[]; results: Entry[] }

const UPPER = /^[A-Z][A-Z0-9_]*$/;

function fail(msg: string): never {
  throw new Error(`gen-abi: ${msg}`);
}

/** Reads v1.json and refuses anything a generated file could not express plainly. */
export function readAbi(text = readFileSync(root + ABI_JSON, "utf8")): AbiNumbers {
  const abi = JSON.parse(text) as AbiNumbers;
  const seen = new Set<string>();
  const entry = (where: string, [name, value]: Entry) => {
    if (!UPPER.test(name)) fail(`${where}: name ${JSON.stringify(name)} is not UPPER_SNAKE`);
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) fail(`${where}.${name}: ${value} is not an i32`);
  };
  const unique = (name: string) => {
    if (seen.has(name)) fail(`name ${name} is defined twice`);
    seen.add(name);
  };
  for (const g of abi.groups) {
    if (!/^[A-Z][A-Za-z]*$/.test(g.name)) fail(`group name ${JSON.stringify(g.name)} is not PascalCase`);
    unique(g.name);
    const inGroup = new Set(["FIRST", "LAST", "COUNT"]);
    for (const e of g.values) {
      entry(g.name, e);
      if (inGroup.has(e[0])) fail(`${g.name}.${e[0]}: the name is taken (FIRST, LAST and COUNT are generated)`);
      inGroup.add(e[0]);
    }
    if (g.count !== undefined && g.count <= last(g)) fail(`${g.name}: count ${g.count} does not cover id ${last(g)}`);
  }
  for (const e of [...abi.constants, ...abi.results]) { entry("constants", e); unique(e[0]); }
  return abi;
}

const first = (g: Group) => Math.min(...g.values.map((v) => v[1]));
const last = (g: Group) => Math.max(...g.values.map((v) => v[1]));
/** What every language gets per group besides its values: the id range, and the size of
 *  the id space where v1.json states it (ids 0..COUNT-1, some of them unnamed). */
const derived = (g: Group): Entry[] => [
  ["FIRST", first(g), "lowest id"],
  ["LAST", last(g), "highest id"],
  ...(g.count !== undefined ? [["COUNT", g.count, "ids 0..COUNT-1 exist"] as Entry] : []),
];
/** Pin -> PIN, KeySlot -> KEY_SLOT */
const snake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
const note = (doc: string) => (doc ? ` // ${doc}` : "");
const cNote = (doc: string) => (doc ? ` /* ${doc} */` : "");
const cNum = (n: number) => (n < 0 ? `(${n})` : String(n));

function assemblyScript(abi: AbiNumbers): string {
  const L = ["// The board ABI's numbers (boards/ABI.md). Result codes are the code space every module", "// shares (firmware/core/errors.ts re-exports them).", ""];
  for (const g of abi.groups) {
    L.push(`/** ${g.doc} */`, `export namespace ${g.name} {`);
    for (const [n, v, d] of [...g.values, ...derived(g)]) L.push(`  export const ${n}: i32 = ${v};${note(d)}`);
    L.push("}", "");
  }
  for (const [n, v, d] of abi.constants) L.push(`export const ${n}: i32 = ${v};${note(d)}`);
  L.push("");
  for (const [n, v, d] of abi.results) L.push(`export const ${n}: i32 = ${v};${note(d)}`);
  return L.join("\n") + "\n";
}

function typeScript(abi: AbiNumbers): string {
  const L = ["// The board ABI's numbers (boards/ABI.md), as the TypeScript host and tools use them.", ""];
  for (const g of abi.groups) {
    L.push(`/** ${g.doc} */`, `export const ${g.name} = {`);
    for (const [n, v, d] of [...g.values, ...derived(g)]) L.push(`  ${n}: ${v},${note(d)}`);
    L.push("} as const;", "");
  }
  for (const [n, v, d] of abi.constants) L.push(`export const ${n} = ${v};${note(d)}`);
  L.push("");
  for (const [n, v, d] of abi.results) L.push(`export const ${n} = ${v};${note(d)}`);
  L.push("", "/** Name of each result code, for messages. */", "export const RESULT_NAMES: Readonly<Record<number, string>> = {");
  for (const [n, v] of abi.results) L.push(`  [${v}]: "${n}",`);
  L.push("};");
  return L.join("\n") + "\n";
}

function c(abi: AbiNumbers): string {
  const L = ["/* The board ABI's numbers (boards/ABI.md) for the posix board. */", "#ifndef ABI_CONSTANTS_H", "#define ABI_CONSTANTS_H", ""];
  for (const g of abi.groups) {
    L.push(`/* ${g.name}: ${g.doc} */`);
    for (const [n, v, d] of [...g.values, ...derived(g)]) L.push(`#define ABI_${snake(g.name)}_${n} ${cNum(v)}${cNote(d)}`);
    L.push("");
  }
  for (const [n, v, d] of abi.constants) L.push(`#define ABI_${n} ${cNum(v)}${cNote(d)}`);
  L.push("", "/* Results: >= 0 success, negative = error (boards/ABI.md, \"Results\"). */");
  for (const [n, v, d] of abi.results) L.push(`#define ${n} ${cNum(v)}${cNote(d)}`);
  L.push("", "#endif");
  return L.join("\n") + "\n";
}

/** AssemblyScript wants usize for linear-memory addresses: the ABI names them ptr or *_ptr. */
function externals(abi: AbiNumbers): string {
  const L = [`// Raw board ABI v${abi.version}.${abi.minor} (boards/ABI.md). The only @external declarations in the firmware:`,
    "// modules use the typed wrappers in ./index.ts, never these directly.", ""];
  let minor = `${abi.version}.0`;
  for (const f of abi.functions) {
    if ((f.since ?? minor) !== minor) { minor = f.since!; L.push(`// v${minor}`); }
    const params = f.params.map(([n, t]) => `${n}: ${t === "i32" && (n === "ptr" || n.endsWith("_ptr")) ? "usize" : t}`).join(", ");
    L.push(`@external("${abi.module}", "${f.name}") export declare function ${f.name}(${params}): ${f.result ?? "void"};`);
  }
  return L.join("\n") + "\n";
}

type Comment = "//" | "/*";
/** Every generated file: its path, its comment style and its body. */
export function generatedFiles(abi: AbiNumbers = readAbi()): { path: string; comment: Comment; body: string }[] {
  return [
    { path: "firmware/board/constants.ts", comment: "//", body: assemblyScript(abi) },
    { path: "firmware/board/abi.ts", comment: "//", body: externals(abi) },
    { path: "host-sim/board/abi-constants.ts", comment: "//", body: typeScript(abi) },
    { path: "boards/posix/abi_constants.h", comment: "/*", body: c(abi) },
    { path: "boards/posix/abi_v1.h", comment: "/*", body: renderAbiTables(abi) },
  ];
}

const hashOf = (body: string) => createHash("sha256").update(body).digest("hex").slice(0, 16);
const TAG = "GENERATED by scripts/gen-abi.ts from boards/abi/v1.json; edit that file and run npm run build. sha256:";

function withHeader(comment: Comment, body: string): string {
  return comment === "//" ? `// ${TAG}${hashOf(body)}\n${body}` : `/* ${TAG}${hashOf(body)} */\n${body}`;
}

export type FileState = "fresh" | "stale" | "edited" | "missing";

/** How a generated file on disk compares with what v1.json gives now. */
export function fileState(text: string | null, comment: Comment, body: string): FileState {
  if (text === null) return "missing";
  if (text === withHeader(comment, body)) return "fresh";
  const nl = text.indexOf("\n");
  const m = new RegExp(`sha256:([0-9a-f]{16})`).exec(text.slice(0, nl));
  if (!m || m[1] !== hashOf(text.slice(nl + 1))) return "edited";
  return "stale";
}

/** Writes (or, with check, only inspects) every generated file. Returns the problems. */
export function generate(opts: { check: boolean; root?: string }): string[] {
  const base = opts.root ?? root;
  const problems: string[] = [];
  for (const f of generatedFiles(readAbi(readFileSync(base + ABI_JSON, "utf8")))) {
    const file = base + f.path;
    const state = fileState(existsSync(file) ? readFileSync(file, "utf8") : null, f.comment, f.body);
    if (state === "fresh") continue;
    if (state === "edited") {
      problems.push(`${f.path} was edited by hand: put the change into ${ABI_JSON} and run npm run build ` +
        `(delete the file first to let the generator replace it)`);
    } else if (opts.check) {
      const why = state === "missing" ? "is missing" : `is stale (${ABI_JSON} changed since it was generated)`;
      problems.push(`${f.path} ${why}: run npm run build and commit it`);
    } else {
      writeFileSync(file, withHeader(f.comment, f.body));
      console.log(`gen-abi: wrote ${f.path}`);
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = generate({ check: process.argv.includes("--check") });
  for (const p of problems) console.error(`gen-abi: ${p}`);
  if (problems.length) process.exit(1);
}
