// Little helpers for fixed-layout binary fields. Every read is bounds-checked by the
// caller's length checks; these never grow a buffer.

// The little-endian fields are wasm's own byte order: one load or store each.
export function putU16LE(b: Uint8Array, off: i32, v: u32): void { store<u16>(field(b, off, 2), <u16>v); }
export function putU32LE(b: Uint8Array, off: i32, v: u32): void { store<u32>(field(b, off, 4), v); }
export function getU16LE(b: Uint8Array, off: i32): u32 { return <u32>load<u16>(field(b, off, 2)); }
export function getU32LE(b: Uint8Array, off: i32): u32 { return load<u32>(field(b, off, 4)); }
// Big-endian fields: the same access with the bytes swapped.
export function putU16BE(b: Uint8Array, off: i32, v: u32): void { store<u16>(field(b, off, 2), bswap<u16>(<u16>v)); }
export function getU16BE(b: Uint8Array, off: i32): u32 { return <u32>bswap<u16>(load<u16>(field(b, off, 2))); }
export function putU32BE(b: Uint8Array, off: i32, v: u32): void { store<u32>(field(b, off, 4), bswap<u32>(v)); }
export function getU32BE(b: Uint8Array, off: i32): u32 { return bswap<u32>(load<u32>(field(b, off, 4))); }

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}

export function slice(b: Uint8Array, off: i32, len: i32): Uint8Array {
  const r = new Uint8Array(len);
  for (let i = 0; i < len; i++) r[i] = b[off + i];
  return r;
}

/** Compares in time that depends only on the lengths: secrets are checked with this. */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  let d: u32 = 0;
  for (let i = 0; i < a.length; i++) d |= <u32>(a[i] ^ b[i]);
  return d == 0;
}

/** Overwrites a RAM copy of a secret once it is no longer needed. */
export function wipe(b: Uint8Array): void { for (let i = 0; i < b.length; i++) b[i] = 0; }

/** Where `size` bytes at `off` in `b` are; a field outside `b` is a bug in the caller's
 *  length checks and panics, as b[off] would. */
function field(b: Uint8Array, off: i32, size: i32): usize {
  if (off < 0 || off > b.length - size) throw new RangeError("Index out of range");
  return b.dataStart + <usize>off;
}
