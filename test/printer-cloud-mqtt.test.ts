// The printer's part of the cloud over a real broker (embedded aedes, and Mosquitto when
// installed): TLS, the printer's factory certificate (CN = serial), its device login as
// the cloud announced it, the broker's topic rules; an mqtt.js client plays the printer,
// PrinterCloudClient the phone.   npx tsx --test test/printer-cloud-mqtt.test.ts
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import mqtt, { type MqttClient } from "mqtt";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import { waterHeaterCloud } from "../host-sim/appliances/water-heater/cloud-service.ts";
import { printerCloud } from "../host-sim/appliances/printer/cloud/index.ts";
import { CloudClient } from "../host-sim/phone/cloud-client.ts";
import { PrinterCloudClient } from "../host-sim/phone/printer-cloud-client.ts";
import { requirement } from "./support/requirement.ts";
import { startCloudWorld } from "./support/cloud.ts";

const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

async function until<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const kind of ["embedded", "mosquitto"] as BrokerKind[]) {
  describe(`printer cloud over the ${kind} broker`, { skip: kind === "mosquitto" && mosquittoMissing }, () => {
    it("ST after hello, SVWT for an SVT, free charge redeemed once, charge applied", async () => {
      const { pki, broker, cloud, cloudPassword, events, stop } = await startCloudWorld(kind, {}, [waterHeaterCloud, printerCloud]);
      let printer: MqttClient | undefined;
      try {
        const phone = new CloudClient(cloud.url, pki.ca, { user: "alice", password: "alice-password-1", terminalId: "alice-phone" });
        await phone.expect(201, "POST", "/api/users", { user: "alice", password: "alice-password-1" }, false);
        const app = new PrinterCloudClient(phone);
        const id = randomUUID(), password = randomBytes(16).toString("hex");
        await app.register(id, password, "PR-0001");

        printer = mqtt.connect(broker.url, {
          clientId: id, username: id, password, ca: pki.ca, ...pki.clientCert("PR-0001"), reconnectPeriod: 0, connectTimeout: 5000,
        });
        await new Promise<void>((resolve, reject) => { printer!.once("connect", () => resolve()); printer!.once("error", reject); });
        const down: Record<string, unknown>[] = [];
        printer.on("message", (_t, p) => { down.push(JSON.parse(p.toString())); });
        await printer.subscribeAsync(`devices/${id}/down`, { qos: 1 });
        const pub = (k: string, body: unknown) => printer!.publishAsync(`devices/${id}/up/${k}`, JSON.stringify(body), { qos: 1 });
        const command = (field: string, n = 1) => until(`command ${field}`, () => {
          const found = down.filter((m) => typeof m.cmd === "number" && field in m);
          return found.length >= n ? found[n - 1] : undefined;
        });

        await pub("hello", { serial: "PR-0001", fw: "printer 1" });
        const st = await command("st");
        await pub("reply", { seq: 1, cmd: st.cmd, status: 0 });
        await pub("svwt", { st: st.st });
        const svwt = await command("svwt");
        await pub("reply", { seq: 2, cmd: svwt.cmd, status: 0 });

        await app.exchangeSvwt(Buffer.from(svwt.svwt as string, "base64"));
        const exchanged = await command("exchanged");
        assert.equal(exchanged.exchanged, svwt.svwt);
        await pub("reply", { seq: 3, cmd: exchanged.cmd, status: 0 });

        const { cwt } = await app.freeCharge();
        const cwtText = Buffer.from(cwt).toString("base64");
        await pub("charge", { st: st.st, cwt: cwtText });
        await pub("charge", { st: st.st, cwt: cwtText }); // presented twice: one charge
        const charge = await command("charge");
        assert.equal(charge.pages, 2000);
        await pub("reply", { seq: 4, cmd: charge.cmd, status: 0 });
        await pub("history", { seq: 5, kind: "mirror", version: 2, balance: 2000, free: 2000, paid: 0, debited: 0, floor: 0, high: 1 });
        const s = await (async () => {
          for (const end = Date.now() + 5000; Date.now() < end;) {
            const r = await app.status();
            if (r.mirrorVersion === 2 && r.charges[0]?.status === "applied") return r;
            await new Promise((r) => setTimeout(r, 20));
          }
          throw new Error("timed out waiting for the charge's reply and the mirror");
        })();
        assert.equal(s.pages, 2000);
        assert.equal(s.charges.length, 1, "the second presentation made no charge");
        assert.equal(down.filter((m) => "charge" in m).length, 1);
        const log = JSON.stringify(events);
        for (const secret of [st.st, svwt.svwt, cwtText, password, cloudPassword]) assert.ok(!log.includes(secret as string), "a secret in the event log");
      } finally {
        printer?.end(true);
        await stop();
      }
    });
  });
}
