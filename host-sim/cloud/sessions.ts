// Phone sessions (PROTOCOL.md §3): the password is checked once, at POST /api/sessions,
// behind the login limits; every other call carries a random bearer token. The cloud keeps
// only the token's SHA-256 (a 256-bit random token needs no slow hash), bound to the user
// and terminal it was issued to, with an expiry on the cloud's clock.
import { createHash, randomBytes } from "node:crypto";
import { HttpError, type Caller, type Route } from "./http-server.ts";
import type { LoginLimiter } from "./login-limits.ts";
import type { Db } from "./schema.ts";
import type { CreateSessionRequest, CreateSessionResponse } from "./types.ts";
import { isTerminalId, isUserName, type Checked } from "./validate.ts";

/** A week: the phone logs in again after that. Long enough that a lockout of the account
 *  (which an attacker can cause) rarely reaches a phone that is already signed in. */
export const SESSION_TTL_MS = 7 * 24 * 3_600_000;

const TOKEN_BYTES = 32;
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const DDL = `
-- Phone sessions (sessions.ts). The token itself is never stored.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,           -- hex SHA-256 of the bearer token
  user       TEXT NOT NULL REFERENCES users(user),
  terminal   TEXT NOT NULL,
  created    INTEGER NOT NULL,
  expires    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires);
`;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export class SessionStore {
  private readonly q;

  constructor(db: Db, private readonly now: () => number, private readonly ttlMs = SESSION_TTL_MS) {
    db.exec(DDL);
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      insert: p("INSERT INTO sessions (token_hash, user, terminal, created, expires) VALUES (?, ?, ?, ?, ?)"),
      get: p("SELECT user, terminal FROM sessions WHERE token_hash = ? AND expires > ?"),
      drop: p("DELETE FROM sessions WHERE token_hash = ?"),
      purge: p("DELETE FROM sessions WHERE expires <= ?"),
    };
  }

  open(user: string, terminal: string): CreateSessionResponse {
    const t = this.now();
    this.q.purge.run(t);
    const token = randomBytes(TOKEN_BYTES).toString("base64url");
    const expires = t + this.ttlMs;
    this.q.insert.run(digest(token), user, terminal, t, expires);
    return { token, expires };
  }

  /** The caller a token stands for; null when malformed, unknown, revoked or expired. */
  caller(token: string): Caller | null {
    if (!TOKEN_RE.test(token)) return null;
    const id = digest(token);
    const row = this.q.get.get(id, this.now()) as { user: string; terminal: string } | undefined;
    return row ? { user: row.user, terminal: row.terminal, session: id } : null;
  }

  revoke(session: string): void { this.q.drop.run(session); }
}

function checkLogin(body: unknown): Checked<CreateSessionRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "body must be a JSON object" };
  const b = body as Record<string, unknown>;
  if (!isUserName(b.user)) return { ok: false, error: "user: 1..32 of A-Z a-z 0-9 . _ @ -" };
  if (typeof b.password !== "string" || b.password.length > 512) return { ok: false, error: "password: a string" };
  if (!isTerminalId(b.terminal)) return { ok: false, error: "terminal: 1..64 of A-Z a-z 0-9 . _ : -" };
  return { ok: true, value: { user: b.user, password: b.password, terminal: b.terminal } };
}

export interface SessionRouteOptions {
  sessions: SessionStore;
  limiter: LoginLimiter;
  /** True when this user name and password are valid (takes as long for unknown users). */
  checkPassword(user: string, password: string): Promise<boolean>;
  noteTerminal(user: string, terminal: string): void;
}

export function sessionRoutes(o: SessionRouteOptions): Route[] {
  return [
    {
      method: "POST", pattern: /^\/api\/sessions$/, auth: false,
      async handle(ctx) {
        const c = checkLogin(ctx.body);
        if (!c.ok) throw new HttpError(400, c.error);
        const { user, password, terminal } = c.value;
        const admitted = o.limiter.begin(user, ctx.source);
        // The same answer whether or not `user` exists: the count is kept for any name.
        if (!admitted.ok) {
          return {
            status: 429,
            headers: { "Retry-After": String(Math.ceil(admitted.retryAfterMs / 1000)) },
            body: { error: "too many failed logins: retry later" },
          };
        }
        if (!(await o.checkPassword(user, password))) {
          return { status: 401, body: { error: "wrong user name or password" } };
        }
        o.limiter.succeeded(user, ctx.source);
        o.noteTerminal(user, terminal);
        return { status: 201, user, body: o.sessions.open(user, terminal) };
      },
    },
    {
      // Logout: the token stops working at once.
      method: "DELETE", pattern: /^\/api\/sessions\/current$/, auth: true,
      handle(ctx) {
        if (ctx.caller?.session) o.sessions.revoke(ctx.caller.session);
        return { status: 204 };
      },
    },
  ];
}
