// Authentication information (PROTOCOL.md §2.1) and credentials (§2.2) as an issuer makes
// them: the credential's salted verifier, the signed bytes the PCS checks with the board's
// ecdsa_p256_verify, and a bounded parser of those bytes (for tests, the home's rig and
// fuzzing: the PCS's own parser is the firmware's).
import { createHash, randomInt, sign, verify, type KeyObject } from "node:crypto";

export const AUTH_MAGIC = [0x50, 0x41] as const; // 'P' 'A'
export const AUTH_VERSION = 1;
export const SALT_BYTES = 16, VERIFIER_BYTES = 32, SIGNATURE_BYTES = 64;
/** The digits of a server-issued credential (§2.2) and of the maintenance credential. */
export const ISSUED_DIGITS = 10, MAINTENANCE_DIGITS = 12;
const VERIFIER_LABEL = "pcs-credential-v1";
const MAX_DEVICE = 32;
const HEAD = 26; // magic, version, issuer, serial, issued, lifetime, uses, failures, items

/** What an issuer signs, before the signature. */
export interface AuthInfoFields {
  issuer: number;
  /** The issuer's number, above every one of its serials this PCS accepted. */
  serial: number;
  /** UTC ms (informative: the lifetime counts from arrival). */
  issuedMs: number;
  /** Seconds; 0 the PCS's default. */
  lifetimeS: number;
  /** N and M; 0 the PCS's default. */
  uses: number;
  failures: number;
  /** Bit `1 << item`. */
  items: number;
  /** The PCS serial it is for. */
  device: string;
  salt: Uint8Array;
  verifier: Uint8Array;
}
export interface SignedAuthInfo extends AuthInfoFields { signature: Uint8Array }

/** A credential of `digits` decimal digits, uniformly drawn (crypto.randomInt). */
export function newCredential(digits: number): string {
  let s = "";
  for (let i = 0; i < digits; i++) s += String(randomInt(10));
  return s;
}

/** SHA-256("pcs-credential-v1" ‖ device serial ‖ salt ‖ credential digits in ASCII). */
export function credentialVerifier(device: string, salt: Uint8Array, digits: string): Buffer {
  return createHash("sha256").update(VERIFIER_LABEL).update(device, "ascii").update(salt).update(digits, "ascii").digest();
}

/** The bytes before the signature, exactly as §2.1 lays them out. */
export function authInfoBody(f: AuthInfoFields): Buffer {
  const device = Buffer.from(f.device, "ascii");
  if (device.length < 1 || device.length > MAX_DEVICE) throw new RangeError("device: 1..32 bytes");
  if (f.salt.length !== SALT_BYTES || f.verifier.length !== VERIFIER_BYTES) throw new RangeError("salt 16, verifier 32 bytes");
  const u32 = (v: number, what: string) => { if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${what}: u32`); };
  u32(f.issuer, "issuer"); u32(f.serial, "serial"); u32(f.lifetimeS, "lifetime");
  for (const [v, what] of [[f.uses, "uses"], [f.failures, "failures"], [f.items, "items"]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`${what}: u8`);
  }
  const b = Buffer.alloc(HEAD + 1 + device.length + SALT_BYTES + VERIFIER_BYTES);
  b[0] = AUTH_MAGIC[0]; b[1] = AUTH_MAGIC[1]; b[2] = AUTH_VERSION;
  b.writeUInt32LE(f.issuer, 3);
  b.writeUInt32LE(f.serial, 7);
  b.writeBigInt64LE(BigInt(f.issuedMs), 11);
  b.writeUInt32LE(f.lifetimeS, 19);
  b[23] = f.uses; b[24] = f.failures; b[25] = f.items;
  b[26] = device.length;
  device.copy(b, 27);
  let at = 27 + device.length;
  b.set(f.salt, at); at += SALT_BYTES;
  b.set(f.verifier, at);
  return b;
}

/** The body followed by its ECDSA P-256 / SHA-256 signature, r ‖ s. */
export function signAuthInfo(f: AuthInfoFields, key: KeyObject): Buffer {
  const body = authInfoBody(f);
  const sig = sign("sha256", body, { key, dsaEncoding: "ieee-p1363" });
  return Buffer.concat([body, sig]);
}

/** Parses the §2.1 bytes (bounded; null when they are not well formed). */
export function parseAuthInfo(blob: Uint8Array): SignedAuthInfo | null {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < HEAD + 1 || b[0] !== AUTH_MAGIC[0] || b[1] !== AUTH_MAGIC[1] || b[2] !== AUTH_VERSION) return null;
  const len = b[26];
  if (len < 1 || len > MAX_DEVICE || b.length !== HEAD + 1 + len + SALT_BYTES + VERIFIER_BYTES + SIGNATURE_BYTES) return null;
  const at = HEAD + 1 + len;
  return {
    issuer: b.readUInt32LE(3), serial: b.readUInt32LE(7), issuedMs: Number(b.readBigInt64LE(11)), lifetimeS: b.readUInt32LE(19),
    uses: b[23], failures: b[24], items: b[25], device: b.subarray(27, at).toString("latin1"),
    salt: b.subarray(at, at + SALT_BYTES), verifier: b.subarray(at + SALT_BYTES, at + SALT_BYTES + VERIFIER_BYTES),
    signature: b.subarray(b.length - SIGNATURE_BYTES),
  };
}

/** Whether the signature of `blob` verifies under `publicKey` over every byte before it. */
export function verifyAuthInfo(blob: Uint8Array, publicKey: KeyObject): boolean {
  if (blob.length <= SIGNATURE_BYTES) return false;
  const body = blob.subarray(0, blob.length - SIGNATURE_BYTES), sig = blob.subarray(blob.length - SIGNATURE_BYTES);
  return verify("sha256", body, { key: publicKey, dsaEncoding: "ieee-p1363" }, sig);
}
