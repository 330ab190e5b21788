// CRC-32 (IEEE, reflected 0xEDB88320): detects torn and bit-rotted flash records.
// It is not a defence against deliberate tampering; protected records carry an HMAC.
const table = new StaticArray<u32>(256);
let tableReady = false;

function buildTable(): void {
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    unchecked((table[n] = c));
  }
  tableReady = true;
}

export function crc32Update(crc: u32, buf: Uint8Array, off: i32, len: i32): u32 {
  if (!tableReady) buildTable();
  let c = ~crc;
  for (let i = off; i < off + len; i++) c = unchecked(table[(c ^ buf[i]) & 0xff]) ^ (c >>> 8);
  return ~c;
}

export function crc32(buf: Uint8Array, off: i32, len: i32): u32 {
  return crc32Update(0, buf, off, len);
}
