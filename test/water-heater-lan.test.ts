// Registration over the home LAN, on the remote's side (no cloud needed): screens, the
// sealed credential hand-over, the router's refusal from outside, replays, time-outs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceRunner } from "../host-sim/home/device-runner.ts";
import { HomeRouter, RouterRefused } from "../host-sim/home/router.ts";
import { LanSession, LanMsg } from "../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { service } from "../host-sim/clients/devkit-service.ts";
import type { BoardOutput } from "../host-sim/device/types.ts";

const MENU = 0, DOWN = 2, OK = 3, BACK = 4;

async function freshHeater(host: "ts" | "posix" = "ts") {
  const dir = mkdtempSync(join(tmpdir(), "wh-"));
  const heater = new DeviceRunner({ name: "heater", host, image: "water-heater", flashFile: join(dir, "flash.bin"), clock: "virtual", seed: 11 });
  const outputs: BoardOutput[] = [];
  heater.onOutput((o) => outputs.push(o));
  const router = new HomeRouter();
  router.attach(heater);
  await heater.start();
  await heater.service(service.provision("WH-0001"));
  return { heater, router, outputs };
}

async function openWindow(heater: DeviceRunner) {
  await heater.press(MENU);
  for (let i = 0; i < 3; i++) await heater.press(DOWN);   // Connection
  await heater.press(OK);                                   // connection menu, "New registration"
  await heater.press(OK);                                   // start connecting?
  await heater.press(OK);                                   // waiting for the app
}

test("a phone at home registers the remote: credentials sealed, remote logs in with them", async () => {
  const { heater, router, outputs } = await freshHeater();
  await openWindow(heater);
  assert.match(heater.screen, /^Waiting for the app/);
  router.setAtHome("phone-a", true);
  const lan = router.port("phone-a");
  const s = new LanSession(seededRandom("phone-a"));
  await lan.send("heater", s.hello("terminal-a"));
  const reply = s.openHelloReply(await lan.next(1000));
  assert.deepEqual(reply, { mode: 1, existingDeviceId: "", serial: "WH-0001" }, "the sealed reply names the remote's serial");
  assert.match(heater.screen, /^Connecting to the app/);
  const deviceId = "6f1c2a4e-0b7d-4c55-9e3a-1d2f3a4b5c6d", password = "Zq8xW3vN5tY7uR2pK4mH6jL9";
  const frame = s.credentials(deviceId, password);
  await lan.send("heater", frame);
  assert.equal(s.status(await lan.next(1000), LanMsg.STORED), 0);
  assert.match(heater.screen, /^Registration complete/);
  const connect = outputs.find((o) => o.t === "mqtt_connect");
  assert.ok(connect && connect.t === "mqtt_connect");
  assert.equal(connect.client, deviceId);
  assert.equal(Buffer.from(connect.pass).toString(), password);
  // The password never crossed the LAN in clear.
  assert.ok(!Buffer.from(frame).includes(Buffer.from(password)));
  // A replay of the same sealed frame is refused.
  await lan.send("heater", frame);
  assert.equal((await lan.next(1000))[0], LanMsg.ERROR);
  // And it is never logged.
  for (const l of heater.log) assert.ok(!l.text.includes(password), `log leaks the password: ${l.text}`);
  await heater.stop();
});

test("a phone outside the home cannot reach the remote", async () => {
  const { heater, router } = await freshHeater();
  await openWindow(heater);
  router.setAtHome("phone-x", false);
  const s = new LanSession(seededRandom("x"));
  await assert.rejects(router.port("phone-x").send("heater", s.hello("terminal-x")), RouterRefused);
  assert.match(heater.screen, /^Waiting for the app/);
  await heater.stop();
});

test("the LAN is closed unless the remote waits for the app, and the window times out", async () => {
  const { heater, router } = await freshHeater();
  router.setAtHome("phone-a", true);
  const lan = router.port("phone-a");
  await lan.send("heater", new LanSession(seededRandom("a")).hello("t"));
  assert.equal((await lan.next(1000))[1], 0xfd, "E_STATE before the user opened the window");
  await openWindow(heater);
  await heater.advance(180_000);
  assert.match(heater.screen, /^Error\nNo app answered in time/);
  await heater.press(OK);
  assert.match(heater.screen, /^Water heater/);
  await heater.stop();
});

test("new registration with an existing connection: notice, explicit confirmation, erase", async () => {
  const { heater, router } = await freshHeater();
  await openWindow(heater);
  router.setAtHome("phone-a", true);
  const lan = router.port("phone-a");
  const s = new LanSession(seededRandom("a"));
  await lan.send("heater", s.hello("t"));
  s.openHelloReply(await lan.next(1000));
  await lan.send("heater", s.credentials("0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", "Pw-of-the-first-tenant-123"));
  await lan.next(1000);
  await heater.press(OK);
  await heater.press(MENU);
  for (let i = 0; i < 3; i++) await heater.press(DOWN);
  await heater.press(OK);
  await heater.press(OK);                          // New registration
  assert.match(heater.screen, /^Initialization required/);
  await heater.advance(3_600_000);                 // no timeout says yes
  assert.match(heater.screen, /^Initialization required/);
  await heater.press(OK);
  assert.match(heater.screen, /^Initialize connection\?/);
  await heater.press(BACK);                         // the user can still back out
  assert.match(heater.screen, /^Water heater/);
  await heater.stop();
});
