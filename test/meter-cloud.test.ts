// The meter's head-end and its company servers over a real broker (embedded aedes, and
// Mosquitto when installed): TLS, the meter's factory certificate (CN = SM-0001), its
// device login as the cloud announced it; an mqtt.js client plays the meter's cloud link
// (outbox entries of firmware/images/meter/PROTOCOL.md §3.1, replies to §3.2 commands),
// MeterCloudClient the installer's tool and the resident's phone.
//   npx tsx --test test/meter-cloud.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import mqtt, { type MqttClient } from "mqtt";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import {
  createMeterCloud, DATA_UTILIZATION, DataType, GREEN_POWER, KANTO_POWER, type MeterCloud,
} from "../host-sim/appliances/meter/cloud/index.ts";
import { CloudClient, CloudError } from "../host-sim/phone/cloud-client.ts";
import { MeterCloudClient } from "../host-sim/phone/meter-client.ts";
import { requirement } from "./support/requirement.ts";
import { startCloudWorld, type CloudWorld } from "./support/cloud.ts";

const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");
const SERIAL = "SM-0001";
const { TIME, POWER, ENERGY, HISTORY } = DataType;
const T = Date.UTC(2026, 3, 1, 0, 0); // a switching instant

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

/** A fresh cloud with the meter's head-end and the seeded companies, the meter
 *  registered by the installer (alice its resident) and connected; every test starts here. */
async function meterWorld(kind: BrokerKind) {
  const meterCloud: MeterCloud = createMeterCloud();
  const world: CloudWorld = await startCloudWorld(kind, {}, [meterCloud.service]);
  const client = (user: string) => new CloudClient(world.cloud.url, world.pki.ca, { user, password: `${user}-password-1`, terminalId: `${user}-phone` });
  const installer = client("installer"), alice = client("alice"), bob = client("bob");
  for (const user of ["installer", "alice", "bob"]) await installer.expect(201, "POST", "/api/users", { user, password: `${user}-password-1` }, false);
  const tool = new MeterCloudClient(installer);
  const id = randomUUID(), password = randomBytes(16).toString("hex");
  await tool.register(id, password, SERIAL);
  await tool.addResident(id, "alice");

  const meter: MqttClient = mqtt.connect(world.broker.url, {
    clientId: id, username: id, password, ca: world.pki.ca, ...world.pki.clientCert(SERIAL), reconnectPeriod: 0, connectTimeout: 5000,
  });
  await new Promise<void>((resolve, reject) => { meter.once("connect", () => resolve()); meter.once("error", reject); });
  const down: Down[] = [];
  /** Called as each down message arrives (before anything else runs). */
  const onDown: ((m: Down) => void)[] = [];
  meter.on("message", (_t, p) => { const m = JSON.parse(p.toString()) as Down; for (const f of onDown) f(m); down.push(m); });
  await meter.subscribeAsync(`devices/${id}/down`, { qos: 1 });
  const pub = (k: string, body: unknown) => meter.publishAsync(`devices/${id}/up/${k}`, JSON.stringify(body), { qos: 1 });
  const acks = () => down.filter((m) => typeof m.ack === "number").map((m) => m.ack as number);
  /** Every ack message that follows one sent now is an answer to what is sent from now on. */
  const ackAfter = async (n: number) => until(`ack ${n}`, () => acks().find((a) => a >= n));
  const commands = () => down.filter((m) => typeof m.cmd === "number");
  const command = (field: string, n = 1) => until(`command ${field}`, () => {
    const found = commands().filter((m) => field in m);
    return found.length >= n ? found[n - 1] : undefined;
  });
  await pub("hello", { serial: SERIAL, fw: "meter 1" });
  await until("hello's ack", () => acks().length > 0 ? true : undefined);
  /** A barrier: a hello is answered with the acknowledgement as it stands, after every
   *  message published before it was handled. */
  const ackNow = async () => {
    const before = acks().length;
    await pub("hello", { serial: SERIAL, fw: "meter 1" });
    return until("hello's ack", () => acks().length > before ? acks()[acks().length - 1] : undefined);
  };
  const company = (code: number) => meterCloud.company(code)!;
  return {
    id, world, meterCloud, meter, down, onDown, pub, acks, ackAfter, ackNow, command, commands, company,
    phone: { alice: new MeterCloudClient(alice), bob: new MeterCloudClient(bob), tool },
    async stop() {
      meter.end(true);
      await world.stop();
      meterCloud.close();
    },
  };
}

for (const kind of ["embedded", "mosquitto"] as BrokerKind[]) {
  describe(`meter cloud over the ${kind} broker`, { skip: kind === "mosquitto" && mosquittoMissing }, () => {
    it("hands each outbox entry kind to the companies it concerns, keeps unknown companies' readings as undeliverable", async () => {
      const w = await meterWorld(kind);
      try {
        const kanto = w.company(KANTO_POWER), green = w.company(GREEN_POWER), data = w.company(DATA_UTILIZATION);
        await w.pub("history", { seq: 1, kind: "table", version: 1, contract: KANTO_POWER, ctypes: TIME | ENERGY | HISTORY, provision: DATA_UTILIZATION, ptypes: TIME | POWER, pending: 0, failure: 0 });
        await w.pub("history", { seq: 2, kind: "reading", co: KANTO_POWER, rseq: 1, q: 0, t: T - 1_800_000, wh: 12_345, d: 250 });
        await w.pub("history", { seq: 3, kind: "reading", co: DATA_UTILIZATION, rseq: 1, q: 1, t: T - 1_800_000, w: 480 });
        await w.pub("history", { seq: 4, kind: "reading", co: 0xd004, rseq: 1, q: 0, t: T - 1_800_000 });
        await w.pub("history", { seq: 5, kind: "ending", co: KANTO_POWER, role: 0, at: T, id: 3 });
        await w.pub("history", { seq: 6, kind: "switched", role: 0, from: KANTO_POWER, to: GREEN_POWER, at: T, id: 3 });
        await w.pub("history", { seq: 7, kind: "table", version: 2, contract: GREEN_POWER, ctypes: TIME | ENERGY | HISTORY, provision: DATA_UTILIZATION, ptypes: TIME | POWER, pending: 0, failure: 0 });
        await w.pub("history", { seq: 8, kind: "security", co: KANTO_POWER, role: 0 });
        await w.pub("history", { seq: 9, kind: "breaker", bseq: 1, from: 1, to: 0, reason: 2, t: T + 60_000 });
        await w.pub("history", { seq: 10, kind: "reading", co: KANTO_POWER, rseq: 0, q: 0 }); // malformed: skipped, keeps its place
        await w.pub("history", { seq: 11, kind: "table", version: 1, contract: KANTO_POWER, ctypes: 13, provision: 0, ptypes: 0, pending: 0, failure: 0 }); // older: not kept
        // A meter that broke its promise: power is outside Kanto Power's types. Not stored,
        // recorded as a violation.
        await w.pub("history", { seq: 12, kind: "reading", co: KANTO_POWER, rseq: 2, q: 0, t: T, w: 900, wh: 12_600, d: 255 });
        await w.ackAfter(12);
        assert.deepEqual(kanto.readings(SERIAL)[1], { meter: SERIAL, rseq: 2, q: 0, t: T, wh: 12_600, d: 255, received: kanto.readings(SERIAL)[1].received });
        assert.deepEqual(kanto.scopeViolations(SERIAL), [{ ref: `${w.id}/12`, fields: "w" }]);

        assert.deepEqual(kanto.readings(SERIAL).map(({ received: _r, ...r }) => r)[0], { meter: SERIAL, rseq: 1, q: 0, t: T - 1_800_000, wh: 12_345, d: 250 });
        assert.deepEqual(data.readings(SERIAL).map(({ received: _r, ...r }) => r), [{ meter: SERIAL, rseq: 1, q: 1, t: T - 1_800_000, w: 480 }],
          "the data company stores only the fields that came");
        assert.deepEqual(green.readings(SERIAL), []);
        assert.deepEqual(data.scopeViolations(SERIAL), [], "the data company got only its own types");
        assert.deepEqual(kanto.missing(SERIAL), []);
        const lost = w.meterCloud.headEnd().undeliverable();
        assert.deepEqual(lost.map((u) => [u.deviceId, u.seq, u.kind, u.co]), [[w.id, 4, "reading", 0xd004]]);

        assert.deepEqual(kanto.scheduledEnds(SERIAL), [{ id: 3, role: 0, at: T }]);
        const kinds = (c: typeof kanto) => c.notices(SERIAL).map((n) => n.kind);
        assert.deepEqual(kinds(kanto), ["ending", "switched", "security"]);
        assert.deepEqual(kinds(green), ["switched", "security", "breaker"], "the contract company in effect hears of the security error and the breaker");
        assert.deepEqual(kinds(data), []);
        assert.deepEqual(green.notices(SERIAL)[2].fields, { bseq: 1, from: 1, to: 0, reason: 2, t: T + 60_000 });

        const table = w.meterCloud.headEnd().table(w.id)!;
        assert.equal(table.version, 2);
        assert.equal(table.contract, GREEN_POWER);
        const notices = await w.phone.alice.notices(w.id);
        assert.deepEqual(notices.map((n) => [n.n, n.kind]), [[5, "ending"], [6, "switched"], [8, "security"]]);
        assert.deepEqual(notices[1].fields, { role: 0, from: KANTO_POWER, to: GREEN_POWER, at: T, id: 3 });
      } finally {
        await w.stop();
      }
    });

    it("stores a reading sent again with the same rseq once, and acknowledges it only after the company's commit", async () => {
      const w = await meterWorld(kind);
      try {
        const kanto = w.company(KANTO_POWER);
        // What the company held when each acknowledgement reached the meter.
        const heldAtAck: [number, number][] = [];
        w.onDown.push((m) => { if (typeof m.ack === "number") heldAtAck.push([m.ack, kanto.readings(SERIAL).length]); });
        const reading = { kind: "reading", co: KANTO_POWER, rseq: 7, q: 0, t: T, wh: 1000, d: 10 };
        await w.pub("history", { seq: 1, ...reading });
        // A power cut between the outbox append and the lane's mark: the same reading again
        // under a new outbox seq, with the same rseq and content.
        await w.pub("history", { seq: 2, ...reading });
        await w.pub("history", { seq: 2, ...reading }); // and a QoS 1 redelivery of that
        await w.ackAfter(2);
        assert.deepEqual(kanto.readings(SERIAL).map((r) => r.rseq), [7]);
        assert.deepEqual(kanto.conflicts(SERIAL), []);
        assert.deepEqual(kanto.missing(SERIAL), [1, 2, 3, 4, 5, 6], "rseq 7 came first: 1..6 never did");
        // The same rseq with other content breaks the meter's promise: the first stands,
        // the other is kept aside for a person.
        await w.pub("history", { seq: 3, ...reading, wh: 1001 });
        await w.ackAfter(3);
        assert.equal(kanto.readings(SERIAL)[0].wh, 1000);
        assert.deepEqual(kanto.conflicts(SERIAL).map((c) => c.rseq), [7]);
        const first = heldAtAck.find(([a]) => a >= 1)!;
        assert.equal(first[1], 1, "the reading was committed at the company before its acknowledgement left");
      } finally {
        await w.stop();
      }
    });

    it("withholds the acknowledgement while a company cannot commit; the resend is stored once by every company", async () => {
      const w = await meterWorld(kind);
      try {
        const kanto = w.company(KANTO_POWER), green = w.company(GREEN_POWER);
        await w.pub("history", { seq: 1, kind: "reading", co: KANTO_POWER, rseq: 1, q: 0, t: T, wh: 1000 });
        assert.equal(await w.ackAfter(1), 1);
        // Green Power's database refuses every notice (a full disk, say).
        green.db.exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON notices BEGIN SELECT RAISE(ABORT, 'disk full'); END");
        const switched = { seq: 2, kind: "switched", role: 0, from: KANTO_POWER, to: GREEN_POWER, at: T, id: 3 };
        await w.pub("history", switched);
        assert.equal(await w.ackNow(), 1, "seq 2 is not acknowledged while Green Power could not commit it");
        assert.deepEqual(green.notices(SERIAL), []);
        assert.deepEqual(await w.phone.alice.notices(w.id), [], "the head-end rolled its part back too");

        green.db.exec("DROP TRIGGER refuse");
        await w.pub("history", switched); // the meter sends it again
        assert.equal(await w.ackAfter(2), 2);
        assert.equal(kanto.notices(SERIAL).length, 1, "Kanto Power committed it the first time and stores it once");
        assert.equal(green.notices(SERIAL).length, 1);
        assert.equal((await w.phone.alice.notices(w.id)).length, 1);
      } finally {
        await w.stop();
      }
    });

    it("the phone's switch order: the company it moves to sends its change and confirmation, named by the head-end; the switch reaches the phone", async () => {
      const w = await meterWorld(kind);
      try {
        const green = w.company(GREEN_POWER), kanto = w.company(KANTO_POWER);
        await assert.rejects(w.phone.bob.orderSwitch(w.id, GREEN_POWER, T), (e: CloudError) => e.status === 403);
        await assert.rejects(w.phone.alice.orderSwitch(w.id, 0xd004, T), (e: CloudError) => e.status === 404);
        await assert.rejects(w.phone.alice.addResident(w.id, "bob"), (e: CloudError) => e.status === 403, "a resident cannot name residents");
        // Bob registers a device id of his own claiming the meter's serial: that claim
        // moves no supply, and companies' commands still go to the meter's own login.
        const fake = randomUUID();
        await w.phone.bob.register(fake, randomBytes(16).toString("hex"), SERIAL);
        await assert.rejects(w.phone.bob.orderSwitch(fake, GREEN_POWER, T), (e: CloudError) => e.status === 409);
        assert.deepEqual(green.workflows(SERIAL), []);
        const order = await w.phone.alice.orderSwitch(w.id, GREEN_POWER, T);
        assert.equal(order.company, GREEN_POWER);

        const change = await w.command("change");
        const confirm = await w.command("confirm");
        const { cmd: _c1, ...changeFields } = change;
        const { cmd: _c2, ...confirmFields } = confirm;
        assert.deepEqual(changeFields, { co: GREEN_POWER, change: 0, at: T, to: GREEN_POWER, types: TIME | ENERGY | HISTORY });
        assert.deepEqual(confirmFields, { co: GREEN_POWER, confirm: TIME | ENERGY | HISTORY });
        assert.ok((confirm.cmd as number) > (change.cmd as number), "the change goes first: its confirmation counts while it is pending");
        assert.equal(w.commands().length, 2);

        await w.pub("reply", { seq: 1, cmd: change.cmd, status: 4 }); // scheduled: change id 4
        await w.pub("reply", { seq: 2, cmd: confirm.cmd, status: 0 }); // MATCH
        await w.pub("history", { seq: 3, kind: "ending", co: KANTO_POWER, role: 0, at: T, id: 4 });
        await w.ackAfter(3);
        let flow = green.workflows(SERIAL);
        assert.deepEqual(flow.map((f) => [f.id, f.kind, f.state, f.changeId, f.at, f.by]), [[order.workflow, "switch", "confirmed", 4, T, "phone:alice"]]);
        assert.deepEqual(kanto.scheduledEnds(SERIAL), [{ id: 4, role: 0, at: T }]);

        await w.pub("history", { seq: 4, kind: "switched", role: 0, from: KANTO_POWER, to: GREEN_POWER, at: T, id: 4 });
        await w.ackAfter(4);
        flow = green.workflows(SERIAL);
        assert.equal(flow[0].state, "switched");
        const notices = await w.phone.alice.notices(w.id);
        assert.deepEqual(notices.map((n) => n.kind), ["ending", "switched"]);
        assert.deepEqual(kanto.workflows(SERIAL), [], "the old company ordered nothing");
      } finally {
        await w.stop();
      }
    });

    it("a company's own actions: confirm, abolish, move-out, read and cancel, each answered to that company only", async () => {
      const w = await meterWorld(kind);
      try {
        const kanto = w.company(KANTO_POWER), data = w.company(DATA_UTILIZATION);
        const wConfirm = kanto.confirm(SERIAL, TIME); // not its confirmation data: a mismatch
        const wAbolish = data.abolish(SERIAL);
        const wMove = data.moveOut(SERIAL); // not the contract company: the meter refuses
        const wRead = data.read(SERIAL);
        const wCancel = kanto.cancel(SERIAL, 9);
        const fields = ["confirm", "change", "moveout", "read", "cancel"];
        const sent = await Promise.all(fields.map((f) => w.command(f)));
        assert.deepEqual(sent.map(({ cmd: _c, ...rest }) => rest), [
          { co: KANTO_POWER, confirm: TIME },
          { co: DATA_UTILIZATION, change: 1, at: -1, to: 0, types: 0 },
          { co: DATA_UTILIZATION, moveout: 1 },
          { co: DATA_UTILIZATION, read: TIME | POWER },
          { co: KANTO_POWER, cancel: 9 },
        ]);
        const statuses = [1, 0, -6, 0, -5];
        for (const [i, c] of sent.entries()) await w.pub("reply", { seq: i + 1, cmd: c.cmd, status: statuses[i] });
        await w.ackAfter(5);
        // The read's answer names the company: only the one that asked takes it.
        await w.pub("read", { cmd: sent[3].cmd, co: KANTO_POWER, q: 0, t: T, w: 480 }); // wrong company: ignored
        await w.pub("read", { cmd: sent[3].cmd, co: DATA_UTILIZATION, q: 0, t: T, w: 480 });
        await until("the read answer", () => data.reads(SERIAL).length > 0 ? true : undefined);
        await w.ackNow(); // barrier: both answers were handled
        assert.deepEqual(data.reads(SERIAL).map(({ received: _r, ...r }) => r), [{ t: T, w: 480, q: 0 }]);
        assert.deepEqual(kanto.reads(SERIAL), []);

        const state = (c: typeof kanto, id: number) => c.workflows(SERIAL).find((f) => f.id === id)!.state;
        assert.equal(state(kanto, wConfirm), "mismatch");
        assert.equal(state(data, wAbolish), "applied");
        assert.equal(state(data, wMove), "refused");
        assert.equal(state(data, wRead), "done");
        assert.equal(state(kanto, wCancel), "refused");
        // A meter the head-end has no registration of: nothing is sent.
        const before = w.commands().length;
        const wNone = kanto.confirm("SM-9999");
        assert.equal(kanto.workflows("SM-9999").find((f) => f.id === wNone)!.state, "unsent");
        await w.ackNow();
        assert.equal(w.commands().length, before);
      } finally {
        await w.stop();
      }
    });
  });
}
