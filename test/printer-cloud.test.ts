// The printer's part of the cloud (firmware/images/printer/PROTOCOL.md §3, §4), driven through the cloud's
// in-process MQTT transport (the printer's side) and real HTTPS (the phone's side, with
// PrinterCloudClient):  npx tsx --test test/printer-cloud.test.ts
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { loadOrCreatePki, type Pki } from "../host-sim/net/pki.ts";
import { CloudClient, CloudError } from "../host-sim/phone/cloud-client.ts";
import { PrinterCloudClient } from "../host-sim/phone/printer-cloud-client.ts";
import { waterHeaterCloud } from "../host-sim/appliances/water-heater/cloud-service.ts";
import { printerCloud, SVT_IDLE_MS, SVWT_MIN_INTERVAL_MS } from "../host-sim/appliances/printer/cloud/index.ts";
import { startCloud, type CloudEvent, type CloudHandle, type MqttTransport } from "../host-sim/cloud/index.ts";
import Database from "better-sqlite3";

class FakeTransport implements MqttTransport {
  published: { topic: string; payload: string }[] = [];
  private cb: ((topic: string, payload: Buffer | string) => void) | null = null;
  publish(topic: string, payload: string): void { this.published.push({ topic, payload }); }
  onMessage(cb: (topic: string, payload: Buffer | string) => void): void { this.cb = cb; }
  up(deviceId: string, kind: string, payload: unknown): void {
    assert.ok(this.cb, "cloud attached no handler");
    this.cb(`devices/${deviceId}/up/${kind}`, JSON.stringify(payload));
  }
  /** Everything sent down to this device so far, parsed. */
  down(deviceId: string): Record<string, unknown>[] {
    return this.published.filter((m) => m.topic === `devices/${deviceId}/down`).map((m) => JSON.parse(m.payload));
  }
  commands(deviceId: string, field: string): Record<string, unknown>[] {
    return this.down(deviceId).filter((m) => typeof m.cmd === "number" && field in m);
  }
}

let pki: Pki;
let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), "printer-cloud-")); pki = loadOrCreatePki(join(dir, "pki")); });
after(() => rmSync(dir, { recursive: true, force: true }));

interface World {
  cloud: CloudHandle;
  mqtt: FakeTransport;
  clock: { t: number };
  events: CloudEvent[];
  /** The cloud's log lines. */
  logs: string[];
  /** A phone app logged in as a new user (user name `name`). */
  phone(name: string): Promise<{ cloud: CloudClient; printer: PrinterCloudClient }>;
  /** Next outbox seq of a device (replies and history share it). */
  seq(deviceId: string): number;
  stop(): Promise<void>;
}

async function world(dbPath = join(dir, `${randomUUID()}.db`)): Promise<World> {
  const clock = { t: 1_795_000_000_000 };
  const events: CloudEvent[] = [];
  const logs: string[] = [];
  const mqtt = new FakeTransport();
  const cloud = await startCloud({
    services: [waterHeaterCloud, printerCloud],
    tls: { cert: pki.server.cert, key: pki.server.key },
    dbPath,
    transport: mqtt,
    now: () => clock.t,
    log: (m) => logs.push(m),
    onEvent: (e) => events.push(e),
    userHashLogN: 4,
  });
  const seqs = new Map<string, number>();
  return {
    cloud, mqtt, clock, events, logs,
    async phone(name) {
      const c = new CloudClient(cloud.url, pki.ca, { user: name, password: `${name}-password-1`, terminalId: `${name}-phone` });
      await c.expect(201, "POST", "/api/users", { user: name, password: `${name}-password-1` }, false);
      return { cloud: c, printer: new PrinterCloudClient(c) };
    },
    seq(id) { const n = (seqs.get(id) ?? 0) + 1; seqs.set(id, n); return n; },
    async stop() { await cloud.stop(); },
  };
}

const SERIAL = "PR-0001";

/** Registers a printer as the management app does and lets it say hello: its ST. */
async function registeredPrinter(w: World, app: PrinterCloudClient, serial = SERIAL): Promise<{ id: string; st: string }> {
  const id = randomUUID();
  await app.register(id, "printer-device-password-1", serial);
  w.mqtt.up(id, "hello", { serial, fw: "printer 1" });
  const sts = w.mqtt.commands(id, "st");
  assert.equal(sts.length, 1, "one ST command after the first hello");
  return { id, st: sts[0].st as string };
}

/** The printer fetches a SVWT with its ST: the SVWT the cloud sends down. */
function fetchSvwt(w: World, id: string, st: string): string {
  const before = w.mqtt.commands(id, "svwt").length;
  w.mqtt.up(id, "svwt", { st });
  const svwts = w.mqtt.commands(id, "svwt");
  assert.equal(svwts.length, before + 1, "a SVWT command");
  return svwts.at(-1)!.svwt as string;
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

async function status(fn: () => Promise<unknown>): Promise<number> {
  try { await fn(); return 0; } catch (e) { if (e instanceof CloudError) return e.status; throw e; }
}

/** A printer registered, its SVWT exchanged by `app`: the phone holds an SVT. */
async function withSvt(w: World, app: PrinterCloudClient): Promise<{ id: string; st: string }> {
  const p = await registeredPrinter(w, app);
  await app.exchangeSvwt(bytes(fetchSvwt(w, p.id, p.st)));
  return p;
}

describe("server token", () => {
  it("is issued by command after the first verified hello, once, and resent after hellos until replied", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const id = randomUUID();
      await app.register(id, "printer-device-password-1", SERIAL);
      assert.equal(w.mqtt.commands(id, "st").length, 0, "no ST before the printer said hello");
      // A hello naming another serial is not a verified hello of this registration.
      w.mqtt.up(id, "hello", { serial: "PR-9999", fw: "printer 1" });
      assert.equal(w.mqtt.commands(id, "st").length, 0);

      w.mqtt.up(id, "hello", { serial: SERIAL, fw: "printer 1" });
      const [first] = w.mqtt.commands(id, "st");
      assert.equal(bytes(first.st as string).length, 32);

      w.mqtt.up(id, "hello", { serial: SERIAL, fw: "printer 1" });
      const sts = w.mqtt.commands(id, "st");
      assert.equal(sts.length, 2, "resent after the next hello");
      assert.deepEqual(sts[1], first, "the same command and the same ST, not a new one");

      w.mqtt.up(id, "reply", { seq: w.seq(id), cmd: first.cmd, status: 0 });
      w.mqtt.up(id, "hello", { serial: SERIAL, fw: "printer 1" });
      assert.equal(w.mqtt.commands(id, "st").length, 2, "not sent again once replied");

      // The token never reaches the event log (shown blanked).
      assert.ok(w.events.some((e) => e.kind === "mqtt-out" && e.payload.includes(`"st":"<redacted>"`)));
      assert.ok(!JSON.stringify(w.events).includes(first.st as string), "ST in the event log");
    } finally { await w.stop(); }
  });

  it("a printer message with another ST is ignored", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const a = await registeredPrinter(w, app);
      const b = await registeredPrinter(w, app, "PR-0002");
      w.mqtt.up(a.id, "svwt", { st: b.st });
      w.mqtt.up(a.id, "svwt", {});
      w.mqtt.up(a.id, "svwt", { st: "not base64!" });
      assert.equal(w.mqtt.commands(a.id, "svwt").length, 0);
      fetchSvwt(w, a.id, a.st);
    } finally { await w.stop(); }
  });
});

describe("SVWT and SVT", () => {
  it("a SVWT is exchanged once for an SVT; the printer is told to delete it", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await registeredPrinter(w, app);
      const svwt = fetchSvwt(w, p.id, p.st);
      const svt = await app.exchangeSvwt(bytes(svwt));
      assert.equal(svt.deviceId, p.id);
      assert.equal(svt.expires, w.clock.t + SVT_IDLE_MS);
      const told = w.mqtt.commands(p.id, "exchanged");
      assert.equal(told.length, 1);
      assert.equal(told[0].exchanged, svwt, "the exchanged command names that SVWT");

      const { printer: other } = await w.phone("bob");
      assert.equal(await status(() => other.exchangeSvwt(bytes(svwt))), 403, "a used SVWT");
      assert.equal(w.mqtt.commands(p.id, "exchanged").length, 1);

      // A newer SVWT supersedes an unexchanged older one.
      const older = fetchSvwt(w, p.id, p.st);
      w.clock.t += SVWT_MIN_INTERVAL_MS;
      const newer = fetchSvwt(w, p.id, p.st);
      assert.equal(await status(() => other.exchangeSvwt(bytes(older))), 403);
      await other.exchangeSvwt(bytes(newer));
      assert.equal(await status(() => other.exchangeSvwt(bytes(new Uint8Array(32)))), 403, "an unknown SVWT");
      assert.ok(!JSON.stringify(w.events).includes(svwt), "SVWT in the event log");
    } finally { await w.stop(); }
  });

  it("at most one new SVWT a minute on the cloud's clock while the newest is unexchanged; after an exchange at once", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await registeredPrinter(w, app);
      const first = fetchSvwt(w, p.id, p.st);
      for (const dt of [0, 1_000, SVWT_MIN_INTERVAL_MS - 2_000]) {
        w.clock.t += dt;
        w.mqtt.up(p.id, "svwt", { st: p.st });
      }
      assert.equal(w.mqtt.commands(p.id, "svwt").length, 1, "requests inside the minute mint nothing");
      assert.equal(w.logs.filter((l) => l.includes("up/svwt") && l.includes("too early")).length, 3, "each is logged");
      assert.ok(!w.logs.join("\n").includes(first), "the SVWT in the log");
      // The current one stays exchangeable.
      const { printer: bob } = await w.phone("bob");
      await bob.exchangeSvwt(bytes(first));
      // The printer asks again right after the exchange (S79): served at once.
      const second = fetchSvwt(w, p.id, p.st);
      w.mqtt.up(p.id, "svwt", { st: p.st });
      assert.equal(w.mqtt.commands(p.id, "svwt").length, 2);
      w.clock.t += SVWT_MIN_INTERVAL_MS;
      const third = fetchSvwt(w, p.id, p.st);
      assert.notEqual(third, second);
      assert.equal(await status(() => bob.exchangeSvwt(bytes(second))), 403, "superseded once the minute passed");
      await bob.exchangeSvwt(bytes(third));
    } finally { await w.stop(); }
  });

  it("the SVT expires after 30 minutes idle on the cloud's clock; each use restarts it", async () => {
    const w = await world();
    try {
      const { cloud, printer: app } = await w.phone("alice");
      await withSvt(w, app);
      await app.status();
      const logins = cloud.logins;
      w.clock.t += SVT_IDLE_MS - 1_000;
      await app.status();
      w.clock.t += SVT_IDLE_MS - 1_000;
      await app.status();
      w.clock.t += SVT_IDLE_MS;
      assert.equal(await status(() => app.status()), 401);
      assert.equal(cloud.logins, logins, "an expired SVT is not taken for an expired session");
    } finally { await w.stop(); }
  });

  it("an SVT works only for the session that exchanged it, and never without one", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      await withSvt(w, app);
      const { printer: mallory } = await w.phone("mallory");
      assert.equal(await status(() => mallory.status()), 401, "no SVT held");
      mallory.useSvt(app.svt);
      assert.equal(await status(() => mallory.status()), 401, "another user's SVT");
    } finally { await w.stop(); }
  });
});

describe("charges", () => {
  it("the free charge is handed out once per printer, whoever asks", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const free = await app.freeCharge();
      assert.equal(free.pages, 2000);
      assert.equal(free.cwt.length, 32);
      assert.equal(await status(() => app.freeCharge()), 409);

      const { printer: bob } = await w.phone("bob");
      await bob.exchangeSvwt(bytes(fetchSvwt(w, p.id, p.st)));
      assert.equal(await status(() => bob.freeCharge()), 409, "another phone");

      // Registered anew (after a factory reset, say): still the same printer.
      const again = await registeredPrinter(w, app);
      await bob.exchangeSvwt(bytes(fetchSvwt(w, again.id, again.st)));
      assert.equal(await status(() => bob.freeCharge()), 409, "a new registration of the same printer");

      // Paid pages any number of times.
      assert.equal((await bob.purchase(500)).pages, 500);
      assert.equal(await status(() => bob.purchase(0)), 400);
      assert.equal(await status(() => bob.purchase(10_001)), 400);
    } finally { await w.stop(); }
  });

  it("a redeemed CWT becomes one charge command; replayed, or from another printer, it is refused", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const other = await registeredPrinter(w, app, "PR-0002");
      const { cwt } = await app.freeCharge();

      w.mqtt.up(other.id, "charge", { st: other.st, cwt: b64(cwt) });
      assert.equal(w.mqtt.commands(other.id, "charge").length, 0, "another printer's CWT");
      w.mqtt.up(p.id, "charge", { st: other.st, cwt: b64(cwt) });
      assert.equal(w.mqtt.commands(p.id, "charge").length, 0, "another printer's ST");

      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      const charges = w.mqtt.commands(p.id, "charge");
      assert.equal(charges.length, 1);
      assert.deepEqual({ ...charges[0], cmd: 0 }, { cmd: 0, charge: 1, pages: 2000, kind: 1, cwt: b64(cwt) });

      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      assert.equal(w.mqtt.commands(p.id, "charge").length, 1, "a replayed CWT makes no second charge");

      const paid = await app.purchase(300);
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(paid.cwt) });
      const [, second] = w.mqtt.commands(p.id, "charge");
      assert.equal(second.charge, 2);
      assert.equal(second.kind, 2);
      assert.equal(second.pages, 300);
      assert.ok(!JSON.stringify(w.events).includes(b64(cwt)), "CWT in the event log");
    } finally { await w.stop(); }
  });

  it("a charge command that reached the printer after a newer command (E_STATE) is sent again with the same charge id", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const { cwt } = await app.freeCharge();
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      const [first] = w.mqtt.commands(p.id, "charge");
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: first.cmd, status: -3 });
      const [, second] = w.mqtt.commands(p.id, "charge");
      assert.ok((second.cmd as number) > (first.cmd as number));
      assert.deepEqual({ ...second, cmd: 0 }, { ...first, cmd: 0 }, "the same charge: id, pages, kind and CWT");
      assert.equal((await app.status()).charges[0].status, "pending");
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: second.cmd, status: 1 });
      assert.deepEqual((await app.status()).charges, [{ id: 1, pages: 2000, kind: "free", status: "used" }]);

      // Not for ever: after a few, the charge is reported failed.
      const paid = await app.purchase(10);
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(paid.cwt) });
      for (let i = 0; i < 4; i++) {
        const last = w.mqtt.commands(p.id, "charge").at(-1)!;
        w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: last.cmd, status: -3 });
      }
      assert.equal(w.mqtt.commands(p.id, "charge").filter((c) => c.charge === 2).length, 4);
      assert.equal((await app.status()).charges[1].status, "failed");
    } finally { await w.stop(); }
  });

  it("a charge answered OLD is issued again once under a new id; the phone sees both", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const { cwt } = await app.freeCharge();
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      const paid = await app.purchase(300);
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(paid.cwt) });
      const [first, second] = w.mqtt.commands(p.id, "charge");

      // The printer's window moved past id 1 (OLD): its 2000 pages go out as charge 3.
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: first.cmd, status: 2 });
      const charges = w.mqtt.commands(p.id, "charge");
      assert.equal(charges.length, 3);
      const reissue = charges[2];
      assert.ok((reissue.cmd as number) > (second.cmd as number));
      assert.deepEqual({ ...reissue, cmd: 0 }, { cmd: 0, charge: 3, pages: 2000, kind: 1, cwt: b64(cwt) });
      assert.deepEqual((await app.status()).charges, [
        { id: 1, pages: 2000, kind: "free", status: "reissued", reissuedAs: 3 },
        { id: 2, pages: 300, kind: "paid", status: "pending" },
        { id: 3, pages: 2000, kind: "free", status: "pending" },
      ]);

      // Once per OLD reply: a duplicate of it (the first reply stands) issues nothing more,
      // and a hello resends the pending charges, not the reissued one.
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: first.cmd, status: 2 });
      w.mqtt.up(p.id, "hello", { serial: SERIAL, fw: "printer 1" });
      const resent = w.mqtt.commands(p.id, "charge").slice(3);
      assert.deepEqual(resent.map((c) => c.charge).sort(), [2, 3]);

      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: reissue.cmd, status: 0 });
      // Charge 2 reached the printer after a newer command, then OLD on its resend: it may
      // have been applied before (its reply lost), so it is not issued again.
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: second.cmd, status: -3 });
      const secondAgain = w.mqtt.commands(p.id, "charge").at(-1)!;
      assert.equal(secondAgain.charge, 2);
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: secondAgain.cmd, status: 2 });
      assert.equal(w.mqtt.commands(p.id, "charge").length, 6, "no new charge for an OLD answer to a resend");
      assert.deepEqual((await app.status()).charges, [
        { id: 1, pages: 2000, kind: "free", status: "reissued", reissuedAs: 3 },
        { id: 2, pages: 300, kind: "paid", status: "old" },
        { id: 3, pages: 2000, kind: "free", status: "applied" },
      ]);
      assert.ok(!JSON.stringify(w.events).includes(b64(cwt)), "CWT in the event log");
    } finally { await w.stop(); }
  });

  it("charge ids stay above every id the printer was sent or reports applied, across its registrations", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const { cwt } = await app.freeCharge();
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      assert.equal(w.mqtt.commands(p.id, "charge")[0].charge, 1);

      // Registered anew: the printer still remembers id 1 (its applied ids are KEPT).
      const again = await withSvt(w, app);
      const paid = await app.purchase(10);
      w.mqtt.up(again.id, "charge", { st: again.st, cwt: b64(paid.cwt) });
      assert.equal(w.mqtt.commands(again.id, "charge")[0].charge, 2);

      // Its mirror says it applied up to id 40 (charges of another cloud, say).
      w.mqtt.up(again.id, "history", { seq: w.seq(again.id), kind: "mirror", version: 7, balance: 10, free: 0, paid: 10, debited: 0, floor: 8, high: 40 });
      const more = await app.purchase(20);
      w.mqtt.up(again.id, "charge", { st: again.st, cwt: b64(more.cwt) });
      assert.equal(w.mqtt.commands(again.id, "charge")[1].charge, 41);
    } finally { await w.stop(); }
  });

  it("an expired CWT is refused", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const { cwt } = await app.purchase(10);
      w.clock.t += 24 * 3_600_000;
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      assert.equal(w.mqtt.commands(p.id, "charge").length, 0);
    } finally { await w.stop(); }
  });

  it("the charge command is sent again after every hello until the printer replies, then shows its status", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const { cwt } = await app.freeCharge();
      w.mqtt.up(p.id, "charge", { st: p.st, cwt: b64(cwt) });
      const [charge] = w.mqtt.commands(p.id, "charge");
      assert.deepEqual((await app.status()).charges, [{ id: 1, pages: 2000, kind: "free", status: "pending" }]);

      // Hours later (beyond the generic 10 minutes): still sent again.
      w.clock.t += 3 * 3_600_000;
      await app.exchangeSvwt(bytes(fetchSvwt(w, p.id, p.st)));
      w.mqtt.up(p.id, "hello", { serial: SERIAL, fw: "printer 1" });
      const resent = w.mqtt.commands(p.id, "charge");
      assert.equal(resent.length, 2);
      assert.deepEqual(resent[1], charge);

      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: charge.cmd, status: 0 });
      // A duplicate reply (QoS 1 redelivery, later a USED answer to a resend) changes nothing.
      w.mqtt.up(p.id, "reply", { seq: w.seq(p.id), cmd: charge.cmd, status: 1 });
      w.mqtt.up(p.id, "hello", { serial: SERIAL, fw: "printer 1" });
      assert.equal(w.mqtt.commands(p.id, "charge").length, 2, "not sent again once replied");
      assert.deepEqual((await app.status()).charges, [{ id: 1, pages: 2000, kind: "free", status: "applied" }]);
    } finally { await w.stop(); }
  });
});

describe("mirror and ink", () => {
  it("keeps the highest mirror version; an older one is ignored", async () => {
    const w = await world();
    try {
      const { printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      const mirror = (version: number, balance: number) =>
        w.mqtt.up(p.id, "history", { seq: w.seq(p.id), kind: "mirror", version, balance, free: 2000, paid: 0, debited: 2000 - balance, floor: 0, high: 1 });
      assert.equal((await app.status()).mirrorVersion, null);
      mirror(3, 2000);
      mirror(2, 100);
      let s = await app.status();
      assert.equal(s.mirrorVersion, 3);
      assert.equal(s.pages, 2000);
      mirror(4, 1990);
      s = await app.status();
      assert.equal(s.mirrorVersion, 4);
      assert.equal(s.pages, 1990);
      // Acknowledged in order, like every outbox message.
      assert.deepEqual(w.mqtt.down(p.id).filter((m) => "ack" in m).at(-1), { ack: 3 });
      // A malformed entry keeps its place and changes nothing.
      w.mqtt.up(p.id, "history", { seq: w.seq(p.id), kind: "mirror", version: 9 });
      assert.equal((await app.status()).mirrorVersion, 4);
    } finally { await w.stop(); }
  });

  it("ink entries, print jobs and ink orders", async () => {
    const w = await world();
    try {
      const { cloud, printer: app } = await w.phone("alice");
      const p = await withSvt(w, app);
      assert.equal((await app.status()).ink, null);
      w.mqtt.up(p.id, "history", { seq: w.seq(p.id), kind: "printed", pages: 20 });
      w.mqtt.up(p.id, "history", { seq: w.seq(p.id), kind: "ink", level: 14 });
      assert.equal((await app.status()).ink, 14);
      assert.equal(await app.orderInk(), 1);
      w.clock.t += 1000;
      assert.equal(await app.orderInk(), 2);
      const s = await app.status();
      assert.deepEqual(s.inkOrders.map((o) => o.id), [1, 2]);
      assert.equal(s.inkOrders[1].created - s.inkOrders[0].created, 1000);
      // The live state, when the printer sends one, is newer than the last ink entry.
      w.mqtt.up(p.id, "state", { pages: 1980, ink: 100, registered: 1 });
      assert.equal((await app.status()).ink, 100);
      // The generic history of the registration lists the entries too.
      const history = await cloud.expect<{ event: string; value: number }[]>(200, "GET", `/api/devices/${p.id}/history`);
      assert.deepEqual(history.map((h) => [h.event, h.value]), [["printed", 20], ["ink", 14]]);
    } finally { await w.stop(); }
  });
});

describe("one cloud, several appliances", () => {
  it("a registration names its appliance; without one it is the cloud's first", async () => {
    const w = await world();
    try {
      const { cloud, printer: app } = await w.phone("alice");
      const heater = randomUUID();
      await cloud.expect(201, "POST", "/api/registrations", { deviceId: heater, devicePassword: "heater-device-password-1", serial: "WH-0001" });
      await cloud.expect(202, "POST", `/api/devices/${heater}/commands`, { set: "bath_temp", value: 41 });
      const r = await cloud.call("POST", "/api/registrations", { deviceId: randomUUID(), devicePassword: "x-device-password-12", serial: "X-1", appliance: "toaster" });
      assert.equal(r.status, 400);

      const p = await registeredPrinter(w, app);
      const c = await cloud.call("POST", `/api/devices/${p.id}/commands`, { set: "bath_temp", value: 41 });
      assert.equal(c.status, 400, "a printer takes no generic commands");
      // A heater has no printer uplinks.
      w.mqtt.up(heater, "hello", { serial: "WH-0001" });
      w.mqtt.up(heater, "svwt", { st: p.st });
      assert.equal(w.mqtt.commands(heater, "svwt").length, 0);
      assert.equal(w.mqtt.commands(heater, "st").length, 0, "no ST for a water heater");
    } finally { await w.stop(); }
  });

  it("registrations made before the cloud served several appliances are its first appliance's", async () => {
    const dbPath = join(dir, `${randomUUID()}.db`);
    let w = await world(dbPath);
    const heater = randomUUID();
    try {
      const { cloud } = await w.phone("alice");
      await cloud.expect(201, "POST", "/api/registrations", { deviceId: heater, devicePassword: "heater-device-password-1", serial: "WH-0001" });
    } finally { await w.stop(); }
    // As a schema-1 database left it: no appliance recorded.
    const db = new Database(dbPath);
    db.prepare("UPDATE registrations SET appliance = NULL").run();
    db.pragma("user_version = 1");
    db.close();
    w = await world(dbPath);
    try {
      const cloud = new CloudClient(w.cloud.url, pki.ca, { user: "alice", password: "alice-password-1", terminalId: "alice-phone" });
      await cloud.expect(202, "POST", `/api/devices/${heater}/commands`, { set: "bath_temp", value: 41 });
    } finally { await w.stop(); }
  });
});
