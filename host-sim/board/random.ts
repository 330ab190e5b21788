// The simulated boards' random source (boards/ABI.md, "Random"): deterministic so that a
// scenario replays identically on every host. Stream = SHA-256(seed LE64 || counter LE64)
// blocks, counter from 0 at power-on, consumed in order across calls.
import { createHash } from "node:crypto";

export class Drbg {
  private readonly seed: Buffer;
  private counter = 0n;
  private block = new Uint8Array(0);
  private used = 0;

  constructor(seed: bigint | number = 0) {
    this.seed = Buffer.alloc(8);
    this.seed.writeBigUInt64LE(BigInt.asUintN(64, BigInt(seed)));
  }

  fill(out: Uint8Array): void {
    let i = 0;
    while (i < out.length) {
      if (this.used === this.block.length) this.nextBlock();
      const n = Math.min(out.length - i, this.block.length - this.used);
      out.set(this.block.subarray(this.used, this.used + n), i);
      this.used += n;
      i += n;
    }
  }

  private nextBlock(): void {
    const ctr = Buffer.alloc(8);
    ctr.writeBigUInt64LE(this.counter++);
    this.block = createHash("sha256").update(this.seed).update(ctr).digest();
    this.used = 0;
  }
}
