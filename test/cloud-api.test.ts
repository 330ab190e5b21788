// The cloud's HTTPS API and MQTT handling, with a fake MQTT transport and a fake broker
// directory (no broker): run with  npx tsx --test test/cloud-api.test.ts
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { loadOrCreatePki, type Pki } from "../host-sim/net/pki.ts";
import { verifyPassword } from "../host-sim/net/password-hash.ts";
import { CloudClient } from "../host-sim/phone/cloud-client.ts";
import { waterHeaterCloud } from "../host-sim/appliances/water-heater/cloud-service.ts";
import { SESSION_TTL_MS, startCloud, type CloudEvent, type CloudHandle, type DeviceDirectory, type MqttTransport } from "../host-sim/cloud/index.ts";

// ---------------------------------------------------------------- fakes and helpers

class FakeTransport implements MqttTransport {
  published: { topic: string; payload: string }[] = [];
  private cb: ((topic: string, payload: Buffer | string) => void) | null = null;
  publish(topic: string, payload: string): void { this.published.push({ topic, payload }); }
  onMessage(cb: (topic: string, payload: Buffer | string) => void): void { this.cb = cb; }
  /** A device publishing on its uplink. */
  up(deviceId: string, kind: string, payload: unknown): void {
    assert.ok(this.cb, "cloud attached no handler");
    this.cb(`devices/${deviceId}/up/${kind}`, Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)));
  }
}

class FakeDirectory implements DeviceDirectory {
  devices = new Map<string, string>();
  serials = new Map<string, string>();
  removed: string[] = [];
  async setDevice(id: string, hash: string, serial: string): Promise<void> { this.devices.set(id, hash); this.serials.set(id, serial); }
  async removeDevice(id: string): Promise<void> { this.devices.delete(id); this.removed.push(id); }
}

interface Who { user: string; password: string; terminal: string }
interface Answer { status: number; body: any; headers: Record<string, string | string[] | undefined> }

let pki: Pki;
let dir: string;
/** Every secret a test used: none may appear in any emitted event. */
const secrets = new Set<string>();

before(() => {
  dir = mkdtempSync(join(tmpdir(), "cloud-api-"));
  pki = loadOrCreatePki(join(dir, "pki"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface World {
  cloud: CloudHandle;
  mqtt: FakeTransport;
  directory: FakeDirectory;
  events: CloudEvent[];
  clock: { t: number };
  dbPath: string;
  /** A request as the phone makes it: with a session of `who` (logging in on first use). */
  call(who: Who | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** A request with exactly these headers, optionally from another local address. */
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>, localAddress?: string): Promise<Answer>;
  login(who: Who, localAddress?: string): Promise<Answer>;
  tokenOf(who: Who): Promise<string>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function world(dbPath = join(dir, `${randomUUID()}.db`)): Promise<World> {
  const clock = { t: 1_795_000_000_000 };
  const events: CloudEvent[] = [];
  const w = { clock, events, dbPath } as World;
  const start = async () => {
    w.mqtt = new FakeTransport();
    w.directory = new FakeDirectory();
    w.cloud = await startCloud({
      service: waterHeaterCloud,
      tls: { cert: pki.server.cert, key: pki.server.key },
      dbPath,
      transport: w.mqtt,
      directory: w.directory,
      now: () => clock.t,
      log: () => {},
      onEvent: (e) => events.push(e),
      userHashLogN: 4,
    });
  };
  await start();
  const tokens = new Map<string, string>();
  w.raw = (method, path, body, headers = {}, localAddress) => new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const h: Record<string, string | number> = {};
    if (text !== undefined) { h["Content-Type"] = "application/json"; h["Content-Length"] = Buffer.byteLength(text); }
    Object.assign(h, headers);
    const req = request(`${w.cloud.url}${path}`, { method, headers: h, ca: pki.ca, agent: false, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, body: raw ? JSON.parse(raw) : undefined, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(text);
  });
  w.login = async (who, localAddress) => {
    secrets.add(who.password);
    return w.raw("POST", "/api/sessions", { user: who.user, password: who.password, terminal: who.terminal }, {}, localAddress);
  };
  w.tokenOf = async (who) => {
    const key = `${who.user}\n${who.terminal}\n${who.password}`;
    let token = tokens.get(key);
    if (!token) {
      const r = await w.login(who);
      assert.equal(r.status, 201, `login of ${who.user}: ${JSON.stringify(r.body)}`);
      token = r.body.token as string;
      secrets.add(token);
      tokens.set(key, token);
    }
    return token;
  };
  w.call = async (who, method, path, body, headers = {}) => {
    const h: Record<string, string> = {};
    if (who) { h.Authorization = `Bearer ${await w.tokenOf(who)}`; h["X-Terminal-Id"] = who.terminal; }
    return w.raw(method, path, body, { ...h, ...headers });
  };
  w.restart = async () => { await w.cloud.stop(); await start(); };
  w.stop = async () => {
    await w.cloud.stop();
    const log = JSON.stringify(events);
    for (const s of secrets) assert.ok(!log.includes(s), "a password or Authorization value appeared in the event log");
  };
  return w;
}

const alice: Who = { user: "alice", password: "alice-password-1", terminal: "phone-a" };
const bob: Who = { user: "bob", password: "bob-password-22", terminal: "phone-b" };
const carol: Who = { user: "carol", password: "carol-password-3", terminal: "phone-c" };

async function signUp(w: World, ...who: Who[]): Promise<void> {
  for (const u of who) {
    secrets.add(u.password);
    assert.equal((await w.call(null, "POST", "/api/users", { user: u.user, password: u.password })).status, 201);
  }
}

/** A new registration by `who`; returns the device id and the device password. */
async function register(w: World, who: Who, serial = "WH-0001"): Promise<{ id: string; pw: string }> {
  const id = randomUUID(), pw = `dev-${randomUUID()}`.slice(0, 32);
  secrets.add(pw);
  const r = await w.call(who, "POST", "/api/registrations", { deviceId: id, devicePassword: pw, serial });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id, pw };
}

const downs = (w: World) => w.mqtt.published.filter((p) => p.topic.endsWith("/down")).map((p) => ({ topic: p.topic, msg: JSON.parse(p.payload) }))
  .filter((d) => "cmd" in d.msg);
/** What the cloud published on a device's down topic, as objects. */
const downMessages = (w: World, id: string) => w.mqtt.published.filter((p) => p.topic === `devices/${id}/down`).map((p) => JSON.parse(p.payload));
const acks = (w: World, id: string) => downMessages(w, id).filter((m) => "ack" in m).map((m) => m.ack as number);

// ---------------------------------------------------------------- tests

describe("accounts and sessions", () => {
  it("creates a user once; a login opens a session whose bearer token every other call carries", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      assert.equal((await w.call(null, "POST", "/api/users", { user: "alice", password: "another-password" })).status, 409);
      assert.equal((await w.call(null, "POST", "/api/users", { user: "a:b", password: "long-enough-pw" })).status, 400);
      assert.equal((await w.call(null, "POST", "/api/users", { user: "dave", password: "short" })).status, 400);

      const login = await w.login(alice);
      assert.equal(login.status, 201);
      assert.match(login.body.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(login.body.expires, w.clock.t + SESSION_TTL_MS);
      secrets.add(login.body.token);
      const wrong = await w.login({ ...alice, password: "not-her-password" });
      const nobody = await w.login({ ...alice, user: "nobody" });
      assert.equal(wrong.status, 401);
      assert.deepEqual([nobody.status, nobody.body], [wrong.status, wrong.body], "unknown user answered like a wrong password");
      assert.equal((await w.raw("POST", "/api/sessions", { user: "alice", password: "alice-password-1" })).status, 400, "terminal required");

      const ok = await w.raw("GET", "/api/devices", undefined, { Authorization: `Bearer ${login.body.token}` });
      assert.deepEqual([ok.status, ok.body], [200, []]);
      assert.equal((await w.call(null, "GET", "/api/devices")).status, 401);
      const unknown = await w.raw("GET", "/api/devices", undefined, { Authorization: `Bearer ${"A".repeat(43)}` });
      assert.equal(unknown.status, 401);
      assert.match(String(unknown.headers["www-authenticate"]), /^Bearer/);
      const other = await w.raw("GET", "/api/devices", undefined, { Authorization: `Bearer ${login.body.token}`, "X-Terminal-Id": "phone-z" });
      assert.equal(other.status, 401, "the token is bound to its terminal");
    } finally { await w.stop(); }
  });

  it("refuses Basic credentials on every route but the login, even correct ones", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice);
      const basic = { Authorization: `Basic ${Buffer.from(`${alice.user}:${alice.password}`).toString("base64")}`, "X-Terminal-Id": alice.terminal };
      secrets.add(basic.Authorization.slice(6));
      for (const [method, path, body] of [["GET", "/api/devices"], ["GET", `/api/devices/${id}/history`],
        ["POST", `/api/devices/${id}/commands`, { set: "bath_temp", value: 40 }], ["POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "0123456789abcdef" }],
        ["DELETE", "/api/sessions/current"]] as const) {
        const r = await w.raw(method, path, body, basic);
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.match(r.body.error, /Basic credentials are not accepted/);
      }
      assert.equal(w.mqtt.published.length, 0, "no command went out");
    } finally { await w.stop(); }
  });

  it("a session expires by the cloud's clock; the phone's client then logs in again by itself", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const phone = new CloudClient(w.cloud.url, pki.ca, { user: alice.user, password: alice.password, terminalId: alice.terminal });
      assert.equal((await phone.call("GET", "/api/devices")).status, 200);
      const token = await w.tokenOf(alice);
      w.clock.t += SESSION_TTL_MS - 1;
      assert.equal((await phone.call("GET", "/api/devices")).status, 200);
      assert.equal(phone.logins, 1, "one login while the session lasts");
      w.clock.t += 1;
      assert.equal((await w.raw("GET", "/api/devices", undefined, { Authorization: `Bearer ${token}` })).status, 401, "expired");
      assert.equal((await phone.call("GET", "/api/devices")).status, 200);
      assert.equal(phone.logins, 2, "logged in again after expiry");
    } finally { await w.stop(); }
  });

  it("logout revokes that session only", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const onA = await w.tokenOf(alice), onA2 = await w.tokenOf({ ...alice, terminal: "phone-a2" });
      const as = (t: string) => ({ Authorization: `Bearer ${t}` });
      assert.equal((await w.raw("DELETE", "/api/sessions/current", undefined, as(onA))).status, 204);
      assert.equal((await w.raw("GET", "/api/devices", undefined, as(onA))).status, 401);
      assert.equal((await w.raw("DELETE", "/api/sessions/current", undefined, as(onA))).status, 401);
      assert.equal((await w.raw("GET", "/api/devices", undefined, as(onA2))).status, 200);
      await w.restart();
      assert.equal((await w.raw("GET", "/api/devices", undefined, as(onA))).status, 401, "still revoked after a restart");
      assert.equal((await w.raw("GET", "/api/devices", undefined, as(onA2))).status, 200, "sessions survive a restart");
    } finally { await w.stop(); }
  });
});

describe("login limits", () => {
  /** Each attempt from its own address, so only the per-account limit is in play. */
  let next = 10;
  const fresh = () => `127.0.0.${next++ % 250 + 2}`;
  const retryAfter = (r: Answer) => Number(r.headers["retry-after"]);

  it("per account: 3 guesses, then waits of 10 s doubling; a known and an unknown account look alike", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const seen: Record<string, [number, number | null][]> = {};
      for (const user of ["alice", "nobody"]) {
        const guess = async () => {
          const r = await w.login({ user, password: "a-wrong-guess", terminal: "attacker" }, fresh());
          return [r.status, r.status === 429 ? retryAfter(r) : null] as [number, number | null];
        };
        const log: [number, number | null][] = [];
        for (let i = 0; i < 4; i++) log.push(await guess());
        w.clock.t += 9_999;
        log.push(await guess());
        w.clock.t += 1;
        log.push(await guess(), await guess());
        w.clock.t += 20_000;
        log.push(await guess(), await guess());
        seen[user] = log;
      }
      assert.deepEqual(seen.alice, [[401, null], [401, null], [401, null], [429, 10], [429, 1], [401, null], [429, 20], [401, null], [429, 40]]);
      assert.deepEqual(seen.nobody, seen.alice, "a lockout does not tell whether the account exists");

      // Held back, even the right password gets 429 (the password is not even checked).
      const right = await w.login(alice, fresh());
      assert.equal(right.status, 429);
      w.clock.t += 40_000;
      assert.equal((await w.login(alice, fresh())).status, 201);
      // A success starts the account afresh.
      for (let i = 0; i < 3; i++) assert.equal((await w.login({ ...alice, password: "a-wrong-guess" }, fresh())).status, 401);
    } finally { await w.stop(); }
  });

  it("per account: guesses sent in parallel are counted before any password is checked", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const all = await Promise.all(Array.from({ length: 12 }, () => w.login({ ...alice, password: "a-wrong-guess" }, fresh())));
      assert.deepEqual(all.map((r) => r.status).sort(), [...Array(3).fill(401), ...Array(9).fill(429)]);
    } finally { await w.stop(); }
  });

  it("per source: 10 guesses over any accounts, then waits; other sources are not held back", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const attacker = "127.0.0.2";
      for (let i = 0; i < 10; i++) {
        assert.equal((await w.login({ user: `user${i}`, password: "a-wrong-guess", terminal: "x" }, attacker)).status, 401);
      }
      const held = await w.login(bob, attacker);
      assert.deepEqual([held.status, retryAfter(held)], [429, 1], "even a right password from that source waits");
      assert.equal((await w.login(alice, "127.0.0.3")).status, 201, "another source logs in");
      w.clock.t += 1_000;
      // Logging in to an own account gives back only that attempt, not the guesses.
      assert.equal((await w.login(bob, attacker)).status, 201);
      w.clock.t += 1_000;
      assert.equal((await w.login({ user: "user10", password: "a-wrong-guess", terminal: "x" }, attacker)).status, 401);
      assert.deepEqual(retryAfter(await w.login({ user: "user11", password: "a-wrong-guess", terminal: "x" }, attacker)), 2);
    } finally { await w.stop(); }
  });

  it("after 20 failures the account is locked for a day, also across a cloud restart; its open sessions keep working", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const session = await w.tokenOf(alice);
      let failures = 0;
      while (failures < 20) {
        const r = await w.login({ ...alice, password: "a-wrong-guess" }, fresh());
        if (r.status === 401) failures++;
        else { assert.equal(r.status, 429); w.clock.t += retryAfter(r) * 1000; }
      }
      const locked = await w.login(alice, fresh());
      assert.deepEqual([locked.status, retryAfter(locked)], [429, 86_400]);

      await w.restart();
      w.clock.t += 3_600_000;
      const still = await w.login(alice, fresh());
      assert.deepEqual([still.status, retryAfter(still)], [429, 82_800], "the lockout is in the database");
      assert.equal((await w.raw("GET", "/api/devices", undefined, { Authorization: `Bearer ${session}` })).status, 200);
      w.clock.t += 82_800_000;
      assert.equal((await w.login(alice, fresh())).status, 201);
    } finally { await w.stop(); }
  });
});

describe("registrations", () => {
  it("new registration: stored, broker told a $7$ hash (not the password), listed as current", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id, pw } = await register(w, alice);
      const hash = w.directory.devices.get(id);
      assert.ok(hash, "setDevice not called");
      assert.match(hash, /^\$7\$/);
      assert.ok(!hash.includes(pw));
      assert.ok(verifyPassword(pw, hash));
      assert.equal(w.directory.serials.get(id), "WH-0001", "the broker binds the login to the claimed serial");
      const list = await w.call(alice, "GET", "/api/devices");
      assert.deepEqual(list.body, [{ deviceId: id, current: true, since: w.clock.t, retiredAt: null }]);
    } finally { await w.stop(); }
  });

  it("refuses a device id that exists (409), malformed ids and passwords (400)", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const { id } = await register(w, alice);
      const again = { deviceId: id, devicePassword: "another-password-xyz", serial: "WH-0001" };
      assert.equal((await w.call(alice, "POST", "/api/registrations", again)).status, 409);
      assert.equal((await w.call(bob, "POST", "/api/registrations", again)).status, 409);
      assert.equal((await w.call(bob, "POST", "/api/registrations", { ...again, deviceId: id.toUpperCase() })).status, 409);
      assert.equal((await w.call(bob, "POST", "/api/registrations", { deviceId: "not-a-uuid", devicePassword: "0123456789abcdef", serial: "WH-0001" })).status, 400);
      assert.equal((await w.call(bob, "POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "too-short", serial: "WH-0001" })).status, 400);
      assert.equal((await w.call(bob, "POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "x".repeat(65), serial: "WH-0001" })).status, 400);
      for (const serial of [undefined, "", "WH 0001", "-WH", "x".repeat(65), 7]) {
        assert.equal((await w.call(bob, "POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "0123456789abcdef", serial })).status, 400, `serial ${serial}`);
      }
      // The first registration is untouched.
      assert.equal((await w.call(bob, "GET", `/api/devices/${id}/history`)).status, 403);
      assert.equal(w.directory.devices.size, 1);
    } finally { await w.stop(); }
  });

  it("additional registration needs the remote's approval of the same terminal, within 5 minutes, once", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob, carol);
      const { id } = await register(w, alice);
      const join = (who: Who) => w.call(who, "POST", `/api/registrations/${id}/users`);

      assert.equal((await join(bob)).status, 403, "no approval yet");
      w.mqtt.up(id, "approve", { terminal: "phone-b" });
      assert.equal((await join(carol)).status, 403, "approval is for phone-b, not phone-c");
      w.clock.t += 4 * 60_000;
      const added = await join(bob);
      assert.equal(added.status, 201);
      assert.deepEqual(added.body, { deviceId: id, user: "bob", terminal: "phone-b" });
      assert.equal((await join(bob)).status, 409, "already a member");
      // Consumed: another user on phone-b cannot ride on it.
      await signUp(w, { user: "dave", password: "dave-password-4", terminal: "phone-b" });
      assert.equal((await join({ user: "dave", password: "dave-password-4", terminal: "phone-b" })).status, 403);

      w.mqtt.up(id, "approve", { terminal: "phone-c" });
      w.clock.t += 5 * 60_000;
      assert.equal((await join(carol)).status, 403, "approval expired");

      assert.equal((await w.call(null, "POST", `/api/registrations/${id}/users`)).status, 401);
      assert.equal((await w.call(carol, "POST", `/api/registrations/${randomUUID()}/users`)).status, 403);
      // Bob is on it now, from phone-b only.
      assert.equal((await w.call(bob, "GET", `/api/devices/${id}/history`)).status, 200);
      assert.equal((await w.call({ ...bob, terminal: "phone-z" }, "GET", `/api/devices/${id}/history`)).status, 403);
    } finally { await w.stop(); }
  });
});

describe("commands", () => {
  it("relays a command as QoS 1 JSON on devices/<id>/down and records the first reply only", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const { id } = await register(w, alice);
      const sent = await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "bath_temp", value: 41 });
      assert.equal(sent.status, 202);
      assert.deepEqual(sent.body, { cmd: 1 });
      assert.deepEqual(downs(w), [{ topic: `devices/${id}/down`, msg: { cmd: 1, set: "bath_temp", value: 41 } }]);
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/1`)).body, { cmd: 1, status: null });

      w.mqtt.up(id, "reply", { seq: 1, cmd: 1, status: 0 });
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/1`)).body, { cmd: 1, status: 0 });
      w.mqtt.up(id, "reply", { seq: 2, cmd: 1, status: -3 }); // a replayed/duplicate reply
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/1`)).body, { cmd: 1, status: 0 });
      w.mqtt.up(id, "reply", { seq: 3, cmd: 99, status: 0 }); // never sent: ignored
      assert.equal((await w.call(alice, "GET", `/api/devices/${id}/commands/99`)).status, 404);

      const second = await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "auto_bath", value: 1 });
      assert.deepEqual(second.body, { cmd: 2 });
      assert.deepEqual(downs(w)[1].msg, { cmd: 2, set: "auto_bath", value: 1 });

      for (const bad of [{ set: "bath_temp", value: 49 }, { set: "fill_l", value: 105 }, { set: "reheat", value: true },
        { set: "hot_water_temp", value: 40.5 }, { set: "colour", value: 1 }, [1, 2]]) {
        assert.equal((await w.call(alice, "POST", `/api/devices/${id}/commands`, bad)).status, 400, JSON.stringify(bad));
      }
      assert.equal((await w.call(bob, "POST", `/api/devices/${id}/commands`, { set: "bath_temp", value: 40 })).status, 403);
      assert.equal((await w.call(bob, "GET", `/api/devices/${id}/commands/1`)).status, 403);
      assert.equal(downs(w).length, 2, "refused commands are not published");
    } finally { await w.stop(); }
  });
});

describe("new registration of the same remote (new tenant)", () => {
  it("retires the old registration: old tenant keeps its old history only and loses control", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const old = await register(w, alice);
      w.mqtt.up(old.id, "hello", { serial: "WH-0001", fw: "water-heater 1" });
      w.mqtt.up(old.id, "state", { hot_water_temp: 42, bath_temp: 41, fill_l: 180, auto_bath: false, reheat: false });
      w.mqtt.up(old.id, "history", { seq: 1, event: "auto_bath", value: 1, t: 1795000000000 });
      w.mqtt.up(old.id, "history", { seq: 2, event: "bath_temp", value: 41, t: -1 });
      assert.equal((await w.call(alice, "GET", `/api/devices/${old.id}/state`)).body.bath_temp, 41);

      // The remote is initialized and registered by the new tenant, then connects anew.
      w.clock.t += 86_400_000;
      const neu = await register(w, bob);
      w.mqtt.up(neu.id, "hello", { serial: "WH-0001", fw: "water-heater 1" });
      w.mqtt.up(neu.id, "state", { hot_water_temp: 38, bath_temp: 39, fill_l: 200, auto_bath: false, reheat: true });
      w.mqtt.up(neu.id, "history", { seq: 1, event: "reheat", value: 1, t: 1795086400000 });

      assert.ok(w.events.some((e) => e.kind === "retired" && e.deviceId === old.id && e.by === neu.id));
      assert.deepEqual(w.directory.removed, [old.id], "broker told to refuse the old credentials");
      assert.ok(w.directory.devices.has(neu.id));

      const list = (await w.call(alice, "GET", "/api/devices")).body;
      assert.deepEqual(list, [{ deviceId: old.id, current: false, since: w.clock.t - 86_400_000, retiredAt: w.clock.t }]);
      assert.equal((await w.call(alice, "POST", `/api/devices/${old.id}/commands`, { set: "bath_temp", value: 40 })).status, 410);
      assert.equal((await w.call(alice, "GET", `/api/devices/${old.id}/state`)).status, 410);
      const hist = await w.call(alice, "GET", `/api/devices/${old.id}/history`);
      assert.deepEqual(hist.body, [
        { n: 1, event: "auto_bath", value: 1, t: 1795000000000 },
        { n: 2, event: "bath_temp", value: 41, t: -1 },
      ]);
      // Late traffic under the retired id is dropped; nothing new reaches the old tenant.
      w.mqtt.up(old.id, "history", { seq: 3, event: "late", value: 0, t: -1 });
      w.mqtt.up(old.id, "approve", { terminal: "phone-a" });
      assert.equal((await w.call(alice, "GET", `/api/devices/${old.id}/history`)).body.length, 2);
      assert.equal((await w.call(alice, "POST", `/api/registrations/${old.id}/users`)).status, 403);
      assert.equal((await w.call({ ...alice, terminal: "phone-a2" }, "POST", `/api/registrations/${old.id}/users`)).status, 403);

      // The new registration is a separate storage area the old tenant cannot see.
      for (const path of ["state", "history", "commands/1"]) {
        assert.equal((await w.call(alice, "GET", `/api/devices/${neu.id}/${path}`)).status, 403, path);
      }
      assert.equal((await w.call(alice, "POST", `/api/devices/${neu.id}/commands`, { set: "bath_temp", value: 40 })).status, 403);
      assert.equal((await w.call(alice, "POST", `/api/registrations/${neu.id}/users`)).status, 403);
      assert.equal((await w.call(bob, "GET", `/api/devices/${old.id}/history`)).status, 403);

      assert.equal((await w.call(bob, "GET", `/api/devices/${neu.id}/state`)).body.reheat, true);
      assert.deepEqual((await w.call(bob, "GET", `/api/devices/${neu.id}/history`)).body, [{ n: 1, event: "reheat", value: 1, t: 1795086400000 }]);
      const cmd = await w.call(bob, "POST", `/api/devices/${neu.id}/commands`, { set: "bath_temp", value: 40 });
      assert.deepEqual(cmd.body, { cmd: 1 }, "command numbers are per registration");
    } finally { await w.stop(); }
  });

  it("the serial comes from the registration the broker verified, never from a hello's payload", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const a = await register(w, alice, "WH-0001"), b = await register(w, bob, "WH-0002");
      w.mqtt.up(a.id, "hello", { serial: "WH-0001" });
      w.mqtt.up(b.id, "hello", { serial: "WH-0002" });
      w.mqtt.up(b.id, "hello", { serial: "WH-0001" }); // b names a's remote in its payload
      assert.equal((await w.call(alice, "GET", "/api/devices")).body[0].current, true);
      assert.deepEqual(w.directory.removed, []);
      assert.ok(w.events.some((e) => e.kind === "log" && /hello names serial WH-0001, the registration's remote is WH-0002/.test(e.message)));
    } finally { await w.stop(); }
  });

  it("claiming a remote's serial retires nothing until that remote logs in (hello)", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const victim = await register(w, alice, "WH-0001");
      w.mqtt.up(victim.id, "hello", { serial: "WH-0001" });
      w.clock.t += 1000;
      // Bob claims Alice's serial: the broker binds his login to WH-0001, which his remote's
      // certificate is not, so no hello of his ever arrives; the claim alone does nothing.
      const claim = await register(w, bob, "WH-0001");
      assert.equal(w.directory.serials.get(claim.id), "WH-0001");
      w.mqtt.up(victim.id, "hello", { serial: "WH-0001" }); // Alice's remote reconnects
      assert.deepEqual((await w.call(alice, "GET", "/api/devices")).body.map((d: { current: boolean }) => d.current), [true]);
      assert.deepEqual(w.directory.removed, []);
      assert.equal((await w.call(alice, "POST", `/api/devices/${victim.id}/commands`, { set: "bath_temp", value: 40 })).status, 202);
    } finally { await w.stop(); }
  });

  it("a remote about to erase asks to be retired: retired, answered on its down topic, then its login removed", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const r = await register(w, alice);
      w.mqtt.up(r.id, "hello", { serial: "WH-0001" });
      w.mqtt.up(r.id, "retire", {});
      await new Promise((done) => setImmediate(done)); // the answer and the removal are promise steps
      assert.deepEqual(w.directory.removed, [r.id]);
      assert.deepEqual(downMessages(w, r.id).filter((m) => "retired" in m), [{ retired: 1 }]);
      assert.ok(w.events.some((e) => e.kind === "retired" && e.deviceId === r.id && e.by === r.id));
      assert.ok(w.events.some((e) => e.kind === "login-removed" && e.deviceId === r.id));
      assert.equal((await w.call(alice, "POST", `/api/devices/${r.id}/commands`, { set: "bath_temp", value: 40 })).status, 410);
      // A second retire (a resend) changes nothing and is not answered again.
      w.mqtt.up(r.id, "retire", {});
      assert.equal(downMessages(w, r.id).filter((m) => "retired" in m).length, 1);
    } finally { await w.stop(); }
  });
});

describe("device data", () => {
  it("stores the outbox in seq order once each, acknowledges only up to a hole, and ignores malformed or foreign uplink", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice);
      w.mqtt.up(id, "history", { seq: 2, event: "fill", value: 180, t: 1 });     // after a hole: held
      w.mqtt.up(id, "history", { seq: 2, event: "fill", value: 180, t: 1 });
      w.mqtt.up(id, "history", { seq: 2, event: "changed", value: 0, t: 2 });  // same seq: the first one counts
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/history`)).body, [], "nothing past a hole is shown");
      w.mqtt.up(id, "history", { seq: 1, event: "earlier", value: 3, t: 0 });  // fills the hole
      w.mqtt.up(id, "history", { seq: 1, event: "earlier", value: 3, t: 0 });  // resend
      w.mqtt.up(id, "history", "{not json");
      w.mqtt.up(id, "history", { seq: -1, event: "x", value: 1, t: 0 });
      w.mqtt.up(id, "history", { n: 3, event: "x", value: 1, t: 0 });          // no seq
      w.mqtt.up(id, "history", { seq: 3, event: "x".repeat(600), value: 1, t: 0 }); // > 512 bytes
      w.mqtt.up(id, "state", [1, 2, 3]);
      w.mqtt.up(id, "state", { nested: { a: 1 } });
      w.mqtt.up(randomUUID(), "state", { bath_temp: 40 });
      w.mqtt.up(id.toUpperCase(), "state", { bath_temp: 40 });
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/history`)).body, [
        { n: 1, event: "earlier", value: 3, t: 0 },
        { n: 2, event: "fill", value: 180, t: 1 },
      ]);
      assert.deepEqual(acks(w, id), [0, 0, 0, 2, 2], "cumulative, never past a hole");
      assert.equal((await w.call(alice, "GET", `/api/devices/${id}/state`)).status, 404, "no valid state arrived");
      assert.ok(w.events.filter((e) => e.kind === "log").length >= 7);
    } finally { await w.stop(); }
  });

  it("after every hello: the current acknowledgement, then the unreplied commands again, in order", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice, "WH-0042");
      for (const value of [40, 41, 42]) await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "bath_temp", value });
      w.mqtt.up(id, "history", { seq: 1, event: "bath_temp", value: 40, t: -1 });
      w.mqtt.up(id, "reply", { seq: 2, cmd: 1, status: 0 });
      w.mqtt.published.length = 0;
      w.mqtt.up(id, "hello", { serial: "WH-0042" });
      assert.deepEqual(w.mqtt.published.map((p) => JSON.parse(p.payload)), [
        { ack: 2 }, { cmd: 2, set: "bath_temp", value: 41 }, { cmd: 3, set: "bath_temp", value: 42 },
      ]);
      // A resent command the remote had applied: its later -3 does not replace the first reply.
      w.mqtt.up(id, "reply", { seq: 3, cmd: 2, status: 0 });
      w.mqtt.up(id, "reply", { seq: 4, cmd: 2, status: -3 });
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/2`)).body, { cmd: 2, status: 0 });
    } finally { await w.stop(); }
  });

  it("a command unanswered for 10 minutes has expired: not sent again, read as expired; a late reply still counts", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice, "WH-0042");
      await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "auto_bath", value: 1 });
      w.clock.t += 10 * 60_000;
      await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "bath_temp", value: 41 });
      w.clock.t += 1;                                   // the first one is now past its lifetime
      w.mqtt.published.length = 0;
      w.mqtt.up(id, "hello", { serial: "WH-0042" });
      assert.deepEqual(w.mqtt.published.map((p) => JSON.parse(p.payload)), [{ ack: 0 }, { cmd: 2, set: "bath_temp", value: 41 }]);
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/1`)).body, { cmd: 1, status: null, expired: true });
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/2`)).body, { cmd: 2, status: null });
      w.mqtt.up(id, "reply", { seq: 1, cmd: 1, status: 0 }); // it had been applied after all
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/commands/1`)).body, { cmd: 1, status: 0 });
    } finally { await w.stop(); }
  });

  it("shows a gap the remote reports when its outbox was full", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice);
      w.mqtt.up(id, "history", { seq: 1, event: "reheat", value: 1, t: 10 });
      w.mqtt.up(id, "history", { seq: 2, event: "gap", value: 17, t: -1 });
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${id}/history`)).body.map((e: { event: string; value: number }) => [e.event, e.value]),
        [["reheat", 1], ["gap", 17]]);
    } finally { await w.stop(); }
  });

  it("survives a restart on the same database file, and re-announces registrations to the broker", async () => {
    const w = await world();
    try {
      await signUp(w, alice, bob);
      const old = await register(w, alice, "WH-0009");
      w.mqtt.up(old.id, "hello", { serial: "WH-0009" });
      w.mqtt.up(old.id, "history", { seq: 1, event: "a", value: 1, t: 5 });
      await w.call(alice, "POST", `/api/devices/${old.id}/commands`, { set: "fill_l", value: 200 });
      const neu = await register(w, bob, "WH-0009");
      w.mqtt.up(neu.id, "hello", { serial: "WH-0009" });
      w.mqtt.up(neu.id, "state", { bath_temp: 44 });
      await w.call(bob, "POST", `/api/devices/${neu.id}/commands`, { set: "bath_temp", value: 44 });
      w.mqtt.up(neu.id, "approve", { terminal: "phone-c" });

      await w.restart();

      assert.deepEqual([...w.directory.devices.keys()], [neu.id], "only current registrations announced");
      assert.deepEqual(w.directory.removed, [old.id]);
      assert.deepEqual((await w.call(alice, "GET", `/api/devices/${old.id}/history`)).body, [{ n: 1, event: "a", value: 1, t: 5 }]);
      assert.equal((await w.call(alice, "POST", `/api/devices/${old.id}/commands`, { set: "fill_l", value: 210 })).status, 410);
      assert.deepEqual((await w.call(bob, "GET", `/api/devices/${neu.id}/state`)).body, { bath_temp: 44 });
      assert.deepEqual((await w.call(bob, "POST", `/api/devices/${neu.id}/commands`, { set: "bath_temp", value: 45 })).body, { cmd: 2 });
      await signUp(w, carol);
      assert.equal((await w.call(carol, "POST", `/api/registrations/${neu.id}/users`)).status, 201, "approval kept across restart");
    } finally { await w.stop(); }
  });
});

describe("HTTP hygiene", () => {
  it("413 over 4 KiB, 400 on bad JSON, 404 unknown route, 405 wrong method", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const big = JSON.stringify({ user: "zed", password: "p".repeat(5000) });
      assert.equal((await w.call(null, "POST", "/api/users", big)).status, 413);
      const bigAuth = await w.call(alice, "POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "x".repeat(4100) });
      assert.equal(bigAuth.status, 413);
      assert.equal((await w.call(null, "POST", "/api/users", "{\"user\": ")).status, 400);
      assert.equal((await w.call(alice, "POST", "/api/registrations", "not json")).status, 400);
      assert.equal((await w.call(null, "POST", "/api/users")).status, 400, "missing body");
      assert.equal((await w.call(alice, "GET", "/api/nothing")).status, 404);
      assert.equal((await w.call(alice, "GET", "/api/devices/x/y/z")).status, 404);
      const m = await w.call(alice, "GET", "/api/users");
      assert.equal(m.status, 405);
      assert.equal(m.headers.allow, "POST");
      assert.equal((await w.call(alice, "DELETE", "/api/devices")).status, 405);
      assert.equal((await w.call(alice, "GET", "/api/sessions/current")).status, 405);
      assert.equal((await w.call(alice, "GET", "/api/devices/not-a-uuid/state")).status, 400);
    } finally { await w.stop(); }
  });

  it("the event log shows requests and MQTT traffic, without secrets", async () => {
    const w = await world();
    try {
      await signUp(w, alice);
      const { id } = await register(w, alice);
      await w.call(alice, "POST", `/api/devices/${id}/commands`, { set: "reheat", value: 1 });
      w.mqtt.up(id, "reply", { seq: 1, cmd: 1, status: 0 });
      const http = w.events.filter((e) => e.kind === "http");
      assert.deepEqual(http.map((e) => e.kind === "http" && [e.method, e.path, e.status, e.user ?? null]), [
        ["POST", "/api/users", 201, "alice"],
        ["POST", "/api/sessions", 201, "alice"],
        ["POST", "/api/registrations", 201, "alice"],
        ["POST", `/api/devices/${id}/commands`, 202, "alice"],
      ]);
      assert.ok(w.events.some((e) => e.kind === "mqtt-out" && e.topic === `devices/${id}/down`));
      assert.ok(w.events.some((e) => e.kind === "mqtt-in" && e.topic === `devices/${id}/up/reply`));
      // (w.stop() checks that no password or Authorization value is in the log.)
    } finally { await w.stop(); }
  });
});
