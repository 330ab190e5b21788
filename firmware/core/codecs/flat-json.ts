// Flat JSON objects ({"key": number | "string" | true/false}) for MQTT payloads: the only
// JSON the firmware reads or writes. The parser is bounded: nesting, escapes other than
// \" and \\, more than MAX_FIELDS fields or oversize input are refused, never guessed.

import { decimalLength, utf8Of, writeDecimal } from "../../board/compose";

export const MAX_JSON = 512;
export const MAX_FIELDS = 16;

export class JsonValue {
  constructor(public isString: bool, public num: f64, public str: string) {}
}

/** Parsed fields, or null with `error` set. */
export class FlatJson {
  keys: string[] = [];
  values: JsonValue[] = [];

  get(key: string): JsonValue | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.values[i];
    return null;
  }
  /** An integer field, or `fallback` when absent, not a number, or not whole. */
  int(key: string, fallback: i64): i64 {
    const v = this.get(key);
    if (v === null || v.isString || v.num != Math.floor(v.num) || Math.abs(v.num) > 9007199254740991) return fallback;
    return <i64>v.num;
  }
  string(key: string): string | null {
    const v = this.get(key);
    return v === null || !v.isString ? null : v.str;
  }
}

/** Reads the input in place; every read is checked against its length. */
class Cursor {
  constructor(public s: Uint8Array, public i: i32) {}
  @inline at(k: i32): i32 { return <i32>load<u8>(this.s.dataStart + <usize>k); }
  ws(): void {
    for (const n = this.s.length; this.i < n; this.i++) {
      const b = this.at(this.i);
      if (b != 0x20 && b != 0x0a && b != 0x0d && b != 0x09) return;
    }
  }
  peek(): i32 { return this.i < this.s.length ? this.at(this.i) : -1; }
  eat(c: i32): bool { this.ws(); if (this.peek() != c) return false; this.i++; return true; }
}

function decode(c: Cursor, from: i32, to: i32): string {
  return String.UTF8.decodeUnsafe(c.s.dataStart + <usize>from, <usize>(to - from));
}

/** A string up to its closing quote. Text before the first escape is decoded as UTF-8;
 *  after an escape the string must stay ASCII (refused rather than guessed). */
function parseString(c: Cursor): string | null {
  if (!c.eat(0x22)) return null;
  const start = c.i;
  const n = c.s.length;
  let escape = -1;        // where the first escape began
  let rest: Uint8Array | null = null;
  let kept = 0;           // bytes of `rest` in use
  while (c.i < n) {
    const b = c.at(c.i);
    if (b == 0x22) {
      c.i++;
      if (escape < 0) return decode(c, start, c.i - 1);
      return decode(c, start, escape) + String.UTF8.decodeUnsafe(rest!.dataStart, <usize>kept);
    }
    if (b < 0x20) return null;
    let out = b;
    if (b == 0x5c) {
      const e = c.i + 1 < n ? c.at(c.i + 1) : 0;
      if (e != 0x22 && e != 0x5c) return null;
      if (escape < 0) { escape = c.i; rest = new Uint8Array(n - c.i); }
      out = e;
      c.i++;
    } else if (escape >= 0 && b >= 0x80) return null;
    if (escape >= 0) store<u8>(rest!.dataStart + <usize>(kept++), <u8>out);
    c.i++;
  }
  return null;
}

function parseNumber(c: Cursor): JsonValue | null {
  c.ws();
  const start = c.i;
  let neg = false;
  if (c.peek() == 0x2d) { neg = true; c.i++; }
  let v: f64 = 0;
  let digits = 0;
  for (;;) {
    const d = c.peek() - 0x30;
    if (d < 0 || d > 9) break;
    if (++digits > 16) return null;
    v = v * 10 + <f64>d;
    c.i++;
  }
  if (digits == 0 || c.i == start) return null;
  return new JsonValue(false, neg ? -v : v, "");
}

export function parseFlatJson(b: Uint8Array): FlatJson | null {
  if (b.length > MAX_JSON) return null;
  const c = new Cursor(b, 0);
  const o = new FlatJson();
  if (!c.eat(0x7b)) return null;
  if (c.eat(0x7d)) { c.ws(); return c.i == b.length ? o : null; }
  for (;;) {
    if (o.keys.length >= MAX_FIELDS) return null;
    const k = parseString(c);
    if (k === null || !c.eat(0x3a)) return null;
    c.ws();
    const p = c.peek();
    let v: JsonValue | null = null;
    if (p == 0x22) {
      const s = parseString(c);
      if (s !== null) v = new JsonValue(true, 0, s);
    } else if (p == 0x74 && matchWord(c, "true")) v = new JsonValue(false, 1, "");
    else if (p == 0x66 && matchWord(c, "false")) v = new JsonValue(false, 0, "");
    else v = parseNumber(c);
    if (v === null) return null;
    o.keys.push(k);
    o.values.push(v);
    if (c.eat(0x2c)) continue;
    if (!c.eat(0x7d)) return null;
    c.ws();
    return c.i == b.length ? o : null;
  }
}

/** The ASCII word `w` at the cursor, consumed if it is there. */
function matchWord(c: Cursor, w: string): bool {
  const n = w.length;
  if (c.i + n > c.s.length) return false;
  for (let k = 0; k < n; k++) if (c.at(c.i + k) != <i32>load<u16>(changetype<usize>(w) + (<usize>k << 1))) return false;
  c.i += n;
  return true;
}

/** Builds a flat object; string values are escaped for \" and \\ only (the firmware never
 *  writes control characters). The text is written as UTF-8 straight into a byte buffer:
 *  no intermediate strings, and the number and concatenation code of the standard
 *  library stays out of the images. */
export class JsonWriter {
  // Room for a whole outbox message: growing from 64 bytes left three outgrown buffers
  // as garbage for every message published (firmware/board/heap.ts).
  private buf: Uint8Array = new Uint8Array(256);
  private n: i32 = 1;

  constructor() { this.buf[0] = 0x7b; }   // {

  num(key: string, v: i64): JsonWriter {
    this.key(key);
    const n = decimalLength(v);
    this.room(n);
    writeDecimal(this.buf.dataStart + <usize>this.n, v, n);
    this.n += n;
    return this;
  }

  /** `"key":[a,b,c]`: the one array shape an entry carries (the power conditioner's
   *  three channels and three capacities). */
  three(key: string, a: i64, b: i64, c: i64): JsonWriter {
    this.key(key);
    this.byte(0x5b);
    this.digits(a);
    this.byte(0x2c);
    this.digits(b);
    this.byte(0x2c);
    this.digits(c);
    this.byte(0x5d);
    return this;
  }

  private digits(v: i64): void {
    const n = decimalLength(v);
    this.room(n);
    writeDecimal(this.buf.dataStart + <usize>this.n, v, n);
    this.n += n;
  }

  bool(key: string, v: bool): JsonWriter { this.key(key); this.text(v ? "true" : "false", false); return this; }

  str(key: string, v: string): JsonWriter {
    this.key(key);
    this.byte(0x22);
    this.text(v, true);
    this.byte(0x22);
    return this;
  }

  toString(): string {
    this.room(1);
    this.buf[this.n] = 0x7d;   // }, written past the end: more fields may still follow
    return String.UTF8.decodeUnsafe(this.buf.dataStart, <usize>(this.n + 1));
  }

  private key(key: string): void {
    if (this.n > 1) this.byte(0x2c);
    this.byte(0x22);
    this.text(key, false);
    this.byte(0x22);
    this.byte(0x3a);
  }

  /** `s` as UTF-8; `escape`: as the body of a JSON string (" and \ after a backslash). */
  private text(s: string, escape: bool): void {
    const len = utf8Of(s, 0, i32.MAX_VALUE, false, escape);
    this.room(len);
    utf8Of(s, this.buf.dataStart + <usize>this.n, len, true, escape);
    this.n += len;
  }

  private byte(b: i32): void {
    this.room(1);
    this.buf[this.n++] = <u8>b;
  }

  /** Makes room for `extra` more bytes. */
  private room(extra: i32): void {
    if (this.n + extra <= this.buf.length) return;
    const b = new Uint8Array((this.n + extra) * 2);
    b.set(this.buf);
    this.buf = b;
  }
}
