// One more step after the compiler for every image: optimize again, with a function
// that has a single caller inlined into it whatever its size, until a round no longer
// makes the module smaller; keep the smallest.
//
// Why: asc tunes the optimizer's inlining for code size by inlining a single-caller
// function only up to 80 bytes, yet every function kept costs its own header, locals and
// call; inlining it whatever its size (binaryen's own default) makes the images some
// 300 bytes smaller and executes no more. asc's "converge" also keeps the result of its
// last round even when it grew ("Last converge was suboptimal").
// Binaryen's optimizations keep the module's behaviour; the levels are asconfig.json's
// (optimizeLevel, shrinkLevel), the features the MVP its "disable" list leaves.
// The compiler's text file is read rather than the binary so that the rewritten .wat
// keeps the function names (the binary carries none).
import { readFileSync, writeFileSync } from "node:fs";
import { checkOnePageMemory, onePageMemory } from "./one-page-memory.ts";

export async function convergeImage(wasmFile: string, watFile: string, optimizeLevel: number, shrinkLevel: number,
  heapEnd?: number): Promise<void> {
  const binaryen = (await import("binaryen")).default;
  let source = readFileSync(watFile, "utf8");
  if (heapEnd !== undefined) {
    // The compiler writes function bodies as flat instructions; the rewrite reads the
    // folded form binaryen prints.
    const compiled = binaryen.parseText(source);
    source = onePageMemory(compiled.emitText(), heapEnd, wasmFile);
    compiled.dispose();
  }
  const module = binaryen.parseText(source);
  try {
    module.setFeatures(binaryen.Features.MVP);
    binaryen.setOptimizeLevel(optimizeLevel);
    binaryen.setShrinkLevel(shrinkLevel);
    binaryen.setDebugInfo(false);
    // Binaryen's defaults, set here because the compiler (loaded in this process) changed them.
    binaryen.setAlwaysInlineMaxSize(2);
    binaryen.setFlexibleInlineMaxSize(20);
    binaryen.setOneCallerInlineMaxSize(-1);
    binaryen.setAllowInliningFunctionsWithLoops(false);
    // A rewritten image starts from the rewrite, not from the compiler's output.
    let best = heapEnd === undefined ? readFileSync(wasmFile) : Buffer.from(module.emitBinary());
    let text: string | null = heapEnd === undefined ? null : module.emitText();
    for (;;) {
      module.optimize();
      const next = module.emitBinary();
      if (next.length >= best.length) break;
      best = Buffer.from(next);
      text = module.emitText();
    }
    if (text === null) return;
    if (!module.validate()) throw new Error(`${wasmFile}: re-optimized module does not validate`);
    if (heapEnd !== undefined) checkOnePageMemory(text, heapEnd, wasmFile);
    writeFileSync(wasmFile, best);
    writeFileSync(watFile, text);
  } finally {
    module.dispose();
  }
}
