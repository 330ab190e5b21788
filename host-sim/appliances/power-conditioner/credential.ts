// Authentication information and credentials on the host side
// (firmware/images/power-conditioner/PROTOCOL.md §2.1-§2.2): the salted verifier a server
// or the factory derives from the digits it gives the user, and the signed bytes a server
// sends to the PCS. The digits themselves stay with whoever made them (the message outbox).
import { createHash, createPrivateKey, randomBytes, sign, type KeyObject } from "node:crypto";

export const AUTH_MAGIC = [0x50, 0x41] as const;  // 'P' 'A'
export const AUTH_VERSION = 1;
export const SALT_LEN = 16, VERIFIER_LEN = 32, SIGNATURE_LEN = 64;
export const SERVER_DIGITS = 10, MAINTENANCE_DIGITS = 12;
/** The `kind` of a check (PROTOCOL.md §2.2, BLE AUTH). */
export const CredentialKind = { SERVER: 1, MAINTENANCE: 2 } as const;

/** SHA-256("pcs-credential-v1" ‖ device serial ‖ salt ‖ digits in ASCII). */
export function credentialVerifier(serial: string, salt: Uint8Array, digits: string): Buffer {
  if (!/^\d+$/.test(digits)) throw new RangeError("a credential is digits");
  return createHash("sha256").update("pcs-credential-v1").update(serial, "utf8").update(salt).update(digits, "ascii").digest();
}

/** `n` digits from `random` (rejection sampling: every digit equally likely). */
export function credentialDigits(n: number, random: (k: number) => Uint8Array = randomBytes): string {
  let out = "";
  while (out.length < n) for (const b of random(n)) if (b < 250 && out.length < n) out += String(b % 10);
  return out;
}

/** The fields of authentication information before its signature. */
export interface AuthInfoFields {
  issuer: number;
  serial: number;
  issuedUtcMs: number;
  /** 0: the PCS's default (24 h). */
  lifetimeS: number;
  /** N and M; 0: the PCS's defaults. */
  uses: number;
  failures: number;
  /** Bits 1 << item. */
  items: number;
  /** The PCS it is for. */
  device: string;
  salt: Uint8Array;
  verifier: Uint8Array;
}

/** Everything the signature covers (§2.1, little-endian). */
export function authInfoBody(f: AuthInfoFields): Buffer {
  const device = Buffer.from(f.device, "utf8");
  if (device.length < 1 || device.length > 32) throw new RangeError("a device serial is 1..32 bytes");
  if (f.salt.length !== SALT_LEN || f.verifier.length !== VERIFIER_LEN) throw new RangeError("salt 16, verifier 32");
  const head = Buffer.alloc(27);
  head[0] = AUTH_MAGIC[0]; head[1] = AUTH_MAGIC[1]; head[2] = AUTH_VERSION;
  head.writeUInt32LE(f.issuer >>> 0, 3);
  head.writeUInt32LE(f.serial >>> 0, 7);
  head.writeBigInt64LE(BigInt(f.issuedUtcMs), 11);
  head.writeUInt32LE(f.lifetimeS >>> 0, 19);
  head[23] = f.uses; head[24] = f.failures; head[25] = f.items; head[26] = device.length;
  return Buffer.concat([head, device, Buffer.from(f.salt), Buffer.from(f.verifier)]);
}

/** The body and its ECDSA P-256 / SHA-256 signature, r ‖ s (what the PCS verifies). */
export function signAuthInfo(f: AuthInfoFields, key: KeyObject | string): Buffer {
  const body = authInfoBody(f);
  const k = typeof key === "string" ? createPrivateKey(key) : key;
  return Buffer.concat([body, sign("sha256", body, { key: k, dsaEncoding: "ieee-p1363" })]);
}

/** The MAINTENANCE op's data (§5): operator code, its public key, salt, verifier. */
export function maintenanceData(operator: number, operatorKey: Uint8Array, salt: Uint8Array, verifier: Uint8Array): Buffer {
  if (operatorKey.length !== 65 || salt.length !== SALT_LEN || verifier.length !== VERIFIER_LEN) throw new RangeError("key 65, salt 16, verifier 32");
  const code = Buffer.alloc(4); code.writeUInt32LE(operator >>> 0);
  return Buffer.concat([code, Buffer.from(operatorKey), Buffer.from(salt), Buffer.from(verifier)]);
}
