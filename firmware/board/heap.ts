// Images run AssemblyScript's minimal runtime: the garbage collector runs only when asked,
// and it finds live objects from globals alone (asconfig sets no stackSize, so there is no
// shadow stack: no function spills its references for the collector, which made up over
// 40% of every image). Between two calls from the board nothing on the wasm stack is live,
// so the end of fw_boot and fw_event is the safe point to collect: every image calls
// settle() there, and nothing else may call __collect.
// Collecting after every event would cost more than the event itself, so garbage is let
// pile up for a few events, and collected at once whenever the heap had to grow.

/** Events between two collections when the heap did not have to grow meanwhile. */
const EVENTS_PER_COLLECTION: i32 = 16;

let events: i32 = 0;
let pages: i32 = 0;

/** Called by an image as the last thing of fw_boot and of fw_event. */
export function settle(): void {
  if (++events < EVENTS_PER_COLLECTION && memory.size() == pages) return;
  __collect();
  events = 0;
  pages = memory.size();
}
