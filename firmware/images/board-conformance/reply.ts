// A reply frame of the board-conformance image on the SERVICE link: the command byte, then
// little-endian fields (the frames are small; 256 bytes is plenty).
import { Link, linkSend } from "../../board";

export class Reply {
  buf: Uint8Array = new Uint8Array(256);
  n: i32 = 0;
  constructor(cmd: i32) { this.u8(cmd); }
  u8(v: i32): Reply { this.buf[this.n++] = <u8>v; return this; }
  i32(v: i32): Reply { for (let i = 0; i < 4; i++) this.u8(v >> (8 * i)); return this; }
  i64(v: i64): Reply { for (let i = 0; i < 8; i++) this.u8(<i32>(v >> (8 * i))); return this; }
  bytes(b: Uint8Array): Reply { for (let i = 0; i < b.length; i++) this.u8(b[i]); return this; }
  send(): void { linkSend(Link.SERVICE, this.buf.subarray(0, this.n)); }
}
