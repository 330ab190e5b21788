// Secrets sealed at rest (boards/ABI.md v1.1 key slots, credential-store.ts): whoever reads
// the flash chip of a registered device finds no run of 6 bytes of any secret in it, on
// either host, while the device itself still uses them (it logs in with the password
// after a power cycle).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { HomeRouter } from "../host-sim/home/router.ts";
import { LanSession, LanMsg } from "../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { provision } from "../host-sim/clients/service-port.ts";
import { startRegistration, compareCodes, finishRegistration } from "../host-sim/appliances/water-heater/remote-actions.ts";
import { findBytes, readRecords } from "../host-sim/flash/record-store-image.ts";
import { runScenario } from "../host-sim/scenario/index.ts";
import { credentialStoreScenario, OWNER_NAME, TENANT_A_PASSWORD } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import type { BoardOutput } from "../host-sim/device/types.ts";
import type { HostName } from "../host-sim/device/power-on.ts";

const enc = new TextEncoder();
const DEVICE_ID = "7e3d9c1a-4b2f-4e8d-9a6c-5f1e2d3c4b5a";
const PASSWORD = "Zp4wQx8nTm2rVb6kHs";

/** Every 6-byte window of `secret` that occurs anywhere in the image (headers, free space,
 *  old copies included): how many of the windows were found. */
export function secretBytesFound(image: Uint8Array, secret: string): { found: number; windows: number } {
  const s = enc.encode(secret);
  let found = 0;
  for (let i = 0; i + 6 <= s.length; i++) if (findBytes(image, s.subarray(i, i + 6)).length > 0) found++;
  return { found, windows: s.length - 5 };
}

async function registeredHeater(host: HostName) {
  const dir = mkdtempSync(join(tmpdir(), `sealed-${host}-`));
  const flashFile = join(dir, "flash.bin");
  const heater = new HomeDevice({ name: "heater", host, image: "water-heater", flashFile, clock: "virtual", seed: 9, wallStartMs: Date.UTC(2026, 10, 22, 6, 0, 0) });
  const logins: { user: string; pass: Uint8Array }[] = [];
  heater.onOutput((o: BoardOutput) => { if (o.t === "mqtt_connect") logins.push({ user: o.user, pass: o.pass }); });
  const router = new HomeRouter();
  router.attach(heater);
  router.setAtHome("phone", true);
  const lan = router.port("phone");
  await heater.start();
  await heater.service(provision("WH-0077"));
  await startRegistration(heater, "new");
  const s = new LanSession(seededRandom("sealed-at-rest-phone"));
  await lan.send("heater", s.nonceRequest());
  s.acceptNonce(await lan.next(2000));
  await lan.send("heater", s.hello("phone-1"));
  s.openHelloReply(await lan.next(2000));
  assert.ok(await compareCodes(heater, s.code), "the remote shows the app's code");
  await lan.send("heater", s.credentials(DEVICE_ID, PASSWORD));
  assert.equal(s.status(await lan.next(2000), LanMsg.STORED), 0);
  await finishRegistration(heater);
  await heater.powerCycle();
  await heater.advance(10_000);
  await heater.stop();
  return { flash: readFileSync(flashFile), logins };
}

for (const host of ["ts", "posix"] as const) {
  test(`water heater on ${host}: registered, its flash holds no byte run of the device ID or password`, async () => {
    const { flash, logins } = await registeredHeater(host);
    assert.ok(readRecords(flash).size > 0, "the image holds records");
    // The device still has its secrets: it logs in with them after the power cycle.
    const last = logins.at(-1);
    assert.ok(last, "the heater logs in to the broker");
    assert.equal(last.user, DEVICE_ID);
    assert.equal(Buffer.from(last.pass).toString(), PASSWORD);
    assert.deepEqual(secretBytesFound(flash, PASSWORD), { found: 0, windows: PASSWORD.length - 5 }, "password");
    assert.deepEqual(secretBytesFound(flash, DEVICE_ID), { found: 0, windows: DEVICE_ID.length - 5 }, "device ID");
    // The control: the serial is stored in clear, and the same scan finds it.
    assert.equal(secretBytesFound(flash, "WH-0077").found, 2);
  });
}

test("devkit: live secrets (registration, a secret user record) leave no byte run in flash", async () => {
  const s = credentialStoreScenario();
  // Up to and with "store a protected record": tenant A registered, the owner's name stored.
  const upTo = s.steps.findIndex((st) => "label" in st && st.label === "store a protected record");
  const run = await runScenario({ ...s, steps: s.steps.slice(0, upTo + 1) }, { host: "ts", dir: mkdtempSync(join(tmpdir(), "sealed-devkit-")) });
  assert.deepEqual(run.failures, []);
  const flash = readFileSync(run.flashFile);
  assert.equal(secretBytesFound(flash, TENANT_A_PASSWORD).found, 0, "tenant A's password");
  assert.equal(secretBytesFound(flash, "6f1c2a4e-0b7d-4c55-9e3a-1d2f3a4b5c6d").found, 0, "tenant A's device ID");
  assert.equal(secretBytesFound(flash, OWNER_NAME).found, 0, "the owner's name");
  // A protected (not secret) record is in clear: the scan sees what is there.
  const prot = "site 4711, PV 5.5 kW";
  assert.equal(secretBytesFound(flash, prot).found, prot.length - 5);
});
