// Crypto primitives of the board ABI on node:crypto. Byte-level functions only: the
// pointer handling lives in ts-device.ts. Results use the ABI's codes so the device can
// hand them straight back to the image.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, createPublicKey, verify, type KeyObject } from "node:crypto";
import { E_AUTH, E_INVAL, OK } from "./errors.ts";

export const GCM_NONCE = 12;
export const GCM_TAG = 16;

export function sha256(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(data).digest();
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac("sha256", key).update(data).digest();
}

function gcmAlgorithm(key: Uint8Array): "aes-128-gcm" | "aes-256-gcm" | null {
  return key.length === 16 ? "aes-128-gcm" : key.length === 32 ? "aes-256-gcm" : null;
}

/** ciphertext || 16-byte tag, or E_INVAL for a bad key or nonce length. */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plain: Uint8Array): Uint8Array | number {
  const alg = gcmAlgorithm(key);
  if (!alg || nonce.length !== GCM_NONCE) return E_INVAL;
  const c = createCipheriv(alg, key, nonce, { authTagLength: GCM_TAG });
  c.setAAD(aad);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** The plaintext, E_INVAL for a bad key or nonce length, E_AUTH if the tag does not verify
 *  (including input shorter than a tag: nothing there can be authenticated). */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | number {
  const alg = gcmAlgorithm(key);
  if (!alg || nonce.length !== GCM_NONCE) return E_INVAL;
  if (sealed.length < GCM_TAG) return E_AUTH;
  const ctLen = sealed.length - GCM_TAG;
  const d = createDecipheriv(alg, key, nonce, { authTagLength: GCM_TAG });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(ctLen));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, ctLen)), d.final()]);
  } catch {
    return E_AUTH;
  }
}

/** An uncompressed SEC1 point (0x04 || X || Y) as a KeyObject, or null if it is not one
 *  on P-256 (node validates the point when importing the JWK). */
function p256Key(pub: Uint8Array): KeyObject | null {
  if (pub.length !== 65 || pub[0] !== 0x04) return null;
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64url");
  try {
    return createPublicKey({
      key: { kty: "EC", crv: "P-256", x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33, 65)) },
      format: "jwk",
    });
  } catch {
    return null;
  }
}

/** OK if `sig` (r || s, 64 bytes) signs SHA-256(msg) under `pub`; E_AUTH if not; E_INVAL
 *  for a key that is not a P-256 point. */
export function ecdsaP256Verify(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): number {
  const key = p256Key(pub);
  if (!key) return E_INVAL;
  if (sig.length !== 64) return E_AUTH;
  try {
    return verify("sha256", msg, { key, dsaEncoding: "ieee-p1363" }, sig) ? OK : E_AUTH;
  } catch {
    return E_AUTH;
  }
}

// ---- ECDH P-256 (ABI: ecdh_p256_public / ecdh_p256_shared)

export const P256_PRIV = 32;
export const P256_PUB = 65;
export const P256_SHARED = 32;
/** The order n of the P-256 base point (SEC 2, secp256r1). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** A private scalar is usable when 1 <= k <= n - 1. Checked here rather than left to
 *  OpenSSL's error, so the rule is the ABI's and not an engine's. */
export function p256PrivValid(priv: Uint8Array): boolean {
  if (priv.length !== P256_PRIV) return false;
  const k = BigInt("0x" + Buffer.from(priv).toString("hex"));
  return k >= 1n && k < P256_ORDER;
}

function p256Ecdh(priv: Uint8Array) {
  const e = createECDH("prime256v1");
  e.setPrivateKey(priv);
  return e;
}

/** The uncompressed public point (0x04 || X || Y) of `priv`, or E_INVAL if `priv` is 0 or
 *  not below the group order. */
export function ecdhP256Public(priv: Uint8Array): Uint8Array | number {
  if (!p256PrivValid(priv)) return E_INVAL;
  return p256Ecdh(priv).getPublicKey();
}

/** The shared X coordinate of `priv` times `peerPub`, or E_INVAL for a bad private key or
 *  a peer key that is not an uncompressed point on P-256. */
export function ecdhP256Shared(priv: Uint8Array, peerPub: Uint8Array): Uint8Array | number {
  if (!p256PrivValid(priv)) return E_INVAL;
  // Only the uncompressed form: node would also take compressed or hybrid encodings.
  if (peerPub.length !== P256_PUB || peerPub[0] !== 0x04) return E_INVAL;
  try {
    return p256Ecdh(priv).computeSecret(peerPub);   // validates the point (on the curve)
  } catch {
    return E_INVAL;
  }
}
