// Password hashes in Mosquitto's password-file format, so the cloud, the embedded
// broker and a real mosquitto all read the same strings.
//
//   $7$<iterations>$<base64 salt>$<base64 hash>   PBKDF2-HMAC-SHA512, 12-byte salt,
//                                                 64-byte hash (mosquitto_passwd, 2.0+)
//   $6$<base64 salt>$<base64 hash>                SHA-512(password ‖ salt) (1.x; verify only)
//
// Base64 is the standard alphabet with padding, as mosquitto writes it.
import { createHash, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

const SALT_LEN = 12;
const HASH_LEN = 64;
/** mosquitto_passwd 2.0 writes 101; any count is accepted by mosquitto, which reads it
 *  from the string. Higher costs every CONNECT that much more on the broker. */
export const DEFAULT_ITERATIONS = 1000;
const MAX_ITERATIONS = 10_000_000;

const toBytes = (pw: string | Uint8Array): Buffer =>
  typeof pw === "string" ? Buffer.from(pw, "utf8") : Buffer.from(pw.buffer, pw.byteOffset, pw.byteLength);

/** A new salted hash of `pw` in mosquitto's `$7$` format. */
export function hashPassword(pw: string | Uint8Array, iterations = DEFAULT_ITERATIONS): string {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`hashPassword: iterations must be 1..${MAX_ITERATIONS}`);
  }
  const salt = randomBytes(SALT_LEN);
  const hash = pbkdf2Sync(toBytes(pw), salt, iterations, HASH_LEN, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

interface Parsed { kind: 6 | 7; iterations: number; salt: Buffer; hash: Buffer }

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parse(stored: string): Parsed | null {
  const parts = stored.split("$");
  // "$7$101$salt$hash".split("$") = ["", "7", "101", "salt", "hash"]
  if (parts[0] !== "") return null;
  if (parts[1] === "7" && parts.length === 5) {
    if (!/^[0-9]{1,8}$/.test(parts[2])) return null;
    const iterations = Number(parts[2]);
    if (iterations < 1 || iterations > MAX_ITERATIONS) return null;
    if (!B64.test(parts[3]) || !B64.test(parts[4])) return null;
    const salt = Buffer.from(parts[3], "base64"), hash = Buffer.from(parts[4], "base64");
    if (salt.length === 0 || hash.length !== HASH_LEN) return null;
    return { kind: 7, iterations, salt, hash };
  }
  if (parts[1] === "6" && parts.length === 4) {
    if (!B64.test(parts[2]) || !B64.test(parts[3])) return null;
    const salt = Buffer.from(parts[2], "base64"), hash = Buffer.from(parts[3], "base64");
    if (salt.length === 0 || hash.length !== HASH_LEN) return null;
    return { kind: 6, iterations: 0, salt, hash };
  }
  return null;
}

/** True when `stored` is a hash this module can check (a well-formed $7$ or $6$). */
export function isPasswordHash(stored: string): boolean {
  return parse(stored) !== null;
}

function sha512Salted(pw: Buffer, salt: Buffer): Buffer {
  return createHash("sha512").update(pw).update(salt).digest();
}

/** Whether `pw` matches `stored`. A malformed hash never matches. */
export function verifyPassword(pw: string | Uint8Array, stored: string): boolean {
  const p = parse(stored);
  if (!p) return false;
  const got = p.kind === 7
    ? pbkdf2Sync(toBytes(pw), p.salt, p.iterations, HASH_LEN, "sha512")
    : sha512Salted(toBytes(pw), p.salt);
  return timingSafeEqual(got, p.hash);
}

/** verifyPassword off the event loop (PBKDF2 in libuv's thread pool), for brokers. */
export function verifyPasswordAsync(pw: string | Uint8Array, stored: string): Promise<boolean> {
  const p = parse(stored);
  if (!p) return Promise.resolve(false);
  if (p.kind === 6) return Promise.resolve(timingSafeEqual(sha512Salted(toBytes(pw), p.salt), p.hash));
  return new Promise((resolve) => {
    pbkdf2(toBytes(pw), p.salt, p.iterations, HASH_LEN, "sha512", (err, got) => {
      resolve(!err && timingSafeEqual(got, p.hash));
    });
  });
}
