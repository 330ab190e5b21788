// The app's HTTPS client for the cloud API (water-heater PROTOCOL.md §3).
import { request } from "node:https";

export interface CloudCredentials { user: string; password: string; terminalId: string }

export class CloudError extends Error {
  constructor(readonly status: number, readonly body: string, what: string) { super(`${what}: HTTP ${status} ${body}`); }
}

export interface CommandAccepted { cmd: number }
export interface CommandResult { cmd: number; status: number | null }
export interface DeviceSummary { deviceId: string; current: boolean; since?: string | number }
export interface HistoryEntry { n: number; event: string; value: number; t: number }

export class CloudClient {
  constructor(private readonly baseUrl: string, private readonly ca: string, private readonly who: CloudCredentials) {}

  call<T>(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; json: T }> {
    const url = new URL(path, this.baseUrl);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (data) headers["content-length"] = String(data.length);
    if (auth) {
      headers.authorization = "Basic " + Buffer.from(`${this.who.user}:${this.who.password}`).toString("base64");
      headers["x-terminal-id"] = this.who.terminalId;
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, ca: this.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = null;
          try { json = text ? JSON.parse(text) : null; } catch { json = text; }
          resolve({ status: res.statusCode ?? 0, json: json as T });
        });
      });
      req.on("error", reject);
      req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path}: no answer from the cloud`)));
      req.end(data);
    });
  }

  async expect<T>(ok: number, method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const r = await this.call<T>(method, path, body, auth);
    if (r.status !== ok) throw new CloudError(r.status, typeof r.json === "string" ? r.json : JSON.stringify(r.json), `${method} ${path}`);
    return r.json;
  }
}
