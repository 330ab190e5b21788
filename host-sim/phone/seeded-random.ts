// A phone's random source. Seeded phones make whole-home scenarios replay identically
// (the remote's answers depend on the phone's key pair); unseeded ones use the OS.
import { createHash, randomBytes } from "node:crypto";

export interface RandomSource { bytes(n: number): Buffer }

export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  return {
    bytes(n: number): Buffer {
      const out: Buffer[] = [];
      let have = 0;
      while (have < n) {
        const b = createHash("sha256").update(`${seed}:${counter++}`).digest();
        out.push(b);
        have += b.length;
      }
      return Buffer.concat(out).subarray(0, n);
    },
  };
}

export const osRandom: RandomSource = { bytes: (n) => randomBytes(n) };

/** RFC 4122 version 4 UUID from the given random source. */
export function uuid(r: RandomSource): string {
  const b = r.bytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
