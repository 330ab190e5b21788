// Base64 (RFC 4648 §4, the standard alphabet, with padding) for the tokens the printer
// and its cloud exchange inside flat JSON (printer PROTOCOL.md §4). Decoding is bounded
// by the caller's maximum and refuses anything that is not canonical: a wrong length,
// a character outside the alphabet, padding in the middle or bits left over.

/** The value of one base64 character, or -1. */
function sextet(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** The base64 character of a six-bit value (A-Z a-z 0-9 + /): sextet's inverse, computed
 *  rather than looked up in a 64-character string the image would carry. */
function character(v: u32): u8 {
  if (v < 26) return <u8>(0x41 + v);
  if (v < 52) return <u8>(0x61 + v - 26);
  if (v < 62) return <u8>(0x30 + v - 52);
  return v == 62 ? 0x2b : 0x2f;
}

/** `b` as base64 text with padding. */
export function base64(b: Uint8Array): string {
  const out = new Uint8Array(((b.length + 2) / 3) * 4);
  let o = 0;
  for (let i = 0; i < b.length; i += 3) {
    const n = b.length - i;
    const v = (<u32>b[i] << 16) | (n > 1 ? <u32>b[i + 1] << 8 : 0) | (n > 2 ? <u32>b[i + 2] : 0);
    out[o++] = character(v >> 18);
    out[o++] = character((v >> 12) & 63);
    out[o++] = n > 1 ? character((v >> 6) & 63) : 0x3d;
    out[o++] = n > 2 ? character(v & 63) : 0x3d;
  }
  return String.UTF8.decodeUnsafe(out.dataStart, <usize>out.length);
}

/** The bytes of canonical base64 text `s`, at most `max` of them; null for anything else. */
export function fromBase64(s: string, max: i32): Uint8Array | null {
  const len = s.length;
  if (len == 0 || len % 4 != 0 || len / 4 * 3 > max + 2) return null;
  let pad = 0;
  if (s.charCodeAt(len - 1) == 0x3d) pad = s.charCodeAt(len - 2) == 0x3d ? 2 : 1;
  const n = len / 4 * 3 - pad;
  if (n > max) return null;
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    let v: u32 = 0;
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(i + k);
      let x = sextet(c);
      if (x < 0) {
        // '=' only in the last group's padded places
        if (c != 0x3d || i + 4 != len || k < 4 - pad) { out.fill(0); return null; }
        x = 0;
      }
      v = (v << 6) | <u32>x;
    }
    const left = n - o;
    out[o++] = <u8>(v >> 16);
    if (left > 1) out[o++] = <u8>(v >> 8);
    else if ((v & 0xffff) != 0) { out.fill(0); return null; }   // bits past the end
    if (left > 2) out[o++] = <u8>v;
    else if (left == 2 && (v & 0xff) != 0) { out.fill(0); return null; }
  }
  return out;
}
