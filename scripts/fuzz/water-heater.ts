// The water heater's entry points: every fw_event kind it takes (main.ts), each fuzzed
// in the state where it does something: registered and connected for the buttons,
// timers and MQTT; with the registration window open for the LAN (PROTOCOL.md §1).
import { readRecords } from "../../host-sim/flash/record-store-image.ts";
import { EventKind, LinkId, type BoardEvent } from "../../host-sim/device/types.ts";
import { service, ServiceOp } from "../../host-sim/clients/devkit-service.ts";
import type { Driver } from "./driver.ts";
import type { EntryPoint } from "./entry-point.ts";
import { PhoneConversation, closeWindow, openWindow } from "./lan-conversation.ts";
import { mutate, mutateText, serviceFrame } from "./mutate.ts";
import type { Rng } from "./random.ts";

const SERIAL = "WH-FUZZ-0001";
const DEVICE_ID = "0f1e2d3c-4b5a-4697-8877-665544332211";
const PASSWORD = "fuzz-device-password-0123";
const E_AUTH = -6;
/** Inputs per registration window, below the 5 bad frames that close it, so that every
 *  LAN input meets an open window rather than the closed one. */
export const WINDOW_BUDGET = 4;
/** Long-running entry points start again from their state now and then, so a run does
 *  not drift into one corner (a settings menu, a backoff) for the rest of its inputs. */
const REPREPARE_EVERY = 2000;

const enc = new TextEncoder();

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
    const valid = r.pick(down(c));
    const t = r.chance(0.85) ? enc.encode(topic) : mutateText(r, topic);
    const m = r.chance(0.1) ? enc.encode(valid) : mutateText(r, valid);
    const payload = new Uint8Array(t.length + m.length);
    payload.set(t); payload.set(m, t.length);
    const arg = r.chance(0.9) ? t.length : r.chance(0.5) ? r.below(payload.length + 2) : r.int();
    return { kind: EventKind.MQTT_MESSAGE, arg, payload };
  }, (d) => d.mqttUp);
  return { ...entry, sameFlash: sameBesideOutbox };
}

/** The outbox's records (firmware/modules/cloud-link/outbox.ts: FLOOR, DROPPED and the
 *  chunks from FIRST_CHUNK): a refused command's reply is stored there by design. */
const isOutboxKey = (k: number) => k === 0x0206 || k === 0x0207 || (k >= 0x0220 && k < 0x0220 + 40);

/** The same records, the outbox aside. */
function sameBesideOutbox(before: Uint8Array, after: Uint8Array): boolean {
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
  let kind = r.chance(0.5) ? r.pick([0, 8, 9, 16, 255, 256, -1]) : r.int();
  if (kind >= EventKind.TIMER && kind <= EventKind.GPIO) kind = 0;
  return { kind, arg: r.int(), payload: r.chance(0.5) ? r.bytes(r.below(128)) : stray(r) };
});

/** LAN frames while the registration window is open: in its first phase (the remote
 *  waits for a HELLO) mutations of valid HELLOs; in its second (a key is agreed)
 *  mutations of frames the phone's session sealed, and valid seals of mutated plaintext
 *  so that the parsers behind decryption are reached. A few with the window closed. */
function lan(): EntryPoint {
  type Phase = "closed" | "waiting" | "connecting";
  let phase: Phase = "closed", used = 0, inSync = false, sessions = 0, lastLive = false;
  let phone: PhoneConversation | null = null;
  const hellos = Array.from({ length: 8 }, (_, i) => PhoneConversation.openingFrames(`fuzz-hello-${i}`)[0]);
  const bodies = PhoneConversation.sealedBodies(DEVICE_ID, PASSWORD);

  async function enter(d: Driver, want: Phase): Promise<void> {
    if (phase !== "closed") await closeWindow(d);
    phase = "closed"; used = 0; phone = null;
    if (want === "closed") return;
    await openWindow(d);
    phase = "waiting";
    if (want === "connecting") {
      phone = new PhoneConversation(`fuzz-phone-${sessions++}`);
      await phone.open(d);
      phase = "connecting"; inSync = true;
    }
  }

  return {
    name: "LINK LAN",
    async prepare(d) { phase = "closed"; await provisioned(d); },
    async input(r, d) {
      const want: Phase = r.chance(0.05) ? "closed" : r.chance(0.4) ? "waiting" : "connecting";
      if (used >= WINDOW_BUDGET || phase !== want) await enter(d, want);
      used++;
      lastLive = false;
      let payload: Uint8Array;
      const k = r.below(100);
      if (phase === "connecting" && phone && inSync && k < 40) {
        // A valid seal of a mutated plaintext, at the counter the remote expects.
        const { type, body } = r.pick(bodies);
        payload = phone.seal(type, mutate(r, body));
        lastLive = true;
      } else if (phase === "connecting" && phone && k < 80) {
        const { type, body } = r.pick(bodies);
        payload = mutate(r, phone.seal(type, body));
        inSync = false;
      } else if (k < 90) {
        payload = mutate(r, r.pick(hellos));
      } else {
        payload = r.bytes(r.below(r.chance(0.5) ? 8 : 200));
      }
      return { kind: EventKind.LINK, arg: LinkId.LAN, payload };
    },
    async after(d, _ev, res) {
      if (lastLive && res.result === E_AUTH) inSync = false;
      if (res.result !== null && res.result >= 0) {
        // Accepted (a mutation that kept the frame valid): the window moved on. A stored
        // registration means starting again from an unregistered remote.
        if (d.mqttWanted) { await d.powerOn(); await provisioned(d); phase = "closed"; }
        else { await closeWindow(d); phase = "closed"; }
      }
    },
  };
}

/** Fresh instances: entry points keep state between inputs. */
export function entryPoints(): EntryPoint[] {
  return [buttons(), timers(), lan(), servicePort(), mqttState(), mqttMessages(), mqttAcks(), gpio(), unknownKinds(), otherLinks()];
}
