// The HTTPS plumbing shared by every route: routing (404/405), bounded body reading (413),
// JSON parsing (400), bearer-token authentication (401), JSON answers, and one "http"
// event per request. Route handlers (api.ts) see only parsed, authenticated requests.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CloudEvents } from "./events.ts";
import { sourceKey } from "./login-limits.ts";

/** PROTOCOL.md bodies are tiny; anything larger is refused with 413 before parsing. */
export const MAX_BODY_BYTES = 4096;
/** Past this many bytes of an oversized body the connection is cut instead of drained. */
const MAX_DRAIN_BYTES = 1 << 20;

/** Who a request is from: the user and terminal its session was opened for. `session`
 *  names the session (not the token) so that logout can revoke it. */
export interface Caller { user: string; terminal: string; session?: string }

export interface RequestContext {
  /** Captured path segments of the route pattern. */
  params: string[];
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** The authenticated caller (routes with auth: false get none). */
  caller?: Caller;
  /** The client's address as a login-limit key (login-limits.ts sourceKey). */
  source: string;
  /** A request header (lower-case name); a repeated header gives undefined (ambiguous). */
  header(name: string): string | undefined;
  /** A query parameter (`?name=value`, the path's patterns never see the query); a
   *  repeated parameter gives undefined (ambiguous). */
  query(name: string): string | undefined;
}

/** A handler's answer. `user` names the account for the event log (account creation). */
export interface Reply { status: number; body?: unknown; headers?: Record<string, string>; user?: string }

export class HttpError extends Error {
  /** `headers`: sent with the error answer (a 401's WWW-Authenticate challenge). */
  constructor(readonly status: number, message: string, readonly headers?: Record<string, string>) { super(message); }
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** Anchored pattern over the path; capture groups become params. */
  pattern: RegExp;
  auth: boolean;
  handle(ctx: RequestContext): Promise<Reply> | Reply;
}

export interface Authenticator {
  /** The caller a bearer token stands for; null when unknown, revoked or expired. */
  session(token: string): Caller | null;
}

export interface HttpServerOptions {
  tls: { cert: string; key: string; ca?: string };
  routes: Route[];
  auth: Authenticator;
  events: CloudEvents;
  now: () => number;
}

type Body = { kind: "none" } | { kind: "bytes"; data: Buffer } | { kind: "too-large" } | { kind: "aborted" };

function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"] ?? NaN);
    let size = 0, tooLarge = declared > MAX_BODY_BYTES;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        // Draining lets the client finish sending and read our 413; a flood is cut off.
        if (size > MAX_DRAIN_BYTES) req.socket.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(tooLarge ? { kind: "too-large" } : size === 0 ? { kind: "none" } : { kind: "bytes", data: Buffer.concat(chunks) }));
    // A client gone (or cut off above) before the end: resolve anyway, nothing waits forever.
    const gone = () => resolve(tooLarge ? { kind: "too-large" } : { kind: "aborted" });
    req.on("close", gone);
    req.on("error", gone);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...reply.headers,
  });
  res.end(text);
}

const fail = (status: number, error: string, headers?: Record<string, string>): Reply => ({ status, body: { error }, headers });

export function createCloudServer(o: HttpServerOptions): Server {
  async function handle(req: IncomingMessage, path: string, search: URLSearchParams, note: { user?: string; terminal?: string }): Promise<Reply> {
    let route: Route | undefined, params: string[] = [];
    const allowed: string[] = [];
    for (const r of o.routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      allowed.push(r.method);
      if (r.method === req.method) { route = r; params = m.slice(1); break; }
    }
    if (!route) {
      return allowed.length ? fail(405, "method not allowed", { Allow: allowed.join(", ") }) : fail(404, "no such resource");
    }

    const raw = await readBody(req);
    if (raw.kind === "too-large") return fail(413, `body over ${MAX_BODY_BYTES} bytes`, { Connection: "close" });
    if (raw.kind === "aborted") return fail(400, "request body incomplete");

    let caller: Caller | undefined;
    if (route.auth) {
      const header = req.headers.authorization?.trim() ?? "";
      const bearer = /^Bearer ([^\s]+)$/i.exec(header);
      const challenge = { "WWW-Authenticate": 'Bearer realm="cloud"' };
      // Basic credentials are refused outright: a password travels only to POST
      // /api/sessions, where the login limits apply.
      if (/^Basic\b/i.test(header)) return fail(401, "Basic credentials are not accepted here: log in with POST /api/sessions", challenge);
      caller = bearer ? o.auth.session(bearer[1]) ?? undefined : undefined;
      if (!caller) return fail(401, "log in with POST /api/sessions; the session is unknown, expired or ended", challenge);
      note.user = caller.user;
      note.terminal = caller.terminal;
      // The token is bound to its terminal: another terminal id means another phone.
      const terminal = req.headers["x-terminal-id"];
      if (terminal !== undefined && terminal !== caller.terminal) return fail(401, "session belongs to another terminal", challenge);
    }

    let body: unknown;
    if (raw.kind === "bytes") {
      try { body = JSON.parse(raw.data.toString("utf8")); } catch { return fail(400, "body is not valid JSON"); }
    }

    try {
      const header = (name: string) => { const v = req.headers[name]; return typeof v === "string" ? v : undefined; };
      const query = (name: string) => { const v = search.getAll(name); return v.length === 1 ? v[0] : undefined; };
      const reply = await route.handle({ params, body, caller, source: sourceKey(req.socket.remoteAddress), header, query });
      if (reply.user) note.user = reply.user;
      return reply;
    } catch (err) {
      if (err instanceof HttpError) return fail(err.status, err.message, err.headers);
      o.events.emitEvent({ kind: "log", t: o.now(), message: `${req.method} ${path}: ${(err as Error).message}` });
      return fail(500, "internal error");
    }
  }

  return createServer({ cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca }, (req, res) => {
    const note: { user?: string; terminal?: string } = {};
    const url = req.url ?? "/", at = url.indexOf("?");
    const path = at < 0 ? url : url.slice(0, at), search = at < 0 ? "" : url.slice(at + 1);
    // The event is emitted as the answer is written (not on "finish"), so it is in the
    // log before the client can act on the answer: the home view's order is causal.
    const answer = (reply: Reply) => {
      o.events.emitEvent({ kind: "http", t: o.now(), method: req.method ?? "?", path, status: reply.status, ...note });
      send(res, reply);
    };
    handle(req, path, new URLSearchParams(search), note).then(answer, (err: Error) => {
      o.events.emitEvent({ kind: "log", t: o.now(), message: `${req.method} ${path}: ${err.message}` });
      if (!res.headersSent) answer(fail(500, "internal error"));
    });
  });
}
