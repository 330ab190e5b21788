// The home's radio model (host-sim/radio/) under the physical rules of the printer contract
// §1, with a small image that joins the router, owns a Wi-Fi Direct group and answers link
// frames (test/fixtures/wifi-image.ts), on the TypeScript host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { E_AUTH, E_IO, E_NOTFOUND } from "../host-sim/board/abi-constants.ts";
import { MqttBridge } from "../host-sim/bridge/mqtt-bridge.ts";
import { LinkId, type BoardEvent } from "../host-sim/device/types.ts";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { DeviceUnreachable, HomeRouter } from "../host-sim/home/router.ts";
import { Airspace, RadioRefused, type RadioFlow, type WifiSetup } from "../host-sim/radio/index.ts";
import { asImage, tempDir } from "./fixtures/build.ts";

const dir = tempDir("radio");
const wasm = asImage("wifi-image", dir);
/** An image that never calls wifi_join: its Wi-Fi is board configuration. */
const plain = asImage("timer-image", dir);
const HOME = { ssid: "home", key: "correct horse" };
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

let n = 0;
/** A fresh home: the air, and the fixture powered on as `name` (flash of its own). */
async function home(devices: [string, WifiSetup][], router: typeof HOME | null = HOME) {
  const air = new Airspace({ router });
  const flows: RadioFlow[] = [];
  air.onFlow((f) => flows.push(f));
  const stations: [string, boolean][] = [];
  air.onStation((d, on) => stations.push([d, on]));
  const devs = new Map<string, HomeDevice>();
  for (const [name, wifi] of devices) {
    const d = new HomeDevice({ name, host: "ts", image: wifi === "image" ? wasm : plain, flashFile: join(dir, `f${n++}.bin`), clock: "virtual" });
    air.attach(d, { wifi });
    devs.set(name, d);
  }
  for (const d of devs.values()) await d.start();
  await air.settled();
  const stop = async () => { for (const d of devs.values()) await d.stop(); };
  return { air, flows, stations, dev: (name: string) => devs.get(name)!, stop };
}

test("router: a wrong key is refused (E_AUTH), the retry joins, and the key never shows", async () => {
  const h = await home([["printer", "image"]]);
  const joins = h.flows.filter((f) => f.kind === "station");
  assert.deepEqual(joins.map((f) => f.kind === "station" && f.result), [E_AUTH, 1]);
  assert.equal(h.air.isOnLan("printer"), true);
  assert.deepEqual(h.stations, [["printer", true]]);
  assert.equal(h.dev("printer").screen, "Wi-Fi\n1");
  assert.equal(h.air.groupOf("printer"), null, "the image ends its group once joined (S29)");
  assert.doesNotMatch(JSON.stringify(h.flows), /correct horse|wrong key|0123456789abcdef/);
  await h.stop();
});

test("router: an unknown SSID is E_NOTFOUND and the device stays off the network", async () => {
  const h = await home([["printer", "image"]], { ssid: "neighbours", key: "correct horse" });
  assert.equal(h.dev("printer").screen, `Wi-Fi\n${E_NOTFOUND}`);
  assert.equal(h.air.isOnLan("printer"), false);
  assert.deepEqual(h.stations, []);
  await h.stop();
});

test("router: board-configured Wi-Fi is on the network from power-on; a new router key drops only the image's station", async () => {
  const h = await home([["plug", "board"], ["printer", "image"]]);
  const plugEvents: number[] = [];
  h.dev("plug").onCall((c) => { if (c.input.call === "event") plugEvents.push(c.input.kind); });
  assert.equal(h.air.isOnLan("plug"), true);
  h.air.setRouter({ ssid: "home", key: "a new key 2026" });
  await h.air.settled();
  assert.equal(h.dev("printer").screen, "Wi-Fi\n0", "the printer lost the router");
  assert.equal(h.air.isOnLan("printer"), false);
  assert.equal(h.air.isOnLan("plug"), true);
  assert.deepEqual(plugEvents, [], "a board-configured device hears no WIFI event");
  await h.dev("printer").press(4); // joins again with the old key: refused now
  await h.air.settled();
  assert.equal(h.dev("printer").screen, `Wi-Fi\n${E_AUTH}`);
  h.air.setRouter(null);
  assert.equal(h.air.isOnLan("plug"), false, "no router, no network");
  await h.stop();
});

test("NFC: a tap reads the tag of the touched device only, and one phone touches one device at a time", async () => {
  const h = await home([["printer", "image"], ["other", "image"]]);
  const alice = h.air.phone("alice"), bob = h.air.phone("bob");
  assert.equal(dec(await alice.tap("printer")), "tag");
  assert.equal(bob.port("NFC", "printer").pending, 0, "nobody else hears a touch");
  const [a, b] = [alice.tap("printer"), alice.tap("other")];
  await assert.rejects(b, (e) => e instanceof RadioRefused && /already touching printer/.test(e.message));
  assert.equal(dec(await a), "tag");
  // Frames the device sends on NFC outside a touch reach nobody.
  await h.dev("printer").press(2);
  assert.equal(alice.port("NFC", "printer").pending, 0);
  assert.ok(h.flows.some((f) => f.kind === "frame" && f.link === "NFC" && f.from === "printer" && f.refused === "nobody to receive it"));
  assert.equal(await alice.writeTag("printer", Uint8Array.of(0xd1, 1)), 0, "a tag write is one LINK(NFC) event");
  await h.stop();
});

test("BLE: only phones at home reach a device; answers go to the asker, frames nobody asked for to the last writer", async () => {
  const h = await home([["printer", "image"]]);
  const seen: BoardEvent[] = [];
  h.dev("printer").onCall((c) => { if (c.input.call === "event" && c.input.kind === 3) seen.push(c.input); });
  const alice = h.air.phone("alice"), bob = h.air.phone("bob");
  await assert.rejects(alice.ble("printer").send(Uint8Array.of(1)), /out of BLE range/);
  assert.equal(seen.length, 0, "nothing reached the device");
  alice.setAtHome(true); bob.setAtHome(true);
  assert.deepEqual(await alice.ble("printer").request(Uint8Array.of(1, 5)), Uint8Array.of(0x81, 5));
  assert.deepEqual(await bob.ble("printer").request(Uint8Array.of(2)), Uint8Array.of(0x82));
  assert.equal(alice.ble("printer").pending, 0, "bob's answer is not alice's");
  await h.dev("printer").press(2);
  assert.deepEqual(await bob.ble("printer").next(100), Uint8Array.of(0x78));
  assert.equal(seen[0].arg, LinkId.BLE);
  await h.stop();
});

test("Wi-Fi Direct: exact credentials join, only members talk to the owner, a new group or a power cut disconnects them", async () => {
  const h = await home([["printer", "image"]]);
  const alice = h.air.phone("alice"), bob = h.air.phone("bob");
  alice.setAtHome(true); bob.setAtHome(true);
  await h.dev("printer").press(3);
  assert.equal(h.air.groupOf("printer"), "DIRECT-cd-Printer");
  assert.throws(() => alice.joinGroup("DIRECT-cd-Printer", "fedcba987654321"), /passphrase of DIRECT-cd-Printer is wrong/);
  assert.throws(() => alice.joinGroup("DIRECT-xx-Printer", "fedcba9876543210"), /no Wi-Fi Direct group DIRECT-xx-Printer/);
  assert.equal(alice.joinGroup("DIRECT-cd-Printer", "fedcba9876543210"), "printer");
  assert.deepEqual(await alice.wifiDirect().request(Uint8Array.of(0x04, 9)), Uint8Array.of(0x84, 9));
  assert.throws(() => bob.wifiDirect(), /in no Wi-Fi Direct group/);
  await assert.rejects(bob.port("WIFI_DIRECT", "printer").send(Uint8Array.of(4)), /not in printer's Wi-Fi Direct group/);
  const port = alice.wifiDirect();
  await h.dev("printer").press(3); // the group starts again: new session, members out
  assert.equal(alice.group, null);
  await assert.rejects(port.send(Uint8Array.of(4)), RadioRefused);
  alice.joinGroup("DIRECT-cd-Printer", "fedcba9876543210");
  alice.setAtHome(false);
  assert.equal(alice.group, null, "leaving home leaves the group");
  alice.setAtHome(true);
  alice.joinGroup("DIRECT-cd-Printer", "fedcba9876543210");
  await h.dev("printer").powerCycle();
  await h.air.settled();
  assert.equal(h.air.groupOf("printer"), null);
  assert.deepEqual(h.air.membersOf("printer"), []);
  assert.equal(alice.group, null);
  await h.stop();
});

test("gates: a device off the network cannot connect MQTT (E_IO, as an unreachable broker) nor be reached on LAN", async () => {
  const h = await home([["printer", "image"]], { ssid: "neighbours", key: "x" });
  const events: BoardEvent[] = [];
  const bridge = new MqttBridge({
    brokerUrl: "mqtts://127.0.0.1:1", ca: "", clientCert: "", clientKey: "",
    deliver: (ev) => events.push(ev), reachable: () => h.air.isOnLan("printer"),
  });
  bridge.handle({ t: "mqtt_connect", client: "PR-0001", user: "d", pass: enc("p") });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, [{ kind: 4, arg: E_IO }]);
  assert.equal(bridge.connected, false);
  bridge.networkDown();
  assert.equal(events.length, 1, "no connection, nothing to lose");
  await bridge.close();
  const router = new HomeRouter();
  router.attach(h.dev("printer"));
  router.setReachable((d) => h.air.isOnLan(d));
  router.setAtHome("alice", true);
  await assert.rejects(router.port("alice").send("printer", Uint8Array.of(1)), DeviceUnreachable);
  await h.stop();
});
