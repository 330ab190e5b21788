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
// The composer's state lives in globals: there is only one buffer, hence one composer.
let used: i32 = 0;
/** Something did not fit: the text ends there (no later part may follow a gap). */
let ended = false;

export class Composer {
  /** Bytes composed so far. */
  get length(): i32 { return used; }

  /** Appends a string as UTF-8 (WTF-8 for a lone surrogate, as String.UTF8.encode). A
   *  character that does not fit whole is dropped with everything after it. */
  add(s: string): Composer {
    if (ended) return this;
    const n = encode(s, buffer + <usize>used, CAPACITY - used);
    if (n < 0) { used += ~n; ended = true; } else used += n;
    return this;
  }

  /** Appends bytes that already are UTF-8 text. */
  bytes(b: Uint8Array): Composer { return this.addUtf8(b.dataStart, b.length); }

  /** Appends UTF-8 text stored as its length (one byte) then its bytes. What the images'
   *  build turns add("...") into (scripts/utf8-literals.mjs): the literal, stored once as
   *  UTF-8. */
  addText(at: usize): Composer { return this.addUtf8(at + 1, load<u8>(at)); }

  /** Appends `n` bytes of UTF-8 text at `from`. */
  addUtf8(from: usize, n: i32): Composer {
    if (ended) return this;
    const fits = min(n, CAPACITY - used);
    if (fits < n) ended = true;
    memory.copy(buffer + <usize>used, from, <usize>fits);
    used += fits;
    return this;
  }

  /** Appends a whole number in decimal, as toString() writes it. */
  num(v: i64): Composer {
    if (ended) return this;
    const n = decimalLength(v);
    if (used + n > CAPACITY) { ended = true; return this; }
    writeDecimal(buffer + <usize>used, v, n);
    used += n;
    return this;
  }

  /** Appends a whole number in lowercase hexadecimal, as toString(16) writes it. */
  hex(v: u32): Composer {
    let digits = 1;
    for (let t = v; t >= 16; t >>= 4) digits++;
    if (ended) return this;
    if (used + digits > CAPACITY) { ended = true; return this; }
    let at = buffer + <usize>(used + digits);
    do { const d = v & 15; store<u8>(--at, <u8>(d < 10 ? 0x30 + d : 0x57 + d)); v >>= 4; } while (v != 0);
    used += digits;
    return this;
  }

  /** A copy of the composed bytes (for a frame, or a test). */
  toBytes(): Uint8Array {
    const b = new Uint8Array(used);
    memory.copy(b.dataStart, buffer, <usize>used);
    return b;
  }

  /** Shows the composed text as the whole screen; the board's result. */
  show(): i32 { return abi.display_show(buffer, used); }

  /** Logs the composed text: never a secret (architecture rule 5). */
  log(level: i32): void { abi.log(level, buffer, used); }
  error(): void { this.log(Level.ERROR); }
  warn(): void { this.log(Level.WARN); }
  info(): void { this.log(Level.INFO); }
}

const composer = new Composer();

/** Starts a new text in the shared buffer (what an earlier one held is gone). */
export function compose(): Composer {
  used = 0;
  ended = false;
  return composer;
}

/** UTF-8 of `s` (WTF-8 for a lone surrogate, as String.UTF8.encode) into `room` bytes at
 *  `to`: the byte count, or ~count when a character did not fit whole (it and everything
 *  after it are left out). */
export function encode(s: string, to: usize, room: i32): i32 { return utf8Of(s, to, room, true, false); }

/** How many bytes encode() writes for `s`: the same walk, writing nothing (one encoder
 *  in the image, not a second copy of its rules). */
export function encodedLength(s: string): i32 { return utf8Of(s, 0, i32.MAX_VALUE, false, false); }

/** What encode() and encodedLength() do; with `write` false nothing is stored (the count
 *  alone). With `escape`, " and \ each take a backslash before them: the body of a JSON
 *  string (core/codecs/flat-json.ts), encoded in the same walk. */
export function utf8Of(s: string, to: usize, room: i32, write: bool, escape: bool): i32 {
  const p = changetype<usize>(s);
  const n = s.length;
  let at = 0;
  for (let i = 0; i < n; i++) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c < 0x80) {
      if (escape && (c == 0x22 || c == 0x5c)) {
        if (at + 2 > room) return ~at;
        if (write) store<u8>(to + <usize>at, 0x5c);
        at++;
      }
      if (at >= room) return ~at;
      if (write) store<u8>(to + <usize>at, <u8>c);
      at++;
      continue;
    }
    let size = c < 0x800 ? 2 : 3;
    let pair = false;
    if ((c & 0xfc00) == 0xd800 && i + 1 < n) {
      const d = <u32>load<u16>(p + (<usize>(i + 1) << 1));
      if ((d & 0xfc00) == 0xdc00) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); size = 4; pair = true; }
    }
    if (at + size > room) return ~at;
    if (pair) i++;
    if (write) {
      // Lead byte 110xxxxx, 1110xxxx or 11110xxx, then 10xxxxxx continuation bytes.
      let shift = (size - 1) * 6;
      let q = to + <usize>at;
      store<u8>(q, <u8>(((0xf00 >> size) & 0xff) | (c >> shift)));
      while (shift > 0) { shift -= 6; store<u8>(++q, <u8>(0x80 | ((c >> shift) & 0x3f))); }
    }
    at += size;
  }
  return at;
}

/** How many bytes `v` takes in decimal, as toString() writes it. */
export function decimalLength(v: i64): i32 {
  let n = v < 0 ? 2 : 1;
  for (let t = v < 0 ? <u64>0 - <u64>v : <u64>v; t >= 10; t /= 10) n++;
  return n;
}

/** Writes `v` in decimal, as toString() does, into the decimalLength(v) bytes at `to`. */
export function writeDecimal(to: usize, v: i64, length: i32): void {
  let u: u64 = v < 0 ? <u64>0 - <u64>v : <u64>v;
  if (v < 0) store<u8>(to, 0x2d);
  let at = to + <usize>length;
  do { store<u8>(--at, <u8>(0x30 + u % 10)); u /= 10; } while (u != 0);
}
