// The printer's entry points (firmware/images/printer/PROTOCOL.md): every fw_event kind it
// takes, each fuzzed in the state where it does something. NFC and BLE from a fresh
// printer (a tap's answer, a phone writing NDEF to the read-only tag, the CONNECT window);
// Wi-Fi Direct once a tap started the group; the LAN once the printer joined the router;
// MQTT once a phone registered it and the broker took its login. The phone's side is the
// apps' own code (host-sim/phone/printer/): when the protocol changes there, the frames
// here change with it.
import { E_AUTH, E_LOCKED } from "../../host-sim/board/abi-constants.ts";
import { EventKind, LinkId, type BoardEvent } from "../../host-sim/device/types.ts";
import { service } from "../../host-sim/appliances/devkit/service.ts";
import { seededRandom } from "../../host-sim/phone/seeded-random.ts";
import { encodeHandover, AuthType, EncryptionType, WSC_VERSION_2_0 } from "../../host-sim/phone/handover.ts";
import { PhoneKey, PrinterSession } from "../../host-sim/phone/printer/session.ts";
import { readTapAnswer, bleReadRequest } from "../../host-sim/phone/printer/tap.ts";
import { LAN_LABEL, WFD_LABEL, PrinterMsg } from "../../host-sim/phone/printer/messages.ts";
import type { FramePort } from "../../host-sim/phone/printer/radio.ts";
import type { TapAnswer } from "../../host-sim/phone/printer/messages.ts";
import type { Driver } from "./driver.ts";
import type { EntryPoint } from "./entry-point.ts";
import { mutate, mqttMessage } from "./mutate.ts";
import type { Rng } from "./random.ts";
import { sameBesideOutbox } from "./water-heater.ts";

const SERIAL = "PR-FUZZ-0001";
const DEVICE_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
const PASSWORD = "fuzz-printer-password-0123";
const ROUTER_SSID = "fuzz-home", ROUTER_KEY = "fuzz-router-key-1";
/** The panel's CONNECT and REPLACE_INK buttons (printer.ts Button). */
const CONNECT = 5;
const REPREPARE_EVERY = 2000;

/** A phone's frames on one link of the board under the fuzzer: the answer is the first
 *  frame the printer sends on that link in the same call; a ROUTER is answered when the
 *  router's WIFI event arrives, which the driver delivers as the radio would (joined). */
export class DriverPort implements FramePort {
  /** What the router answers the next join (WIFI event arg): joined unless set. */
  joinAnswer = 1;
  constructor(private readonly d: Driver, private readonly link: number) {}
  async request(frame: Uint8Array): Promise<Uint8Array> {
    await this.d.step({ kind: EventKind.LINK, arg: this.link, payload: frame }, `frame on link ${this.link}`);
    let out = this.d.linkOut.find((o) => o.link === this.link);
    if (!out && this.d.joinAsked) {
      await this.d.step({ kind: EventKind.WIFI, arg: this.joinAnswer }, "the router's answer");
      out = this.d.linkOut.find((o) => o.link === this.link);
    }
    if (!out) throw new Error(`no answer on link ${this.link}`);
    return out.data;
  }
}

export async function provisioned(d: Driver): Promise<void> {
  await d.service(service.provision(SERIAL));
}

export async function tap(d: Driver): Promise<TapAnswer> {
  await d.step({ kind: EventKind.LINK, arg: LinkId.NFC, payload: new Uint8Array(0) }, "tap");
  const out = d.linkOut.find((o) => o.link === LinkId.NFC);
  if (!out) throw new Error("the tap got no answer");
  return readTapAnswer(out.data);
}

export const routerNdef = (): Uint8Array => encodeHandover({ select: false, others: [], wifi: {
  networkIndex: 1, ssid: Buffer.from(ROUTER_SSID), authType: AuthType.WPA2_PSK, encryptionType: EncryptionType.AES,
  networkKey: Buffer.from(ROUTER_KEY), macAddress: Buffer.alloc(6, 0xff), version2: WSC_VERSION_2_0,
} }).value as Uint8Array;

export interface Phone { key: PhoneKey; pwt: Buffer; wfd?: PrinterSession; lan?: PrinterSession; pt?: Buffer }

/** A tap, and the Wi-Fi Direct session opened with its group credentials. */
export async function onGroup(d: Driver): Promise<Phone> {
  await provisioned(d);
  const a = await tap(d);
  if (!a.pwt) throw new Error(`a fresh printer's tap answer has no PWT (${a.kind})`);
  const key = new PhoneKey(seededRandom("fuzz-phone"));
  const wfd = new PrinterSession(key, new DriverPort(d, LinkId.WIFI_DIRECT), `${WFD_LABEL} link ${LinkId.WIFI_DIRECT}`);
  await wfd.open();
  return { key, pwt: a.pwt, wfd };
}

/** On the router, with a LAN session and a PT. */
export async function onRouter(d: Driver): Promise<Phone> {
  const p = await onGroup(d);
  const joined = await p.wfd!.router(routerNdef());
  if (joined !== 0) throw new Error(`the router join answered ${joined}`);
  p.lan = new PrinterSession(p.key, new DriverPort(d, LinkId.LAN), LAN_LABEL);
  await p.lan.open();
  const pt = await p.lan.requestPt(p.pwt);
  if (pt.status !== 0 || !pt.pt) throw new Error(`PT refused: ${pt.status}`);
  p.pt = pt.pt;
  return p;
}

/** Registered by a phone and connected to the broker. */
export async function connected(d: Driver): Promise<Phone> {
  const p = await onRouter(d);
  const rc = await p.lan!.register(p.pt!, DEVICE_ID, PASSWORD);
  if (rc !== 0) throw new Error(`REGISTER answered ${rc}`);
  if (!d.mqttWanted) throw new Error("the printer did not ask for a broker connection after registering");
  await d.step({ kind: EventKind.MQTT_STATE, arg: 1 }, "broker connected");
  return p;
}

/** Sometimes a payload where none is expected, or one larger than any inbox. */
function stray(r: Rng): Uint8Array | undefined {
  if (r.chance(0.005)) return new Uint8Array(5000);
  return r.chance(0.1) ? r.bytes(r.below(64)) : undefined;
}

/** A refusal that the tokens module counts by design (a wrong PWT or PT is an attempt),
 *  or the session closing at its fifth refused frame. */
const counted = (_ev: BoardEvent, rc: number) => rc === E_AUTH || rc === E_LOCKED;

function nfc(): EntryPoint {
  // What phones write to a tag: a router's credential, the printer's own answer.
  let seeds: Uint8Array[] = [];
  return {
    name: "LINK NFC",
    async prepare(d) {
      await provisioned(d);
      await d.step({ kind: EventKind.LINK, arg: LinkId.NFC, payload: new Uint8Array(0) }, "tap");
      seeds = [routerNdef(), d.linkOut.find((o) => o.link === LinkId.NFC)!.data];
    },
    input: async (r) => ({ kind: EventKind.LINK, arg: LinkId.NFC, payload: r.chance(0.05) ? new Uint8Array(0) : r.chance(0.9) ? mutate(r, r.pick(seeds)) : r.bytes(r.below(300)) }),
  };
}

function ble(): EntryPoint {
  let n = 0;
  return {
    name: "LINK BLE",
    async prepare(d) { n = 0; await provisioned(d); },
    async input(r, d) {
      // The CONNECT window open for most inputs: a read then reaches the answer.
      if (++n % 50 === 1) await d.press(CONNECT);
      const valid = bleReadRequest();
      return { kind: EventKind.LINK, arg: LinkId.BLE, payload: r.chance(0.2) ? valid : r.chance(0.7) ? mutate(r, valid) : r.bytes(r.below(40)) };
    },
  };
}

/** What a phone sends on `link`, as (type, plaintext) for sealing, and the handshake's
 *  plain frames. */
function requests(p: Phone): [number, Buffer][] {
  const pt = p.pt ?? Buffer.alloc(32, 7);
  return [
    [PrinterMsg.ROUTER, Buffer.from(routerNdef())],
    [PrinterMsg.PT_REQUEST, p.pwt],
    [PrinterMsg.PT_DELETE, pt],
    [PrinterMsg.REGISTER, Buffer.concat([pt, Buffer.of(DEVICE_ID.length), Buffer.from(DEVICE_ID), Buffer.of(PASSWORD.length), Buffer.from(PASSWORD)])],
    [PrinterMsg.STATUS, pt],
    [PrinterMsg.SVWT_GET, pt],
    [PrinterMsg.CHARGE, Buffer.concat([pt, Buffer.of(32), Buffer.alloc(32, 9)])],
    [PrinterMsg.PRINT, Buffer.concat([p.pwt, Buffer.of(0, 5)])],
  ];
}

const plainFrames = (p: Phone): Uint8Array[] => [
  Buffer.concat([Buffer.of(PrinterMsg.NONCE_REQUEST), Buffer.alloc(32, 1)]),
  Buffer.concat([Buffer.of(PrinterMsg.HELLO), p.key.publicKey, Buffer.alloc(16, 2)]),
];

/** Inputs per session: the fifth refused frame closes a session (PROTOCOL.md §3), so a
 *  fresh handshake (not an input) comes before the inputs would all meet a closed one. */
const SESSION_INPUTS = 4;

/** Most inputs are requests with a damaged plaintext sealed in the session (so they reach
 *  the printer's request parsers, the counter kept in step); the rest damage the frame
 *  itself or are the handshake's frames. */
function sessionEntry(name: string, link: number, prepare: (d: Driver) => Promise<Phone>, binding: string): EntryPoint {
  let phone: Phone | null = null;
  let session: PrinterSession | null = null;
  let n = 0;
  const handshake = async (d: Driver) => {
    session = new PrinterSession(phone!.key, new DriverPort(d, link), binding);
    await session.open();
  };
  const ready = async (d: Driver) => { n = 0; phone = await prepare(d); await handshake(d); };
  return {
    name,
    prepare: ready,
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await ready(d); }
      else if (n % SESSION_INPUTS === 0) await handshake(d);
      const [type, body] = r.pick(requests(phone!));
      let payload: Uint8Array;
      if (r.chance(0.7)) payload = session!.seal(r.chance(0.9) ? type : r.below(256), r.chance(0.15) ? body : Buffer.from(mutate(r, body)));
      else if (r.chance(0.7)) payload = mutate(r, session!.seal(type, body));
      else payload = r.chance(0.5) ? mutate(r, r.pick(plainFrames(phone!))) : r.bytes(r.below(200));
      return { kind: EventKind.LINK, arg: link, payload };
    },
    counted,
  };
}

function mqttMessages(): EntryPoint {
  let cmd = 1, n = 0;
  const topic = `devices/${DEVICE_ID}/down`;
  const b64 = (fill: number, len = 32) => Buffer.alloc(len, fill).toString("base64");
  const down = (c: number) => [
    `{"cmd":${c},"st":"${b64(c & 0xff)}"}`,
    `{"cmd":${c},"svwt":"${b64((c + 1) & 0xff)}"}`,
    `{"cmd":${c},"exchanged":"${b64((c + 1) & 0xff)}"}`,
    `{"cmd":${c},"charge":${c},"pages":${1 + (c % 500)},"kind":${1 + (c % 2)},"cwt":"${b64(3)}"}`,
    `{"ack":${c}}`,
    `{"retired":1}`,
  ];
  return {
    name: "MQTT_MESSAGE",
    async prepare(d) { n = 0; cmd = 1; await connected(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0 || !d.mqttUp) { await d.powerOn(); await connected(d); }
      const c = cmd++;
      return mqttMessage(r, topic, r.pick(down(c)));
    },
    sameFlash: sameBesideOutbox,
  };
}

/** The router's answers to a join, and nonsense. */
function wifi(): EntryPoint {
  return {
    name: "WIFI",
    prepare: async (d) => { await onGroup(d); },
    input: async (r) => ({ kind: EventKind.WIFI, arg: r.chance(0.7) ? r.pick([1, 0, -5, -6, -3, 2, -1]) : r.int(), payload: stray(r) }),
  };
}

function simple(name: string, kind: number, arg: (r: Rng) => number): EntryPoint {
  let n = 0;
  return {
    name,
    async prepare(d) { n = 0; await connected(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await connected(d); }
      return { kind, arg: arg(r), payload: stray(r) };
    },
  };
}

export function entryPoints(): EntryPoint[] {
  return [
    nfc(),
    ble(),
    sessionEntry("LINK WIFI_DIRECT", LinkId.WIFI_DIRECT, onGroup, `${WFD_LABEL} link ${LinkId.WIFI_DIRECT}`),
    sessionEntry("LINK LAN", LinkId.LAN, onRouter, LAN_LABEL),
    mqttMessages(),
    wifi(),
    simple("BUTTON", EventKind.BUTTON, (r) => r.chance(0.6) ? r.below(8) : r.int()),
    simple("TIMER", EventKind.TIMER, (r) => r.chance(0.5) ? r.below(5) : r.int()),
  ];
}
