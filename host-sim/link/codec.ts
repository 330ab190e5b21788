// Device-link framing (boards/DEVICE-LINK.md):
//   B0 A1 | type u8 | length u16 BE | payload | CRC-16 u16 BE over type, length, payload.
import { crc16 } from "./crc16.ts";

export const SYNC0 = 0xb0;
export const SYNC1 = 0xa1;
export const MAX_PAYLOAD = 4096;
const HEADER = 5;   // sync (2), type, length (2)
const TRAILER = 2;  // CRC

export interface Frame { type: number; payload: Uint8Array }

export function encodeFrame(type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new Error(`frame payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const f = new Uint8Array(HEADER + payload.length + TRAILER);
  f[0] = SYNC0; f[1] = SYNC1; f[2] = type & 0xff;
  f[3] = payload.length >> 8; f[4] = payload.length & 0xff;
  f.set(payload, HEADER);
  const crc = crc16(f.subarray(2, HEADER + payload.length));
  f[HEADER + payload.length] = crc >> 8;
  f[HEADER + payload.length + 1] = crc & 0xff;
  return f;
}

/** Turns a byte stream (chunks split anywhere) back into frames. On a bad length or CRC it
 *  drops only the first sync byte and rescans, so a damaged frame costs that frame alone. */
export class FrameDecoder {
  private buf = new Uint8Array(0);
  /** Bytes skipped while looking for frames (garbage and damaged frames). */
  dropped = 0;

  push(chunk: Uint8Array): Frame[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    const frames: Frame[] = [];
    let p = 0;
    for (;;) {
      const s = findSync(merged, p);
      this.dropped += s - p;
      p = s;
      if (merged.length - p < HEADER) break;
      const len = (merged[p + 3] << 8) | merged[p + 4];
      if (len > MAX_PAYLOAD) { p++; this.dropped++; continue; }
      const end = p + HEADER + len + TRAILER;
      if (merged.length < end) break;
      const crc = (merged[end - 2] << 8) | merged[end - 1];
      if (crc16(merged.subarray(p + 2, end - TRAILER)) !== crc) { p++; this.dropped++; continue; }
      frames.push({ type: merged[p + 2], payload: merged.slice(p + HEADER, end - TRAILER) });
      p = end;
    }
    this.buf = merged.slice(p);
    return frames;
  }
}

// Index of the next B0 A1 at or after `from`; a lone B0 at the very end may be the start
// of one, so it is kept (returned as the index) until more bytes arrive.
function findSync(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== SYNC0) continue;
    if (i + 1 === b.length || b[i + 1] === SYNC1) return i;
  }
  return b.length;
}
