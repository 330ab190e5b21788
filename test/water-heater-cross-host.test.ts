// The water-heater image on both hosts, driven by the same script (buttons, a seeded
// phone on the LAN, broker events, a command, timers, a power cut, initialization that
// tells the cloud first):
// every output and the final flash bytes must be identical.
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
import { startRegistration, finishRegistration, openConnectionMenu, press, Button } from "../host-sim/appliances/water-heater/remote-actions.ts";
import { EventKind, type BoardOutput } from "../host-sim/device/types.ts";
import { jsonOutput } from "../host-sim/scenario/format.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { nativeEngines } from "./support/engines.ts";

const ENGINES = nativeEngines();

const enc = new TextEncoder();
const message = (topic: string, body: string) => {
  const t = enc.encode(topic), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
};

async function script(host: HostName) {
  const dir = mkdtempSync(join(tmpdir(), `whx-${host}-`));
  const heater = new HomeDevice({ name: "heater", host, image: "water-heater", flashFile: join(dir, "flash.bin"), clock: "virtual", seed: 5, wallStartMs: Date.UTC(2026, 10, 21, 6, 0, 0) });
  const trace: unknown[] = [];
  heater.onOutput((o: BoardOutput, r) => trace.push({ at: r.simMs(), ...jsonOutput(o) }));
  const router = new HomeRouter();
  router.attach(heater);
  router.setAtHome("phone", true);
  const lan = router.port("phone");
  await heater.start();
  await heater.service(provision("WH-0042"));

  // A window closed by five refused frames, then a new registration over the LAN with a
  // seeded phone.
  await startRegistration(heater, "new");
  for (let i = 0; i < 5; i++) { await lan.send("heater", Uint8Array.of(0x70 + i)); await lan.next(2000); }
  assert.match(heater.screen, /^Error\n5 refused messages/);
  await heater.press(Button.OK);
  await startRegistration(heater, "new");
  const s = new LanSession(seededRandom("cross-host-phone"));
  await lan.send("heater", Uint8Array.of(0x77));                          // one refused frame
  assert.equal((await lan.next(2000))[0], LanMsg.ERROR);
  await lan.send("heater", s.nonceRequest());
  s.acceptNonce(await lan.next(2000));
  await lan.send("heater", s.hello("phone-1"));
  s.openHelloReply(await lan.next(2000));
  assert.ok(heater.screen.includes(`\n${s.code}\n`), "the remote shows the app's code");
  // The app's user confirms first: the credentials wait for the OK on the remote.
  const deviceId = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
  await lan.send("heater", s.credentials(deviceId, "cross-host-password-0001"));
  await heater.press(Button.OK);
  assert.equal(s.status(await lan.next(2000), LanMsg.STORED), 0);
  await finishRegistration(heater);

  // The broker accepts, the cloud sends commands, acknowledgements come back.
  await heater.deliver({ kind: EventKind.MQTT_STATE, arg: 1 });
  await heater.deliver({ kind: EventKind.MQTT_ACK, arg: 1, payload: Uint8Array.of(1) });
  await heater.deliver(message(`devices/${deviceId}/down`, '{"cmd":1,"set":"bath_temp","value":44}'));
  await heater.deliver(message(`devices/${deviceId}/down`, '{"cmd":2,"set":"auto_bath","value":1}'));
  await heater.deliver(message(`devices/${deviceId}/down`, '{"cmd":1,"set":"bath_temp","value":47}'));
  for (let pid = 2; pid <= 12; pid++) await heater.deliver({ kind: EventKind.MQTT_ACK, arg: pid, payload: Uint8Array.of(1) });
  await heater.deliver(message(`devices/${deviceId}/down`, '{"ack":3}'));   // the cloud holds seq 1..3
  await heater.advance(16 * 60_000);                       // the bath fills: history "bath_ready"
  await heater.deliver({ kind: EventKind.MQTT_STATE, arg: 0 }); // broker lost: backoff timer
  await heater.press(Button.REHEAT);                        // history queued in the outbox
  await heater.advance(5_000);                              // reconnect attempt
  await heater.deliver({ kind: EventKind.MQTT_STATE, arg: -6 });
  await heater.powerCycle();
  await heater.deliver({ kind: EventKind.MQTT_STATE, arg: 1 }); // outbox resent after the reboot
  // Initialization while online tells the cloud first and erases on its answer.
  await openConnectionMenu(heater);
  await press(heater, Button.DOWN, Button.DOWN, Button.OK, Button.OK);
  assert.match(heater.screen, /^Telling the cloud/);
  await heater.deliver(message(`devices/${deviceId}/down`, '{"retired":1}'));
  assert.match(heater.screen, /^Initialization complete/);
  await press(heater, Button.OK);
  await heater.stop();
  return { trace, flash: readFileSync(join(dir, "flash.bin")) };
}

test("water heater: every host agrees output for output and in final flash bytes", async () => {
  const ts = await script("ts");
  assert.ok(ts.trace.length > 50, `${ts.trace.length} outputs`);
  // What the script exercised: the LAN window closed, a replay refused, the bath ready,
  // reheating queued, initialization.
  const said = (ts.trace as Record<string, string>[]).map((o) =>
    o.t === "mqtt_publish" ? Buffer.from(o.payload, "hex").toString() : o.t === "log" ? o.text : "").join("\n");
  for (const what of ["LAN window closed after 5 refused messages", '"status":-3', '"event":"bath_ready"', '"event":"reheat"', "registration initialized"]) {
    assert.ok(said.includes(what), `the script should exercise ${what}`);
  }
  for (const host of ENGINES) {
    const px = await script(host);
    assert.deepEqual(px.trace, ts.trace, `trace on ${host}`);
    assert.ok(px.flash.equals(ts.flash), `final flash images differ on ${host}`);
  }
});
