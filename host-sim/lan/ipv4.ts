// IPv4 addresses as the board ABI carries them (v1.3: an unsigned 32-bit number, the
// first octet in the top byte) and as people read them.

/** "192.168.1.10" → 0xC0A8010A; throws on anything else. */
export function parseIpv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new RangeError(`not an IPv4 address: ${text}`);
  return parts.reduce((a, p) => a * 256 + Number(p), 0);
}

export function formatIpv4(addr: number): string {
  const a = addr >>> 0;
  return [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff].join(".");
}

/** 224.0.0.0/4. */
export const isMulticast = (addr: number) => (addr >>> 28) === 0xe;
