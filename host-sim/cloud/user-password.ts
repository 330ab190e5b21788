// Hashes of the phone users' passwords (not the devices'). scrypt, checked at login
// (POST /api/sessions) only; node runs scrypt in the thread pool, so a slow hash here
// does not stall the event loop. Device passwords use the broker's $7$ format
// instead (host-sim/net/password-hash.ts), because the broker must read them.
//
//   scrypt$<log2 N>$<r>$<p>$<base64 salt>$<base64 hash>
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const SALT_LEN = 16, HASH_LEN = 32;
/** N = 2^14: about 16 MiB and tens of milliseconds per check. Tests may lower it. */
export const DEFAULT_USER_HASH_LOG_N = 14;

function scryptAsync(pw: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pw, salt, HASH_LEN, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key));
  });
}

export async function hashUserPassword(pw: string, logN = DEFAULT_USER_HASH_LOG_N): Promise<string> {
  if (!Number.isInteger(logN) || logN < 1 || logN > 20) throw new RangeError("hashUserPassword: logN must be 1..20");
  const salt = randomBytes(SALT_LEN);
  const hash = await scryptAsync(pw, salt, logN, 8, 1);
  return `scrypt$${logN}$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyUserPassword(pw: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (!(logN >= 1 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4], "base64"), want = Buffer.from(parts[5], "base64");
  if (salt.length === 0 || want.length !== HASH_LEN) return false;
  try {
    return timingSafeEqual(await scryptAsync(pw, salt, logN, r, p), want);
  } catch {
    return false;
  }
}
