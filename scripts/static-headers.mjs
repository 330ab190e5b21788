// Compiler transform for the firmware images (asconfig.json "transform"): static objects
// (string literals, constant arrays' buffers) get a zero block size in their header
// when the runtime is the minimal one (tcms), which never reads it for them.
//
// Why: the header's first word (the allocator's block size) was the only non-zero byte
// between one static object and the next: the optimizer splits the data at runs of
// zeros, and that lone byte cost a data segment of its own (~7 bytes) per object.
//
// Why it changes nothing: the collector reads a block's size only for objects on the
// heap (tcms.ts: __renew, the sweep and __new all test `< __heap_base` first or only see
// heap blocks); static objects are never freed, and __renew copies one out by its rtSize.
// The allocator's own reads (tlsf.ts) happen through heap.realloc/heap.free, which no
// firmware calls. The other header fields (gc links, rtId, rtSize) are as before.
import { Transform } from "assemblyscript/transform";
import { Class, Runtime } from "assemblyscript";

const original = Class.prototype.createBuffer;
if (!original.zeroBlockSize) {
  Class.prototype.createBuffer = function (overhead = 0) {
    const buf = original.call(this, overhead);
    if (this.program.options.runtime === Runtime.Minimal) {
      this.program.OBJECTInstance.writeField("mmInfo", 0, buf, 0);
    }
    return buf;
  };
  Class.prototype.createBuffer.zeroBlockSize = true;
}

export default class StaticHeaders extends Transform {}
