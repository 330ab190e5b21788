// The MQTT brokers of the simulated world (host-sim/net/) and the board's MQTT bridge
// (host-sim/bridge/), run against both broker kinds: embedded (aedes) and mosquitto.
// Access rules: firmware/images/water-heater/PROTOCOL.md §2.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { createBroker, brokerKindFromEnv, type Broker, type BrokerKind } from "../host-sim/net/broker.ts";
import { startEmbeddedBroker } from "../host-sim/net/broker-embedded.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import { requirement } from "./support/requirement.ts";
import { hashPassword, verifyPassword } from "../host-sim/net/password-hash.ts";
import { loadOrCreatePki, type Pki } from "../host-sim/net/pki.ts";
import { MqttBridge } from "../host-sim/bridge/mqtt-bridge.ts";
import { EventKind, type BoardEvent } from "../host-sim/device/types.ts";

const WAIT_MS = 4000;     // bound of every wait for something that should happen

const root = mkdtempSync(join(tmpdir(), "net-brokers-"));
const pkiDir = join(root, "pki");
let pki: Pki;
const enc = new TextEncoder();
const dec = new TextDecoder();

before(() => { pki = loadOrCreatePki(pkiDir); });
after(() => { rmSync(root, { recursive: true, force: true }); });

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]);
}

/** A board's side: an MqttBridge and the events it delivered. */
class Board {
  readonly events: BoardEvent[] = [];
  readonly lines: string[] = [];
  readonly bridge: MqttBridge;
  private waiters: Array<() => void> = [];
  private seen = 0;

  constructor(broker: Broker, serial = "WH-0001") {
    const cc = pki.deviceIdentity(join(root, "devices", serial), serial);
    this.bridge = new MqttBridge({
      brokerUrl: broker.url, ca: pki.ca, clientCert: cc.cert, clientKey: cc.key,
      deliver: (ev) => { this.events.push(ev); for (const w of this.waiters.splice(0)) w(); },
      log: (l) => this.lines.push(l),
    });
  }

  /** The next delivered event (after those already taken) matching `pred`. */
  next(pred: (ev: BoardEvent) => boolean, what: string, ms = WAIT_MS): Promise<BoardEvent> {
    return timeout(new Promise((resolve) => {
      const look = (): void => {
        while (this.seen < this.events.length) {
          const ev = this.events[this.seen++];
          if (pred(ev)) return resolve(ev);
        }
        this.waiters.push(look);
      };
      look();
    }), ms, what);
  }

  state(what = "MQTT_STATE"): Promise<number> {
    return this.next((e) => e.kind === EventKind.MQTT_STATE, what).then((e) => e.arg);
  }

  ack(pid: number): Promise<number> {
    return this.next((e) => e.kind === EventKind.MQTT_ACK && e.arg === pid, `MQTT_ACK ${pid}`).then((e) => e.payload![0]);
  }

  message(what = "MQTT_MESSAGE"): Promise<{ topic: string; body: string; ev: BoardEvent }> {
    return this.next((e) => e.kind === EventKind.MQTT_MESSAGE, what).then((ev) => ({
      ev, topic: dec.decode(ev.payload!.subarray(0, ev.arg)), body: dec.decode(ev.payload!.subarray(ev.arg)),
    }));
  }

  connect(id: string, password: string, clientId = id): void {
    this.bridge.handle({ t: "mqtt_connect", client: clientId, user: id, pass: enc.encode(password) });
  }

  /** Connects and waits for MQTT_STATE 1. */
  async online(id: string, password: string): Promise<void> {
    this.connect(id, password);
    assert.equal(await this.state(`${id} connects`), 1);
  }

  subscribe(pid: number, topic: string, qos = 1): void {
    this.bridge.handle({ t: "mqtt_subscribe", pid, qos, topic });
  }

  publish(pid: number, topic: string, body: string | Uint8Array, qos = 1): void {
    this.bridge.handle({ t: "mqtt_publish", pid, qos, retain: false, topic,
      payload: typeof body === "string" ? enc.encode(body) : body });
  }

  close(): Promise<void> { return this.bridge.close(); }
}

/** An mqtt.js client (the cloud, or a misbehaving one); resolves when CONNACK came,
 *  rejects with the refusal. */
function client(broker: Broker, opts: mqtt.IClientOptions): Promise<MqttClient> {
  const c = mqtt.connect(broker.url, {
    protocolVersion: 4, reconnectPeriod: 0, connectTimeout: WAIT_MS, ca: pki.ca, rejectUnauthorized: true, ...opts,
  });
  return timeout(new Promise<MqttClient>((resolve, reject) => {
    let err: Error | undefined;
    c.on("error", (e) => { err = e; });
    c.once("connect", () => resolve(c));
    c.once("close", () => { c.end(true); reject(err ?? new Error("closed before CONNACK")); });
  }), WAIT_MS + 1000, "mqtt.js connect").catch((e) => { c.end(true); throw e; });
}

interface Cloud { c: MqttClient; got: Array<{ topic: string; body: string }>; wait(topic: string): Promise<string> }

async function cloud(broker: Broker, filter = "devices/#"): Promise<Cloud> {
  const cc = pki.clientCert("cloud");
  const c = await client(broker, { clientId: "cloud", username: "cloud", password: "cloud-password-123", cert: cc.cert, key: cc.key });
  const got: Array<{ topic: string; body: string }> = [];
  const waiters: Array<() => void> = [];
  c.on("message", (topic, body) => { got.push({ topic, body: body.toString() }); for (const w of waiters.splice(0)) w(); });
  const granted = await timeout(c.subscribeAsync(filter, { qos: 1 }), WAIT_MS, "cloud subscribe");
  assert.equal(granted[0].qos, 1, "cloud may subscribe to devices/#");
  return {
    c, got,
    wait: (topic) => timeout(new Promise<string>((resolve) => {
      const look = (): void => {
        const m = got.find((g) => g.topic === topic);
        if (m) resolve(m.body); else waiters.push(look);
      };
      look();
    }), WAIT_MS, `cloud receives ${topic}`),
  };
}

const mosquittoBin = findMosquitto();
const mosquittoMissing = requirement("mosquitto", mosquittoBin !== null, "apt-get install mosquitto (Debian package \"mosquitto\")");

for (const kind of ["embedded", "mosquitto"] as BrokerKind[]) {
  const skip = kind === "mosquitto" && mosquittoMissing;

  describe(`broker: ${kind}`, { skip }, () => {
    let broker: Broker;
    let n = 0;
    let timing = "";
    /** A fresh device id with its password set on the broker. */
    async function device(password = "device-password-0001"): Promise<{ id: string; password: string }> {
      const id = `dev-${kind}-${++n}`;
      await broker.setDevice(id, hashPassword(password), "WH-0001");
      return { id, password };
    }

    before(async () => {
      const t0 = performance.now();
      broker = await createBroker(kind, { pkiDir, dataDir: join(root, kind) });
      const t1 = performance.now();
      await broker.setService("cloud", hashPassword("cloud-password-123"));
      const t2 = performance.now();
      timing = `${kind}: start ${(t1 - t0).toFixed(0)} ms, first setService ${(t2 - t1).toFixed(0)} ms`;
      assert.equal(broker.kind, kind);
      assert.match(broker.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
    });
    after(async () => { await broker?.stop(); });

    test("a device with the right credentials connects (MQTT_STATE 1)", async (t) => {
      t.diagnostic(timing);
      const t0 = performance.now();
      const d = await device();
      t.diagnostic(`${kind}: setDevice ${(performance.now() - t0).toFixed(0)} ms`);
      const b = new Board(broker);
      try {
        await b.online(d.id, d.password);
        assert.ok(b.bridge.connected);
        assert.ok(!b.lines.join("\n").includes(d.password), "the password is never logged");
      } finally { await b.close(); }
    });

    test("a wrong password is refused (MQTT_STATE -6)", async () => {
      const d = await device();
      const b = new Board(broker);
      try {
        b.connect(d.id, "not-the-password-at-all");
        assert.equal(await b.state(), -6);
        assert.ok(!b.bridge.connected);
      } finally { await b.close(); }
    });

    test("an unknown device is refused (MQTT_STATE -6)", async () => {
      const b = new Board(broker);
      try {
        b.connect("dev-nobody", "device-password-0001");
        assert.equal(await b.state(), -6);
      } finally { await b.close(); }
    });

    test("anonymous clients are refused", async () => {
      const cc = pki.clientCert("WH-0001");
      await assert.rejects(client(broker, { clientId: "anon", cert: cc.cert, key: cc.key }));
    });

    test("a client without a client certificate is refused at TLS", async () => {
      const d = await device();
      await assert.rejects(client(broker, { clientId: d.id, username: d.id, password: d.password }));
    });

    test("subscribing to its own down topic is granted", async () => {
      const d = await device();
      const b = new Board(broker);
      try {
        await b.online(d.id, d.password);
        b.subscribe(7, `devices/${d.id}/down`, 1);
        assert.equal(await b.ack(7), 1);
      } finally { await b.close(); }
    });

    test("another device's down topic: refused or never delivered", async () => {
      const me = await device(), other = await device();
      const b = new Board(broker);
      const cl = await cloud(broker);
      try {
        await b.online(me.id, me.password);
        b.subscribe(1, `devices/${other.id}/down`, 1);
        b.subscribe(2, "devices/+/down", 1);
        b.subscribe(3, `devices/${me.id}/down`, 1);
        const foreign = await b.ack(1), wildcard = await b.ack(2);
        assert.equal(await b.ack(3), 1);
        if (kind === "embedded") {
          assert.equal(foreign, 0x80, "SUBACK failure");
          assert.equal(wildcard, 0x80, "SUBACK failure");
        }
        // mosquitto 2.0's acl_file grants every SUBSCRIBE and applies "read" on
        // delivery; with either broker, nothing of the other device's arrives.
        await cl.c.publishAsync(`devices/${other.id}/down`, "secret", { qos: 1 });
        await cl.c.publishAsync(`devices/${me.id}/down`, "sentinel", { qos: 1 });
        const m = await b.message();
        assert.equal(m.topic, `devices/${me.id}/down`);
        assert.equal(m.body, "sentinel");
        // The broker delivers one publisher's QoS 1 messages in order: anything of the
        // other device's would have come before the sentinel.
        assert.equal(b.events.filter((e) => e.kind === EventKind.MQTT_MESSAGE).length, 1, "only its own message");
      } finally { await b.close(); cl.c.end(true); }
    });

    test("a QoS 1 publish to its own up topic reaches the cloud and is acked with the pid", async () => {
      const d = await device();
      const b = new Board(broker);
      const cl = await cloud(broker);
      try {
        await b.online(d.id, d.password);
        b.publish(41, `devices/${d.id}/up/state`, '{"bath_temp":41}', 1);
        assert.equal(await b.ack(41), 1);
        assert.equal(await cl.wait(`devices/${d.id}/up/state`), '{"bath_temp":41}');
        b.publish(42, `devices/${d.id}/up/hello`, '{"serial":"WH-0001"}', 0);
        assert.equal(await cl.wait(`devices/${d.id}/up/hello`), '{"serial":"WH-0001"}');
        // Barrier: a QoS 1 publish after it; its ack comes after any ack for 42 would.
        b.publish(43, `devices/${d.id}/up/state`, '{"bath_temp":42}', 1);
        assert.equal(await b.ack(43), 1);
        assert.equal(b.events.filter((e) => e.kind === EventKind.MQTT_ACK && e.arg === 42).length, 0, "no ack for QoS 0");
      } finally { await b.close(); cl.c.end(true); }
    });

    test("a publish to another device's topic reaches nobody", async () => {
      const me = await device(), other = await device();
      const b = new Board(broker);
      const cl = await cloud(broker);
      try {
        await b.online(me.id, me.password);
        b.publish(5, `devices/${other.id}/up/state`, "forged", 1);
        b.publish(6, `devices/${me.id}/down`, "to itself", 1);
        b.publish(7, `devices/${me.id}/up/state`, "sentinel", 1);
        // In order from one publisher: the forged ones would have arrived before it.
        assert.equal(await cl.wait(`devices/${me.id}/up/state`), "sentinel");
        assert.deepEqual(cl.got.map((g) => g.body), ["sentinel"]);
        // Both brokers acknowledge a refused publish (MQTT 3.1.1 has no refusal code)
        // and keep the connection.
        assert.equal(await b.ack(5), 1);
        assert.ok(b.bridge.connected);
      } finally { await b.close(); cl.c.end(true); }
    });

    test("the cloud publishes to a device's down topic; the device gets MQTT_MESSAGE", async () => {
      const d = await device();
      const b = new Board(broker);
      const cl = await cloud(broker);
      try {
        await b.online(d.id, d.password);
        b.subscribe(1, `devices/${d.id}/down`, 1);
        assert.equal(await b.ack(1), 1);
        const body = '{"cmd":12,"set":"bath_temp","value":41}';
        await cl.c.publishAsync(`devices/${d.id}/down`, body, { qos: 1 });
        const m = await b.message();
        const topic = `devices/${d.id}/down`;
        assert.equal(m.ev.arg, enc.encode(topic).length);
        assert.deepEqual([...m.ev.payload!], [...enc.encode(topic + body)]);
        // Larger than the board inbox (2048): dropped, and the next one still comes.
        await cl.c.publishAsync(topic, "x".repeat(2100), { qos: 1 });
        await cl.c.publishAsync(topic, "small", { qos: 1 });
        assert.equal((await b.message()).body, "small");
        assert.ok(b.lines.some((l) => l.includes("exceed the board inbox")));
      } finally { await b.close(); cl.c.end(true); }
    });

    test("a password change takes effect: old refused, new accepted, old session dropped", async () => {
      const d = await device("first-password-0001");
      const b = new Board(broker);
      try {
        await b.online(d.id, "first-password-0001");
        await broker.setDevice(d.id, hashPassword("second-password-0002"), "WH-0001");
        assert.equal(await b.state("old session dropped"), 0);
        b.connect(d.id, "first-password-0001");
        assert.equal(await b.state(), -6);
        b.connect(d.id, "second-password-0002");
        assert.equal(await b.state(), 1);
        await broker.removeDevice(d.id);
        assert.equal(await b.state("removed device dropped"), 0);
        b.connect(d.id, "second-password-0002");
        assert.equal(await b.state(), -6);
      } finally { await b.close(); }
    });

    test("mosquitto_passwd's hashes are accepted by the broker and by verifyPassword", { skip: mosquittoMissing }, async () => {
      const file = join(root, `${kind}.pw`);
      execFileSync("mosquitto_passwd", ["-c", "-b", file, "someone", "passwd-made-password"]);
      const hash = readFileSync(file, "utf8").trim().split(":")[1];
      assert.match(hash, /^\$7\$\d+\$/);
      assert.ok(verifyPassword("passwd-made-password", hash));
      assert.ok(!verifyPassword("passwd-made-passwore", hash));
      const id = `dev-${kind}-${++n}`;
      await broker.setDevice(id, hash, "WH-0001");
      const b = new Board(broker);
      try { await b.online(id, "passwd-made-password"); } finally { await b.close(); }
    });

    if (kind === "embedded") {
      test("embedded: a client id other than the username is refused", async () => {
        const d = await device();
        const b = new Board(broker);
        try {
          b.connect(d.id, d.password, "someone-else");
          assert.equal(await b.state(), -7, "CONNACK 2, identifier rejected");
        } finally { await b.close(); }
      });
    } else {
      test("mosquitto: a client id other than the username is replaced by the username", async () => {
        const d = await device();
        const b = new Board(broker);
        try {
          b.connect(d.id, d.password, "someone-else");
          assert.equal(await b.state(), 1);
          // Its rules still follow the username: own down topic works.
          b.subscribe(1, `devices/${d.id}/down`, 1);
          assert.equal(await b.ack(1), 1);
        } finally { await b.close(); }
      });
    }
  });
}

test("embedded, refusedPublish: disconnect: a refused publish closes the connection", async () => {
  const broker = await startEmbeddedBroker({ pkiDir, dataDir: join(root, "embedded-dc"), refusedPublish: "disconnect" });
  await broker.setDevice("dev-dc", hashPassword("device-password-0001"), "WH-0001");
  const b = new Board(broker);
  try {
    await b.online("dev-dc", "device-password-0001");
    b.publish(9, "devices/dev-other/up/state", "forged", 1);
    assert.equal(await b.state(), 0);
    assert.equal(b.events.filter((e) => e.kind === EventKind.MQTT_ACK).length, 0, "no PUBACK");
  } finally { await b.close(); await broker.stop(); }
});

test("hashPassword: mosquitto format, verifies, salted", () => {
  const h1 = hashPassword("a-password"), h2 = hashPassword("a-password");
  assert.match(h1, /^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
  assert.notEqual(h1, h2);
  assert.ok(verifyPassword("a-password", h1) && verifyPassword(enc.encode("a-password"), h2));
  assert.ok(!verifyPassword("a-passworD", h1));
  assert.ok(!verifyPassword("a-password", "$7$1000$garbage"));
  assert.ok(!verifyPassword("a-password", "plain"));
});

test("FW_BROKER selects the kind; default embedded; a typo is an error", () => {
  assert.equal(brokerKindFromEnv({}), "embedded");
  assert.equal(brokerKindFromEnv({ FW_BROKER: "mosquitto" }), "mosquitto");
  assert.throws(() => brokerKindFromEnv({ FW_BROKER: "mosquito" }), /FW_BROKER/);
});

test("the PKI is reused from disk, and the server certificate names localhost and 127.0.0.1", () => {
  const again = loadOrCreatePki(pkiDir);
  assert.equal(again.ca, pki.ca);
  assert.equal(again.server.cert, pki.server.cert);
  assert.equal(again.clientCert("WH-0001").cert, pki.clientCert("WH-0001").cert);
  const server = new X509Certificate(pki.server.cert), ca = new X509Certificate(pki.ca);
  assert.equal(server.subjectAltName, "DNS:localhost, IP Address:127.0.0.1");
  assert.ok(server.verify(ca.publicKey) && server.checkIssued(ca));
  const device = new X509Certificate(pki.clientCert("WH-0001").cert);
  assert.match(device.subject, /^CN=WH-0001$/m);
  assert.ok(device.checkIssued(ca) && device.verify(ca.publicKey));
  assert.ok(ca.ca && !server.ca);
});
