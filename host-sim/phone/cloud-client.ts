// The app's HTTPS client for the cloud API (water-heater PROTOCOL.md §3). It logs in
// once (POST /api/sessions) and sends the session's bearer token on every other call;
// when the cloud says the session is over (401), it logs in again and retries once.
import { Agent, request } from "node:https";
import { createSecureContext } from "node:tls";
import type { CreateSessionResponse } from "../cloud/types.ts";

export interface CloudCredentials { user: string; password: string; terminalId: string }

export class CloudError extends Error {
  constructor(readonly status: number, readonly body: string, what: string, readonly retryAfterS?: number) {
    super(`${what}: HTTP ${status} ${body}`);
  }
}

export interface CommandAccepted { cmd: number }
export interface CommandResult { cmd: number; status: number | null }
export interface DeviceSummary { deviceId: string; current: boolean; since?: string | number }
export interface HistoryEntry { n: number; event: string; value: number; t: number }

/** One connection pool per CA the app trusts: its TLS context is made once, connections
 *  stay open between calls (keep-alive) and a new one resumes the TLS session, so a call
 *  costs no handshake after the first. */
const agents = new Map<string, Agent>();
function agentFor(ca: string): Agent {
  let a = agents.get(ca);
  if (!a) {
    a = new Agent({ keepAlive: true, secureContext: createSecureContext({ ca }) });
    agents.set(ca, a);
  }
  return a;
}

export class CloudClient {
  private token: string | null = null;
  /** Logins made so far (a phone that keeps its session makes one). */
  logins = 0;
  /** Told of every new session and of its end (the app keeps it across runs). */
  onSession: ((token: string | null) => void) | null = null;

  constructor(private readonly baseUrl: string, private readonly ca: string, private readonly who: CloudCredentials) {}

  /** Opens a session. Throws CloudError on 401 (wrong password) and 429 (login limits:
   *  the error's body says so and `retryAfterS` says when to try again). */
  async login(): Promise<void> {
    this.token = null;
    const r = await this.send<CreateSessionResponse>("POST", "/api/sessions",
      { user: this.who.user, password: this.who.password, terminal: this.who.terminalId });
    if (r.status !== 201) throw new CloudError(r.status, JSON.stringify(r.json), "log in", r.retryAfterS);
    this.logins++;
    this.token = r.json.token;
    this.onSession?.(this.token);
  }

  /** Continues a session kept from an earlier run; if the cloud has ended it, the next
   *  call logs in again (the 401 path of call()). */
  resume(token: string): void { this.token = token; }
  get hasSession(): boolean { return this.token !== null; }

  /** Ends the session at the cloud; the next call logs in again. */
  async logout(): Promise<void> {
    if (this.token) await this.send("DELETE", "/api/sessions/current");
    this.token = null;
    this.onSession?.(null);
  }

  /** `extra`: more request headers (the printer's X-Service-Token). A 401 is answered by
   *  logging in again only when the session is what was refused (the cloud's Bearer
   *  challenge); any other 401 (an expired service token) comes back as it is. */
  async call<T>(method: string, path: string, body?: unknown, auth = true, extra: Record<string, string> = {}): Promise<{ status: number; json: T }> {
    if (!auth) return this.send<T>(method, path, body, false, extra);
    const fresh = this.token === null;
    if (fresh) await this.login();
    const r = await this.send<T>(method, path, body, true, extra);
    if (r.status !== 401 || fresh || !r.sessionRefused) return r;
    await this.login(); // expired or revoked elsewhere
    return this.send<T>(method, path, body, true, extra);
  }

  private send<T>(method: string, path: string, body?: unknown, auth = true, extra: Record<string, string> = {}): Promise<{ status: number; json: T; retryAfterS?: number; sessionRefused?: boolean }> {
    const url = new URL(path, this.baseUrl);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { "content-type": "application/json", ...extra };
    if (data) headers["content-length"] = String(data.length);
    if (auth && this.token) {
      headers.authorization = `Bearer ${this.token}`;
      headers["x-terminal-id"] = this.who.terminalId;
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: agentFor(this.ca) }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = null;
          try { json = text ? JSON.parse(text) : null; } catch { json = text; }
          const retry = Number(res.headers["retry-after"]);
          const sessionRefused = /^Bearer\b/i.test(String(res.headers["www-authenticate"] ?? ""));
          resolve({ status: res.statusCode ?? 0, json: json as T, sessionRefused, ...(Number.isFinite(retry) ? { retryAfterS: retry } : {}) });
        });
      });
      req.on("error", reject);
      req.setTimeout(5000, () => req.destroy(new Error(`${method} ${path}: no answer from the cloud`)));
      req.end(data);
    });
  }

  async expect<T>(ok: number, method: string, path: string, body?: unknown, auth = true, extra: Record<string, string> = {}): Promise<T> {
    const r = await this.call<T>(method, path, body, auth, extra);
    if (r.status !== ok) throw new CloudError(r.status, typeof r.json === "string" ? r.json : JSON.stringify(r.json), `${method} ${path}`);
    return r.json;
  }
}
