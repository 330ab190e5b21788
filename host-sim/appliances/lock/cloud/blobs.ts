// The maker-signed blobs of PROTOCOL.md §1, byte for byte: grant (§1.1), time (§1.2) and
// revocation list (§1.3), each signed with the maker key (ECDSA P-256 / SHA-256, r ‖ s).
import { sign, type KeyObject } from "node:crypto";

export const MAX_SCHEDULES = 4, MAX_REVOKED = 32, NONCE_BYTES = 16, PHONE_KEY_BYTES = 65, SIGNATURE_BYTES = 64;
const U32 = 0xffffffff;

export interface Schedule { start: number; end: number }
export interface GrantFields { grantId: number; serial: string; type: number; timeoutS: number; schedules: Schedule[]; phoneKey: Uint8Array }

function serialBytes(serial: string): Buffer {
  const b = Buffer.from(serial, "latin1");
  if (b.length < 1 || b.length > 32 || !/^[\x21-\x7e]+$/.test(serial)) throw new RangeError("serial: 1..32 ASCII");
  return Buffer.concat([Buffer.from([b.length]), b]);
}
const u32 = (n: number) => { if (!Number.isInteger(n) || n < 0 || n > U32) throw new RangeError("u32"); const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const i64 = (n: number) => { if (!Number.isSafeInteger(n)) throw new RangeError("i64 ms"); const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(n)); return b; };

function signed(key: KeyObject, body: Buffer): Buffer {
  return Buffer.concat([body, sign("sha256", body, { key, dsaEncoding: "ieee-p1363" })]);
}

/** §1.1. */
export function grantBytes(key: KeyObject, g: GrantFields): Buffer {
  if (g.grantId < 1) throw new RangeError("grant id > 0");
  if (g.type < 1 || g.type > 3) throw new RangeError("type 1..3");
  if (g.schedules.length > MAX_SCHEDULES) throw new RangeError(`at most ${MAX_SCHEDULES} schedules`);
  if (g.phoneKey.length !== PHONE_KEY_BYTES || g.phoneKey[0] !== 4) throw new RangeError("phone key: 65 bytes from 0x04");
  const parts = [Buffer.from("LG\x01", "latin1"), u32(g.grantId), serialBytes(g.serial), Buffer.from([g.type]), u32(g.timeoutS), Buffer.from([g.schedules.length])];
  for (const s of g.schedules) {
    if (!(s.start < s.end)) throw new RangeError("schedule: start < end");
    parts.push(i64(s.start), i64(s.end));
  }
  parts.push(Buffer.from(g.phoneKey));
  return signed(key, Buffer.concat(parts));
}

/** §1.2. */
export function timeBytes(key: KeyObject, serial: string, nonce: Uint8Array, utcMs: number): Buffer {
  if (nonce.length !== NONCE_BYTES) throw new RangeError("nonce: 16 bytes");
  return signed(key, Buffer.concat([Buffer.from("LT\x01", "latin1"), serialBytes(serial), Buffer.from(nonce), i64(utcMs)]));
}

/** §1.3. */
export function revocationBytes(key: KeyObject, serial: string, version: number, grantIds: readonly number[]): Buffer {
  if (grantIds.length > MAX_REVOKED) throw new RangeError(`at most ${MAX_REVOKED} revoked grants`);
  return signed(key, Buffer.concat([Buffer.from("LR\x01", "latin1"), serialBytes(serial), u32(version), Buffer.from([grantIds.length]), ...grantIds.map(u32)]));
}

/** The version of a §1.3 list (the key server reads back what it sent); -1 not one. */
export function revocationVersion(blob: Uint8Array): number {
  const b = Buffer.from(blob);
  if (b.length < 3 + 2 + 4 || b.toString("latin1", 0, 3) !== "LR\x01") return -1;
  const at = 4 + b[3];
  return at + 4 <= b.length ? b.readUInt32LE(at) : -1;
}
