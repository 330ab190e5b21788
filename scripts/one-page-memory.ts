// One step of every image's build (scripts/build-converge.ts), for images whose heap is a
// fixed arena (asconfig.json "lowMemoryLimit"): the image declares one page of memory at
// most, never asks how big its memory is nor grows it, and exports where its data and its
// heap end. WAMR then allocates only the bytes below that end instead of a 64 KiB page
// (its "shrunk memory": wasm_loader.c, when a module has no memory.size or memory.grow and
// exports __heap_base and __data_end); V8 and wasm2c run the image exactly as before.
//
// Why rewrite rather than configure: AssemblyScript's allocator still reads memory.size
// when it starts, and keeps a memory.grow it never reaches under a low memory limit. With
// a maximum of one page both have one possible answer, so they are replaced by it (size 1;
// grow: 1 for 0 pages, -1 otherwise) before the optimizer runs, and the optimizer folds
// away the code around them.
//
// __heap_base is the end of the arena, not its start as in a C toolchain's layout: WAMR
// keeps memory up to __heap_base, and everything the image touches lies below the arena's
// end. __data_end is where the static data ends.

/** Bytes of a string literal in the text format (escapes \xx, \n, \t, \", \', \\). */
function literalLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    if (s[i] !== "\\") continue;
    i += /[0-9a-fA-F]/.test(s[i + 1]) ? 2 : 1;
  }
  return n;
}

/** Where the static data ends: the end of the highest active data segment. */
function dataEnd(wat: string): number {
  let end = 0;
  for (const m of wat.matchAll(/^ \(data \S+ \(i32\.const (\d+)\) "((?:[^"\\]|\\.)*)"\)$/gm)) {
    end = Math.max(end, Number(m[1]) + literalLength(m[2]));
  }
  return end;
}

const GROW = "$~one-page-memory/grow";

/** The image's text with its memory limited to one page, memory.size and memory.grow
 *  replaced by their only possible results, and __heap_base / __data_end exported.
 *  Throws when the image does not have the shape this relies on. */
export function onePageMemory(wat: string, heapEnd: number, what: string): string {
  const fail = (why: string): never => { throw new Error(`${what}: ${why}`); };
  if (heapEnd % 16 !== 0 || heapEnd <= 0 || heapEnd > 65536) fail(`lowMemoryLimit ${heapEnd} is not a multiple of 16 within one page`);
  const memories = [...wat.matchAll(/^ \(memory \$0 1\)$/gm)];
  if (memories.length !== 1) fail("expected one memory of one page, no maximum, as the compiler declares it");
  const end = dataEnd(wat);
  if (end === 0 || end > heapEnd) fail(`static data ends at ${end}, beyond lowMemoryLimit ${heapEnd}`);

  // Code lines only: a data segment's text could contain anything.
  const lines = wat.split("\n").map((line) => line.startsWith(" (data ") ? line
    : line.replaceAll("(memory.size)", "(i32.const 1)").replaceAll("(memory.grow", `(call ${GROW}`));
  const at = lines.findIndex((l) => l.startsWith(" (export "));
  if (at < 0) fail("no exports");
  lines.splice(at, 0,
    ` (global $~one-page-memory/heap-end i32 (i32.const ${heapEnd}))`,
    ` (global $~one-page-memory/data-end i32 (i32.const ${end}))`,
    ` (export "__heap_base" (global $~one-page-memory/heap-end))`,
    ` (export "__data_end" (global $~one-page-memory/data-end))`);
  const last = lines.lastIndexOf(")");
  lines.splice(last, 0,
    ` (func ${GROW} (param $pages i32) (result i32)`,
    `  (select (i32.const 1) (i32.const -1) (i32.eqz (local.get $pages)))`,
    ` )`);
  return lines.join("\n").replace(/^ \(memory \$0 1\)$/m, " (memory $0 1 1)");
}

/** Checks the optimized image's text: nothing may size or grow memory, and WAMR must not
 *  take one of the image's globals for a C stack pointer. WAMR takes the first mutable i32
 *  global whose initial value is at most __heap_base for one, and traps writes outside
 *  the "stack" it then infers unless that initial value is 0 (an empty stack). */
export function checkOnePageMemory(wat: string, heapEnd: number, what: string): void {
  const code = wat.split("\n").filter((l) => !l.startsWith(" (data ")).join("\n");
  if (/\(memory\.(size|grow)\b/.test(code)) throw new Error(`${what}: memory.size or memory.grow left in the image`);
  for (const m of wat.matchAll(/^ \(global (\S+) \(mut i32\) \(i32\.const (-?\d+)\)\)$/gm)) {
    const init = Number(m[2]) >>> 0;
    if (init > heapEnd) continue;
    if (init !== 0) throw new Error(`${what}: WAMR would take global ${m[1]} (initial value ${init}) for a stack pointer`);
    return;
  }
}
