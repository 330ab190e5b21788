// LAN registration message types and field codecs (water-heater PROTOCOL.md §1).
import * as board from "../../board/index";

export namespace Msg {
  export const HELLO: u8 = 0x01;
  export const CREDENTIALS: u8 = 0x02;
  export const ADDED: u8 = 0x03;
  export const NONCE_REQUEST: u8 = 0x04;
  export const ABORT: u8 = 0x05;
  export const HELLO_REPLY: u8 = 0x81;
  export const STORED: u8 = 0x82;
  export const ADDED_ACK: u8 = 0x83;
  export const NONCE: u8 = 0x84;
  export const ERROR: u8 = 0xff;
}

export namespace Mode {
  export const NEW: u8 = 1;
  export const ADDITIONAL: u8 = 2;
}

/** Reads length-prefixed strings from a buffer; any overrun marks the reader bad. */
export class FieldReader {
  bad: bool = false;
  constructor(public b: Uint8Array, public i: i32) {}
  bytes(n: i32): Uint8Array {
    if (n < 0 || this.i + n > this.b.length) { this.bad = true; return new Uint8Array(0); }
    const r = this.b.slice(this.i, this.i + n);
    this.i += n;
    return r;
  }
  str(max: i32): string {
    if (this.i >= this.b.length) { this.bad = true; return ""; }
    const n = <i32>this.b[this.i++];
    if (n > max) { this.bad = true; return ""; }
    const r = this.bytes(n);
    return this.bad ? "" : board.text(r);
  }
  /** True when every byte was consumed and nothing overran. */
  get done(): bool { return !this.bad && this.i == this.b.length; }
}

export function withString(prefix: Uint8Array, s: string): Uint8Array {
  const t = board.utf8(s);
  const out = new Uint8Array(prefix.length + 1 + t.length);
  out.set(prefix, 0);
  out[prefix.length] = <u8>t.length;
  out.set(t, prefix.length + 1);
  return out;
}

export function statusFrame(type: u8, status: i32): Uint8Array {
  const f = new Uint8Array(2);
  f[0] = type;
  f[1] = <u8>status;
  return f;
}
