// Compiler transform for the firmware images (asconfig.json "transform"): an empty array
// literal (`chunks: Chunk[] = []`) is allocated with no static buffer to copy from.
//
// Why: for every literal the compiler keeps a static buffer that the new array's contents
// are copied from, even for an empty one: an empty ArrayBuffer object (its header only),
// each a data segment of its own in the image, never read.
//
// Why it changes nothing: the compiler allocates such an array with
// __newArray(0, alignLog2, id, buffer), whose __newBuffer copies `0 << alignLog2` bytes
// from `buffer`, and copies nothing when `buffer` is 0. Literals with elements, and
// arrays the compiler lays out as static objects, are left alone.
import { Transform } from "assemblyscript/transform";
import { Compiler } from "assemblyscript";

const PREFER_STATIC = 16;   // Constraints.PreferStatic: the literal becomes a static object

const original = Compiler.prototype.compileArrayLiteral;
if (!original.withoutEmptyBuffer) {
  Compiler.prototype.compileArrayLiteral = function (expression, contextualType, constraints) {
    if (expression.elementExpressions.length !== 0 || (constraints & PREFER_STATIC) !== 0) {
      return original.call(this, expression, contextualType, constraints);
    }
    // The buffer's address is its segment's offset plus the header: answer one that adds
    // up to 0, the null pointer.
    const header = this.program.totalOverhead;
    this.addStaticBuffer = () => ({ offset: globalThis.i64_new(-header, -1) });
    try {
      return original.call(this, expression, contextualType, constraints);
    } finally {
      delete this.addStaticBuffer;
    }
  };
  Compiler.prototype.compileArrayLiteral.withoutEmptyBuffer = true;
}

export default class EmptyArrays extends Transform {}
