// Issue 6, item 4: erasing the remote's registration revokes it, on both brokers. Online,
// the remote tells the cloud first (over its certificate-bound login) and erases on the
// cloud's answer; offline, it erases at once and its next registration's hello retires
// the old one. Either way the old tenant loses control and the broker refuses the old
// password; the factory identity survives the factory reset.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import mqtt from "mqtt";
import { hashPassword } from "../host-sim/net/password-hash.ts";
import { Home, HEATER } from "../host-sim/home/world.ts";
import { factoryResetFromMenu, finishRegistration, startRegistration, waitForCloud } from "../host-sim/appliances/water-heater/remote-actions.ts";
import { requirement } from "./support/requirement.ts";
import { bobRegistered, withHome } from "./support/home.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import type { CloudEvent } from "../host-sim/cloud/index.ts";
import { changeSetting } from "../host-sim/appliances/water-heater/phone-actions.ts";

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};



/** Whether the broker accepts `deviceId` with `password` and the heater's own certificate. */
async function brokerAccepts(home: Home, deviceId: string, password: string): Promise<boolean> {
  const id = home.heaterIdentity;
  try {
    const c = await mqtt.connectAsync(home.broker.url, {
      protocolVersion: 4, ca: home.pki.ca, cert: id.cert, key: id.key, clientId: deviceId, username: deviceId, password,
      reconnectPeriod: 0, connectTimeout: 5000,
    });
    await c.endAsync(true);
    return true;
  } catch {
    return false;
  }
}

/** Returns once the cloud is subscribed on the (restarted) broker: a probe device
 *  publishes until the cloud has received one of its messages. Without this the remote
 *  could say hello before the cloud is back (losing it is item 1's concern, not this). */
async function cloudListening(home: Home, events: CloudEvent[]): Promise<void> {
  const probe = randomUUID(), password = randomBytes(16).toString("hex"), cert = home.pki.issueDevice("WH-PROBE");
  await home.broker.setDevice(probe, hashPassword(password), "WH-PROBE");
  const c = await mqtt.connectAsync(home.broker.url, {
    protocolVersion: 4, ca: home.pki.ca, cert: cert.cert, key: cert.key, clientId: probe, username: probe, password, reconnectPeriod: 0,
  });
  try {
    await until("the cloud back on the broker", async () => {
      await c.publishAsync(`devices/${probe}/up/state`, "{}", { qos: 1 });
      return events.some((e) => e.kind === "mqtt-in" && e.topic.includes(probe));
    });
  } finally {
    await c.endAsync(true);
    await home.broker.removeDevice(probe);
  }
}

const identityFile = (home: Home) => readFileSync(join(home.o.dataDir, "devices", "heater.identity", "device.cert.pem"), "utf8");

const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

for (const broker of ["embedded", "mosquitto"] as BrokerKind[]) {
  if (broker === "mosquitto" && mosquittoMissing) continue;

  test(`[${broker}] factory reset while online: the cloud retires the registration and the broker refuses its password before the remote erases`, async () => {
    await withHome(broker, async (home) => {
      const events: CloudEvent[] = [];
      home.cloud.events.onEvent((e) => events.push(e));
      const old = await bobRegistered(home);
      const identity = identityFile(home);
      await factoryResetFromMenu(home.heater);
      // The erase waited for the cloud's answer, not for the timeout.
      assert.ok(events.some((e) => e.kind === "mqtt-in" && e.topic === `devices/${old.deviceId}/up/retire`));
      assert.ok(events.some((e) => e.kind === "mqtt-out" && e.topic === `devices/${old.deviceId}/down` && e.payload === "{\"retired\":1}"));
      assert.ok(!home.heaterLog.some((l) => l.includes("no answer from the cloud")), "erased on the answer");
      assert.ok(events.some((e) => e.kind === "retired" && e.deviceId === old.deviceId && e.by === old.deviceId));
      await until("login removed", () => events.some((e) => e.kind === "login-removed" && e.deviceId === old.deviceId));
      assert.equal(await brokerAccepts(home, old.deviceId, old.password), false, "the broker refuses the erased password");
      assert.deepEqual((await home.bob.devices()).map((d) => d.current), [false]);
      await assert.rejects(changeSetting(home.bob, "bath_temp", 41), /410/);
      assert.match(home.heater.screen, /Cloud: not registered/);
      // Board configuration survives the factory reset: the same certificate, so the
      // next tenant's registration logs in with it.
      assert.equal(identityFile(home), identity);
      await startRegistration(home.heater, "new");
      await home.alice.register(HEATER);
      await finishRegistration(home.heater);
      await waitForCloud(home.heater);
      assert.equal((await changeSetting(home.alice, "bath_temp", 42)).status, 0);
    });
  });

  test(`[${broker}] factory reset while offline: erased at once; the next registration's hello retires the old one and the broker refuses its password`, async () => {
    await withHome(broker, async (home) => {
      const events: CloudEvent[] = [];
      home.cloud.events.onEvent((e) => events.push(e));
      const old = await bobRegistered(home);
      await home.brokerDown();
      await until("the remote sees the outage", () => !/Cloud: connected/.test(home.heater.screen));
      await factoryResetFromMenu(home.heater);
      assert.ok(!events.some((e) => e.kind === "mqtt-in" && e.topic.endsWith("/up/retire")), "nothing could be told");
      await home.brokerUp();
      await cloudListening(home, events);
      // The cloud still thinks the old registration current: nobody told it.
      assert.deepEqual((await home.bob.devices()).map((d) => d.current), [true]);
      // The next tenant registers the same remote; its hello retires the old registration.
      await startRegistration(home.heater, "new");
      const neu = await home.alice.register(HEATER);
      await finishRegistration(home.heater);
      await waitForCloud(home.heater);
      await until("old registration retired", () => events.some((e) => e.kind === "retired" && e.deviceId === old.deviceId && e.by === neu.deviceId));
      await until("login removed", () => events.some((e) => e.kind === "login-removed" && e.deviceId === old.deviceId));
      assert.equal(await brokerAccepts(home, old.deviceId, old.password), false, "the broker refuses the erased password");
      await assert.rejects(changeSetting(home.bob, "bath_temp", 41), /410/);
      assert.equal((await changeSetting(home.alice, "bath_temp", 42)).status, 0);
    });
  });
}
