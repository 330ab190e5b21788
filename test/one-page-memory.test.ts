// The images' heap is a fixed arena (asconfig.json lowMemoryLimit), and their memory is
// declared as one page at most with the arena's end exported, so that WAMR allocates only
// the arena (scripts/one-page-memory.ts). The rewrite must keep what memory.size and
// memory.grow answer, and the built images must carry its promises.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import { checkOnePageMemory, onePageMemory } from "../scripts/one-page-memory.ts";

const ROOT = join(import.meta.dirname, "..");

const tiny = `(module
 (global $counter (mut i32) (i32.const 0))
 (memory $0 1)
 (data $0 (i32.const 1024) "ab\\00\\ffc")
 (export "memory" (memory $0))
 (export "size" (func $size))
 (export "grow" (func $grow))
 (func $size (result i32)
  (memory.size)
 )
 (func $grow (param $0 i32) (result i32)
  (memory.grow
   (local.get $0)
  )
 )
)`;

function instantiate(wat: string): WebAssembly.Instance {
  const m = binaryen.parseText(wat);
  try {
    m.setFeatures(binaryen.Features.MVP);
    assert.ok(m.validate(), "the rewritten module validates");
    return new WebAssembly.Instance(new WebAssembly.Module(m.emitBinary()), {});
  } finally {
    m.dispose();
  }
}

test("memory.size and memory.grow answer as before for a memory of one page at most", () => {
  const e = instantiate(onePageMemory(tiny, 4096, "tiny")).exports as Record<string, any>;
  assert.equal(e.size(), 1);
  assert.equal(e.grow(0), 1);
  assert.equal(e.grow(1), -1);
  assert.equal(e.grow(100), -1);
  assert.equal(e.__heap_base.value, 4096, "the arena's end");
  assert.equal(e.__data_end.value, 1024 + 5, "the static data's end (escapes count one byte)");
  assert.throws(() => (e.memory as WebAssembly.Memory).grow(1), RangeError, "the memory cannot grow");
});

test("a limit below the static data, or not a multiple of 16, is refused", () => {
  assert.throws(() => onePageMemory(tiny, 1024, "tiny"), /static data ends at 1029/);
  assert.throws(() => onePageMemory(tiny, 4100, "tiny"), /not a multiple of 16/);
});

test("a global WAMR would take for a stack pointer is refused", () => {
  const withStack = (init: number) => onePageMemory(tiny.replace("(i32.const 0))", `(i32.const ${init}))`), 4096, "tiny");
  assert.throws(() => checkOnePageMemory(withStack(2048), 4096, "tiny"), /global \$counter \(initial value 2048\)/);
  // Above the arena WAMR passes it over, and an empty "stack" (0) is never checked.
  checkOnePageMemory(withStack(8192), 4096, "tiny");
  checkOnePageMemory(withStack(0), 4096, "tiny");
});

test("every image declares one page at most and exports its arena's end", () => {
  const config = JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8"));
  for (const [name, target] of Object.entries<Record<string, any>>(config.targets)) {
    const limit = target.lowMemoryLimit ?? config.options.lowMemoryLimit;
    assert.ok(limit, `${name} has a lowMemoryLimit`);
    const module = new WebAssembly.Module(readFileSync(join(ROOT, target.outFile)));
    const imports = Object.fromEntries(WebAssembly.Module.imports(module).map((i) => [i.module, {}]));
    for (const i of WebAssembly.Module.imports(module)) (imports[i.module] as Record<string, unknown>)[i.name] = () => 0;
    // Instantiation runs no code that needs the board: the start function only sets up.
    const e = new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports as Record<string, any>;
    assert.equal(e.__heap_base.value, limit, `${name}: __heap_base is its lowMemoryLimit`);
    assert.ok(e.__data_end.value <= limit, `${name}: static data within the arena`);
    assert.throws(() => (e.memory as WebAssembly.Memory).grow(1), RangeError, `${name}: memory cannot grow`);
  }
});
