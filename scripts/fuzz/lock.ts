// The lock's entry points (firmware/images/lock/PROTOCOL.md): BLE frames, which the lock
// always answers (the handshake's plain frames damaged or stray, then sealed
// CHALLENGE_REQUEST, OPERATE with damaged fields, CLOSE, and damaged sealed frames), the
// key server's commands (time and revocation lists, damaged), the service port's ops,
// the owner's button, the door sensor and timers. An OPERATE that reaches the checks is a
// counted attempt by design (the failure counter is written before anything is verified,
// and the access is logged through the outbox).
import { createECDH, createHash } from "node:crypto";
import { EventKind, LinkId, type BoardEvent, type CallResult } from "../../host-sim/device/types.ts";
import { provision, request } from "../../host-sim/clients/service-port.ts";
import { Link } from "../../host-sim/board/abi-constants.ts";
import { LOCK_BLE_LABEL, LockBle } from "../../host-sim/phone/maker-sdk/frames.ts";
import type { Driver } from "./driver.ts";
import { FuzzBleSession } from "./ble-session.ts";
import type { EntryPoint } from "./entry-point.ts";
import { mutate, mqttMessage, serviceFrame } from "./mutate.ts";
import type { Rng } from "./random.ts";
import { sameBesideOutbox } from "./water-heater.ts";

const SERIAL = "LK-0001";
const DEVICE_ID = "lock-fuzz-1";
const INSTALL = 0x30;
const REPREPARE_EVERY = 2000;
const BINDING = `${LOCK_BLE_LABEL} link ${Link.BLE}`;
const DOOR_SENSOR = 5;

/** Fixed keys (private scalars from a hash): the same inputs on every run and engine. */
const keyPair = (name: string) => {
  const e = createECDH("prime256v1");
  e.setPrivateKey(createHash("sha256").update(`lock-fuzz ${name}`).digest());
  return e;
};
const MAKER = keyPair("maker").getPublicKey();
const PHONE = keyPair("phone").getPublicKey();

const lp = (b: Buffer) => Buffer.concat([Buffer.of(b.length), b]);
const installFrame = () => request(INSTALL, 0, Buffer.concat([lp(Buffer.from(DEVICE_ID)), lp(Buffer.from("fuzz-lock-password-0123")), MAKER]));

/** A grant of §1.1 whose signature is not the maker's (ECDSA draws a nonce: a real one
 *  would change the inputs from run to run); its fields parse. */
function grant(r: Rng): Buffer {
  const id = Buffer.alloc(4); id.writeUInt32LE(1 + r.below(5));
  const type = 1 + r.below(3);
  const timeout = Buffer.alloc(4); timeout.writeUInt32LE(type === 3 ? 60 : 0);
  const n = r.below(3);
  const sched = Buffer.alloc(16 * n);
  for (let i = 0; i < n; i++) { sched.writeBigInt64LE(1_795_000_000_000n + BigInt(i) * 3_600_000n, 16 * i); sched.writeBigInt64LE(1_795_000_000_000n + BigInt(i + 1) * 3_600_000n, 16 * i + 8); }
  return Buffer.concat([Buffer.from("LG\x01", "latin1"), id, lp(Buffer.from(r.chance(0.9) ? SERIAL : "LK-0002")), Buffer.of(type), timeout, Buffer.of(n), sched, PHONE, Buffer.alloc(64, 0x5a)]);
}

async function provisioned(d: Driver): Promise<void> { await d.service(provision(SERIAL)); }
async function installed(d: Driver): Promise<void> { await provisioned(d); await d.service(installFrame()); }
async function online(d: Driver): Promise<void> {
  await installed(d);
  if (!d.mqttWanted) throw new Error("the lock did not ask for a broker connection after INSTALL");
  await d.step({ kind: EventKind.MQTT_STATE, arg: 1 }, "broker connected");
}

/** The phone's side of session number `seed` (its key made from the seed). */
class Session extends FuzzBleSession { constructor(seed: number) { super(BINDING, `lock-fuzz phone-session ${seed}`); } }

const ble = (payload: Uint8Array): BoardEvent => ({ kind: EventKind.LINK, arg: LinkId.BLE, payload });

/** Bodies of sealed requests a phone could send (§2), to be damaged. */
function sealedBody(r: Rng): { type: number; body: Uint8Array } {
  switch (r.below(4)) {
    case 0: return { type: LockBle.CHALLENGE_REQUEST, body: r.chance(0.8) ? new Uint8Array(0) : r.bytes(r.below(20)) };
    case 1: case 2: {
      const g = grant(r);
      return { type: LockBle.OPERATE, body: Buffer.concat([Buffer.of(r.chance(0.8) ? 1 + r.below(2) : r.below(256), g.length), g, r.bytes(64)]) };
    }
    default: return { type: r.pick([LockBle.CLOSE, 0x35, 0x00, 0x31, 0x33, 0xff]), body: r.bytes(r.below(4)) };
  }
}

/** The panel without its lockout countdown, which moves with the lock's clock (§5). */
const beside = (screen: string) => screen.split("\n").filter((l) => !l.startsWith("LOCKED OUT")).join("\n");

function bleFrames(): EntryPoint {
  let n = 0, sessions = 0;
  let s: Session | null = null;
  let shown = "";
  async function next(r: Rng, d: Driver): Promise<BoardEvent> {
    if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await online(d); s = null; }
    if (r.chance(0.15)) return ble(r.chance(0.3) ? r.bytes(r.below(300)) : mutate(r, new Session(sessions).nonceRequest()));
    if (!s || !s.key) {
      // Into a session (not judged): the lock always answers a handshake.
      s = new Session(++sessions);
      await d.step(ble(s.nonceRequest()), "NONCE_REQUEST");
      const nonce = d.linkOut.find((o) => o.link === LinkId.BLE)?.data ?? null;
      const hello = nonce && s.hello(nonce);
      if (!hello) throw new Error("the lock does not answer a handshake");
      await d.step(ble(hello), "HELLO");
    }
    const { type, body } = sealedBody(r);
    if (r.chance(0.3)) { const f = mutate(r, s.seal(type, body)); s = null; return ble(f); }
    const frame = s.seal(type, r.chance(0.5) ? mutate(r, body) : body);
    if (type === LockBle.CLOSE) s = null;
    return ble(frame);
  }
  return {
    name: "LINK BLE",
    async prepare(d) { n = 0; s = null; await online(d); },
    async input(r, d) {
      const ev = await next(r, d);
      shown = d.screen;
      return ev;
    },
    // A refused frame may redraw the panel: only the lockout's countdown may differ.
    designedScreen(_ev, _result, screen) { return beside(screen) === beside(shown); },
    // An OPERATE the lock opened is a counted attempt (§2.1 step 2) and logged as an access.
    counted(ev) { return ev.payload?.[0] === LockBle.OPERATE; },
    sameFlash: sameBesideOutbox,
    async after(_d: Driver, _ev: BoardEvent, res: CallResult) { if (res.result === null) s = null; },
  };
}

function commands(): EntryPoint {
  let cmd = 1, n = 0;
  const topic = `devices/${DEVICE_ID}/down`;
  const blob = (magic: string, r: Rng) => Buffer.concat([Buffer.from(magic, "latin1"), lp(Buffer.from(SERIAL)), r.bytes(r.below(140)), Buffer.alloc(64, 0x33)]).toString("base64");
  const down = (c: number, r: Rng) => [`{"cmd":${c},"time":"${blob("LT\x01", r)}"}`, `{"cmd":${c},"revocations":"${blob("LR\x01", r)}"}`,
    `{"cmd":${c},"time":""}`, `{"cmd":${c},"revocations":"TFIB"}`, `{"ack":${c}}`, `{"cmd":${c},"set":"x","value":1}`];
  return {
    name: "MQTT_MESSAGE",
    async prepare(d) { n = 0; cmd = 1; await online(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0 || !d.mqttUp) { await d.powerOn(); await online(d); }
      const c = cmd++;
      return mqttMessage(r, topic, r.pick(down(c, r)));
    },
    sameFlash: sameBesideOutbox,
  };
}

function servicePort(): EntryPoint {
  let n = 0;
  return {
    name: "LINK SERVICE",
    async prepare(d) { n = 0; await provisioned(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await provisioned(d); }
      const f = r.chance(0.05) ? installFrame() : r.chance(0.6) ? mutate(r, installFrame()) : serviceFrame(r, [0x01, INSTALL]);
      return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: f };
    },
  };
}

function simple(name: string, kind: number, arg: (r: Rng) => number): EntryPoint {
  let n = 0;
  const stray = (r: Rng) => r.chance(0.005) ? new Uint8Array(5000) : r.chance(0.1) ? r.bytes(r.below(64)) : undefined;
  return {
    name,
    async prepare(d) { n = 0; await online(d); },
    async input(r, d): Promise<BoardEvent> {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await online(d); }
      return { kind, arg: arg(r), payload: stray(r) };
    },
    sameFlash: sameBesideOutbox,
  };
}

export function entryPoints(): EntryPoint[] {
  return [
    bleFrames(),
    commands(),
    servicePort(),
    simple("BUTTON", EventKind.BUTTON, (r) => r.chance(0.7) ? r.below(4) : r.int()),
    simple("GPIO", EventKind.GPIO, (r) => r.chance(0.7) ? DOOR_SENSOR | (r.below(2) << 8) : r.int()),
    simple("TIMER", EventKind.TIMER, (r) => r.chance(0.5) ? r.below(8) : r.int()),
  ];
}
