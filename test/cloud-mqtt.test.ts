// The cloud against the real embedded broker (aedes over TLS, client certificates,
// per-device credentials announced by the cloud), with mqtt.js clients playing remotes.
//   npx tsx --test test/cloud-mqtt.test.ts
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:https";
import { randomBytes, randomUUID } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import type { Broker } from "../host-sim/net/broker.ts";
import type { Pki } from "../host-sim/net/pki.ts";
import type { CloudEvent, CloudHandle } from "../host-sim/cloud/index.ts";
import { startCloudWorld, type CloudWorld } from "./support/cloud.ts";

let world: CloudWorld, pki: Pki, broker: Broker, cloud: CloudHandle, events: CloudEvent[];
const clients: MqttClient[] = [];

before(async () => {
  world = await startCloudWorld("embedded");
  ({ pki, broker, cloud, events } = world);
});

after(async () => {
  for (const c of clients) c.end(true);
  await world?.stop();
});

interface Who { user: string; password: string; terminal: string }
const alice: Who = { user: "alice", password: "alice-password-1", terminal: "phone-a" };
const bob: Who = { user: "bob", password: "bob-password-22", terminal: "phone-b" };

/** Session tokens by user and terminal (PROTOCOL.md §3: log in once, then Bearer). */
const tokens = new Map<string, string>();

async function call(who: Who | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string | number> = {};
  if (who) {
    const key = `${who.user}/${who.terminal}`;
    if (!tokens.has(key)) {
      const r = await call(null, "POST", "/api/sessions", { user: who.user, password: who.password, terminal: who.terminal });
      assert.equal(r.status, 201, `login of ${who.user}`);
      tokens.set(key, r.body.token);
    }
    headers.Authorization = `Bearer ${tokens.get(key)}`;
    headers["X-Terminal-Id"] = who.terminal;
  }
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (text) { headers["Content-Type"] = "application/json"; headers["Content-Length"] = Buffer.byteLength(text); }
    const req = request(`${cloud.url}${path}`, { method, headers, ca: pki.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode!, body: raw ? JSON.parse(raw) : undefined });
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A remote with board serial `serial` logged in as `deviceId`. */
async function remote(deviceId: string, password: string, serial: string): Promise<{ client: MqttClient; down: any[]; acks: number[] }> {
  const client = mqtt.connect(broker.url, {
    clientId: deviceId, username: deviceId, password, ca: pki.ca, ...pki.clientCert(serial),
    reconnectPeriod: 0, connectTimeout: 5000,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => { client.once("connect", () => resolve()); client.once("error", reject); });
  const down: any[] = [];   // commands only; the cloud's outbox acknowledgements go to acks
  const acks: number[] = [];
  client.on("message", (_t, p) => { const m = JSON.parse(p.toString()); if ("ack" in m) acks.push(m.ack); else down.push(m); });
  await client.subscribeAsync(`devices/${deviceId}/down`, { qos: 1 });
  return { client, down, acks };
}

const pub = (c: MqttClient, id: string, kind: string, body: unknown) => c.publishAsync(`devices/${id}/up/${kind}`, JSON.stringify(body), { qos: 1 });

it("end to end: register, relay commands, approve a second phone, retire on re-registration", async () => {
  for (const u of [alice, bob]) assert.equal((await call(null, "POST", "/api/users", { user: u.user, password: u.password })).status, 201);

  // Alice registers the remote; the cloud tells the broker before answering 201.
  const a = randomUUID(), aPw = randomBytes(16).toString("hex");
  assert.equal((await call(alice, "POST", "/api/registrations", { deviceId: a, devicePassword: aPw, serial: "WH-0001" })).status, 201);
  const r1 = await remote(a, aPw, "WH-0001");
  await pub(r1.client, a, "hello", { serial: "WH-0001", fw: "water-heater 1" });
  await pub(r1.client, a, "state", { hot_water_temp: 42, bath_temp: 41, fill_l: 180, auto_bath: false, reheat: false });
  await pub(r1.client, a, "history", { seq: 1, event: "auto_bath", value: 1, t: -1 });
  await pub(r1.client, a, "history", { seq: 1, event: "auto_bath", value: 1, t: -1 }); // resend
  const state = await until("state", async () => { const r = await call(alice, "GET", `/api/devices/${a}/state`); return r.status === 200 ? r.body : undefined; });
  assert.equal(state.fill_l, 180);
  assert.deepEqual((await call(alice, "GET", `/api/devices/${a}/history`)).body, [{ n: 1, event: "auto_bath", value: 1, t: -1 }]);

  // A command goes down; the remote replies.
  const sent = await call(alice, "POST", `/api/devices/${a}/commands`, { set: "bath_temp", value: 40 });
  assert.deepEqual(sent.body, { cmd: 1 });
  await until("down message", () => r1.down.length > 0 || undefined);
  assert.deepEqual(r1.down[0], { cmd: 1, set: "bath_temp", value: 40 });
  await pub(r1.client, a, "reply", { seq: 2, cmd: 1, status: 0 });
  await until("outbox acknowledged", () => r1.acks.includes(2) || undefined);
  assert.deepEqual(r1.acks, [0, 1, 1, 2], "after hello, then after each outbox message (the resend too)");
  await until("reply stored", async () => (await call(alice, "GET", `/api/devices/${a}/commands/1`)).body.status === 0 || undefined);

  // A device cannot speak for another: publishing under someone else's id is dropped.
  const other = randomUUID();
  await pub(r1.client, other, "state", { bath_temp: 1 });

  // The remote vouches for Bob's phone; Bob joins.
  assert.equal((await call(bob, "POST", `/api/registrations/${a}/users`)).status, 403);
  await pub(r1.client, a, "approve", { terminal: "phone-b" });
  await until("approval", async () => {
    const r = await call(bob, "POST", `/api/registrations/${a}/users`);
    return r.status === 201 || undefined;
  });

  // The remote is initialized (its credentials erased) and a new tenant registers it.
  r1.client.end(true);
  const carol: Who = { user: "carol", password: "carol-password-3", terminal: "phone-c" };
  assert.equal((await call(null, "POST", "/api/users", { user: carol.user, password: carol.password })).status, 201);
  const b = randomUUID(), bPw = randomBytes(16).toString("hex");
  assert.equal((await call(carol, "POST", "/api/registrations", { deviceId: b, devicePassword: bPw, serial: "WH-0001" })).status, 201);
  const r2 = await remote(b, bPw, "WH-0001");
  await pub(r2.client, b, "hello", { serial: "WH-0001", fw: "water-heater 1" });
  await pub(r2.client, b, "history", { seq: 1, event: "reheat", value: 1, t: -1 });
  await until("retirement", () => events.some((e) => e.kind === "retired" && e.deviceId === a) || undefined);

  assert.equal((await call(alice, "POST", `/api/devices/${a}/commands`, { set: "bath_temp", value: 39 })).status, 410);
  assert.equal((await call(bob, "POST", `/api/devices/${a}/commands`, { set: "bath_temp", value: 39 })).status, 410);
  assert.deepEqual((await call(alice, "GET", `/api/devices/${a}/history`)).body, [{ n: 1, event: "auto_bath", value: 1, t: -1 }]);
  assert.equal((await call(alice, "GET", `/api/devices/${b}/history`)).status, 403);
  await until("new history", async () => (await call(carol, "GET", `/api/devices/${b}/history`)).body.length === 1 || undefined);

  // The broker now refuses the old credentials.
  await assert.rejects(remote(a, aPw, "WH-0001"));

  const c2 = await call(carol, "POST", `/api/devices/${b}/commands`, { set: "reheat", value: 1 });
  assert.deepEqual(c2.body, { cmd: 1 });
  await until("down to new registration", () => r2.down.length > 0 || undefined);
  assert.deepEqual(r2.down[0], { cmd: 1, set: "reheat", value: 1 });

  const log = JSON.stringify(events);
  for (const secret of [aPw, bPw, world.cloudPassword, alice.password, bob.password, carol.password]) assert.ok(!log.includes(secret));
  assert.ok(!events.some((e) => e.kind === "mqtt-in" && e.topic.includes(other)), "foreign publish dropped by the broker");
});
