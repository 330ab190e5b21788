// Images run AssemblyScript's minimal runtime: the garbage collector runs only when asked,
// and it finds live objects from globals alone (asconfig sets no stackSize, so there is no
// shadow stack: no function spills its references for the collector, which made up over
// 40% of every image). Between two calls from the board nothing on the wasm stack is live,
// so the end of fw_boot and fw_event is the safe point to collect: every image calls
// settle() there, and nothing else may call __collect.
//
// The heap is a fixed arena that never grows (each image's lowMemoryLimit in asconfig.json;
// scripts/one-page-memory.ts declares one page at most), so that WAMR gives the image the
// memory it uses instead of a 64 KiB page. An event cannot collect while it runs, so what
// it allocates must fit in what the previous settle() left free: settle() collects
// whenever no free block of `headroom` bytes is left, since one such block holds every
// allocation of the next event however fragmented the rest is. Collecting only then keeps
// the collector's cost off most events; in an arena too small to keep that much free it
// collects after every event. An arena too small for the live objects plus the largest
// event traps with "unreachable" in the allocator: README, "Linear memory", says how the
// limits were sized.
import { ROOT } from "~lib/rt/tlsf";

/** The free block settle() keeps: more than the image's largest event allocates. */
let headroom: u32 = 8192;

/** Sets the free block settle() keeps (a power of two from 512, 8 KiB unless set): more
 *  than the image's largest event allocates (README, "Linear memory", says how that was
 *  measured). An image sets it once, at start. */
export function keepHeapHeadroom(bytes: u32): void { headroom = bytes; }

/** Whether the allocator holds a free block of at least `bytes` (a power of two from
 *  512 on). Its first-level map has bit k set when a free block of 2^(k+7) to 2^(k+8)-1
 *  bytes exists (AssemblyScript's TLSF: 4 second-level bits, 16-byte alignment), so a
 *  bit at k = log2(bytes) - 7 or above means one of `bytes` or more. */
function freeBlockOf(bytes: u32): bool {
  const firstLevelMap = load<u32>(changetype<usize>(ROOT));
  return (firstLevelMap >>> (31 - clz(bytes) - 7)) != 0;
}

/** Called by an image as the last thing of fw_boot and of fw_event. */
export function settle(): void {
  // Before the first allocation there is no allocator yet, and nothing to collect.
  if (changetype<usize>(ROOT) == 0 || freeBlockOf(headroom)) return;
  __collect();
}
