// A bounded byte writer over one buffer the caller keeps and reuses: encoders append to
// it instead of allocating their own arrays, so an answer costs the final message and
// little else. Writing past the end sets `overflow` and writes nothing more.
export class ByteWriter {
  pos: i32 = 0;
  overflow: bool = false;

  constructor(public buf: Uint8Array) {}

  reset(): void { this.pos = 0; this.overflow = false; }

  private room(n: i32): bool {
    if (this.overflow || n > this.buf.length - this.pos) { this.overflow = true; return false; }
    return true;
  }

  u8(v: u32): void { if (this.room(1)) this.buf[this.pos++] = <u8>v; }
  u16be(v: u32): void { if (this.room(2)) { this.buf[this.pos++] = <u8>(v >>> 8); this.buf[this.pos++] = <u8>v; } }
  u16le(v: u32): void { if (this.room(2)) { this.buf[this.pos++] = <u8>v; this.buf[this.pos++] = <u8>(v >>> 8); } }
  bytes(b: Uint8Array): void {
    if (!this.room(b.length)) return;
    for (let i = 0; i < b.length; i++) this.buf[this.pos++] = b[i];
  }
  /** Overwrites a big-endian u16 written earlier (a length known only afterwards). */
  patch16be(at: i32, v: u32): void { if (!this.overflow) { this.buf[at] = <u8>(v >>> 8); this.buf[at + 1] = <u8>v; } }
  patch16le(at: i32, v: u32): void { if (!this.overflow) { this.buf[at] = <u8>v; this.buf[at + 1] = <u8>(v >>> 8); } }

  /** A view of what was written from `from` on (no copy). */
  view(from: i32): Uint8Array { return this.buf.subarray(from, this.pos); }
}
