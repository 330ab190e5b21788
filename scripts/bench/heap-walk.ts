// The bytes an image's heap holds, read from outside through its linear memory: a walk of
// AssemblyScript's TLSF blocks (std/assembly/rt/tlsf.ts, 0.28: a 16-byte alignment, 4
// second-level bits, so the allocator's root is 1,572 bytes at the start of the heap, a
// little after the static data's end, and ends with the tail block's address). Under the minimal runtime
// nothing is freed between two collections, so the growth of the used bytes across an
// event in which settle() did not collect is what the event allocated: its garbage plus
// what it keeps (firmware/board/heap.ts).
const AL_MASK = 15, BLOCK_OVERHEAD = 4, ROOT_SIZE = 1572, TAIL_AT = 1568, FREE = 1, TAGS = 3;

/** The allocator's root: the first 16-byte boundary after the static data whose tail
 *  pointer lies in the arena (the compiler's heap start is not exported). */
function findRoot(view: DataView, dataEnd: number, heapEnd: number): number | null {
  for (let r = (dataEnd + AL_MASK) & ~AL_MASK; r < dataEnd + 256; r += 16) {
    const tail = view.getUint32(r + TAIL_AT, true);
    if (tail > r + ROOT_SIZE && tail < heapEnd) return r;
  }
  return null;
}

export interface HeapWalk { used: number; free: number; blocks: number; largestFree: number }

/** The heap's blocks now, or null before the allocator started (its root is still zero). */
export function walkHeap(memory: WebAssembly.Memory, dataEnd: number, heapEnd: number): HeapWalk | null {
  const view = new DataView(memory.buffer);
  const root = findRoot(view, dataEnd, heapEnd);
  if (root === null) return null;
  let block = ((root + ROOT_SIZE + BLOCK_OVERHEAD + AL_MASK) & ~AL_MASK) - BLOCK_OVERHEAD;
  const w: HeapWalk = { used: 0, free: 0, blocks: 0, largestFree: 0 };
  for (;;) {
    const info = view.getUint32(block, true);
    const size = info & ~TAGS;
    if (size === 0) break;   // the tail sentinel
    if (info & FREE) { w.free += size; w.largestFree = Math.max(w.largestFree, size); }
    else w.used += size + BLOCK_OVERHEAD;
    w.blocks++;
    block += BLOCK_OVERHEAD + size;
    if (block >= heapEnd) throw new Error(`heap walk ran past the arena's end at ${block}: not the layout of AssemblyScript 0.28's TLSF`);
  }
  return w;
}
