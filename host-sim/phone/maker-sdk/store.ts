// The SDK's own store: a directory the app is not given. The phone key (PKCS#8, made once
// with node crypto) and the grants the key server issued, by the app's lock id. Files are
// written whole through a temporary name, so that a crash leaves the old or the new one.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/** A grant as the SDK keeps it (never handed to the app). */
export interface StoredGrant {
  /** The app's lock id (the booking service's opaque id). */
  lock: string;
  /** The key server's ticket it was issued for. */
  ticket: string;
  grantId: number;
  serial: string;
  start: number;
  end: number;
  /** The grant's bytes (§1.1), base64. */
  grant: string;
}

export class SdkStore {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** The phone key, made on first use and kept. */
  phoneKey(): { privateKey: KeyObject; publicKey: Buffer } {
    const file = join(this.#dir, "phone-key.pem");
    let privateKey: KeyObject;
    if (existsSync(file)) privateKey = createPrivateKey(readFileSync(file, "utf8"));
    else {
      privateKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
      this.write("phone-key.pem", privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    }
    const jwk = createPublicKey(privateKey).export({ format: "jwk" });
    const publicKey = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
    return { privateKey, publicKey };
  }

  grants(): StoredGrant[] {
    const file = join(this.#dir, "grants.json");
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as StoredGrant[]) : [];
  }

  /** Adds or replaces the grant of `g.ticket`. */
  putGrant(g: StoredGrant): void {
    this.write("grants.json", JSON.stringify([...this.grants().filter((x) => x.ticket !== g.ticket), g]));
  }

  private write(name: string, text: string): void {
    const tmp = join(this.#dir, `${name}.tmp`);
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, join(this.#dir, name));
  }
}
