// The power conditioner's entry points (firmware/images/power-conditioner/PROTOCOL.md):
// BLE frames while its screen offers BLE (the handshake's plain frames, then sealed AUTH,
// READ, CHANGE, DELETE and CLOSE with damaged bodies, and damaged sealed frames), the
// cloud's commands (authentication information, acknowledgements) once it is installed
// and online, the factory's and the installer's service-port ops, buttons and timers.
// A wrong credential in AUTH is a counted attempt by design (its failure counter); a
// refused command is answered through the outbox, never lost.
import { createECDH, createHash } from "node:crypto";
import { EventKind, LinkId, type BoardEvent, type CallResult } from "../../host-sim/device/types.ts";
import { provision } from "../../host-sim/clients/service-port.ts";
import { Link } from "../../host-sim/board/abi-constants.ts";
import { installRequest, maintenanceRequest, INSTALL, MAINTENANCE } from "../../host-sim/appliances/power-conditioner/install.ts";
import { authInfoBody, credentialVerifier, maintenanceData } from "../../host-sim/appliances/power-conditioner/cloud/index.ts";
import { encodeCapacities, encodePersonal, encodeSite } from "../../host-sim/appliances/power-conditioner/items.ts";
import { BleMsg, PCS_BLE_LABEL } from "../../host-sim/appliances/power-conditioner/ble.ts";
import type { Driver } from "./driver.ts";
import { FuzzBleSession } from "./ble-session.ts";
import type { EntryPoint } from "./entry-point.ts";
import { mutate, mqttMessage, serviceFrame } from "./mutate.ts";
import type { Rng } from "./random.ts";
import { sameBesideOutbox } from "./water-heater.ts";

const SERIAL = "PC-0001";
const DEVICE_ID = "pcs-fuzz-1";
const REPREPARE_EVERY = 2000;
/** The date the MQTT entry point's board is told (the signed information's issue date). */
const WALL_START = 1_795_000_000_000;
const PARTNER = 0xd101, OPERATOR = 0xe001;
const BINDING = `${PCS_BLE_LABEL} link ${Link.BLE}`;
const BUTTON = { OK: 10, MENU: 12, DOWN: 14 } as const;

/** Fixed keys (private scalars from a hash): the same inputs on every run and engine. */
const publicKeyOf = (name: string) => {
  const e = createECDH("prime256v1");
  e.setPrivateKey(createHash("sha256").update(`pcs-fuzz ${name}`).digest());
  return e.getPublicKey();
};
const partnerKey = { pub: publicKeyOf("partner") };
const operatorKey = { pub: publicKeyOf("operator") };
/** Signatures made once by scripts/fuzz/power-conditioner-vectors.ts under those keys
 *  (ECDSA draws a nonce, so signing here would change the inputs from run to run):
 *  issuer (serial 1..6: the partner for serials not divisible by 3, else the operator). */
import { SIGNATURES } from "./power-conditioner-vectors.ts";

function installFrame(): Uint8Array {
  return installRequest({ deviceId: DEVICE_ID, password: "fuzz-pcs-password-0123", personal: { name: "Fuzz", address: "Nowhere 1" },
    site: "JP-FUZZ-1", capacities: { pvW: 5000, batteryWh: 9000, evWh: 0 },
    connection: { partner: PARTNER, publicKey: partnerKey.pub, deviceKey: Buffer.alloc(32, 7) } });
}
function maintenanceFrame(): Uint8Array {
  const salt = Buffer.alloc(16, 3);
  return maintenanceRequest(maintenanceData(OPERATOR, operatorKey.pub, salt, credentialVerifier(SERIAL, salt, "123456789012")));
}

async function provisioned(d: Driver): Promise<void> { await d.service(provision(SERIAL)); }
async function installed(d: Driver): Promise<void> {
  await provisioned(d);
  await d.service(maintenanceFrame());
  await d.service(installFrame());
}
async function online(d: Driver): Promise<void> {
  await installed(d);
  if (!d.mqttWanted) throw new Error("the PCS did not ask for a broker connection after INSTALL");
  await d.step({ kind: EventKind.MQTT_STATE, arg: 1 }, "broker connected");
}

const selected = (screen: string) => screen.split("\n").find((l) => l.trimStart().startsWith(">")) ?? "";
/** MENU → "Phone (BLE)" → OK: the PCS answers BLE for the next 5 minutes. */
async function openBle(d: Driver): Promise<void> {
  for (let i = 0; i < 3 && !selected(d.screen); i++) await d.press(BUTTON.MENU);
  for (let i = 0; i < 8 && !selected(d.screen).includes("BLE"); i++) await d.press(BUTTON.DOWN);
  if (!selected(d.screen).includes("BLE")) throw new Error(`no "Phone (BLE)" in the menu:\n${d.screen}`);
  await d.press(BUTTON.OK);
}

/** The phone's side of session number `seed` (its key made from the seed). */
class Session extends FuzzBleSession { constructor(seed: number) { super(BINDING, `pcs-fuzz-phone ${seed}`); } }

/** Authentication information number `serial` (1..6), signed (§2.1). */
export function infoBody(serial: number): Buffer {
  const salt = Buffer.alloc(16, serial);
  return authInfoBody({ issuer: serial % 3 ? PARTNER : OPERATOR, serial, issuedMs: 1_795_000_000_000, lifetimeS: 0, uses: 0, failures: 0,
    items: 0x1f, device: SERIAL, salt, verifier: credentialVerifier(SERIAL, salt, "0123456789") });
}
const signedInfo = (serial: number) => Buffer.concat([infoBody(serial), Buffer.from(SIGNATURES[serial - 1], "hex")]);

const ble = (payload: Uint8Array): BoardEvent => ({ kind: EventKind.LINK, arg: LinkId.BLE, payload });

/** Bodies of sealed requests the app could send (§3), to be damaged. */
function sealedBody(r: Rng): { type: number; body: Uint8Array } {
  const item = r.chance(0.8) ? r.below(5) : r.below(256);
  switch (r.below(5)) {
    case 0: { const d = Buffer.from(String(r.below(1e9)).padStart(10, "0")); return { type: BleMsg.AUTH, body: Buffer.concat([Buffer.of(r.pick([1, 2, 0, 3]), d.length), d]) }; }
    case 1: return { type: BleMsg.READ, body: Buffer.of(item) };
    case 2: {
      const v = r.pick([encodePersonal({ name: "New Owner", address: "Somewhere 2" }), encodeSite("JP-FUZZ-2"), encodeCapacities({ pvW: 1, batteryWh: 2, evWh: 3 }), Buffer.alloc(101, 1)]);
      return { type: BleMsg.CHANGE, body: Buffer.concat([Buffer.of(item), v]) };
    }
    case 3: return { type: BleMsg.DELETE, body: Buffer.of(item) };
    default: return { type: r.pick([BleMsg.CLOSE, 0x18, 0x00, 0x11, 0xff]), body: r.bytes(r.below(4)) };
  }
}

function bleFrames(): EntryPoint {
  let n = 0, sessions = 0;
  let s: Session | null = null;
  return {
    name: "LINK BLE",
    async prepare(d) { n = 0; s = null; await installed(d); await openBle(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0) { await d.powerOn(); await installed(d); await openBle(d); s = null; }
      if (r.chance(0.15)) return ble(r.chance(0.3) ? r.bytes(r.below(120)) : mutate(r, new Session(sessions).nonceRequest()));
      if (!s || !s.key) {
        // Into a session (not judged): a handshake, reopening the window when it closed.
        s = new Session(++sessions);
        await d.step(ble(s.nonceRequest()), "NONCE_REQUEST");
        let nonce = d.linkOut.find((o) => o.link === LinkId.BLE)?.data ?? null;
        if (!nonce || nonce[0] !== BleMsg.NONCE) {
          await openBle(d);
          await d.step(ble(s.nonceRequest()), "NONCE_REQUEST");
          nonce = d.linkOut.find((o) => o.link === LinkId.BLE)?.data ?? null;
        }
        const hello = nonce && s.hello(nonce);
        if (!hello) throw new Error("the PCS does not answer a handshake in its BLE window");
        await d.step(ble(hello), "HELLO");
      }
      const { type, body } = sealedBody(r);
      if (r.chance(0.3)) { const f = mutate(r, s.seal(type, body)); s = null; return ble(f); }
      const frame = s.seal(type, r.chance(0.5) ? mutate(r, body) : body);
      if (type === BleMsg.CLOSE) s = null;
      return ble(frame);
    },
    // A wrong credential is a counted attempt: the failure counter moves by design.
    counted(ev, result) { return ev.payload?.[0] === BleMsg.AUTH && result !== -10; },
    // Whatever the answer, a sealed frame the PCS opened moved its counter: a refusal
    // without an answer means the session is gone.
    async after(_d: Driver, _ev: BoardEvent, res: CallResult) { if (res.result === null) s = null; },
  };
}

function commands(): EntryPoint {
  let cmd = 1, n = 0;
  const topic = `devices/${DEVICE_ID}/down`;
  const info = (c: number) => signedInfo(1 + (c % SIGNATURES.length)).toString("base64");
  const down = (c: number) => [`{"cmd":${c},"auth":"${info(c)}"}`, `{"cmd":${c},"auth":"UEEB"}`, `{"cmd":${c},"auth":""}`, `{"ack":${c}}`, `{"cmd":${c},"set":"x","value":1}`];
  return {
    name: "MQTT_MESSAGE",
    // The PCS takes authentication information only when it knows the date (§2.1).
    async prepare(d) { n = 0; cmd = 1; d.wallStartMs = WALL_START; await online(d); },
    async input(r, d) {
      if (++n % REPREPARE_EVERY === 0 || !d.mqttUp) { await d.powerOn(); await online(d); }
      const c = cmd++;
      return mqttMessage(r, topic, r.pick(down(c)));
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
      const valid = r.pick([installFrame(), maintenanceFrame()]);
      const f = r.chance(0.05) ? valid : r.chance(0.6) ? mutate(r, valid) : serviceFrame(r, [0x01, INSTALL, MAINTENANCE]);
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
  };
}

export function entryPoints(): EntryPoint[] {
  return [
    bleFrames(),
    commands(),
    servicePort(),
    simple("BUTTON", EventKind.BUTTON, (r) => r.chance(0.7) ? r.below(15) : r.int()),
    simple("TIMER", EventKind.TIMER, (r) => r.chance(0.5) ? r.below(8) : r.int()),
  ];
}
