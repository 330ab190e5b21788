// Flat JSON objects ({"key": number | "string" | true/false}) for MQTT payloads: the only
// JSON the firmware reads or writes. The parser is bounded: nesting, escapes other than
// \" and \\, more than MAX_FIELDS fields or oversize input are refused, never guessed.

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

class Cursor {
  constructor(public s: Uint8Array, public i: i32) {}
  ws(): void { while (this.i < this.s.length && (this.s[this.i] == 0x20 || this.s[this.i] == 0x0a || this.s[this.i] == 0x0d || this.s[this.i] == 0x09)) this.i++; }
  peek(): i32 { return this.i < this.s.length ? this.s[this.i] : -1; }
  eat(c: i32): bool { this.ws(); if (this.peek() != c) return false; this.i++; return true; }
}

function parseString(c: Cursor): string | null {
  if (!c.eat(0x22)) return null;
  let out = "";
  const start = c.i;
  let plain = true;
  while (c.i < c.s.length) {
    const b = c.s[c.i];
    if (b == 0x22) {
      const r = plain ? String.UTF8.decodeUnsafe(c.s.dataStart + <usize>start, <usize>(c.i - start)) : out;
      c.i++;
      return r;
    }
    if (b < 0x20) return null;
    if (b == 0x5c) {
      if (plain) { out = String.UTF8.decodeUnsafe(c.s.dataStart + <usize>start, <usize>(c.i - start)); plain = false; }
      const e = c.i + 1 < c.s.length ? c.s[c.i + 1] : 0;
      if (e != 0x22 && e != 0x5c) return null;
      out += String.fromCharCode(e);
      c.i += 2;
      continue;
    }
    // After an escape the string is rebuilt byte by byte: keep it ASCII rather than guess.
    if (!plain) { if (b >= 0x80) return null; out += String.fromCharCode(b); }
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
  while (c.peek() >= 0x30 && c.peek() <= 0x39) {
    if (++digits > 16) return null;
    v = v * 10 + <f64>(c.peek() - 0x30);
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

function matchWord(c: Cursor, w: string): bool {
  if (c.i + w.length > c.s.length) return false;
  for (let i = 0; i < w.length; i++) if (c.s[c.i + i] != <u8>w.charCodeAt(i)) return false;
  c.i += w.length;
  return true;
}

/** Builds a flat object; string values are escaped for \" and \\ only (the firmware never
 *  writes control characters). */
export class JsonWriter {
  private out: string = "{";
  num(key: string, v: i64): JsonWriter { this.out += this.key(key) + v.toString(); return this; }
  bool(key: string, v: bool): JsonWriter { this.out += this.key(key) + (v ? "true" : "false"); return this; }
  str(key: string, v: string): JsonWriter { this.out += this.key(key) + "\"" + escaped(v) + "\""; return this; }
  toString(): string { return this.out + "}"; }

  private key(key: string): string { return (this.out.length > 1 ? ",\"" : "\"") + key + "\":"; }
}

/** `v` with a backslash before every " and \ (a copy only when there is one). */
function escaped(v: string): string {
  let out = "";
  let from = 0;
  let copied = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c != 0x22 && c != 0x5c) continue;
    out += v.substring(from, i) + "\\";
    from = i;
    copied = true;
  }
  return copied ? out + v.substring(from) : v;
}
