// The power conditioner's part of the cloud over a real broker (embedded aedes, and
// Mosquitto when installed): TLS, the PCS's factory certificate (CN = PC-0001), its device
// login as the cloud announced it; an mqtt.js client plays the PCS's cloud link (outbox
// entries of firmware/images/power-conditioner/PROTOCOL.md §4.1, replies to §4.2
// commands), PcsCloudClient the installer's tool, the residents', the worker's and the
// factory's HTTPS calls (§7). Signatures and verifiers are checked here with node's crypto
// directly over the bytes, not with the cloud's own helpers.
//   npx tsx --test test/pcs-cloud.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from "node:crypto";
import Database from "better-sqlite3";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import {
  createPcsCloud, FACTORY_USER, HIKARI_ENERGY, INSTALLER_USER, PCS_OPERATOR, PcsCloudClient, SUNLEASE_PPS, type PcsCloud,
} from "../host-sim/appliances/power-conditioner/cloud/index.ts";
import { checkAuth, checkChange, checkReading, checkTamper } from "../host-sim/appliances/power-conditioner/cloud/entries.ts";
import { parseAuthInfo, signAuthInfo } from "../host-sim/appliances/power-conditioner/cloud/auth-info.ts";
import { CloudClient, CloudError } from "../host-sim/phone/cloud-client.ts";
import { requirement } from "./support/requirement.ts";
import { startCloudWorld, type CloudWorld } from "./support/cloud.ts";

const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");
const SERIAL = "PC-0001";
const ALICE = "alice@example.com", BOB = "bob@example.com", WORKER = "worker@pcs-service.example";
const T = Date.UTC(2026, 10, 22, 10, 30);

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

/** The raw P-256 key (0x04 ‖ X ‖ Y, hex) as node's KeyObject. */
function p256(rawHex: string): KeyObject {
  const raw = Buffer.from(rawHex, "hex");
  assert.equal(raw.length, 65);
  assert.equal(raw[0], 4);
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") }, format: "jwk" });
}

/** §2.1's layout, read field by field. */
function fieldsOf(blob: Buffer) {
  const len = blob[26];
  const at = 27 + len;
  return {
    magic: blob.subarray(0, 3).toString("latin1"), version: blob[2], issuer: blob.readUInt32LE(3), serial: blob.readUInt32LE(7),
    issued: Number(blob.readBigInt64LE(11)), lifetime: blob.readUInt32LE(19), uses: blob[23], failures: blob[24], items: blob[25],
    device: blob.subarray(27, at).toString("latin1"), salt: blob.subarray(at, at + 16), verifier: blob.subarray(at + 16, at + 48),
    body: blob.subarray(0, at + 48), signature: blob.subarray(at + 48), length: blob.length, expected: at + 48 + 64,
  };
}

const verifierOf = (device: string, salt: Buffer, digits: string) =>
  createHash("sha256").update("pcs-credential-v1").update(device).update(salt).update(digits).digest();

/** A reading entry as the PCS publishes it, its MAC computed here from §4.1's layout. */
function reading(deviceKeyHex: string, co: number, rseq: number, over: Partial<Record<string, unknown>> = {}) {
  const r = { co, rseq, q: 0, t: T + rseq * 1_800_000, pv: 1600, ch: 400, dis: 0, e: [10_000 + rseq * 1600, 5000, 3000], site: "JP-13-0042", cap: [5500, 9800, 40_000], ...over } as {
    co: number; rseq: number; q: number; t: number; pv: number; ch: number; dis: number; e: number[]; site: string; cap: number[];
  };
  const b = Buffer.alloc(4 + 4 + 1 + 8 + 24 + 1 + r.site.length + 12);
  let at = 0;
  at = b.writeUInt32LE(r.co, at); at = b.writeUInt32LE(r.rseq, at); b[at++] = r.q; at = b.writeBigInt64LE(BigInt(r.t), at);
  for (const v of [r.pv, r.ch, r.dis, ...r.e]) at = b.writeUInt32LE(v, at);
  b[at++] = r.site.length; at += b.write(r.site, at, "ascii");
  for (const v of r.cap) at = b.writeUInt32LE(v, at);
  const mac = createHmac("sha256", Buffer.from(deviceKeyHex, "hex")).update("pcs-reading-v1").update(SERIAL).update(b).digest("hex");
  return { kind: "reading", ...r, mac };
}

/** Every value in every table of a database, as one string. */
function dump(db: Database.Database): string {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).raw().all(), (_k, v) =>
    Buffer.isBuffer(v) ? v.toString("hex") + v.toString("latin1") : typeof v === "bigint" ? String(v) : v)).join("\n");
}

/** A fresh cloud with the PCS part, the PCS made at the factory, registered and installed
 *  for Sunlease PPS by its installer (alice the resident) and connected; every test starts here. */
async function pcsWorld(kind: BrokerKind) {
  const pcsCloud: PcsCloud = createPcsCloud();
  const world: CloudWorld = await startCloudWorld(kind, {}, [pcsCloud.service]);
  const client = (user: string) => new PcsCloudClient(new CloudClient(world.cloud.url, world.pki.ca, { user, password: `${user}-password-1`, terminalId: `${user}-phone` }));
  const users = [INSTALLER_USER, "alice", "bob", "worker", FACTORY_USER];
  const [installer, alice, bob, worker, factory] = users.map(client);
  for (const user of users) await installer.cloud.expect(201, "POST", "/api/users", { user, password: `${user}-password-1` }, false);

  const sheet = await factory.factory(SERIAL);
  const id = randomUUID(), password = randomBytes(16).toString("hex");
  await installer.register(id, password, SERIAL);
  const connection = await installer.install(id, SUNLEASE_PPS, [{ to: ALICE, user: "alice" }]);

  const pcs: MqttClient = mqtt.connect(world.broker.url, {
    clientId: id, username: id, password, ca: world.pki.ca, ...world.pki.clientCert(SERIAL), reconnectPeriod: 0, connectTimeout: 5000,
  });
  await new Promise<void>((resolve, reject) => { pcs.once("connect", () => resolve()); pcs.once("error", reject); });
  const down: Down[] = [];
  pcs.on("message", (_t, p) => down.push(JSON.parse(p.toString()) as Down));
  await pcs.subscribeAsync(`devices/${id}/down`, { qos: 1 });
  const pub = (k: string, body: unknown) => pcs.publishAsync(`devices/${id}/up/${k}`, JSON.stringify(body), { qos: 1 });
  const acks = () => down.filter((m) => typeof m.ack === "number").map((m) => m.ack as number);
  const ackAfter = async (n: number) => until(`ack ${n}`, () => acks().find((a) => a >= n));
  const commands = () => down.filter((m) => typeof m.cmd === "number" && typeof m.auth === "string");
  const command = (n: number) => until(`command ${n}`, () => commands().find((m) => m.cmd === n));
  await pub("hello", { serial: SERIAL, fw: "pcs 1" });
  await until("hello's ack", () => (acks().length > 0 ? true : undefined));
  let seq = 0;
  /** Publishes outbox entries with the next seqs and waits for their acknowledgement. */
  const entries = async (...list: Record<string, unknown>[]) => {
    for (const e of list) await pub("history", { seq: ++seq, ...e });
    return ackAfter(seq);
  };
  /** The credential in `to`'s mailbox (the newest message's 10 or 12 digits). */
  const credential = async (who: PcsCloudClient, to: string) => {
    const m = await who.messages(to);
    return /code is ([0-9]{10})\b/.exec(m[m.length - 1].text)![1];
  };
  return {
    id, password, world, pcsCloud, pcs, down, pub, entries, command, commands, acks, credential, sheet, connection,
    phone: { installer, alice, bob, worker, factory },
    partner: (code: number) => pcsCloud.partner(code)!,
    nextSeq: () => ++seq,
    async stop() {
      pcs.end(true);
      await world.stop();
      pcsCloud.close();
    },
  };
}

async function status(p: Promise<unknown>): Promise<number> {
  try { await p; return 0; } catch (e) { if (e instanceof CloudError) return e.status; throw e; }
}

describe("power conditioner cloud parsers", () => {
  it("the entry checks and the §2.1 parser take any input without throwing, and refuse what is not well formed", () => {
    // A fixed-seed generator: the same inputs on every run.
    let x = 0x2545f491;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 2 ** 32; };
    const pick = <T>(l: readonly T[]) => l[Math.floor(next() * l.length)];
    const values: unknown[] = [0, -1, 1.5, 2 ** 32, 2 ** 53, "", "reading", "JP-13-0042", "D101:1", "maintenance", "ble", true, [1, 2, 3], [1, 2], [-1, 0, 0], "a".repeat(64), "0".repeat(64)];
    const keys = ["co", "rseq", "q", "t", "pv", "ch", "dis", "e", "site", "cap", "mac", "event", "issuer", "serial", "via", "reason", "item", "op", "by", "to"];
    const key = "00".repeat(32);
    const good = reading(key, SUNLEASE_PPS, 1);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const e: Record<string, unknown> = next() < 0.5 ? { ...good } : {};
      for (let k = 0; k < 4; k++) e[pick(keys)] = pick(values);
      const entry = { seq: i + 1, ...e } as Parameters<typeof checkReading>[0];
      for (const check of [checkReading, checkAuth, checkChange, checkTamper]) {
        const c = check(entry);
        if (c.ok) accepted++;
      }
    }
    assert.ok(accepted > 0, "some inputs are well formed");
    assert.equal(checkReading({ seq: 1, ...good } as Parameters<typeof checkReading>[0]).ok, true);
    const priv = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const blob = signAuthInfo({ issuer: 1, serial: 1, issuedMs: T, lifetimeS: 0, uses: 0, failures: 0, items: 1, device: SERIAL, salt: Buffer.alloc(16), verifier: Buffer.alloc(32) }, priv);
    assert.ok(parseAuthInfo(blob));
    for (let n = 0; n < blob.length; n++) assert.equal(parseAuthInfo(blob.subarray(0, n)), null, `${n} bytes`);
    for (let i = 0; i < 500; i++) {
      const b = Buffer.from(blob);
      b[Math.floor(next() * 27)] = Math.floor(next() * 256);
      const f = parseAuthInfo(b);
      if (f) assert.equal(b.length, 27 + f.device.length + 16 + 32 + 64);
    }
  });
});

for (const kind of ["embedded", "mosquitto"] as BrokerKind[]) {
  describe(`power conditioner cloud over the ${kind} broker`, { skip: kind === "mosquitto" && mosquittoMissing }, () => {
    it("sends the partner's signed authentication information, byte for byte §2.1, and the credential to the resident's mailbox only", async () => {
      const w = await pcsWorld(kind);
      try {
        assert.equal(w.connection.partner, SUNLEASE_PPS);
        assert.equal(w.connection.serial, SERIAL);
        assert.equal(Buffer.from(w.connection.deviceKey, "hex").length, 32);
        const key = p256(w.connection.partnerPublicKey);

        const asked = await w.phone.alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 1 << 2, to: ALICE });
        assert.equal(asked.issuer, SUNLEASE_PPS);
        const cmd = await w.command(asked.cmd);
        const blob = Buffer.from(cmd.auth as string, "base64");
        const f = fieldsOf(blob);
        assert.equal(f.magic, "PA\x01");
        assert.equal(f.length, f.expected, "nothing after the signature");
        assert.deepEqual([f.issuer, f.serial, f.lifetime, f.uses, f.failures, f.items, f.device], [SUNLEASE_PPS, asked.authSerial, 0, 0, 0, 1 << 2, SERIAL]);
        assert.ok(verify("sha256", f.body, { key, dsaEncoding: "ieee-p1363" }, f.signature), "the signature verifies over every byte before it");
        const altered = Buffer.from(f.body); altered[25] ^= 0x1f;
        assert.ok(!verify("sha256", altered, { key, dsaEncoding: "ieee-p1363" }, f.signature), "and over nothing else");
        assert.ok(!verify("sha256", f.body, { key: p256(w.sheet.operatorPublicKey), dsaEncoding: "ieee-p1363" }, f.signature), "under the partner's key, not the operator's");

        const digits = await w.credential(w.phone.alice, ALICE);
        assert.match(digits, /^[0-9]{10}$/);
        assert.deepEqual(f.verifier, verifierOf(SERIAL, f.salt, digits), "the verifier is the credential's, salted, for this PCS");
        const inbox = await w.phone.alice.messages(ALICE);
        assert.equal(inbox.length, 1);
        assert.equal(inbox[0].channel, "email");
        assert.equal(inbox[0].from, "Sunlease PPS (D101)");

        // Limits asked for go into the fields; each request's serial is above the last.
        const second = await w.phone.alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 0x1f, to: ALICE, lifetimeS: 600, uses: 1, failures: 2 });
        const f2 = fieldsOf(Buffer.from((await w.command(second.cmd)).auth as string, "base64"));
        assert.ok(f2.serial > f.serial);
        assert.deepEqual([f2.lifetime, f2.uses, f2.failures, f2.items], [600, 1, 2, 0x1f]);
        assert.notDeepEqual(f2.salt, f.salt);

        // The PCS's replies go to the issuer that made each (the first reply stands).
        await w.pub("reply", { seq: w.nextSeq(), cmd: asked.cmd, status: 0 });
        await w.pub("reply", { seq: w.nextSeq(), cmd: second.cmd, status: -6 });
        const last = await w.entries();
        await w.pub("reply", { seq: last + 1, cmd: asked.cmd, status: -10 });
        await w.entries();
        const states = w.partner(SUNLEASE_PPS).authRequests(SERIAL).map((r) => [r.authSerial, r.state, r.to, r.by]);
        assert.deepEqual(states, [[f.serial, "stored", ALICE, "alice"], [f2.serial, "refused", ALICE, "alice"]]);
        assert.deepEqual(w.partner(HIKARI_ENERGY).authRequests(SERIAL), []);
      } finally {
        await w.stop();
      }
    });

    it("the operator's authentication information and the factory's maintenance record", async () => {
      const w = await pcsWorld(kind);
      try {
        const s = w.sheet;
        assert.equal(s.operator, PCS_OPERATOR);
        assert.match(s.digits, /^[0-9]{12}$/);
        const data = Buffer.from(s.data, "hex");
        assert.equal(data.length, 4 + 65 + 16 + 32);
        assert.equal(data.readUInt32LE(0), PCS_OPERATOR);
        assert.equal(data.subarray(4, 69).toString("hex"), s.operatorPublicKey);
        assert.deepEqual(data.subarray(85), verifierOf(SERIAL, data.subarray(69, 85), s.digits), "MAINTENANCE's verifier is the sheet's digits'");
        assert.equal(await status(w.phone.factory.factory(SERIAL)), 409, "made once");
        const sheet = await w.phone.worker.messages(WORKER);
        assert.equal(sheet.length, 1);
        assert.match(sheet[0].text, new RegExp(`power conditioner ${SERIAL}: the maintenance code is ${s.digits}\\.`), "the workers get the sheet");
        assert.equal(sheet[0].from, "PCS Service Operator (E001)");
        assert.equal(await status(w.phone.alice.factory("PC-0002")), 403, "only the factory's account");

        // The operator issues for the PCSs it made, to its workers.
        const asked = await w.phone.worker.requestAuth(SERIAL, { issuer: PCS_OPERATOR, items: 0x1f, to: WORKER });
        const f = fieldsOf(Buffer.from((await w.command(asked.cmd)).auth as string, "base64"));
        assert.equal(f.issuer, PCS_OPERATOR);
        assert.ok(verify("sha256", f.body, { key: p256(s.operatorPublicKey), dsaEncoding: "ieee-p1363" }, f.signature));
        assert.deepEqual(f.verifier, verifierOf(SERIAL, f.salt, await w.credential(w.phone.worker, WORKER)));
        assert.equal(await status(w.phone.worker.requestAuth("PC-0002", { issuer: PCS_OPERATOR, items: 1, to: WORKER })), 403, "a PCS it did not make");
        // A PCS it made that the cloud has no registration of: nothing sent, no credential out.
        await w.phone.factory.factory("PC-0002");
        const before = (await w.phone.worker.messages(WORKER)).length;
        assert.equal(await status(w.phone.worker.requestAuth("PC-0002", { issuer: PCS_OPERATOR, items: 1, to: WORKER })), 409);
        assert.deepEqual(w.pcsCloud.operator.authRequests("PC-0002").map((r) => r.state), ["unsent"]);
        assert.equal((await w.phone.worker.messages(WORKER)).length, before);
        assert.equal(await status(w.phone.alice.requestAuth(SERIAL, { issuer: PCS_OPERATOR, items: 1, to: WORKER })), 403, "alice is not a worker");
        assert.equal(await status(w.phone.alice.messages(WORKER)), 403, "nor reads their mailbox");
      } finally {
        await w.stop();
      }
    });

    it("refuses requests for another device, to another's address, from another user, and unknown issuers; nothing is made or sent", async () => {
      const w = await pcsWorld(kind);
      try {
        const { alice, bob } = w.phone;
        const cases: [string, () => Promise<unknown>, number][] = [
          ["a PCS the partner has no key for", () => alice.requestAuth("PC-0002", { issuer: SUNLEASE_PPS, items: 1, to: ALICE }), 403],
          ["a partner that does not serve this PCS", () => alice.requestAuth(SERIAL, { issuer: HIKARI_ENERGY, items: 1, to: ALICE }), 403],
          ["an address not on file", () => bob.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 1, to: BOB }), 403],
          ["another user's address", () => bob.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 1, to: ALICE }), 403],
          ["an unknown issuer", () => alice.requestAuth(SERIAL, { issuer: 0xd999, items: 1, to: ALICE }), 404],
          ["no items", () => alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 0, to: ALICE }), 400],
          ["items beyond the five", () => alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 0x20, to: ALICE }), 400],
          ["uses beyond a byte", () => alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 1, to: ALICE, uses: 256 }), 400],
          ["another user's mailbox", () => bob.messages(ALICE), 403],
          ["an installation by someone not on the registration", () => bob.install(w.id, SUNLEASE_PPS, [{ to: BOB, user: "bob" }]), 403],
          ["an installation of a claimed serial by someone not the partner's installer", async () => {
            const claim = randomUUID();
            await bob.register(claim, randomBytes(16).toString("hex"), SERIAL);
            return bob.install(claim, SUNLEASE_PPS, [{ to: BOB, user: "bob" }]);
          }, 403],
          ["a mailbox that is another user's", () => w.phone.installer.install(w.id, SUNLEASE_PPS, [{ to: ALICE, user: "bob" }]), 409],
          ["an enrolment of a PCS the cloud does not know", () => bob.enrol(HIKARI_ENERGY, "PC-0002", BOB), 409],
          ["an enrolment by someone the partner in effect does not know", () => bob.enrol(HIKARI_ENERGY, SERIAL, BOB), 403],
          ["an enrolment with the partner in effect", () => alice.enrol(SUNLEASE_PPS, SERIAL, ALICE), 409],
          ["readings by a stranger", () => bob.readings(SERIAL, SUNLEASE_PPS), 403],
        ];
        for (const [what, call, expected] of cases) assert.equal(await status(call()), expected, what);
        for (const p of w.pcsCloud.partners) assert.deepEqual(p.authRequests(SERIAL), [], `${p.name} made nothing`);
        assert.ok(!w.partner(HIKARI_ENERGY).serves(SERIAL), "no enrolment issued a key");
        assert.deepEqual(w.pcsCloud.messages.all().map((m) => [m.to, m.text.slice(0, 17)]), [[WORKER, "Maintenance sheet"]], "no message but the factory's sheet");
        await w.entries(); // a barrier: everything sent down before it has arrived
        assert.deepEqual(w.commands(), [], "no command went down");
      } finally {
        await w.stop();
      }
    });

    it("stores readings once per (serial, rseq) after their MAC; a bad MAC is stored as refused, acknowledged, never counted", async () => {
      const w = await pcsWorld(kind);
      try {
        const sun = w.partner(SUNLEASE_PPS), key = w.connection.deviceKey;
        const r1 = reading(key, SUNLEASE_PPS, 1), r2 = reading(key, SUNLEASE_PPS, 2);
        const forged = { ...reading(key, SUNLEASE_PPS, 3), pv: 9999 }; // changed on the way: the MAC no longer matches
        const otherKey = reading(randomBytes(32).toString("hex"), SUNLEASE_PPS, 4);
        const n = await w.entries(r1, r1, r2, forged, otherKey, reading(key, HIKARI_ENERGY, 1), reading(key, 0xd999, 1));
        assert.equal(n, 7, "every one acknowledged");
        // A QoS redelivery and a resend under a new seq of the same reading.
        await w.pub("history", { seq: n, ...r2 });
        await w.entries(r2);
        assert.deepEqual(sun.readings(SERIAL).map(({ received: _r, ...r }) => r)[1],
          { pcs: SERIAL, rseq: 2, co: SUNLEASE_PPS, q: 0, t: T + 2 * 1_800_000, pv: 1600, ch: 400, dis: 0, epv: 13_200, ech: 5000, edis: 3000, site: "JP-13-0042", cpv: 5500, cbat: 9800, cev: 40_000 });
        assert.deepEqual(sun.readings(SERIAL).map((r) => r.rseq), [1, 2]);
        assert.deepEqual(sun.refusedReadings(SERIAL).map((r) => [r.rseq, r.reason]), [[3, "bad-mac"], [4, "bad-mac"]]);
        assert.deepEqual(w.partner(HIKARI_ENERGY).refusedReadings(SERIAL).map((r) => [r.rseq, r.reason]), [[1, "no-key"]]);
        assert.deepEqual(w.partner(HIKARI_ENERGY).readings(SERIAL), []);
        assert.deepEqual(w.pcsCloud.relay().undeliverable().map((u) => [u.seq, u.co]), [[7, 0xd999]]);
        assert.deepEqual(sun.conflicts(SERIAL), []);
        // Same rseq, other content, a valid MAC: kept aside, the first stands.
        await w.entries(reading(key, SUNLEASE_PPS, 2, { pv: 1700 }));
        assert.equal(sun.readings(SERIAL)[1].pv, 1600);
        assert.deepEqual(sun.conflicts(SERIAL).map((c) => c.rseq), [2]);
        // The resident and the installer read them over HTTPS.
        assert.deepEqual((await w.phone.alice.readings(SERIAL, SUNLEASE_PPS)).map((r) => r.rseq), [1, 2]);
        assert.deepEqual((await w.phone.installer.readings(SERIAL, SUNLEASE_PPS)).map((r) => r.rseq), [1, 2]);
      } finally {
        await w.stop();
      }
    });

    it("withholds the acknowledgement while a partner cannot commit; the resend is stored once", async () => {
      const w = await pcsWorld(kind);
      try {
        const sun = w.partner(SUNLEASE_PPS);
        sun.db.exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'disk full'); END");
        const r1 = reading(w.connection.deviceKey, SUNLEASE_PPS, 1);
        await w.pub("history", { seq: 1, ...r1 });
        const barrier = w.acks().length;
        await w.pub("hello", { serial: SERIAL, fw: "pcs 1" });
        await until("hello's ack", () => (w.acks().length > barrier ? true : undefined));
        assert.equal(Math.max(...w.acks()), 0, "not acknowledged");
        assert.deepEqual(sun.readings(SERIAL), []);
        sun.db.exec("DROP TRIGGER refuse");
        await w.pub("history", { seq: 1, ...r1 });
        await until("ack 1", () => w.acks().find((a) => a >= 1));
        assert.deepEqual(sun.readings(SERIAL).map((r) => r.rseq), [1]);
      } finally {
        await w.stop();
      }
    });

    it("hands auth, change and tamper entries to the servers concerned; a connection change moves the partner in effect to the enrolled partner", async () => {
      const w = await pcsWorld(kind);
      try {
        const sun = w.partner(SUNLEASE_PPS), hikari = w.partner(HIKARI_ENERGY), op = w.pcsCloud.operator;
        // Use case 2: alice enrols with Hikari Energy, gets its CONNECTION, and the PCS
        // (under Sunlease's credential) changes to it.
        const next = await w.phone.alice.enrol(HIKARI_ENERGY, SERIAL, ALICE);
        assert.equal(next.partner, HIKARI_ENERGY);
        assert.notEqual(next.deviceKey, w.connection.deviceKey);
        await w.entries(
          { kind: "auth", event: "stored", issuer: SUNLEASE_PPS, serial: 1, via: "cloud" },
          { kind: "auth", event: "match", issuer: SUNLEASE_PPS, serial: 1, via: "ble" },
          { kind: "change", item: "site", op: "set", by: "D101:1", via: "ble", site: "JP-27-0007" },
          { kind: "change", item: "capacities", op: "set", by: "D101:1", via: "ble", cap: [6000, 13_500, 60_000] },
          { kind: "change", item: "connection", op: "set", by: "D101:1", via: "ble", to: HIKARI_ENERGY },
          { kind: "tamper", item: "capacities" },
          { kind: "auth", event: "refused", issuer: 0xd999, serial: 5, via: "cloud", reason: "unknown-issuer" },
        );
        // A QoS redelivery of an entry already applied, and a resend under its own seq.
        await w.pub("history", { seq: 1, kind: "auth", event: "stored", issuer: SUNLEASE_PPS, serial: 1, via: "cloud" });
        await w.entries();
        const kinds = (s: typeof sun | typeof op) => s.events(SERIAL).map((e) => `${e.kind}:${e.fields.event ?? e.fields.item}`);
        assert.deepEqual(kinds(sun), ["auth:stored", "auth:match", "change:site", "change:capacities", "change:connection"]);
        assert.deepEqual(kinds(hikari), ["change:connection", "tamper:capacities", "auth:refused"], "the new partner from its change on");
        assert.deepEqual(kinds(op), ["auth:stored", "auth:match", "change:site", "change:capacities", "change:connection", "tamper:capacities", "auth:refused"]);
        assert.deepEqual(sun.events(SERIAL, "change").map((e) => e.fields).slice(0, 2), [
          { item: "site", op: "set", by: "D101:1", via: "ble", site: "JP-27-0007" },
          { item: "capacities", op: "set", by: "D101:1", via: "ble", cap: [6000, 13_500, 60_000] },
        ]);
        assert.equal(w.pcsCloud.relay().partnerOf(w.id), HIKARI_ENERGY);
        assert.deepEqual(w.pcsCloud.relay().undeliverable().map((u) => [u.kind, u.co]), [["auth", 0xd999]]);

        // Readings now go to Hikari under the key it issued; it serves the PCS and issues for it.
        await w.entries(reading(next.deviceKey, HIKARI_ENERGY, 1, { site: "JP-27-0007", cap: [6000, 13_500, 60_000] }));
        assert.deepEqual(hikari.readings(SERIAL).map((r) => [r.rseq, r.site, r.cpv, r.cbat, r.cev]), [[1, "JP-27-0007", 6000, 13_500, 60_000]]);
        const asked = await w.phone.alice.requestAuth(SERIAL, { issuer: HIKARI_ENERGY, items: 1 << 3, to: ALICE });
        const f = fieldsOf(Buffer.from((await w.command(asked.cmd)).auth as string, "base64"));
        assert.ok(verify("sha256", f.body, { key: p256(next.partnerPublicKey), dsaEncoding: "ieee-p1363" }, f.signature));
      } finally {
        await w.stop();
      }
    });

    it("skips malformed entries of every kind: nothing reaches a server, each keeps its place", async () => {
      const w = await pcsWorld(kind);
      try {
        const good = reading(w.connection.deviceKey, SUNLEASE_PPS, 1);
        const bad: Record<string, unknown>[] = [
          { ...good, rseq: 0 }, { ...good, co: 0 }, { ...good, q: 16 }, { ...good, pv: -1 }, { ...good, e: [2 ** 32, 0, 0] },
          { ...good, e: [1, 2] }, { ...good, cap: [1, 2, 3, 4] }, { ...good, cap: [1, 2.5, 3] }, { ...good, cap: undefined },
          { ...good, site: "jp-13" }, { ...good, site: "X".repeat(21) }, { ...good, mac: "00" }, { ...good, t: "noon" },
          { kind: "change", item: "capacities", op: "set", by: "maintenance", via: "panel", cap: [1, 2] },
          { kind: "change", item: "site", op: "set", by: "maintenance", via: "panel", site: "A", cap: [1, 2, 3] },
          { kind: "auth", event: "opened", issuer: 1, serial: 1, via: "ble" },
          { kind: "auth", event: "refused", issuer: 1, serial: 1, via: "ble" },
          { kind: "auth", event: "match", issuer: 1, serial: 1, via: "ble", reason: "replayed" },
          { kind: "auth", event: "match", issuer: 1, serial: 1, via: "wifi" },
          { kind: "change", item: "name", op: "set", by: "maintenance", via: "panel" },
          { kind: "change", item: "site", op: "set", by: "maintenance", via: "panel" },
          { kind: "change", item: "site", op: "delete", by: "maintenance", via: "panel", site: "A" },
          { kind: "change", item: "connection", op: "set", by: "maintenance", via: "panel" },
          { kind: "change", item: "personal", op: "set", by: "d101:1", via: "panel" },
          { kind: "tamper", item: 3 },
          { kind: "nonsense" },
        ];
        const n = await w.entries(...bad);
        assert.equal(n, bad.length, "every malformed entry is acknowledged (the PCS would never send it differently)");
        for (const s of [...w.pcsCloud.partners, w.pcsCloud.operator]) assert.deepEqual(s.events(SERIAL), [], s.name);
        assert.deepEqual(w.partner(SUNLEASE_PPS).readings(SERIAL), []);
        assert.deepEqual(w.partner(SUNLEASE_PPS).refusedReadings(SERIAL), []);
        assert.deepEqual(w.pcsCloud.relay().undeliverable(), []);
        await w.entries(good);
        assert.equal(w.partner(SUNLEASE_PPS).readings(SERIAL).length, 1, "the entry after them is applied");
      } finally {
        await w.stop();
      }
    });

    it("the credential is in the message outbox and nowhere else: not in any server's database, the cloud's, or its log", async () => {
      const w = await pcsWorld(kind);
      try {
        const asked = await w.phone.alice.requestAuth(SERIAL, { issuer: SUNLEASE_PPS, items: 0x1f, to: ALICE });
        const op = await w.phone.worker.requestAuth(SERIAL, { issuer: PCS_OPERATOR, items: 0x1f, to: WORKER });
        const blob = (await w.command(asked.cmd)).auth as string;
        await w.command(op.cmd);
        await w.pub("reply", { seq: w.nextSeq(), cmd: asked.cmd, status: 0 });
        await w.entries();
        const secrets = [await w.credential(w.phone.alice, ALICE), await w.credential(w.phone.worker, WORKER), w.sheet.digits];
        for (const s of secrets) assert.ok(dump(w.pcsCloud.messages.db).includes(s), "the outbox holds them");
        const cloudDb = new Database(join(w.world.dir, "cloud.db"), { readonly: true });
        try {
          const places: [string, string][] = [
            ...w.pcsCloud.partners.map((p): [string, string] => [p.name, dump(p.db)]),
            [w.pcsCloud.operator.name, dump(w.pcsCloud.operator.db)],
            ["the cloud's database", dump(cloudDb)],
            ["the cloud's events", JSON.stringify(w.world.events)],
          ];
          for (const [where, text] of places) {
            for (const s of secrets) assert.ok(!text.includes(s), `a credential in ${where}`);
          }
          assert.ok(!dump(cloudDb).includes(blob), "the replied command's authentication information is blanked in the cloud's database");
          assert.ok(!JSON.stringify(w.world.events).includes(blob), "nor in its events");
        } finally {
          cloudDb.close();
        }
        // What the partner keeps is the salt and verifier of what it signed.
        const row = w.partner(SUNLEASE_PPS).db.prepare("SELECT salt, verifier FROM auth_requests WHERE id = ?").get(asked.authSerial) as { salt: string; verifier: string };
        assert.equal(row.verifier, verifierOf(SERIAL, Buffer.from(row.salt, "hex"), secrets[0]).toString("hex"));
      } finally {
        await w.stop();
      }
    });
  });
}
