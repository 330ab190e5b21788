// The limits of an image's own linear memory, read from its memory section (id 5).
// Images define their memory (the ABI has no memory import), so that is the only place.

export interface MemoryLimits { initial: number; maximum: number | null }

function leb(b: Uint8Array, at: { p: number }): number {
  let v = 0, shift = 0;
  for (;;) {
    if (at.p >= b.length) throw new Error("wasm image is truncated");
    const x = b[at.p++];
    v += (x & 0x7f) * 2 ** shift;
    if (!(x & 0x80)) return v;
    shift += 7;
  }
}

/** Pages of 64 KiB; null if the image defines no memory. */
export function memoryLimits(bytes: Uint8Array): MemoryLimits | null {
  const at = { p: 8 };   // after magic and version
  while (at.p < bytes.length) {
    const id = bytes[at.p++];
    const size = leb(bytes, at);
    const end = at.p + size;
    if (id === 5 && leb(bytes, at) > 0) {
      const flags = bytes[at.p++];
      const initial = leb(bytes, at);
      return { initial, maximum: flags & 1 ? leb(bytes, at) : null };
    }
    at.p = end;
  }
  return null;
}
