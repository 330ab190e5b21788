// Figures for the cloud's phone authentication (PROTOCOL.md §3 Sessions, Login limits):
//   npx tsx scripts/cloud-auth-figures.ts                 this tree
//   npx tsx scripts/cloud-auth-figures.ts --basic <dir>   a tree from before sessions
//                                                        (every call sends Basic credentials)
// 1. Median latency of a phone API call (GET /api/devices) at the production scrypt cost.
// 2. Password guesses an attacker gets per account and per source address: measured on
//    the wall clock where nothing limits them, and by following Retry-After on the
//    cloud's injected clock where the login limits apply.
import { request } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadOrCreatePki } from "../host-sim/net/pki.ts";
import { waterHeaterCloud } from "../host-sim/appliances/water-heater/cloud-service.ts";

const { values } = parseArgs({ options: { basic: { type: "string" }, calls: { type: "string", default: "60" } } });
const tree = values.basic ? resolve(values.basic) : resolve(import.meta.dirname, "..");
const basic = values.basic !== undefined;
const { startCloud } = await import(join(tree, "host-sim/cloud/index.ts"));

const dir = mkdtempSync(join(tmpdir(), "cloud-auth-figures-"));
const pki = loadOrCreatePki(join(dir, "pki"));
interface Answer { status: number; body: any; retryAfter: number }

function send(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, localAddress?: string): Promise<Answer> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((res, rej) => {
    const h: Record<string, string | number> = { ...headers };
    if (text) { h["Content-Type"] = "application/json"; h["Content-Length"] = Buffer.byteLength(text); }
    const req = request(`${url}${path}`, { method, headers: h, ca: pki.ca, agent: false, localAddress }, (r) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => {
        const raw = Buffer.concat(chunks).toString();
        res({ status: r.statusCode!, body: raw ? JSON.parse(raw) : undefined, retryAfter: Number(r.headers["retry-after"] ?? NaN) });
      });
    });
    req.on("error", rej);
    req.end(text);
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const user = { user: "alice", password: "alice-password-1", terminal: "phone-a" };
const basicAuth = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`, "X-Terminal-Id": user.terminal });

async function cloudAt(clock: { t: number }, userHashLogN?: number) {
  // A tree from before appliance folders ignores `service` (its cloud knew the settings).
  return startCloud({ service: waterHeaterCloud, tls: { cert: pki.server.cert, key: pki.server.key }, dbPath: ":memory:", now: () => clock.t, log: () => {}, userHashLogN });
}

async function latency(): Promise<void> {
  const clock = { t: Date.now() };
  const cloud = await cloudAt(clock); // production scrypt cost (log2 N = 14)
  try {
    await send(cloud.url, "POST", "/api/users", { user: user.user, password: user.password });
    let headers = basicAuth(user.user, user.password);
    if (!basic) {
      const login = await send(cloud.url, "POST", "/api/sessions", user);
      headers = { Authorization: `Bearer ${login.body.token}`, "X-Terminal-Id": user.terminal };
    }
    const ms: number[] = [];
    for (let i = 0; i < Number(values.calls); i++) {
      const t0 = performance.now();
      const r = await send(cloud.url, "GET", "/api/devices", undefined, headers);
      ms.push(performance.now() - t0);
      if (r.status !== 200) throw new Error(`GET /api/devices: ${r.status}`);
    }
    console.log(`phone API call (GET /api/devices, ${basic ? "Basic credentials" : "Bearer token"}): median ${median(ms).toFixed(1)} ms over ${ms.length}`);
  } finally { await cloud.stop(); }
}

/** Before: nothing holds guesses back, so the rate is what the server can check (8 at a
 *  time for 5 s, at production scrypt cost). */
async function unlimitedRate(): Promise<void> {
  const clock = { t: Date.now() };
  const cloud = await cloudAt(clock);
  try {
    await send(cloud.url, "POST", "/api/users", { user: user.user, password: user.password });
    const end = performance.now() + 5000;
    let wrong = 0, other = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (performance.now() < end) {
        const r = await send(cloud.url, "GET", "/api/devices", undefined, basicAuth(user.user, `guess-${wrong}`));
        if (r.status === 401) wrong++; else other++;
      }
    }));
    const perHour = Math.round(wrong / 5 * 3600);
    console.log(`guesses per hour, one account from one source (no limits): ${perHour} (${wrong} answered 401 in 5 s, ${other} other)`);
  } finally { await cloud.stop(); }
}

/** After: an attacker who always waits exactly Retry-After, on the cloud's clock. */
async function limitedRate(scope: "account" | "source"): Promise<void> {
  const clock = { t: 1_800_000_000_000 };
  const cloud = await cloudAt(clock, 4);
  const start = clock.t;
  const HOUR = 3_600_000, horizon = 7 * 24 * HOUR;
  let n = 0, inFirstHour = 0, source = 0;
  try {
    await send(cloud.url, "POST", "/api/users", { user: user.user, password: user.password });
    while (clock.t - start < horizon) {
      // Per account: each guess from a new address; per source: each at a new account.
      const from = scope === "account" ? `127.0.${(source >> 8) & 255}.${(source++ & 255) || 1}` : "127.0.0.2";
      const name = scope === "account" ? user.user : `user${n}`;
      const r = await send(cloud.url, "POST", "/api/sessions", { user: name, password: `guess-${n}`, terminal: "x" }, {}, from);
      if (r.status === 401) { n++; if (clock.t - start < HOUR) inFirstHour++; }
      else if (r.status === 429) clock.t += r.retryAfter * 1000;
      else throw new Error(`login: ${r.status}`);
    }
    console.log(`guesses per ${scope} (login limits): ${inFirstHour} in the first hour, ${n} in 7 days = ${(n / (7 * 24)).toFixed(2)} per hour`);
  } finally { await cloud.stop(); }
}

try {
  await latency();
  if (basic) await unlimitedRate();
  else { await limitedRate("account"); await limitedRate("source"); }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
