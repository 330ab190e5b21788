// Compiler transform for the firmware images (asconfig.json "transform"): the image's
// static data handed to the optimizer as one segment.
//
// Why: the compiler emits one data segment per static object (every string, every
// memory.data), and the optimizer only ever splits segments (at runs of zeros), never
// joins them, so neighbours touching each other each paid a segment header (~6 bytes).
// Joined first, the optimizer's split leaves the cheapest layout. Memory after start-up
// holds exactly the same bytes.
import { Transform } from "assemblyscript/transform";

export default class DataSegments extends Transform {
  afterCompile(module) {
    const segments = [];
    for (let i = 0, n = module.getNumDataSegments(); i < n; i++) {
      segments.push(module.getDataSegmentInfo(module.getDataSegmentByIndex(i)));
    }
    if (segments.length < 2 || segments.some((s) => s.passive)) return;
    const start = Math.min(...segments.map((s) => s.offset));
    const end = Math.max(...segments.map((s) => s.offset + s.data.byteLength));
    const bytes = new Uint8Array(end - start);   // gaps stay zero, as memory starts
    for (const s of segments) bytes.set(new Uint8Array(s.data), s.offset - start);
    // setMemory replaces the memory with its segments; the compiler's memory is "0",
    // exported as "memory", without a maximum (asconfig.json sets none).
    const memory = module.getMemoryInfo("0");
    module.removeExport("memory");
    module.setMemory(memory.initial, memory.max ?? -1, "memory",
      [{ offset: module.i32.const(start), data: bytes, passive: false }], memory.shared, memory.is64, "0");
  }
}
