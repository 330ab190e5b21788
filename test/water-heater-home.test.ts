// The water heater in the simulated home, against both brokers: the three registration
// flows, refusal from outside the home, faults during an additional registration,
// replayed / malformed / wrong-credential messages, and no credential in any log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { hashPassword } from "../host-sim/net/password-hash.ts";
import { HEATER } from "../host-sim/home/world.ts";
import { playDemo } from "../host-sim/appliances/water-heater/demo.ts";
import { backToHome, startRegistration, waitForCloud } from "../host-sim/appliances/water-heater/remote-actions.ts";
import { RouterRefused } from "../host-sim/home/router.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import type { RegistrationStep } from "../host-sim/phone/app.ts";
import { requirement } from "./support/requirement.ts";
import { bobRegistered, withHome } from "./support/home.ts";
import { changeSetting } from "../host-sim/appliances/water-heater/phone-actions.ts";

const brokers: BrokerKind[] = ["embedded", "mosquitto"];
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");



const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 15000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

for (const broker of brokers) {
  const skip = broker === "mosquitto" && mosquittoMissing;

  test(`[${broker}] new, additional and re-registration after initialization; the old tenant keeps only old history`, { skip }, async () => {
    await withHome(broker, async (home) => {
      const r = await playDemo(home);
      assert.notEqual(r.newDeviceId, r.oldDeviceId);
      assert.ok(r.bobOldHistory >= 2, "Bob still reads the old registration's history");
      assert.equal(r.bobCommandAfterMoveOut, 410, "Bob can no longer operate the heater");
      assert.equal(r.bobReadsNewRegistration, 403, "Bob sees none of the new registration's data");
      // Bob's old history holds nothing from after the move-out.
      const old = await home.bob.history(r.oldDeviceId);
      assert.ok(old.every((e) => !(e.event === "bath_temp" && e.value === 42)));
      // Alice's new registration holds the new data and operates the heater.
      const fresh = await home.alice.history(r.newDeviceId);
      assert.ok(fresh.some((e) => e.event === "bath_temp" && e.value === 42));
      // Both phones' user passwords and the heater's device passwords stay out of every log.
      const logs = [...home.heaterLog, ...home.flow.map((l) => l.text)].join("\n");
      for (const secret of ["alice-app-password", "bob-app-password", ...home.devicePasswords]) {
        assert.ok(!logs.includes(secret), "a credential reached a log");
      }
    });
  });

  test(`[${broker}] a registration attempt from outside the home LAN is refused`, { skip }, async () => {
    await withHome(broker, async (home) => {
      await startRegistration(home.heater, "new");
      home.router.setAtHome("bob", false);
      await assert.rejects(home.bob.register(HEATER), RouterRefused);
      assert.match(home.heater.screen, /^Waiting for the app/);
      assert.deepEqual(await home.bob.devices(), []);
    });
  });

  const steps: RegistrationStep[] = ["S82 hello", "S88 add at cloud", "S89 notify added"];
  for (const fault of ["power cut", "broker outage"] as const) {
    test(`[${broker}] a ${fault} at any step of an additional registration leaves the existing registration working`, { skip }, async () => {
      await withHome(broker, async (home) => {
        const { deviceId } = await bobRegistered(home);
        for (const step of steps) {
          home.alice.o.beforeStep = async (s) => {
            if (s !== step) return;
            if (fault === "power cut") await home.powerCycle();
            else { await home.brokerDown(); await home.brokerUp(); }
          };
          await startRegistration(home.heater, "additional").catch(() => undefined);
          await home.alice.register(HEATER).catch(() => undefined);
          home.alice.o.beforeStep = undefined;
          // Back to the home screen whatever happened, then the existing registration works.
          await backToHome(home.heater);
          await waitForCloud(home.heater, 20000);
          const r = await changeSetting(home.bob, "bath_temp", 41 + steps.indexOf(step));
          assert.equal(r.status, 0, `${fault} at ${step}: Bob's command`);
          const devices = await home.bob.devices();
          assert.deepEqual(devices.map((d) => [d.deviceId, d.current]), [[deviceId, true]], `${fault} at ${step}`);
        }
      });
    });
  }

  test(`[${broker}] replayed, malformed and wrong-credential MQTT and LAN messages change nothing`, { skip }, async () => {
    await withHome(broker, async (home) => {
      const { deviceId } = await bobRegistered(home);
      const before = await home.bob.state();
      const cert = home.pki.clientCert("cloud");
      // Play the cloud with a service account of its own (any device's command topic).
      // Not the cloud's own login: Mosquitto names a session after its user, so a second
      // "cloud" login would take over, and clean, the real cloud's persistent session.
      const testPassword = randomBytes(18).toString("base64url");
      await home.broker.setService("cloud-test", hashPassword(testPassword));
      const cloud = await mqtt.connectAsync(home.broker.url, {
        ca: home.pki.ca, cert: cert.cert, key: cert.key, username: "cloud-test", clientId: "cloud-test", password: testPassword, reconnectPeriod: 0,
      });
      const replies: { cmd: number; status: number }[] = [];
      await cloud.subscribeAsync(`devices/${deviceId}/up/reply`);
      cloud.on("message", (_t, p) => replies.push(JSON.parse(p.toString())));
      const down = `devices/${deviceId}/down`;
      await cloud.publishAsync(down, JSON.stringify({ cmd: 1, set: "bath_temp", value: 48 }), { qos: 1 });   // replay of cmd 1, the last applied: 0 again, not applied
      await cloud.publishAsync(down, "{\"cmd\":9,\"set\":", { qos: 1 });                                   // malformed
      await cloud.publishAsync(down, JSON.stringify({ cmd: 10, set: "bath_temp", value: 99 }), { qos: 1 });  // out of range
      await cloud.publishAsync(down, JSON.stringify({ cmd: 11, set: "door", value: 1 }), { qos: 1 });        // unknown setting
      await until("four replies", () => replies.length >= 4);
      assert.deepEqual(replies.map((r) => r.status), [0, -10, -2, -1]);
      await cloud.endAsync();
      // Barrier: a valid command of another setting. The remote publishes its state
      // before its reply, so once the reply is in, the cloud's state shows everything
      // the bad messages might have done: only the barrier's own change may be there.
      const fill = before.fill_l === 250 ? 260 : 250;
      assert.equal((await changeSetting(home.bob, "fill_l", fill)).status, 0);
      const expected = { ...before, fill_l: fill };
      assert.deepEqual(await home.bob.state(), expected);

      // Wrong credentials: somebody else tries to log in as this device.
      const heaterCert = home.heaterIdentity;
      await assert.rejects(mqtt.connectAsync(home.broker.url, {
        ca: home.pki.ca, cert: heaterCert.cert, key: heaterCert.key, username: deviceId, clientId: deviceId, password: "not-the-password-at-all", reconnectPeriod: 0,
      }));

      // LAN: frames while the remote is not waiting, and garbage while it is.
      home.router.setAtHome("bob", true);
      const lan = home.router.port("bob");
      for (const f of [Uint8Array.of(0x02, 0, 0, 0, 0), Uint8Array.of(0x01), Uint8Array.of()]) {
        await lan.send(HEATER, f);
        assert.equal((await lan.next(2000))[0], 0xff);
      }
      await startRegistration(home.heater, "additional");
      for (const f of [Uint8Array.of(0x01, 4, 4), Uint8Array.of(0x03, 0, 0, 0, 0), Uint8Array.of(0x77)]) {
        await lan.send(HEATER, f);
        assert.equal((await lan.next(2000))[0], 0xff);
      }
      assert.match(home.heater.screen, /^Waiting for the app/);
      assert.deepEqual((await home.bob.devices()).map((d) => d.current), [true]);
      assert.deepEqual(await home.bob.state(), expected);
    });
  });
}

test("the water heater on the native C host: registration flows and old-tenant separation", async () => {
  await withHome("embedded", async (home) => {
    const r = await playDemo(home);
    assert.equal(r.bobCommandAfterMoveOut, 410);
    assert.equal(r.bobReadsNewRegistration, 403);
    assert.ok(r.bobOldHistory >= 2);
  }, { heaterHost: "posix" });
});
