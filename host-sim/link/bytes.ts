// Big-endian field packing for device-link payloads. The Reader throws on a short payload
// so a malformed frame surfaces as an error rather than as zeros in a trace.
export class Writer {
  private parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  u16(v: number): this { return this.u8(v >> 8).u8(v); }
  u32(v: number): this { return this.u16(v >>> 16).u16(v & 0xffff); }
  i32(v: number): this { return this.u32(v >>> 0); }
  i64(v: number | bigint): this {
    const x = BigInt.asUintN(64, BigInt(v));
    return this.u32(Number(x >> 32n)).u32(Number(x & 0xffffffffn));
  }
  bytes(b: Uint8Array): this { for (const x of b) this.parts.push(x); return this; }
  done(): Uint8Array { return Uint8Array.from(this.parts); }
}

const utf8 = new TextDecoder("utf-8");

export class Reader {
  private p = 0;
  constructor(private readonly b: Uint8Array, private readonly what: string) {}
  private need(n: number): void {
    if (this.p + n > this.b.length) throw new Error(`${this.what} frame is too short`);
  }
  u8(): number { this.need(1); return this.b[this.p++]; }
  u16(): number { return (this.u8() << 8) | this.u8(); }
  u32(): number { return ((this.u16() << 16) | this.u16()) >>> 0; }
  i32(): number { return this.u32() | 0; }
  bytes(n: number): Uint8Array { this.need(n); const r = this.b.slice(this.p, this.p + n); this.p += n; return r; }
  rest(): Uint8Array { return this.bytes(this.b.length - this.p); }
  text(n?: number): string { return utf8.decode(n === undefined ? this.rest() : this.bytes(n)); }
}
