// The water heater's entry points: every fw_event kind it takes (main.ts), each fuzzed
// in the state where it does something: registered and connected for the buttons,
// timers and MQTT; with the registration window open for the LAN (PROTOCOL.md §1).
import { readRecords } from "../../host-sim/flash/record-store-image.ts";
import { E_AUTH, E_LOCKED } from "../../host-sim/board/abi-constants.ts";
import { EventKind, LinkId, type BoardEvent } from "../../host-sim/device/types.ts";
import { service, ServiceOp } from "../../host-sim/appliances/devkit/service.ts";
import type { Driver } from "./driver.ts";
import type { EntryPoint } from "./entry-point.ts";
import { Button, PhoneConversation, closeWindow, isRefusal, openWindow } from "./lan-conversation.ts";
import { LanMsg } from "../../host-sim/phone/lan-messages.ts";
import { mutate, mqttMessage, serviceFrame } from "./mutate.ts";
import type { Rng } from "./random.ts";

const SERIAL = "WH-FUZZ-0001";
const DEVICE_ID = "0f1e2d3c-4b5a-4697-8877-665544332211";
const PASSWORD = "fuzz-device-password-0123";
/** Refused frames a registration window takes: the last one closes it (registration.ts). */
const MAX_BAD_FRAMES = 5;
/** Refused LAN frames per window, below the 5 that close it, so that LAN inputs meet an
 *  open window rather than the closed one. */
export const WINDOW_BUDGET = 4;
/** LAN inputs per window at most: windows, and the phases they are taken to, vary. */
const WINDOW_INPUTS = 8;
const CLOSED_BY_REFUSALS = new RegExp(`^Error\\n${MAX_BAD_FRAMES} refused messages: the connection was closed\\.\\nNothing was changed\\.`);
/** Long-running entry points start again from their state now and then, so a run does
 *  not drift into one corner (a settings menu, a backoff) for the rest of its inputs. */
const REPREPARE_EVERY = 2000;


async function provisioned(d: Driver): Promise<void> {
  await d.service(service.provision(SERIAL));
}

/** Provisioned, registered through the LAN like a phone would, and connected. */
async function connected(d: Driver): Promise<void> {
  await provisioned(d);
  await PhoneConversation.register(d, DEVICE_ID, PASSWORD);
  if (!d.mqttWanted) throw new Error("the remote did not ask for a broker connection after registering");
  await d.step({ kind: EventKind.MQTT_STATE, arg: 1 }, "broker connected");
}

/** Sometimes a payload where none is expected, or one larger than any inbox. */
function stray(r: Rng): Uint8Array | undefined {
  if (r.chance(0.005)) return new Uint8Array(5000);
  return r.chance(0.1) ? r.bytes(r.below(64)) : undefined;
}

/** An entry point fuzzed from the connected state. */
function whileConnected(name: string, make: (r: Rng, d: Driver) => BoardEvent | Promise<BoardEvent>,
  keep: (d: Driver) => boolean = (d) => d.mqttWanted): EntryPoint {
  let n = 0;
  return {
    name,
    prepare: async (d) => { n = 0; await connected(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0 || !keep(d)) { await d.powerOn(); await connected(d); }
      return make(r, d);
    },
  };
}

const buttons = () => whileConnected("BUTTON", (r) => ({
  kind: EventKind.BUTTON, arg: r.chance(0.6) ? r.below(7) : r.int(), payload: stray(r),
}));

const timers = () => whileConnected("TIMER", (r) => ({
  kind: EventKind.TIMER, arg: r.chance(0.5) ? r.below(5) : r.int(), payload: stray(r),
}));

const gpio = () => whileConnected("GPIO", (r) => ({
  kind: EventKind.GPIO, arg: r.chance(0.5) ? (r.below(8) | (r.below(2) << 8)) : r.int(), payload: stray(r),
}));

const mqttState = () => whileConnected("MQTT_STATE", (r) => ({
  kind: EventKind.MQTT_STATE, arg: r.chance(0.5) ? r.pick([1, 0, -1, -2, -3, -4, -5, -6, 2]) : r.int(), payload: stray(r),
}));

function mqttMessages(): EntryPoint {
  let cmd = 1;
  const topic = `devices/${DEVICE_ID}/down`;
  /** Valid down messages: commands, and the cumulative ack and retirement notices. */
  const down = (c: number) => [
    `{"cmd":${c},"set":"bath_temp","value":${40 + (c % 8)}}`,
    `{"cmd":${c},"set":"auto_bath","value":${c % 2}}`,
    `{"cmd":${c},"set":"fill_l","value":${100 + 10 * (c % 20)}}`,
    `{"ack":${c}}`,
    `{"retired":1}`,
  ];
  const entry = whileConnected("MQTT_MESSAGE", async (r) => {
    const c = cmd++;
    return mqttMessage(r, topic, r.pick(down(c)));
  }, (d) => d.mqttUp);
  return { ...entry, sameFlash: sameBesideOutbox };
}

/** The outbox's records (firmware/modules/cloud-link/outbox.ts: FLOOR, DROPPED and the
 *  chunks from FIRST_CHUNK): a refused command's reply is stored there by design. */
export const isOutboxKey = (k: number) => k === 0x0206 || k === 0x0207 || (k >= 0x0220 && k < 0x0220 + 40);

/** The same records, the outbox aside. */
export function sameBesideOutbox(before: Uint8Array, after: Uint8Array): boolean {
  const strip = (image: Uint8Array) => [...readRecords(image)].filter(([k]) => !isOutboxKey(k))
    .sort(([a], [b]) => a - b).map(([k, v]) => `${k}:${Buffer.from(v).toString("hex")}`).join(",");
  return strip(before) === strip(after);
}

function mqttAcks(): EntryPoint {
  return whileConnected("MQTT_ACK", async (r, d) => {
    // Something in the outbox to acknowledge: a usage event (auto bath toggled).
    if (r.chance(0.1)) await d.press(5);
    const granted = r.chance(0.8) ? Uint8Array.of(r.pick([0, 1, 2, 3, 0x80, r.below(256)])) : r.bytes(r.below(4));
    return { kind: EventKind.MQTT_ACK, arg: r.chance(0.7) ? r.below(20) : r.int(), payload: r.chance(0.01) ? new Uint8Array(5000) : granted };
  }, (d) => d.mqttUp);
}

const serviceOps = Object.values(ServiceOp);

const servicePort = () => whileConnected("LINK SERVICE", (r) => {
  const valid = r.pick([service.provision(SERIAL), service.provision("WH-OTHER-9"), service.get(0x0201), service.list(), service.factoryReset()]);
  const payload = r.chance(0.5) ? mutate(r, valid) : serviceFrame(r, serviceOps);
  return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload };
});

const otherLinks = () => whileConnected("LINK other", (r) => {
  const link = r.chance(0.7) ? r.pick([LinkId.NFC, LinkId.BLE, LinkId.WIFI_DIRECT, 5, 6, 255]) : r.int();
  const arg = link === LinkId.SERVICE || link === LinkId.LAN ? 5 : link;
  const payload = r.chance(0.5) ? mutate(r, PhoneConversation.openingFrames("other")[0]) : r.bytes(r.below(80));
  return { kind: EventKind.LINK, arg, payload };
});

const unknownKinds = () => whileConnected("unknown kinds", (r) => {
  let kind = r.chance(0.5) ? r.pick([0, 9, 16, 255, 256, -1]) : r.int();
  if (kind >= EventKind.FIRST && kind <= EventKind.LAST) kind = 0;
  return { kind, arg: r.int(), payload: r.chance(0.5) ? r.bytes(r.below(128)) : stray(r) };
});

/** LAN frames in every state of the registration window (PROTOCOL.md §1), with the
 *  phone's frames made by its own session:
 *  - waiting: no nonce offered to this phone; mutated NONCE_REQUESTs, HELLOs built for
 *    stale nonces (as they were, and mutated);
 *  - offered: the phone holds the current nonce; its HELLO mutated, another key's HELLO for
 *    the same nonce, stale HELLOs, NONCE_REQUESTs (an accepted one makes the nonce stale);
 *  - code: key agreed, the code on the screen, before the user's OK: valid seals of mutated
 *    plaintext (the first is held), mutated seals, replayed HELLOs; and, with a frame held,
 *    the user's OK that acts on it (a button: its crashes and hangs are judged here);
 *  - connecting: after the OK, valid seals of mutated plaintext reach the parsers behind
 *    decryption, and mutated seals;
 *  - closed: no window, a few inputs.
 *  Each refused frame counts towards the 5 that close a window. Most windows are left
 *  after 4, so that every input meets an open window; some run to their 5th, whose
 *  refusal must be E_LOCKED and the closing screen: that screen change is by design, and
 *  nothing else is (flash is judged as for every refusal). */
function lan(): EntryPoint {
  type Phase = "closed" | "waiting" | "offered" | "code" | "connecting";
  let phase: Phase = "closed", ended = true;
  let refused = 0, inputs = 0, length = WINDOW_INPUTS, budget = WINDOW_BUDGET, sessions = 0;
  let phone: PhoneConversation | null = null;
  /** The phone's HELLO for the remote's current nonce (once used, a replay). */
  let hello: Uint8Array | null = null;
  /** The phone's next send counter is the one the remote expects. */
  let inSync = false;
  /** The remote holds an authentic frame until the user's OK. */
  let held = false;
  /** Kind of the input being judged: a valid seal at the expected counter, or any frame
   *  that used up one of the phone's counters. */
  let live = false, sealed = false;
  /** HELLOs built for nonces that are no longer the remote's current one. */
  const stale: Uint8Array[] = [];
  const requests = Array.from({ length: 8 }, (_, i) => PhoneConversation.openingFrames(`fuzz-request-${i}`)[0]);
  const bodies = PhoneConversation.sealedBodies(DEVICE_ID, PASSWORD);
  const acting = bodies.filter((b) => b.type !== LanMsg.ABORT), abort = bodies.find((b) => b.type === LanMsg.ABORT)!;

  const retire = (h: Uint8Array | null) => { if (h) { stale.push(h); if (stale.length > 16) stale.shift(); } };
  const noise = (r: Rng) => r.bytes(r.below(r.chance(0.5) ? 8 : 200));
  const staleHello = (r: Rng) => stale.length === 0 ? mutate(r, r.pick(requests)) : r.chance(0.5) ? r.pick(stale) : mutate(r, r.pick(stale));

  /** A new window (or none), brought to a phase chosen at random. */
  async function enter(d: Driver, r: Rng): Promise<void> {
    retire(hello);
    phone = null; hello = null; inSync = held = ended = false; refused = inputs = 0;
    await closeWindow(d);
    phase = "closed";
    const k = r.below(100);
    // Without a window only a few inputs: everything is refused there alike.
    length = k < 5 ? 2 : WINDOW_INPUTS;
    if (k < 5) return;
    budget = r.chance(0.15) ? MAX_BAD_FRAMES : WINDOW_BUDGET;
    await openWindow(d);
    phase = "waiting";
    if (k < 20) return;
    phone = new PhoneConversation(`fuzz-phone-${sessions++}`);
    hello = await phone.ask(d);
    // The phone asked again (a lost NONCE): its first HELLO is for a stale nonce.
    if (r.chance(0.3)) { retire(hello); hello = await phone.ask(d); }
    phase = "offered";
    if (k < 45) return;
    const { result, replies } = await d.lan(hello);
    if (result !== 0) throw new Error(`HELLO refused: ${result}`);
    phone.replied(replies[0]);
    phase = "code"; inSync = true;
    if (k < 70) return;
    await phone.confirm(d);
    phase = "connecting";
  }

  return {
    name: "LINK LAN",
    async prepare(d) {
      phase = "closed"; ended = true; phone = null; hello = null;
      await provisioned(d);
    },
    async input(r, d) {
      if (ended || inputs >= length || (phase !== "closed" && refused >= budget)) await enter(d, r);
      inputs++;
      live = sealed = false;
      const k = r.below(100);
      let payload: Uint8Array;
      if (phase === "offered" && phone && hello) {
        if (k < 40) payload = mutate(r, hello);
        else if (k < 50) payload = phone.foreignHello(`fuzz-other-${r.below(4)}`);
        else if (k < 70) payload = staleHello(r);
        else if (k < 90) payload = mutate(r, r.pick(requests));
        else payload = noise(r);
      } else if ((phase === "code" || phase === "connecting") && phone) {
        if (phase === "code" && held && k < 15) return { kind: EventKind.BUTTON, arg: Button.OK };
        if (inSync && k < 50) {
          const { type, body } = r.chance(0.04) ? abort : r.pick(acting);
          payload = phone.seal(type, mutate(r, body));
          live = sealed = true;
        } else if (k < 75) {
          const { type, body } = r.pick(bodies);
          payload = mutate(r, phone.seal(type, body));
          sealed = true;
        } else if (k < 90) {
          payload = r.chance(0.4) && hello ? hello : r.chance(0.5) ? staleHello(r) : mutate(r, r.pick(requests));
        } else payload = noise(r);
      } else {
        if (k < 40) payload = mutate(r, r.pick(requests));
        else if (k < 80) payload = staleHello(r);
        else payload = noise(r);
      }
      return { kind: EventKind.LINK, arg: LinkId.LAN, payload };
    },
    designedScreen: (_ev, result, screen) =>
      result === E_LOCKED && phase !== "closed" && refused === MAX_BAD_FRAMES - 1 && CLOSED_BY_REFUSALS.test(screen),
    async after(d, ev, res) {
      if (res.result === null) return;
      if (phase !== "closed" && d.lanOut.some(isRefusal)) refused++;
      if (sealed && res.result < 0 && (!live || res.result === E_AUTH)) inSync = false;
      if (d.mqttWanted) {
        // Credentials stored (a mutation that kept them valid): start again unregistered.
        await d.powerOn(); await provisioned(d);
        phase = "closed"; ended = true; hello = null;
        return;
      }
      if (!/^(Waiting for the app|Check the code|Connecting to the app)/.test(d.screen)) {
        // The window closed (ABORT, the 5th refusal, a held frame refused at the OK).
        if (phase !== "closed") ended = true;
        phase = "closed";
        return;
      }
      if (res.result < 0) return;
      if (ev.kind === EventKind.BUTTON) { phase = "connecting"; held = false; }
      else if (/^Waiting for the app/.test(d.screen)) { retire(hello); hello = null; phase = "waiting"; }
      else if (phase === "offered" && /^Check the code/.test(d.screen)) {
        // A mutation of the phone's HELLO that kept its key and nonce (the terminal id changed).
        try { phone!.replied(d.lanOut[0]); inSync = true; } catch { inSync = false; }
        phase = "code"; held = false;
      } else if (phase === "code") held = true;
    },
  };
}

/** Fresh instances: entry points keep state between inputs. */
export function entryPoints(): EntryPoint[] {
  return [buttons(), timers(), lan(), servicePort(), mqttState(), mqttMessages(), mqttAcks(), gpio(), unknownKinds(), otherLinks()];
}
