// Property maps (EPC 9D, 9E, 9F): APPENDIX "Detailed Requirements for ECHONET Device
// Objects", Appendix 1 "Property map description format". Under 16 properties: the count,
// then the EPCs (form 1). 16 or more: the count, then 16 bytes where byte 1 + (EPC & 0x0F)
// has bit (EPC >> 4) - 8 set (form 2, so only EPCs 0x80..0xFF can be listed).
import { FrameWriter } from "./frame";

export const BITMAP_FROM: i32 = 16;

/** Writes the map of the EPCs in `epcs` (each once, 0x80..0xFF) as EDT. */
export function writePropertyMap(epcs: StaticArray<u8>, w: FrameWriter): void {
  const n = epcs.length;
  w.u8(<u32>n);
  if (n < BITMAP_FROM) {
    for (let k = 0; k < n; k++) w.u8(unchecked(epcs[k]));
    return;
  }
  for (let low: u32 = 0; low < 16; low++) {
    let bits: u32 = 0;
    for (let k = 0; k < n; k++) {
      const e = <u32>unchecked(epcs[k]);
      if ((e & 0x0f) == low) bits |= 1 << ((e >> 4) - 8);
    }
    w.u8(bits);
  }
}

export function inMap(epcs: StaticArray<u8>, epc: u8): bool {
  for (let k = 0; k < epcs.length; k++) if (unchecked(epcs[k]) == epc) return true;
  return false;
}
