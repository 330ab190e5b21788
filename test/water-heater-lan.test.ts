// Registration over the home LAN, on the remote's side (no cloud needed): screens, the
// sealed credential hand-over, the router's refusal from outside, replays, time-outs, the
// window closing after refused frames, and the code the user compares on both screens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { HomeRouter, RouterRefused, type LanPort } from "../host-sim/home/router.ts";
import { LanSession, LanMsg } from "../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { provision } from "../host-sim/clients/service-port.ts";
import { MakerApp, CodeMismatch } from "../host-sim/phone/app.ts";
import { compareCodes } from "../host-sim/appliances/water-heater/remote-actions.ts";
import type { BoardOutput } from "../host-sim/device/types.ts";

const MENU = 0, DOWN = 2, OK = 3, BACK = 4;

async function freshHeater(host: "ts" | "posix" = "ts") {
  const dir = mkdtempSync(join(tmpdir(), "wh-"));
  const heater = new HomeDevice({ name: "heater", host, image: "water-heater", flashFile: join(dir, "flash.bin"), clock: "virtual", seed: 11 });
  const outputs: BoardOutput[] = [];
  heater.onOutput((o) => outputs.push(o));
  const router = new HomeRouter();
  router.attach(heater);
  await heater.start();
  await heater.service(provision("WH-0001"));
  return { heater, router, outputs };
}

/** NONCE_REQUEST, NONCE, HELLO, HELLO_REPLY: the key agreement up to the code. */
async function handshake(lan: LanPort, s: LanSession, terminal: string, device = "heater") {
  await lan.send(device, s.nonceRequest());
  s.acceptNonce(await lan.next(1000));
  await lan.send(device, s.hello(terminal));
  return s.openHelloReply(await lan.next(1000));
}

const shownCode = (heater: HomeDevice) => /^Check the code\n(\d{6})\n/.exec(heater.screen)?.[1];
const status = (f: Uint8Array) => (f[1] << 24) >> 24;

async function openWindow(heater: HomeDevice) {
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
  const reply = await handshake(lan, s, "terminal-a");
  assert.deepEqual(reply, { mode: 1, existingDeviceId: "", serial: "WH-0001" }, "the sealed reply names the remote's serial");
  // The remote shows the same 6-digit code as the app; the user confirms it there.
  assert.match(s.code, /^\d{6}$/);
  assert.equal(shownCode(heater), s.code);
  await heater.press(OK);
  assert.match(heater.screen, /^Connecting to the app\nCode confirmed/);
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
  await assert.rejects(router.port("phone-x").send("heater", s.nonceRequest()), RouterRefused);
  assert.match(heater.screen, /^Waiting for the app/);
  await heater.stop();
});

test("the LAN is closed unless the remote waits for the app, and the window times out", async () => {
  const { heater, router } = await freshHeater();
  router.setAtHome("phone-a", true);
  const lan = router.port("phone-a");
  await lan.send("heater", new LanSession(seededRandom("a")).nonceRequest());
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
  await handshake(lan, s, "t");
  await heater.press(OK);
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

/** Registers the remote once (phone "owner"), so that later windows have something to keep. */
async function registered() {
  const h = await freshHeater();
  await openWindow(h.heater);
  h.router.setAtHome("owner", true);
  const lan = h.router.port("owner");
  const s = new LanSession(seededRandom("owner"));
  await handshake(lan, s, "owner-terminal");
  await h.heater.press(OK);
  await lan.send("heater", s.credentials("5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716", "the-owners-password-42"));
  assert.equal(s.status(await lan.next(1000), LanMsg.STORED), 0);
  await h.heater.press(OK);
  return h;
}

async function openAdditionalWindow(heater: HomeDevice) {
  await heater.press(MENU);
  for (let i = 0; i < 3; i++) await heater.press(DOWN);
  await heater.press(OK);
  await heater.press(DOWN);                                 // "Additional registration"
  await heater.press(OK);
  await heater.press(OK);
  assert.match(heater.screen, /^Waiting for the app/);
}

const flashOf = (heater: HomeDevice) => readFileSync(heater.o.flashFile);

test("a HELLO replayed from an earlier window or for an older nonce is refused and does not block the real phone", async () => {
  const { heater, router } = await freshHeater();
  router.setAtHome("phone-a", true);
  router.setAtHome("eve", true);
  const lan = router.port("phone-a"), eve = router.port("eve");
  // Window 1: the phone says hello; eve records the frame. The user then cancels.
  await openWindow(heater);
  const first = new LanSession(seededRandom("first"));
  await lan.send("heater", first.nonceRequest());
  first.acceptNonce(await lan.next(1000));
  const recorded = first.hello("terminal-a");
  await lan.send("heater", recorded);
  first.openHelloReply(await lan.next(1000));
  await heater.press(BACK);
  await heater.press(OK);
  // Window 2: the replay meets no nonce, then a newer nonce: refused both times.
  await openWindow(heater);
  await eve.send("heater", recorded);
  assert.equal(status(await eve.next(1000)), -6, "E_AUTH: not this window's nonce");
  assert.match(heater.screen, /^Waiting for the app/);
  const real = new LanSession(seededRandom("real"));
  await lan.send("heater", real.nonceRequest());
  real.acceptNonce(await lan.next(1000));
  const stale = real.hello("terminal-a");                      // built for this nonce...
  await lan.send("heater", real.nonceRequest());               // ...but the phone asked again
  real.acceptNonce(await lan.next(1000));
  await eve.send("heater", stale);
  assert.equal(status(await eve.next(1000)), -6, "only the latest nonce is valid");
  await eve.send("heater", recorded);
  assert.equal(status(await eve.next(1000)), -6);
  assert.match(heater.screen, /^Waiting for the app/);
  // The real phone goes on at once.
  await lan.send("heater", real.hello("terminal-a"));
  assert.deepEqual(real.openHelloReply(await lan.next(1000)), { mode: 1, existingDeviceId: "", serial: "WH-0001" });
  assert.equal(shownCode(heater), real.code);
  // Its own HELLO, replayed now, is refused too; the code stays on the screen.
  await eve.send("heater", real.hello("terminal-a"));
  assert.equal(status(await eve.next(1000)), -3);
  assert.equal(shownCode(heater), real.code);
  await heater.stop();
});

test("five refused frames close the window: the remote says why, nothing is stored, the registration stays", async () => {
  const { heater, router } = await registered();
  const before = flashOf(heater);
  await openAdditionalWindow(heater);
  router.setAtHome("eve", true);
  const eve = router.port("eve");
  const badFrames = [
    Uint8Array.of(0x77),                                        // unknown type
    Uint8Array.of(LanMsg.NONCE_REQUEST, 1, 2, 3),               // malformed
    Uint8Array.of(LanMsg.CREDENTIALS, 0, 0, 0, 0),              // wrong state
    new LanSession(seededRandom("eve")).nonceRequest().subarray(0, 20),
  ];
  for (const f of badFrames) {
    await eve.send("heater", f);
    assert.equal((await eve.next(1000))[0], LanMsg.ERROR);
    assert.match(heater.screen, /^Waiting for the app/);
  }
  await eve.send("heater", Uint8Array.of(LanMsg.HELLO, 4, 4));
  assert.equal(status(await eve.next(1000)), -11, "E_LOCKED: the window closed");
  assert.match(heater.screen, /^Error\n5 refused messages: the connection was closed\.\nNothing was changed\./);
  // Closed: even a correct phone is refused now.
  router.setAtHome("phone-b", true);
  const lan = router.port("phone-b");
  await lan.send("heater", new LanSession(seededRandom("b")).nonceRequest());
  assert.equal(status(await lan.next(1000)), -3);
  assert.ok(flashOf(heater).equals(before), "nothing was written");
  await heater.press(OK);
  await openAdditionalWindow(heater);                           // still registered
  await heater.stop();
});

test("forged and replayed sealed frames count too: the fifth closes the window and no credentials are stored", async () => {
  const { heater, router, outputs } = await freshHeater();
  const before = flashOf(heater);
  await openWindow(heater);
  router.setAtHome("phone-a", true);
  router.setAtHome("eve", true);
  const lan = router.port("phone-a"), eve = router.port("eve");
  const s = new LanSession(seededRandom("phone-a"));
  await handshake(lan, s, "terminal-a");
  await heater.press(OK);
  const creds = s.credentials("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "a-password-never-stored");
  const forged = Uint8Array.from(creds);
  forged[forged.length - 1] ^= 1;                              // failed AEAD
  const counterAhead = Uint8Array.from(creds);
  counterAhead[4] = 7;                                          // bad counter
  for (const f of [forged, counterAhead, Uint8Array.of(LanMsg.ADDED, 0, 0, 0, 0), s.nonceRequest()]) {
    await eve.send("heater", f);
    assert.equal((await eve.next(1000))[0], LanMsg.ERROR);
  }
  assert.match(heater.screen, /^Connecting to the app/);
  await eve.send("heater", forged);
  assert.equal(status(await eve.next(1000)), -11);
  assert.match(heater.screen, /^Error\n5 refused messages/);
  await lan.send("heater", creds);                              // the real frame comes too late
  assert.equal(status(await lan.next(1000)), -3);
  assert.ok(!outputs.some((o) => o.t === "mqtt_connect"));
  assert.ok(flashOf(heater).equals(before), "nothing was written");
  await heater.stop();
});

test("a code the user says differs stops the registration on both sides with nothing stored", async () => {
  const { heater, router } = await registered();
  const before = flashOf(heater);
  router.setAtHome("phone-b", true);
  const lan = router.port("phone-b");
  // In the app: the user says "different"; the app tells the remote, which stops.
  await openAdditionalWindow(heater);
  const s = new LanSession(seededRandom("phone-b"));
  await handshake(lan, s, "terminal-b");
  await lan.send("heater", s.abort());
  assert.match(heater.screen, /^Error\nThe app showed a different code\.\nNothing was changed\./);
  await lan.send("heater", s.added());
  assert.equal(status(await lan.next(1000)), -3);
  await heater.press(OK);
  // On the remote: the user presses BACK ("different"); the app's frame, already sent, is dropped.
  await openAdditionalWindow(heater);
  const t = new LanSession(seededRandom("phone-b2"));
  await handshake(lan, t, "terminal-b");
  await lan.send("heater", t.added());                          // held until the remote's OK
  await heater.press(BACK);
  assert.match(heater.screen, /^Error\nThe codes were different\.\nNothing was changed\./);
  assert.ok(flashOf(heater).equals(before), "nothing was written");
  await heater.stop();
});

/** The attacker's router: it hands a victim phone's frames to the attacker's own remote
 *  (a device the attacker owns, in its own waiting window), while the attacker talks to
 *  the victim's remote with its own keys. */
class InterceptingRouter extends HomeRouter {
  readonly divert = new Map<string, string>();
  override fromPhone(phone: string, device: string, frame: Uint8Array): Promise<void> {
    return super.fromPhone(phone, this.divert.get(phone) ?? device, frame);
  }
}

async function manInTheMiddle() {
  const dir = mkdtempSync(join(tmpdir(), "wh-mitm-"));
  const router = new InterceptingRouter();
  const make = async (name: string, seed: number, serial: string) => {
    const d = new HomeDevice({ name, host: "ts", image: "water-heater", flashFile: join(dir, `${name}.bin`), clock: "virtual", seed });
    const outputs: BoardOutput[] = [];
    d.onOutput((o) => outputs.push(o));
    router.attach(d);
    await d.start();
    await d.service(provision(serial));
    await openWindow(d);
    return { d, outputs };
  };
  const victim = await make("heater", 11, "WH-0001");
  const relay = await make("attackers-remote", 12, "WH-0666");
  router.setAtHome("phone", true);
  router.setAtHome("mallory", true);
  router.divert.set("phone", "attackers-remote");
  // The attacker completes its own key agreement with the victim's remote.
  const mallory = new LanSession(seededRandom("mallory"));
  await handshake(router.port("mallory"), mallory, "mallory-terminal");
  return { router, victim, relay, mallory, before: flashOf(victim.d) };
}

const ATTACKER_ID = "dead0000-0000-4000-8000-00000000beef";

test("a man in the middle on the LAN: the codes differ and the user's refusal stops the registration", async () => {
  const { router, victim, relay, mallory, before } = await manInTheMiddle();
  const app = new MakerApp({
    name: "phone", appliance: "water heater", terminalId: "phone-terminal", user: "alice", password: "unused", cloudUrl: "https://127.0.0.1:9", ca: "",
    lan: router.port("phone"), random: seededRandom("phone"),
    // Alice stands at her remote and compares its code with the app's.
    confirmCode: (code) => compareCodes(victim.d, code),
  });
  await assert.rejects(app.register("heater"), CodeMismatch);
  // The app had talked to the attacker's remote, and told it the codes differed.
  assert.match(relay.d.screen, /^Error\nThe app showed a different code/);
  assert.match(victim.d.screen, /^Error\nThe codes were different/);
  assert.match(app.screen, /The codes were different/);
  // The attacker's own credentials are refused: the user closed the window.
  await router.port("mallory").send("heater", mallory.credentials(ATTACKER_ID, "attackers-own-password"));
  assert.equal(status(await router.port("mallory").next(1000)), -3);
  assert.ok(!victim.outputs.some((o) => o.t === "mqtt_connect"));
  assert.ok(flashOf(victim.d).equals(before), "nothing was stored on the victim's remote");
  await victim.d.stop();
  await relay.d.stop();
});

test("the same man in the middle succeeds when nobody compares the codes (why the code is there)", async () => {
  const { router, victim, relay, mallory } = await manInTheMiddle();
  const lan = router.port("phone");
  const phone = new LanSession(seededRandom("phone"));
  await handshake(lan, phone, "phone-terminal");
  assert.notEqual(phone.code, shownCode(victim.d));
  assert.equal(shownCode(victim.d), mallory.code);
  // A careless user confirms on the remote without comparing; the attacker confirms its own.
  await victim.d.press(OK);
  await relay.d.press(OK);
  await lan.send("heater", phone.credentials("c0ffee00-1111-4222-8333-444455556666", "alices-new-device-password"));
  assert.equal(phone.status(await lan.next(1000), LanMsg.STORED), 0);
  await router.port("mallory").send("heater", mallory.credentials(ATTACKER_ID, "attackers-own-password"));
  assert.equal(mallory.status(await router.port("mallory").next(1000), LanMsg.STORED), 0);
  // The attacker holds Alice's new device credentials, and Alice's remote logs in as the attacker's.
  const login = (outputs: BoardOutput[]) => outputs.find((o) => o.t === "mqtt_connect");
  const stolen = login(relay.outputs), hijacked = login(victim.outputs);
  assert.ok(stolen?.t === "mqtt_connect" && Buffer.from(stolen.pass).toString() === "alices-new-device-password");
  assert.ok(hijacked?.t === "mqtt_connect" && hijacked.client === ATTACKER_ID);
  await victim.d.stop();
  await relay.d.stop();
});

test("an app without its user's yes hands nothing over", async () => {
  const { heater, router } = await freshHeater();
  await openWindow(heater);
  router.setAtHome("phone", true);
  let asked = "";
  const app = new MakerApp({
    name: "phone", appliance: "water heater", terminalId: "t", user: "u", password: "unused", cloudUrl: "https://127.0.0.1:9", ca: "",
    lan: router.port("phone"), random: seededRandom("phone"),
    confirmCode: async (code) => { asked = code; return false; },
  });
  await assert.rejects(app.register("heater"), CodeMismatch);
  assert.match(asked, /^\d{6}$/);
  assert.match(heater.screen, /^Error\nThe app showed a different code/);
  await heater.stop();
});

test("a terminal id the cloud would not take, and an ABORT carrying fields, are refused as malformed", async () => {
  const { heater, router } = await freshHeater();
  router.setAtHome("phone-a", true);
  const lan = router.port("phone-a");
  await openWindow(heater);
  // A control character in the terminal id would make the remote's approval invalid JSON.
  const odd = new LanSession(seededRandom("odd"));
  await lan.send("heater", odd.nonceRequest());
  odd.acceptNonce(await lan.next(1000));
  await lan.send("heater", odd.hello("phone\n\u0001\"x"));
  assert.equal(status(await lan.next(1000)), -10);
  assert.match(heater.screen, /^Waiting for the app/);
  // A good phone gets to the code; an ABORT with a body is refused and changes nothing.
  const s = new LanSession(seededRandom("good"));
  await handshake(lan, s, "phone-a");
  const code = shownCode(heater);
  assert.ok(code);
  await lan.send("heater", s.seal(LanMsg.ABORT, Buffer.from("extra")));
  assert.equal(status(await lan.next(1000)), -10);
  assert.equal(shownCode(heater), code, "still showing the code");
  await lan.send("heater", s.abort());
  assert.match(heater.screen, /^Error\nThe app showed a different code/);
  await heater.stop();
});
