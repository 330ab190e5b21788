// Length-prefixed fields of the binary messages on local links (water-heater PROTOCOL.md
// §1): a string is `length u8 | UTF-8 bytes`. Reading is bounded: any overrun or an
// over-long field marks the reader bad (E_MALFORMED) and yields nothing.
import * as board from "../../board/index";
import { OK, E_MALFORMED } from "../errors";
import { slice } from "./bytes";

export class FieldReader {
  bad: bool = false;
  constructor(public b: Uint8Array, public i: i32) {}

  bytes(n: i32): Uint8Array {
    if (n < 0 || this.i + n > this.b.length) { this.bad = true; return new Uint8Array(0); }
    const r = slice(this.b, this.i, n);
    this.i += n;
    return r;
  }

  /** A length-prefixed string of at most `max` bytes. */
  str(max: i32): string {
    if (this.i >= this.b.length) { this.bad = true; return ""; }
    const n = <i32>this.b[this.i++];
    if (n > max) { this.bad = true; return ""; }
    const r = this.bytes(n);
    return this.bad ? "" : board.text(r);
  }

  /** True when every byte was consumed and nothing overran. */
  get done(): bool { return !this.bad && this.i == this.b.length; }

  /** OK when done, else E_MALFORMED. */
  get error(): i32 { return this.done ? OK : E_MALFORMED; }
}

/** prefix ‖ length u8 ‖ UTF-8(s); s must be at most 255 bytes. */
export function withString(prefix: Uint8Array, s: string): Uint8Array {
  const t = board.utf8(s);
  const out = new Uint8Array(prefix.length + 1 + t.length);
  out.set(prefix, 0);
  out[prefix.length] = <u8>t.length;
  out.set(t, prefix.length + 1);
  return out;
}

/** A two-byte frame: type ‖ status (an error code as i8). */
export function statusFrame(type: u8, status: i32): Uint8Array {
  const f = new Uint8Array(2);
  f[0] = type;
  f[1] = <u8>status;
  return f;
}

/** One status byte (an error code as i8). */
export function statusByte(rc: i32): Uint8Array {
  const b = new Uint8Array(1);
  b[0] = <u8>rc;
  return b;
}
