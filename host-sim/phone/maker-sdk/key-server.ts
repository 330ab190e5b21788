// The SDK's one call to the maker's key server (PROTOCOL.md §7): POST /api/lock/grants with
// the ticket and the phone's public key, over real TLS. No account: the ticket is the
// authority. The answer goes straight into the SDK's store.
import { request } from "node:https";
import type { GrantRequest, GrantResponse } from "../../appliances/lock/cloud/types.ts";

export class KeyServerRefused extends Error {
  constructor(readonly status: number, message: string) { super(`the key server refused the grant (${status}): ${message}`); }
}

/** Answers are small; anything larger is not the key server's. */
const MAX_ANSWER = 16 * 1024;

export function fetchGrant(url: string, ca: string, req: GrantRequest): Promise<GrantResponse> {
  const text = JSON.stringify(req);
  return new Promise((resolve, reject) => {
    const r = request(new URL("/api/lock/grants", url), {
      method: "POST", ca, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => { size += c.length; if (size > MAX_ANSWER) res.destroy(new Error("the key server's answer is too large")); else chunks.push(c); });
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        if (res.statusCode !== 201) { reject(new KeyServerRefused(res.statusCode ?? 0, raw.slice(0, 200))); return; }
        try {
          const g = JSON.parse(raw) as GrantResponse;
          if (typeof g.grant !== "string" || !Number.isInteger(g.grantId) || typeof g.serial !== "string" || typeof g.start !== "number" || typeof g.end !== "number") throw new Error("fields");
          resolve(g);
        } catch { reject(new Error("the key server's grant answer is malformed")); }
      });
    });
    r.on("error", reject);
    r.end(text);
  });
}
