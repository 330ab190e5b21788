// Screen and log text composed in place: one buffer reused by every screen and log line,
// filled with UTF-8 bytes and handed to the board as (offset, length). A screen costs no
// allocation and no intermediate strings, however many parts it has.
//
//   board.compose().add("Bath ").num(41).add(" C").show();
//
// compose() starts over in the same buffer, so arguments to add() must not themselves
// compose (e.g. call something that logs): evaluate such values first.
import * as abi from "./abi";
import { Level, MAX_DISPLAY_TEXT } from "./constants";

/** A screen fills at most the display's limit; a log line is cut by hosts well before. */
const CAPACITY: i32 = MAX_DISPLAY_TEXT;
const buffer = memory.data(CAPACITY);

export class Composer {
  /** Bytes composed so far. */
  length: i32 = 0;
  /** Something did not fit: the text ends here (no later part may follow a gap). */
  cut: bool = false;

  /** Appends a string as UTF-8 (WTF-8 for a lone surrogate, as String.UTF8.encode). A
   *  character that does not fit whole is dropped with everything after it. */
  add(s: string): Composer {
    if (this.cut) return this;
    const n = encode(s, buffer + <usize>this.length, CAPACITY - this.length);
    if (n < 0) { this.length += ~n; this.cut = true; } else this.length += n;
    return this;
  }

  /** Appends bytes that already are UTF-8 text. */
  bytes(b: Uint8Array): Composer {
    if (this.cut) return this;
    const n = min(b.length, CAPACITY - this.length);
    if (n < b.length) this.cut = true;
    for (let i = 0; i < n; i++) store<u8>(buffer + <usize>(this.length + i), load<u8>(b.dataStart + <usize>i));
    this.length += n;
    return this;
  }

  /** Appends a whole number in decimal, as toString() writes it. */
  num(v: i64): Composer {
    let u: u64 = v < 0 ? <u64>0 - <u64>v : <u64>v;
    let digits = 1;
    for (let t = u; t >= 10; t /= 10) digits++;
    if (this.cut) return this;
    if (this.length + (v < 0 ? 1 : 0) + digits > CAPACITY) { this.cut = true; return this; }
    if (v < 0) store<u8>(buffer + <usize>(this.length++), 0x2d);
    let at = buffer + <usize>(this.length + digits);
    do { store<u8>(--at, <u8>(0x30 + u % 10)); u /= 10; } while (u != 0);
    this.length += digits;
    return this;
  }

  /** A copy of the composed bytes (for a frame, or a test). */
  toBytes(): Uint8Array {
    const b = new Uint8Array(this.length);
    memory.copy(b.dataStart, buffer, <usize>this.length);
    return b;
  }

  /** Shows the composed text as the whole screen; the board's result. */
  show(): i32 { return abi.display_show(buffer, this.length); }

  /** Logs the composed text: never a secret (architecture rule 5). */
  log(level: i32): void { abi.log(level, buffer, this.length); }
  error(): void { this.log(Level.ERROR); }
  warn(): void { this.log(Level.WARN); }
  info(): void { this.log(Level.INFO); }
}

const composer = new Composer();

/** Starts a new text in the shared buffer (what an earlier one held is gone). */
export function compose(): Composer {
  composer.length = 0;
  composer.cut = false;
  return composer;
}

/** UTF-8 of `s` (WTF-8 for a lone surrogate, as String.UTF8.encode) into `room` bytes at
 *  `to`: the byte count, or ~count when a character did not fit whole (it and everything
 *  after it are left out). */
export function encode(s: string, to: usize, room: i32): i32 {
  const p = changetype<usize>(s);
  const n = s.length;
  let at = 0;
  for (let i = 0; i < n; i++) {
    // Four ASCII characters at a time (screens and logs are mostly ASCII): wasm is
    // little-endian, so each character's low byte moves down into one word.
    if (i + 4 <= n && at + 4 <= room) {
      const w = load<u64>(p + (<usize>i << 1));
      if ((w & 0xff80ff80ff80ff80) == 0) {
        store<u32>(to + <usize>at, <u32>(w & 0xff) | <u32>((w >> 8) & 0xff00) | <u32>((w >> 16) & 0xff0000) | <u32>((w >> 24) & 0xff000000));
        at += 4;
        i += 3;
        continue;
      }
    }
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 0x80) {
      if (at >= room) return ~at;
      store<u8>(to + <usize>(at++), <u8>c);
      continue;
    }
    let size = c < 0x800 ? 2 : 3;
    let pair = false;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      const d = <u32>load<u16>(p + (<usize>(i + 1) << 1));
      if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); size = 4; pair = true; }
    }
    if (at + size > room) return ~at;
    if (pair) i++;
    // Lead byte 110xxxxx, 1110xxxx or 11110xxx, then 10xxxxxx continuation bytes.
    let shift = (size - 1) * 6;
    store<u8>(to + <usize>(at++), <u8>(((0xf00 >> size) & 0xff) | (c >> shift)));
    while (shift > 0) { shift -= 6; store<u8>(to + <usize>(at++), <u8>(0x80 | ((c >> shift) & 0x3f))); }
  }
  return at;
}

/** How many bytes encode() writes for `s`. */
export function encodedLength(s: string): i32 {
  const p = changetype<usize>(s);
  const n = s.length;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n && (<u32>load<u16>(p + (<usize>(i + 1) << 1)) & 0xfc00) == 0xdc00) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}
