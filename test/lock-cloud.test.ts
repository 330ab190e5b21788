// The lock's key server and the booking service over a real broker (embedded aedes, and
// Mosquitto when installed) and real TLS: an mqtt.js client plays the lock's cloud link
// (firmware/images/lock/PROTOCOL.md §3), the test plays the maker SDK at the grant route,
// BookingClient the users and the owner at the booking service (§7). Blobs are read here
// field by field and verified with node's crypto directly, not with the server's helpers.
//   npx tsx --test test/lock-cloud.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import { BOOKING_ACCOUNT, createLockCloud, grantBytes, LockCloudClient, revocationBytes, timeBytes, type LockEvent } from "../host-sim/appliances/lock/cloud/index.ts";
import { checkAccess, checkBolt, checkDoor } from "../host-sim/appliances/lock/cloud/entries.ts";
import { BookingClient, BookingError, startBookingService, type BookingService, type ReceivedRequest } from "../host-sim/booking/index.ts";
import { CloudClient, CloudError } from "../host-sim/phone/cloud-client.ts";
import { requirement } from "./support/requirement.ts";
import { startCloudWorld, type CloudWorld } from "./support/cloud.ts";

const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");
const SERIAL = "LK-0001";
const HOUR = 3_600_000;
const T = Date.UTC(2030, 0, 7, 10, 0);

type Down = Record<string, number | string>;

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function p256(raw: Buffer): KeyObject {
  assert.equal(raw.length, 65);
  assert.equal(raw[0], 4);
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") }, format: "jwk" });
}

/** A phone key as the SDK makes it: its raw public half. */
function phoneKey(): { raw: Buffer; hex: string; privateDer: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const raw = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  return { raw, hex: raw.toString("hex"), privateDer: privateKey.export({ format: "der", type: "pkcs8" }) };
}

/** §1.1 read field by field. */
function grantFields(b: Buffer) {
  let at = 0;
  const magic = b.toString("latin1", 0, 3); at = 3;
  const id = b.readUInt32LE(at); at += 4;
  const sl = b[at++]; const serial = b.toString("latin1", at, at + sl); at += sl;
  const type = b[at++]; const timeout = b.readUInt32LE(at); at += 4;
  const n = b[at++]; const schedules: [number, number][] = [];
  for (let i = 0; i < n; i++) { schedules.push([Number(b.readBigInt64LE(at)), Number(b.readBigInt64LE(at + 8))]); at += 16; }
  const phone = b.subarray(at, at + 65); at += 65;
  return { magic, id, serial, type, timeout, schedules, phone, body: b.subarray(0, at), signature: b.subarray(at), rest: b.length - at - 64 };
}

/** §1.3 read field by field. */
function revocationFields(b: Buffer) {
  const sl = b[3]; let at = 4 + sl;
  const version = b.readUInt32LE(at); at += 4;
  const n = b[at++]; const ids: number[] = [];
  for (let i = 0; i < n; i++) { ids.push(b.readUInt32LE(at)); at += 4; }
  return { magic: b.toString("latin1", 0, 3), serial: b.toString("latin1", 4, 4 + sl), version, ids, body: b.subarray(0, at), signature: b.subarray(at) };
}

/** A fresh cloud with the key server, the lock registered by its owner and connected, and
 *  a booking service with the owner's lock listed; every test starts here. */
async function lockWorld(kind: BrokerKind) {
  const lockCloud = createLockCloud();
  const world: CloudWorld = await startCloudWorld(kind, {}, [lockCloud.service]);
  const client = (user: string) => new LockCloudClient(new CloudClient(world.cloud.url, world.pki.ca, { user, password: `${user}-password-1`, terminalId: `${user}-phone` }));
  const owner = client("owner"), booking = client(BOOKING_ACCOUNT), stranger = client("mallory");
  const sdk = client("sdk-has-no-account");
  for (const user of ["owner", BOOKING_ACCOUNT, "mallory"]) await owner.cloud.expect(201, "POST", "/api/users", { user, password: `${user}-password-1` }, false);

  const id = randomUUID(), password = randomBytes(16).toString("hex");
  await owner.register(id, password, SERIAL);
  const installed = await owner.registerLock(id, password);

  const received: ReceivedRequest[] = [];
  const service: BookingService = await startBookingService({
    tls: { cert: world.pki.server.cert, key: world.pki.server.key }, dbPath: join(world.dir, "booking.db"),
    keyServer: { url: world.cloud.url, ca: world.pki.ca, user: BOOKING_ACCOUNT, password: `${BOOKING_ACCOUNT}-password-1` },
    onRequest: (r) => received.push(r),
  });
  const ownerAtService = await BookingClient.signUp(service.url, world.pki.ca);
  const { lock } = await ownerAtService.listLock(installed.lockRef, "Van 3");

  const down: Down[] = [];
  let lk: MqttClient | null = null;
  const pub = (k: string, body: unknown) => lk!.publishAsync(`devices/${id}/up/${k}`, JSON.stringify(body), { qos: 1 });
  const acks = () => down.filter((m) => typeof m.ack === "number").map((m) => m.ack as number);
  /** The lock's cloud link comes up: connect, subscribe, hello, its ack. */
  async function connect() {
    const c = mqtt.connect(world.broker.url, { clientId: id, username: id, password, ca: world.pki.ca, ...world.pki.clientCert(SERIAL), reconnectPeriod: 0, connectTimeout: 5000 });
    await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
    c.on("message", (_t, p) => down.push(JSON.parse(p.toString()) as Down));
    await c.subscribeAsync(`devices/${id}/down`, { qos: 1 });
    lk = c;
    const before = acks().length;
    await pub("hello", { serial: SERIAL, fw: "lock 1" });
    await until("hello's ack", () => (acks().length > before ? true : undefined));
  }
  async function disconnect() { await lk!.endAsync(); lk = null; }
  await connect();
  let seq = 0;
  return {
    id, world, lockCloud, installed, owner, booking, stranger, sdk, service, received, ownerAtService, lock, down, pub, connect, disconnect,
    nextSeq: () => ++seq,
    /** Publishes entries with the next seqs and waits for the last one's ack. */
    async entries(...list: Record<string, unknown>[]) {
      for (const e of list) await pub("history", { seq: ++seq, ...e });
      const last = seq;
      await until(`ack ${last}`, () => acks().find((a) => a >= last));
    },
    commands: (field: string) => down.filter((m) => typeof m.cmd === "number" && typeof m[field] === "string"),
    user: () => BookingClient.signUp(service.url, world.pki.ca),
    async stop() {
      lk?.end(true);
      await service.stop();
      await world.stop();
    },
  };
}
type World = Awaited<ReturnType<typeof lockWorld>>;

async function status(p: Promise<unknown>): Promise<number> {
  try { await p; return 0; } catch (e) { if (e instanceof CloudError || e instanceof BookingError) return e.status; throw e; }
}

/** Every 8-byte window of `secret`, as raw bytes and as hex, base64 and base64url text. */
function leaks(secret: Buffer, haystack: Buffer): number {
  let hits = 0;
  for (let i = 0; i + 8 <= secret.length; i++) {
    const w = secret.subarray(i, i + 8);
    const forms = [w, Buffer.from(w.toString("hex")), Buffer.from(w.toString("hex").toUpperCase())];
    // A base64 window aligned on 3 bytes is a substring of any base64 of the whole.
    if (i % 3 === 0) {
      const six = secret.subarray(i, i + 6);
      forms.push(Buffer.from(six.toString("base64")), Buffer.from(six.toString("base64url")));
    }
    for (const f of forms) if (haystack.includes(f)) hits++;
  }
  return hits;
}

describe("lock key server parsers and blobs", () => {
  it("the entry checks take any input without throwing and keep only well-formed entries", () => {
    let x = 0x1d872b41;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
    const pick = <T>(l: readonly T[]) => l[Math.floor(next() * l.length)];
    const values: unknown[] = [0, -1, -2, 1.5, 2 ** 32, 2 ** 53, "", "unlock", "lock", "granted", "denied", "none", "replayed", "locked", "unlocked", "grant", "owner", "auto", "open", "closed", null, [1], {}];
    const keys = ["grant", "action", "result", "reason", "t", "state", "by"];
    const good = { grant: 7, action: "unlock", result: "granted", reason: "none", t: T };
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const e: Record<string, unknown> = next() < 0.5 ? { ...good } : {};
      for (let k = 0; k < 3; k++) e[pick(keys)] = pick(values);
      const entry = { seq: i + 1, ...e } as Parameters<typeof checkAccess>[0];
      for (const check of [checkAccess, checkBolt, checkDoor]) if (check(entry).ok) accepted++;
    }
    assert.ok(accepted > 0);
    const access = (over: Record<string, unknown>) => checkAccess({ seq: 1, ...good, ...over } as Parameters<typeof checkAccess>[0]).ok;
    assert.equal(access({}), true);
    assert.equal(access({ result: "denied" }), false, "denied needs a reason");
    assert.equal(access({ reason: "used" }), false, "granted has none");
    assert.equal(access({ result: "denied", reason: "storage", t: -1, grant: 0 }), true);
    assert.equal(access({ t: -2 }), false);
  });

  it("the blobs are bounded: §1.1 at most 239 bytes, and out-of-range fields are refused", () => {
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const phone = phoneKey().raw;
    const schedules = [0, 1, 2, 3].map((i) => ({ start: T + i * HOUR, end: T + (i + 1) * HOUR }));
    const serial = "S".repeat(32);
    assert.equal(grantBytes(key, { grantId: 0xffffffff, serial, type: 3, timeoutS: 0xffffffff, schedules, phoneKey: phone }).length, 239);
    const bad = [
      { grantId: 0 }, { type: 0 }, { type: 4 }, { schedules: [...schedules, schedules[0]] }, { schedules: [{ start: T, end: T }] },
      { serial: "" }, { serial: "S".repeat(33) }, { serial: "LK 1" }, { phoneKey: phone.subarray(1) }, { timeoutS: -1 },
    ];
    for (const over of bad) assert.throws(() => grantBytes(key, { grantId: 1, serial: SERIAL, type: 1, timeoutS: 0, schedules, phoneKey: phone, ...over }), RangeError, JSON.stringify(Object.keys(over)));
    assert.throws(() => timeBytes(key, SERIAL, Buffer.alloc(15), T), RangeError);
    assert.throws(() => revocationBytes(key, SERIAL, 1, Array.from({ length: 33 }, (_, i) => i + 1)), RangeError);
    assert.equal(revocationBytes(key, SERIAL, 1, Array.from({ length: 32 }, (_, i) => i + 1)).length, 3 + 8 + 4 + 1 + 128 + 64);
  });
});

for (const kind of ["embedded", "mosquitto"] as BrokerKind[]) {
  describe(`lock key server and booking service over the ${kind} broker`, { skip: kind === "mosquitto" && mosquittoMissing }, () => {
    it("INSTALL carries the maker key; a grant is §1.1 byte for byte, bound to the SDK's phone key and signed by the maker key", async () => {
      const w = await lockWorld(kind);
      try {
        const data = Buffer.from(w.installed.data, "hex");
        assert.equal(data[0], w.id.length);
        assert.equal(data.toString("latin1", 1, 1 + w.id.length), w.id);
        const maker = data.subarray(data.length - 65);
        assert.equal(maker.toString("hex"), w.installed.makerKey);
        assert.equal(w.installed.serial, SERIAL);
        assert.match(w.installed.lockRef, /^[0-9a-f]{32}$/);

        const alice = await w.user();
        const b = await alice.book({ lock: w.lock, start: T, end: T + HOUR });
        const phone = phoneKey();
        const g = await w.sdk.grant({ ticket: b.ticket, phoneKey: phone.hex });
        const blob = Buffer.from(g.grant, "base64");
        const f = grantFields(blob);
        assert.equal(f.magic, "LG\x01");
        assert.equal(f.rest, 0, "nothing after the signature");
        assert.deepEqual([f.id, f.serial, f.type, f.timeout, f.schedules], [g.grantId, SERIAL, 1, 0, [[T, T + HOUR]]]);
        assert.deepEqual(f.phone, phone.raw);
        assert.ok(blob.length <= 239);
        const key = p256(maker);
        assert.ok(verify("sha256", f.body, { key, dsaEncoding: "ieee-p1363" }, f.signature), "verifies over every byte before the signature");
        const altered = Buffer.from(f.body); altered[5] ^= 1;
        assert.ok(!verify("sha256", altered, { key, dsaEncoding: "ieee-p1363" }, f.signature));

        // One phone key per ticket: the same key gets the same grant, another key nothing.
        const again = await w.sdk.grant({ ticket: b.ticket, phoneKey: phone.hex });
        assert.deepEqual([again.grantId, again.grant], [g.grantId, g.grant], "the very same bytes");
        assert.equal(await status(w.sdk.grant({ ticket: b.ticket, phoneKey: phoneKey().hex })), 409);
        assert.equal(await status(w.sdk.grant({ ticket: randomBytes(16).toString("hex"), phoneKey: phone.hex })), 404);
        assert.equal(await status(w.sdk.grant({ ticket: "zz", phoneKey: phone.hex })), 400);
        assert.equal(await status(w.sdk.grant({ ticket: b.ticket, phoneKey: phone.hex.slice(2) })), 400);
        assert.equal(await status(alice.book({ lock: w.lock, start: T + 9 * HOUR, end: T + 9 * HOUR })), 400);
        assert.equal(await status(alice.book({ lock: w.lock, start: T + 9 * HOUR, end: T + 10 * HOUR, type: "expiring" })), 400, "expiring needs a timeout");

        // Disposable and expiring bookings carry their type and timeout.
        const d = await alice.book({ lock: w.lock, start: T + 5 * HOUR, end: T + 6 * HOUR, type: "expiring", timeoutS: 600 });
        const e = grantFields(Buffer.from((await w.sdk.grant({ ticket: d.ticket, phoneKey: phone.hex })).grant, "base64"));
        assert.deepEqual([e.type, e.timeout], [3, 600]);
        assert.ok(e.id > f.id, "grant ids are never reused");
      } finally { await w.stop(); }
    });

    it("refuses overlapping bookings for one lock and accepts adjacent ones", async () => {
      const w = await lockWorld(kind);
      try {
        const alice = await w.user(), bob = await w.user();
        await alice.book({ lock: w.lock, start: T, end: T + HOUR });
        assert.equal(await status(bob.book({ lock: w.lock, start: T + HOUR / 2, end: T + 2 * HOUR })), 409);
        assert.equal(await status(bob.book({ lock: w.lock, start: T - HOUR, end: T + 1 })), 409);
        assert.equal(await status(bob.book({ lock: w.lock, start: T + 10, end: T + 20 })), 409, "inside another");
        const next = await bob.book({ lock: w.lock, start: T + HOUR, end: T + 2 * HOUR });
        assert.equal(next.start, T + HOUR, "starts where alice's ends");
        await bob.book({ lock: w.lock, start: T - HOUR, end: T });
        assert.equal((await bob.bookings()).length, 2);
        assert.equal((await alice.bookings()).length, 1);
        // The key server itself refuses, whoever asks; and only booking accounts may ask.
        assert.equal(await status(w.booking.hold({ lockRef: w.installed.lockRef, start: T + 1000, end: T + 2000 })), 409);
        assert.equal(await status(w.stranger.hold({ lockRef: w.installed.lockRef, start: T + 9 * HOUR, end: T + 10 * HOUR })), 403);
        assert.equal(await status(w.booking.hold({ lockRef: randomBytes(16).toString("hex"), start: T, end: T + 1 })), 404);
        // A cancelled booking frees its slot.
        await alice.cancel((await alice.bookings())[0].booking);
        await bob.book({ lock: w.lock, start: T + HOUR / 2, end: T + HOUR });
      } finally { await w.stop(); }
    });

    it("a cancel revokes the grant: a revocations command with a higher version, sent again after the lock's next connect while it is behind", async () => {
      const w = await lockWorld(kind);
      try {
        const maker = p256(Buffer.from(w.installed.makerKey, "hex"));
        const alice = await w.user(), bob = await w.user();
        const a = await alice.book({ lock: w.lock, start: T, end: T + HOUR });
        const b = await bob.book({ lock: w.lock, start: T + HOUR, end: T + 2 * HOUR });
        const ga = await w.sdk.grant({ ticket: a.ticket, phoneKey: phoneKey().hex });
        const gb = await w.sdk.grant({ ticket: b.ticket, phoneKey: phoneKey().hex });

        await alice.cancel(a.booking);
        assert.equal(await status(w.sdk.grant({ ticket: a.ticket, phoneKey: phoneKey().hex })), 410);
        const first = await until("revocations 1", () => w.commands("revocations")[0]);
        const r1 = revocationFields(Buffer.from(first.revocations as string, "base64"));
        assert.deepEqual([r1.magic, r1.serial, r1.version, r1.ids], ["LR\x01", SERIAL, 1, [ga.grantId]]);
        assert.ok(verify("sha256", r1.body, { key: maker, dsaEncoding: "ieee-p1363" }, r1.signature));
        await w.pub("reply", { seq: w.nextSeq(), cmd: first.cmd, status: 0 });

        // Offline: the owner revokes bob's grant; the list reaches the lock when it is back.
        await w.disconnect();
        assert.deepEqual(await w.owner.revoke(SERIAL, { grantId: gb.grantId }), { version: 2 });
        assert.equal(await status(w.stranger.revoke(SERIAL, { grantId: gb.grantId })), 403);
        assert.equal(await status(w.owner.revoke(SERIAL, { grantId: 999_999 })), 404);
        await w.connect();
        const second = await until("revocations 2", () => w.commands("revocations").find((c) => revocationFields(Buffer.from(c.revocations as string, "base64")).version === 2));
        const r2 = revocationFields(Buffer.from(second.revocations as string, "base64"));
        assert.deepEqual(r2.ids, [ga.grantId, gb.grantId], "the whole list");
        await w.pub("reply", { seq: w.nextSeq(), cmd: second.cmd, status: 0 });
        // Caught up: a reconnect sends nothing more (the barrier: a time answer after it).
        await w.disconnect();
        await w.connect();
        await w.pub("time", { nonce: randomBytes(16).toString("hex") });
        await until("time answer", () => w.commands("time")[0]);
        assert.deepEqual([...new Set(w.commands("revocations").map((c) => c.cmd))], [first.cmd, second.cmd]);
      } finally { await w.stop(); }
    });

    it("a lock registered again after a factory reset gets the current revocation list on its first hello", async () => {
      const w = await lockWorld(kind);
      try {
        const alice = await w.user();
        const a = await alice.book({ lock: w.lock, start: T, end: T + HOUR });
        const g = await w.sdk.grant({ ticket: a.ticket, phoneKey: phoneKey().hex });
        await alice.cancel(a.booking);
        const sent = await until("revocations", () => w.commands("revocations")[0]);
        await w.pub("reply", { seq: w.nextSeq(), cmd: sent.cmd, status: 0 });
        await w.entries({ kind: "door", state: "open" });
        await w.disconnect();

        // The reset lock: a new device id and password, the same serial and certificate.
        const id = randomUUID(), password = randomBytes(16).toString("hex");
        await w.owner.register(id, password, SERIAL);
        const again = await w.owner.registerLock(id, password);
        assert.equal(again.lockRef, w.installed.lockRef, "the booking services' name for it stays");
        assert.equal(await status(w.owner.registerLock(id, "not-the-password")), 403);
        const c = mqtt.connect(w.world.broker.url, { clientId: id, username: id, password, ca: w.world.pki.ca, ...w.world.pki.clientCert(SERIAL), reconnectPeriod: 0, connectTimeout: 5000 });
        try {
          await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
          const down: Down[] = [];
          c.on("message", (_t, p) => down.push(JSON.parse(p.toString()) as Down));
          await c.subscribeAsync(`devices/${id}/down`, { qos: 1 });
          await c.publishAsync(`devices/${id}/up/hello`, JSON.stringify({ serial: SERIAL, fw: "lock 1" }), { qos: 1 });
          const list = await until("the list after the reset", () => down.find((m) => typeof m.revocations === "string"));
          const r = revocationFields(Buffer.from(list.revocations as string, "base64"));
          assert.deepEqual([r.version, r.ids], [1, [g.grantId]]);
          // Its own sequence starts again at 1 and is kept beside the old one.
          await c.publishAsync(`devices/${id}/up/history`, JSON.stringify({ seq: 1, kind: "door", state: "closed" }), { qos: 1 });
          await until("ack 1", () => down.find((m) => m.ack === 1));
          assert.deepEqual((await w.owner.events(SERIAL)).map((e) => [e.seq, e.kind, (e as { state: string }).state]), [[2, "door", "open"], [1, "door", "closed"]]);
        } finally { c.end(true); }
      } finally { await w.stop(); }
    });

    it("answers up/time with a signed time carrying the lock's nonce", async () => {
      const w = await lockWorld(kind);
      try {
        const nonce = randomBytes(16);
        const before = Date.now();
        await w.pub("time", { nonce: nonce.toString("hex") });
        const c = await until("time", () => w.commands("time")[0]);
        const b = Buffer.from(c.time as string, "base64");
        assert.equal(b.toString("latin1", 0, 3), "LT\x01");
        assert.equal(b.toString("latin1", 4, 4 + b[3]), SERIAL);
        let at = 4 + b[3];
        assert.deepEqual(b.subarray(at, at + 16), nonce); at += 16;
        const t = Number(b.readBigInt64LE(at)); at += 8;
        assert.ok(t >= before - 1000 && t <= Date.now() + 1000);
        assert.equal(b.length, at + 64);
        assert.ok(verify("sha256", b.subarray(0, at), { key: p256(Buffer.from(w.installed.makerKey, "hex")), dsaEncoding: "ieee-p1363" }, b.subarray(at)));
        // A malformed request is answered with nothing (barrier: a good one after it).
        await w.pub("time", { nonce: "zz" });
        const n2 = randomBytes(16);
        await w.pub("time", { nonce: n2.toString("hex") });
        await until("second time", () => (w.commands("time").length >= 2 ? true : undefined));
        assert.equal(w.commands("time").length, 2);
        assert.deepEqual(Buffer.from(w.commands("time")[1].time as string, "base64").subarray(4 + SERIAL.length, 4 + SERIAL.length + 16), n2);
      } finally { await w.stop(); }
    });

    it("keeps the lock's event log once per seq, malformed entries skipped, for the owner only", async () => {
      const w = await lockWorld(kind);
      try {
        await w.entries(
          { kind: "access", grant: 7, action: "unlock", result: "granted", reason: "none", t: T },
          { kind: "bolt", state: "unlocked", by: "grant" },
          { kind: "access", grant: 7, action: "unlock", result: "denied", reason: "nonsense", t: T },
          { kind: "door", state: "open" },
        );
        // The same entries again (a redelivery after a lost ack), then one more.
        await w.pub("history", { seq: 1, kind: "access", grant: 7, action: "unlock", result: "granted", reason: "none", t: T });
        await w.pub("history", { seq: 2, kind: "bolt", state: "unlocked", by: "grant" });
        await w.entries({ kind: "access", grant: 0, action: "lock", result: "denied", reason: "outside-schedule", t: -1 });
        const log: LockEvent[] = await w.owner.events(SERIAL);
        assert.deepEqual(log.map((e) => [e.seq, e.kind]), [[1, "access"], [2, "bolt"], [4, "door"], [5, "access"]]);
        assert.deepEqual(log[3], { seq: 5, kind: "access", grant: 0, action: "lock", result: "denied", reason: "outside-schedule", t: -1 });
        assert.equal(await status(w.stranger.events(SERIAL)), 403);
      } finally { await w.stop(); }
    });

    it("the booking service's database and every request it received hold no byte of the grant or the phone key", async () => {
      const w = await lockWorld(kind);
      try {
        const alice = await w.user();
        const b = await alice.book({ lock: w.lock, start: T, end: T + HOUR, type: "disposable" });
        const phone = phoneKey();
        const g = await w.sdk.grant({ ticket: b.ticket, phoneKey: phone.hex });
        const grant = Buffer.from(g.grant, "base64");
        await alice.bookings();
        await alice.cancel(b.booking);
        await w.service.stop();
        const files = ["booking.db", "booking.db-wal", "booking.db-shm"].map((f) => join(w.world.dir, f)).filter(existsSync);
        const stored = Buffer.concat(files.map((f) => readFileSync(f)));
        const requests = Buffer.concat(w.received.map((r) => Buffer.concat([Buffer.from(`${r.method} ${r.url} ${JSON.stringify(r.headers)}\n`), r.body])));
        assert.ok(w.received.length >= 5 && stored.length > 0);
        for (const [what, secret] of [["grant", grant], ["phone public key", phone.raw], ["phone private key", phone.privateDer]] as const) {
          assert.equal(leaks(secret, stored), 0, `${what} in the booking service's database`);
          assert.equal(leaks(secret, requests), 0, `${what} in a request the booking service received`);
        }
        // Nor does the cloud's event log (the home's message-flow view) show the grant.
        const cloudLog = Buffer.from(JSON.stringify(w.world.events));
        assert.equal(leaks(grant, cloudLog), 0, "grant in the cloud's event log");
        // The scan finds what is there: the ticket, which the service does hold.
        assert.ok(leaks(Buffer.from(b.ticket), stored) > 0);
        assert.ok(leaks(grant, Buffer.from(g.grant)) > 0 && leaks(grant, grant) > 0);
      } finally { await w.stop(); }
    });
  });
}
