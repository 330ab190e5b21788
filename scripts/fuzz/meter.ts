// The meter's entry points (firmware/images/meter/PROTOCOL.md): every fw_event kind it
// takes, each fuzzed in the state where it does something. The card reader's frames and
// the HEMS's ECHONET Lite datagrams on a fresh meter; the installer's INSTALL on the
// service port; the head-end's commands once the meter is installed and online; buttons
// and timers. A card the meter cannot read is refused with E_MALFORMED and shown as
// unreadable on the panel, by design (PROTOCOL.md §1); nothing else a refused input does
// may reach the flash or the screen.
import { E_MALFORMED } from "../../host-sim/board/abi-constants.ts";
import { EventKind, LinkId, type BoardEvent } from "../../host-sim/device/types.ts";
import { service } from "../../host-sim/appliances/devkit/service.ts";
import type { Driver } from "./driver.ts";
import type { EntryPoint } from "./entry-point.ts";
import { mutate, mqttMessage, serviceFrame } from "./mutate.ts";
import type { Rng } from "./random.ts";
import { sameBesideOutbox } from "./water-heater.ts";

const SERIAL = "SM-FUZZ-0001";
const DEVICE_ID = "meter-fuzz-1";
const PASSWORD = "fuzz-meter-password-0123";
const METER_CODE = "JP-FUZZ-0001";
const OP_INSTALL = 0x20;
const REPREPARE_EVERY = 2000;
const HEMS = 0xc0a80114 | 0;
const enc = new TextEncoder();
const lp = (b: Uint8Array) => Uint8Array.of(b.length, ...b);

function frame(op: number, data: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = op; f[3] = data.length >> 8; f[4] = data.length & 0xff; f.set(data, 5);
  return f;
}

function installFrame(): Uint8Array {
  return frame(OP_INSTALL, Uint8Array.of(...lp(enc.encode(METER_CODE)), ...lp(enc.encode(DEVICE_ID)), ...lp(enc.encode(PASSWORD))));
}

/** A card as its company printed it in slot `slot` (PROTOCOL.md §1). */
function cardFrame(slot: number, role: number, code: number, types: number): Uint8Array {
  const b = Buffer.alloc(18);
  b[0] = slot; b[1] = 1; b.write("CT", 2); b[4] = 1; b[5] = role;
  b.writeUInt32LE(code >>> 0, 6); b.writeUInt32LE(types >>> 0, 10);
  return b;
}

async function provisioned(d: Driver): Promise<void> { await d.service(service.provision(SERIAL)); }

async function online(d: Driver): Promise<void> {
  await provisioned(d);
  await d.service(installFrame());
  if (!d.mqttWanted) throw new Error("the meter did not ask for a broker connection after INSTALL");
  await d.step({ kind: EventKind.MQTT_STATE, arg: 1 }, "broker connected");
}

/** Requests a HEMS sends (byte-exact, from modules/echonet-lite's vectors' shapes). */
const DATAGRAMS = [
  "1081 0001 05FF01 028801 62 02 E700 E000",
  "1081 0002 05FF01 028801 62 01 E200",
  "1081 0003 05FF01 028801 61 01 E50101",
  "1081 0004 05FF01 028801 60 01 810108",
  "1081 0005 05FF01 0EF001 62 01 D600",
  "1081 0006 05FF01 0EF001 63 01 D500",
  "1081 0007 05FF01 028801 62 06 E200 E700 E000 EA00 E500 9F00",
].map((h) => Buffer.from(h.replace(/ /g, ""), "hex"));

function udp(): EntryPoint {
  let n = 0;
  return {
    name: "UDP",
    async prepare(d) { n = 0; await provisioned(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await provisioned(d); }
      const dg = r.chance(0.1) ? r.pick(DATAGRAMS) : r.chance(0.85) ? mutate(r, r.pick(DATAGRAMS)) : r.bytes(r.below(80));
      const port = r.chance(0.9) ? 3610 : r.below(0x10000);
      const payload = r.chance(0.97) ? Uint8Array.of(port >> 8, port & 0xff, ...dg) : r.bytes(r.below(3));
      return { kind: EventKind.UDP, arg: r.chance(0.9) ? HEMS : r.int(), payload: r.chance(0.003) ? new Uint8Array(5000) : payload };
    },
    // The HEMS's SetC/SetI of E5 and 81 is stored (accepted, OK), never a refusal.
  };
}

function cards(): EntryPoint {
  let n = 0;
  const valid = (r: Rng) => cardFrame(r.below(3), r.below(2), r.pick([0xa001, 0xb002, 0xc003]), r.pick([13, 3, 1, 15]));
  return {
    name: "LINK CARD",
    async prepare(d) { n = 0; await provisioned(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await provisioned(d); }
      const f = r.chance(0.1) ? valid(r) : r.chance(0.1) ? Uint8Array.of(r.below(4), 0) : r.chance(0.8) ? mutate(r, valid(r)) : r.bytes(r.below(30));
      return { kind: EventKind.LINK, arg: LinkId.CARD, payload: f };
    },
    // An unreadable card in a slot that exists is shown as such (PROTOCOL.md §1).
    designedScreen(ev, result, screen) {
      const p = ev.payload!;
      return result === E_MALFORMED && p.length >= 2 && p[0] < 3 && p[1] === 1 && /Card \d unreadable/.test(screen);
    },
  };
}

function install(): EntryPoint {
  let n = 0;
  return {
    name: "LINK SERVICE",
    async prepare(d) { n = 0; await provisioned(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await provisioned(d); }
      const f = r.chance(0.05) ? installFrame() : r.chance(0.6) ? mutate(r, installFrame()) : serviceFrame(r, [0x01, OP_INSTALL]);
      return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: f };
    },
  };
}

function commands(): EntryPoint {
  let cmd = 1, n = 0;
  const topic = `devices/${DEVICE_ID}/down`;
  const down = (c: number) => [
    `{"cmd":${c},"co":40961,"change":0,"at":-1,"to":40961,"types":13}`,
    `{"cmd":${c},"co":45058,"change":0,"at":${1_790_000_000_000 + c * 1_800_000},"to":45058,"types":13}`,
    `{"cmd":${c},"co":49155,"change":1,"at":-1,"to":49155,"types":3}`,
    `{"cmd":${c},"co":40961,"confirm":13}`,
    `{"cmd":${c},"co":40961,"confirm":15}`,
    `{"cmd":${c},"co":45058,"cancel":${1 + (c % 4)}}`,
    `{"cmd":${c},"co":49155,"read":15}`,
    `{"cmd":${c},"co":40961,"moveout":1}`,
    `{"ack":${c}}`,
  ];
  return {
    name: "MQTT_MESSAGE",
    async prepare(d) { n = 0; cmd = 1; await online(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0 || !d.mqttUp) { await d.powerOn(); await online(d); }
      const c = cmd++;
      return mqttMessage(r, topic, r.pick(down(c)));
    },
    sameFlash: sameBesideOutbox,
  };
}

function stray(r: Rng): Uint8Array | undefined {
  if (r.chance(0.005)) return new Uint8Array(5000);
  return r.chance(0.1) ? r.bytes(r.below(64)) : undefined;
}

function simple(name: string, kind: number, arg: (r: Rng) => number): EntryPoint {
  let n = 0;
  return {
    name,
    async prepare(d) { n = 0; await online(d); },
    async input(r, d): Promise<BoardEvent> {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await online(d); }
      return { kind, arg: arg(r), payload: stray(r) };
    },
  };
}

export function entryPoints(): EntryPoint[] {
  return [
    udp(),
    cards(),
    install(),
    commands(),
    simple("BUTTON", EventKind.BUTTON, (r) => r.chance(0.6) ? r.below(11) : r.int()),
    simple("TIMER", EventKind.TIMER, (r) => r.chance(0.5) ? r.below(5) : r.int()),
  ];
}
