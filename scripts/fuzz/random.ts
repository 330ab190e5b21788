// The fuzzer's random source: small, seeded and splittable, so that input number i of an
// entry point is the same bytes on every run and can be made again on its own (after a
// hang the run resumes at i + 1 with nothing else to replay).

/** mulberry32 over a 32-bit state. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }

  /** The generator of input `index` of `stream` under `seed`. */
  static of(seed: number, stream: string, index: number): Rng {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const c of `${stream}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return new Rng(h);
  }

  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 <= n < bound */
  below(bound: number): number { return bound <= 0 ? 0 : this.u32() % bound; }
  /** True with probability p. */
  chance(p: number): boolean { return this.u32() / 2 ** 32 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.below(xs.length)]; }
  bytes(n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.u32() & 0xff); }
  /** An i32 with a taste for edge values. */
  int(): number {
    switch (this.below(4)) {
      case 0: return this.pick([0, 1, -1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x7fffffff, -0x80000000]);
      case 1: return this.below(16);
      case 2: return -1 - this.below(16);
      default: return this.u32() | 0;
    }
  }
}
