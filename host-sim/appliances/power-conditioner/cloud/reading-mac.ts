// A reading's MAC (PROTOCOL.md §4.1): HMAC-SHA-256 under the device key the partner
// issued, over the reading's fields in a fixed binary layout, so the partner knows the
// reading came from that PCS and that the relay changed nothing.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ReadingEntry } from "./types.ts";

const LABEL = "pcs-reading-v1";

/** What the MAC covers, by name (the entry's `e` and `cap` as three fields each). */
export interface MacFields {
  co: number; rseq: number; q: number; t: number; pv: number; ch: number; dis: number;
  epv: number; ech: number; edis: number; site: string; cpv: number; cbat: number; cev: number;
}

/** The MAC's fields of a reading entry. */
export function macFields(r: Omit<ReadingEntry, "seq" | "kind" | "mac">): MacFields {
  return {
    co: r.co, rseq: r.rseq, q: r.q, t: r.t, pv: r.pv, ch: r.ch, dis: r.dis,
    epv: r.e[0], ech: r.e[1], edis: r.e[2], site: r.site, cpv: r.cap[0], cbat: r.cap[1], cev: r.cap[2],
  };
}

/** "pcs-reading-v1" ‖ serial ‖ co u32 ‖ rseq u32 ‖ q u8 ‖ t i64 ‖ pv ch dis u32 ‖
 *  epv ech edis u32 ‖ site len u8 ‖ site ‖ cpv cbat cev u32, little-endian. */
export function readingMacInput(serial: string, r: MacFields): Buffer {
  const site = Buffer.from(r.site, "ascii");
  const b = Buffer.alloc(4 + 4 + 1 + 8 + 12 + 12 + 1 + site.length + 12);
  let at = 0;
  const u32 = (v: number) => { at = b.writeUInt32LE(v, at); };
  u32(r.co); u32(r.rseq);
  b[at++] = r.q;
  at = b.writeBigInt64LE(BigInt(r.t), at);
  u32(r.pv); u32(r.ch); u32(r.dis);
  u32(r.epv); u32(r.ech); u32(r.edis);
  b[at++] = site.length;
  site.copy(b, at); at += site.length;
  u32(r.cpv); u32(r.cbat); u32(r.cev);
  return Buffer.concat([Buffer.from(LABEL, "ascii"), Buffer.from(serial, "ascii"), b]);
}

/** The MAC as the entry carries it: lower-case hex. */
export function readingMac(deviceKey: Uint8Array, serial: string, r: MacFields): string {
  return createHmac("sha256", deviceKey).update(readingMacInput(serial, r)).digest("hex");
}

/** Whether `mac` (hex) is the reading's MAC under `deviceKey`; constant time. */
export function readingMacValid(deviceKey: Uint8Array, serial: string, r: MacFields, mac: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(mac)) return false;
  return timingSafeEqual(Buffer.from(readingMac(deviceKey, serial, r), "hex"), Buffer.from(mac, "hex"));
}
