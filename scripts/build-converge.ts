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

export async function convergeImage(wasmFile: string, watFile: string, optimizeLevel: number, shrinkLevel: number): Promise<void> {
  const binaryen = (await import("binaryen")).default;
  const module = binaryen.parseText(readFileSync(watFile, "utf8"));
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
    let best = readFileSync(wasmFile);
    let text: string | null = null;
    for (;;) {
      module.optimize();
      const next = module.emitBinary();
      if (next.length >= best.length) break;
      best = Buffer.from(next);
      text = module.emitText();
    }
    if (text === null) return;
    if (!module.validate()) throw new Error(`${wasmFile}: re-optimized module does not validate`);
    writeFileSync(wasmFile, best);
    writeFileSync(watFile, text);
  } finally {
    module.dispose();
  }
}
