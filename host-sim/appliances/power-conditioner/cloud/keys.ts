// The issuers' key material as bytes the PCS takes: a P-256 key pair made with node's
// crypto and its raw public key (0x04 ‖ X ‖ Y), the CONNECTION value of §1 and the
// MAINTENANCE data of §5.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { ConnectionFields } from "./types.ts";

export const PUBLIC_KEY_BYTES = 65, DEVICE_KEY_BYTES = 32;

export interface IssuerKeys { privateKey: KeyObject; publicKey: KeyObject; /** 65 bytes. */ raw: Buffer }

export function newIssuerKeys(): IssuerKeys {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return issuerKeys(privateKey);
}

/** From a stored private key (PKCS#8 PEM) or a KeyObject. */
export function issuerKeys(key: KeyObject | string): IssuerKeys {
  const privateKey = typeof key === "string" ? createPrivateKey(key) : key;
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, raw: rawPublicKey(publicKey) };
}

/** 0x04 ‖ X ‖ Y of a P-256 public key. */
export function rawPublicKey(k: KeyObject): Buffer {
  const jwk = k.export({ format: "jwk" });
  if (jwk.crv !== "P-256" || !jwk.x || !jwk.y) throw new Error("not a P-256 key");
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
}

/** A KeyObject from 0x04 ‖ X ‖ Y (tests verify signatures with it). */
export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== PUBLIC_KEY_BYTES || raw[0] !== 4) throw new RangeError("a raw P-256 key is 65 bytes from 0x04");
  const b = Buffer.from(raw);
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: b.subarray(1, 33).toString("base64url"), y: b.subarray(33).toString("base64url") }, format: "jwk" });
}

/** CONNECTION's value (§1): partner code u32 ‖ partner public key 65 ‖ device key 32. */
export function connectionBytes(c: ConnectionFields): Buffer {
  const pub = Buffer.from(c.partnerPublicKey, "hex"), key = Buffer.from(c.deviceKey, "hex");
  if (!Number.isInteger(c.partner) || c.partner < 1 || c.partner > 0xffffffff) throw new RangeError("partner: a code 1..2^32-1");
  if (pub.length !== PUBLIC_KEY_BYTES || key.length !== DEVICE_KEY_BYTES) throw new RangeError("public key 65, device key 32 bytes");
  const b = Buffer.alloc(4 + PUBLIC_KEY_BYTES + DEVICE_KEY_BYTES);
  b.writeUInt32LE(c.partner, 0);
  pub.copy(b, 4);
  key.copy(b, 4 + PUBLIC_KEY_BYTES);
  return b;
}

/** MAINTENANCE's data (§5 op 0x21): operator code u32 ‖ public key 65 ‖ salt 16 ‖ verifier 32. */
export function maintenanceData(operator: number, publicKey: Uint8Array, salt: Uint8Array, verifier: Uint8Array): Buffer {
  if (publicKey.length !== PUBLIC_KEY_BYTES || salt.length !== 16 || verifier.length !== 32) throw new RangeError("public key 65, salt 16, verifier 32 bytes");
  const b = Buffer.alloc(4 + PUBLIC_KEY_BYTES + 16 + 32);
  b.writeUInt32LE(operator, 0);
  b.set(publicKey, 4);
  b.set(salt, 4 + PUBLIC_KEY_BYTES);
  b.set(verifier, 4 + PUBLIC_KEY_BYTES + 16);
  return b;
}
