// The cloud's MQTT session survives a broker restart on both brokers (issue 6, item 1):
// a persistent session (clean: false, fixed client id), its subscription and the QoS 1
// messages queued for it while it was away are still there after the broker stopped and
// started again in the same data directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { createBroker, type Broker, type BrokerKind } from "../host-sim/net/broker.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import { requirement } from "./support/requirement.ts";
import { hashPassword } from "../host-sim/net/password-hash.ts";
import { loadOrCreatePki } from "../host-sim/net/pki.ts";

const kinds: BrokerKind[] = ["embedded", "mosquitto"];
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

for (const kind of kinds) {
  const skip = kind === "mosquitto" && mosquittoMissing;

  test(`[${kind}] a persistent session and the messages queued for it survive a broker restart`, { skip }, async () => {
    const root = mkdtempSync(join(tmpdir(), "sessions-"));
    const pkiDir = join(root, "pki"), dataDir = join(root, "broker");
    const pki = loadOrCreatePki(pkiDir);
    const pw = { cloud: "cloud-service-password-1", tester: "tester-service-password-2" };
    const start = async (port?: number): Promise<Broker> => {
      const b = await createBroker(kind, { pkiDir, dataDir, port });
      for (const [user, p] of Object.entries(pw)) await b.setService(user, hashPassword(p));
      return b;
    };
    const connect = (b: Broker, user: "cloud" | "tester", clean: boolean) => {
      const c = pki.clientCert(user);
      return mqtt.connectAsync(b.url, { ca: pki.ca, cert: c.cert, key: c.key, username: user, clientId: user, password: pw[user], clean, reconnectPeriod: 0 });
    };
    let broker = await start();
    try {
      // The cloud subscribes with a persistent session, then goes away.
      const cloud = await connect(broker, "cloud", false);
      await cloud.subscribeAsync("devices/+/up/#", { qos: 1 });
      await cloud.endAsync();
      // Messages for it while it is away, then the broker restarts.
      const tester = await connect(broker, "tester", true);
      for (const n of [1, 2, 3]) await tester.publishAsync("devices/d1/up/history", JSON.stringify({ seq: n }), { qos: 1 });
      await tester.endAsync();
      const port = broker.port;
      await broker.stop();
      broker = await start(port);

      // The cloud comes back without subscribing: the session brings the subscription and
      // the queued messages; one published after the restart marks the end.
      const got: number[] = [];
      const back = await mqtt.connectAsync(broker.url, {
        ca: pki.ca, ...pki.clientCert("cloud"), username: "cloud", clientId: "cloud", password: pw.cloud, clean: false, reconnectPeriod: 0,
      });
      const done = new Promise<void>((resolve) => back.on("message", (_t, p) => { got.push(JSON.parse(p.toString()).seq); if (got.includes(4)) resolve(); }));
      const t2 = await connect(broker, "tester", true);
      await t2.publishAsync("devices/d1/up/history", JSON.stringify({ seq: 4 }), { qos: 1 });
      await t2.endAsync();
      await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error(`only ${JSON.stringify(got)} arrived`)), 5000))]);
      await back.endAsync();
      assert.deepEqual(got, [1, 2, 3, 4]);
    } finally {
      await broker.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
}
