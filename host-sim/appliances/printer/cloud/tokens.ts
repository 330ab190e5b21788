// The cloud's printer tokens as bytes: made from the OS's CSPRNG, stored as SHA-256,
// compared in constant time, and read from the wire with a strict, bounded decoder.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** ST, SVWT and CWT: 32 random bytes (the printer accepts 16..64). */
export const CLOUD_TOKEN_BYTES = 32;
/** What the printer and phones may present: the tokens module's bounds. */
export const TOKEN_MIN = 16, TOKEN_MAX = 64;

export const newToken = (): Buffer => randomBytes(CLOUD_TOKEN_BYTES);
export const tokenHash = (token: Uint8Array): Buffer => createHash("sha256").update(token).digest();

/** Same hash, in constant time (both are SHA-256 outputs, so the lengths never differ). */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Standard base64 with padding (the MQTT payloads and the SVWT/CWT in JSON bodies) of a
 *  token of TOKEN_MIN..TOKEN_MAX bytes; null otherwise. */
export function decodeToken(s: unknown): Buffer | null {
  if (typeof s !== "string" || s.length > 4 * Math.ceil(TOKEN_MAX / 3) || !B64.test(s)) return null;
  const bytes = Buffer.from(s, "base64");
  return bytes.length >= TOKEN_MIN && bytes.length <= TOKEN_MAX ? bytes : null;
}
export const encodeToken = (t: Uint8Array): string => Buffer.from(t).toString("base64");

/** The SVT: 32 random bytes, base64url without padding (43 characters). */
const SVT_RE = /^[A-Za-z0-9_-]{43}$/;
export function decodeSvt(s: string | undefined): Buffer | null {
  if (s === undefined || !SVT_RE.test(s)) return null;
  return Buffer.from(s, "base64url");
}
export const encodeSvt = (t: Uint8Array): string => Buffer.from(t).toString("base64url");
