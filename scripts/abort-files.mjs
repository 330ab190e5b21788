// Compiler transform for the firmware images (asconfig.json "transform"): every abort
// the compiler emits passes null for the source file's name when the abort is the
// board's (firmware/board/abort.ts), which reports the message, line and column and
// never reads the file.
//
// Why: for each file with a check in it (~lib/array.ts, ~lib/rt/tlsf.ts, ...) the
// compiler otherwise keeps the path as a UTF-16 string object in static data, only to
// hand it to a parameter nobody reads; the optimizer can drop the argument but never
// the bytes. The panic the board reports is the same either way.
//
// How: the compiler makes that string in Compiler#makeStaticAbort (after the message is
// compiled), through ensureStaticString with the path; only that one call is answered
// with a null pointer, and only while the abort function is boardAbort.
import { Transform } from "assemblyscript/transform";
import { Compiler } from "assemblyscript";

const BOARD_ABORT = "firmware/board/abort/boardAbort";

const original = Compiler.prototype.makeStaticAbort;
if (!original.patchedForBoardAbort) {
  Compiler.prototype.makeStaticAbort = function (message, reportNode) {
    const abort = this.program.abortInstance;
    if (abort === null || abort.internalName !== BOARD_ABORT) return original.call(this, message, reportNode);
    const path = reportNode.range.source.normalizedPath;
    this.ensureStaticString = function (text) {
      if (text !== path) return Compiler.prototype.ensureStaticString.call(this, text);
      this.currentType = this.program.stringInstance.type;
      return this.module.usize(0);
    };
    try {
      return original.call(this, message, reportNode);
    } finally {
      delete this.ensureStaticString;
    }
  };
  Compiler.prototype.makeStaticAbort.patchedForBoardAbort = true;
}

export default class AbortFiles extends Transform {}
