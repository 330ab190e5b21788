// Test helpers: hex literals, concatenation and comparison of byte strings.
export function hex(s: string): Uint8Array {
  const t = s.replaceAll(" ", "");
  const b = new Uint8Array(t.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = <u8>I32.parseInt(t.substr(2 * i, 2), 16);
  return b;
}

export function cat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let k = 0; k < parts.length; k++) n += parts[k].length;
  const b = new Uint8Array(n);
  let at = 0;
  for (let k = 0; k < parts.length; k++) { b.set(parts[k], at); at += parts[k].length; }
  return b;
}

export function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

export function filled(n: i32, v: u8): Uint8Array { const b = new Uint8Array(n); b.fill(v); return b; }

/** A WSC attribute: type u16 BE, length u16 BE, value. */
export function attr(type: u32, value: Uint8Array): Uint8Array {
  const h = new Uint8Array(4);
  h[0] = <u8>(type >> 8); h[1] = <u8>type; h[2] = <u8>(value.length >> 8); h[3] = <u8>value.length;
  return cat([h, value]);
}
