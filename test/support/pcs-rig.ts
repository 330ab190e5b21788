// The power-conditioner image on one engine, driven as its cloud, its partners' servers,
// its panel's user, a phone over BLE and the sun would drive it, with no broker: a board
// clock and its timers, the PCS_SUNNY_DAY load on its three channels, every output kept
// (what it published, its screen, its BLE answers) and a trace of every call. The
// partners and the operator sign authentication information with their own P-256 keys
// (node crypto), byte for byte as PROTOCOL.md §2.1 says. Shared by test/pcs-*.test.ts.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createECDH, createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { powerOn, type HostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardTime, type CallResult, type DeviceHandle } from "../../host-sim/device/types.ts";
import { jsonOutput } from "../../host-sim/scenario/format.ts";
import { MeterModel, PCS_SUNNY_DAY } from "../../host-sim/meter-model/index.ts";
import { provision } from "../../host-sim/clients/service-port.ts";
import { PCS_SERIAL, SUNLEASE_PPS, HIKARI_ENERGY, PCS_OPERATOR } from "../../host-sim/appliances/power-conditioner/panel.ts";
import { CredentialKind } from "../../host-sim/appliances/power-conditioner/ble.ts";
import { installRequest, maintenanceRequest, answerStatus, INSTALL, MAINTENANCE, type Installation } from "../../host-sim/appliances/power-conditioner/install.ts";
import { ALL_ITEMS } from "../../host-sim/appliances/power-conditioner/items.ts";
import { PcsApp, PcsBleSession, type BlePort } from "../../host-sim/phone/pcs-app.ts";
import { seededRandom, type RandomSource } from "../../host-sim/phone/seeded-random.ts";
import { credentialVerifier, maintenanceData, signAuthInfo, readingMac, macFields, ISSUED_DIGITS, MAINTENANCE_DIGITS,
  type AuthInfoFields, type ReadingEntry } from "../../host-sim/appliances/power-conditioner/cloud/index.ts";
import { PAGE_SIZE, crc32, readPages } from "../../host-sim/flash/record-store-image.ts";

export { PCS_SERIAL, SUNLEASE_PPS, HIKARI_ENERGY, PCS_OPERATOR, CredentialKind };
const enc = new TextEncoder();
export const MIN = 60_000, HOUR = 3_600_000, DAY = 86_400_000;
export const DEVICE_ID = "pcs-dev-1";
export const SITE = "JP-SITE-0042";
export const PERSONAL = { name: "Aiko Tanaka", address: "1-2-3 Hikari-cho, Sendai" };
export const CAPACITIES = { pvW: 5500, batteryWh: 9800, evWh: 40000 };
/** The records of the unique information (PROTOCOL.md §1). */
export const ITEM_RECORD = [0x0901, 0x0902, 0x0903, 0x0904, 0x0905] as const;
/** Panel buttons (PROTOCOL.md §6). */
export const B = { OK: 10, BACK: 11, MENU: 12, UP: 13, DOWN: 14 } as const;

const OS_RANDOM: RandomSource = { bytes: (n) => randomBytes(n) };

/** `n` decimal digits drawn from `random` (every digit equally likely). */
function digitsFrom(random: RandomSource, n: number): string {
  let s = "";
  while (s.length < n) for (const b of random.bytes(n)) if (b < 250 && s.length < n) s += String(b % 10);
  return s;
}

/** A server that signs authentication information: a partner or the operator. Its key,
 *  salts and digits come from `random` (seeded: the same bytes on every engine). */
export class Issuer {
  readonly privateKey: KeyObject;
  /** 0x04 ‖ X ‖ Y. */
  readonly publicKey: Buffer;
  private serial = 0;
  constructor(readonly code: number, private readonly random: RandomSource = OS_RANDOM) {
    for (;;) {
      const d = random.bytes(32), e = createECDH("prime256v1");
      try { e.setPrivateKey(d); } catch { continue; /* out of range: draw again */ }
      this.publicKey = e.getPublicKey();
      const b64 = (b: Buffer) => b.toString("base64url");
      this.privateKey = createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64(d), x: b64(this.publicKey.subarray(1, 33)), y: b64(this.publicKey.subarray(33)) }, format: "jwk" });
      break;
    }
  }
  /** Authentication information for `device` and the 10 digits it guards. */
  issue(device: string, nowMs: number, o: Partial<AuthInfoFields> = {}): { blob: Buffer; digits: string; serial: number } {
    const digits = digitsFrom(this.random, ISSUED_DIGITS);
    const salt = this.random.bytes(16);
    const serial = o.serial ?? ++this.serial;
    const blob = signAuthInfo({ issuer: this.code, serial, issuedMs: nowMs, lifetimeS: 0, uses: 0, failures: 0, items: ALL_ITEMS,
      device, salt, verifier: credentialVerifier(device, salt, digits), ...o }, this.privateKey);
    return { blob, digits, serial };
  }
}

/** A PCS on one engine with a board clock, its timers and the sunny day's load. */
export class PcsRig {
  dev!: DeviceHandle;
  now = 0;
  wall: number;
  readonly load: MeterModel;
  timers = new Map<number, number>();
  trace: string[] = [];
  published: string[] = [];
  logs: string[] = [];
  /** The panel's last text. */
  screen = "";
  /** Answer the outbox after each timer event, as a cloud that is online. */
  autoAck = true;
  readonly partners: Map<number, Issuer>;
  readonly operator: Issuer;
  /** The device keys the partners issued (each keeps its own to check MACs). */
  readonly deviceKeys: Map<number, Buffer>;
  readonly maintenanceDigits: string;
  /** Where the parties' keys, salts and digits come from. */
  private readonly random: RandomSource;
  private cmd = 0;
  private acked = 0;
  private maxSeq = 0;
  private bleAnswers: Uint8Array[] = [];
  readonly flashFile = join(mkdtempSync(join(tmpdir(), "pcs-rig-")), "flash.bin");
  readonly image: string;

  /** `seed`: every key, salt and digit from a seeded source, so that two rigs (on two
   *  engines) given the same steps feed their PCSs the same bytes (signatures aside:
   *  ECDSA draws its own nonce). */
  constructor(readonly host: HostName, readonly start: number, o: { image?: string; seed?: string } = {}) {
    this.image = o.image ?? "power-conditioner";
    this.random = o.seed ? seededRandom(o.seed) : OS_RANDOM;
    this.partners = new Map([SUNLEASE_PPS, HIKARI_ENERGY].map((c) => [c, new Issuer(c, this.random)]));
    this.operator = new Issuer(PCS_OPERATOR, this.random);
    this.deviceKeys = new Map([[SUNLEASE_PPS, this.random.bytes(32)], [HIKARI_ENERGY, this.random.bytes(32)]]);
    this.maintenanceDigits = digitsFrom(this.random, MAINTENANCE_DIGITS);
    this.wall = start;
    this.load = new MeterModel(PCS_SUNNY_DAY, { originUtcMs: start });
  }

  partner(code: number): Issuer { return this.partners.get(code)!; }

  time(): BoardTime { return { nowMs: this.now, wallMs: this.wall, meter: this.load.sample(this.wall) }; }

  private note(what: string, r: CallResult): CallResult {
    if (r.result === null) this.dead = true;
    this.trace.push(`${what} -> ${r.result} ${JSON.stringify(r.outputs.map(jsonOutput))}`);
    for (const o of r.outputs) {
      if (o.t === "timer_set") this.timers.set(o.id, this.now + o.delayMs);
      else if (o.t === "timer_cancel") this.timers.delete(o.id);
      else if (o.t === "display") this.screen = o.text;
      else if (o.t === "log") this.logs.push(o.text);
      else if (o.t === "link" && o.link === LinkId.BLE) this.bleAnswers.push(o.data);
      else if (o.t === "mqtt_publish") {
        const s = Buffer.from(o.payload).toString();
        this.published.push(`${o.topic.split("/").slice(2).join("/")} ${s}`);
        const m = /^\{"seq":(\d+)/.exec(s);
        if (m) this.maxSeq = Math.max(this.maxSeq, Number(m[1]));
      }
    }
    return r;
  }

  /** The board went down in the last call (a power cut set up by boot's cutAt). */
  dead = false;

  /** Power on (cutAt: the power fails during that flash operation of this power-on). */
  async boot(cutAt?: number): Promise<void> {
    this.timers.clear();
    this.dead = false;
    this.dev = await powerOn(this.host, { image: this.image, flashFile: this.flashFile, ...(cutAt ? { cutAt } : {}) });
    this.note("boot", await this.dev.boot(this.time()));
  }
  /** Power off for `ms` of wall time (the board clock starts again from 0 at boot). */
  async off(ms: number): Promise<void> { await this.dev.close(); this.wall += ms; this.now = 0; }
  async close(): Promise<void> { await this.dev.close(); }
  /** Power cut and boot again after `ms`; the broker link comes back. */
  async powerCycle(ms = 1000): Promise<void> { await this.off(ms); await this.boot(); await this.online(); await this.drain(); }

  async send(ev: BoardEvent, what: string, dt = 10): Promise<CallResult> {
    this.now += dt; this.wall += dt;
    return this.note(what, await this.dev.event(this.time(), ev));
  }
  down(text: string, dt = 10): Promise<CallResult> {
    const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(text);
    const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
    return this.send({ kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p }, text, dt);
  }
  /** The cloud acknowledges everything published so far. */
  async ack(): Promise<void> {
    if (this.maxSeq > this.acked) { this.acked = this.maxSeq; await this.down(`{"ack":${this.acked}}`); }
  }
  /** The cloud acknowledges until the outbox has published everything it holds (it
   *  publishes one entry after the acknowledgement of the one before). */
  async drain(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const before = this.maxSeq;
      await this.ack();
      if (this.maxSeq === before) return;
    }
  }
  /** The status the PCS answered command `n` with (its `reply` outbox entry). */
  status(n: number): number | undefined {
    return this.published.filter((p) => p.startsWith("up/reply")).map(body).find((b) => b.cmd === n)?.status as number | undefined;
  }
  /** Authentication information relayed by the cloud (§4.2); the status it was answered with. */
  async deliverAuth(blob: Uint8Array): Promise<number | undefined> {
    const n = ++this.cmd;
    await this.down(`{"cmd":${n},"auth":"${Buffer.from(blob).toString("base64")}"}`);
    await this.drain();
    return this.status(n);
  }
  /** `issuer` signs authentication information for this PCS and the cloud relays it. */
  async issue(issuer: Issuer, o: Partial<AuthInfoFields> = {}): Promise<{ status: number | undefined; digits: string; serial: number; blob: Buffer }> {
    const a = issuer.issue(PCS_SERIAL, this.wall, o);
    return { ...a, status: await this.deliverAuth(a.blob) };
  }

  online() { return this.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online"); }
  offline() { return this.send({ kind: EventKind.MQTT_STATE, arg: 0 }, "offline"); }
  press(b: number) { return this.send({ kind: EventKind.BUTTON, arg: b }, `button ${b}`); }
  async pressAll(...bs: number[]): Promise<void> { for (const b of bs) await this.press(b); }
  async typeDigits(digits: string): Promise<void> { for (const c of digits) await this.press(Number(c)); }
  link(link: number, data: Uint8Array, what: string) { return this.send({ kind: EventKind.LINK, arg: link, payload: data }, what); }

  async serviceStatus(op: number, frame: Uint8Array, what: string): Promise<number | null> {
    const r = await this.link(LinkId.SERVICE, frame, what);
    const a = r.outputs.find((o) => o.t === "link" && o.link === LinkId.SERVICE);
    return a && a.t === "link" ? answerStatus(op, a.data) : null;
  }

  /** The factory: PROVISION and the operator's MAINTENANCE record (§5). */
  async factory(): Promise<number | null> {
    await this.link(LinkId.SERVICE, provision(PCS_SERIAL), "provision");
    const salt = this.random.bytes(16);
    const data = maintenanceData(PCS_OPERATOR, this.operator.publicKey, salt, credentialVerifier(PCS_SERIAL, salt, this.maintenanceDigits));
    return this.serviceStatus(MAINTENANCE, maintenanceRequest(data), "maintenance");
  }

  installation(o: Partial<Installation> = {}): Installation {
    return { deviceId: DEVICE_ID, password: "pcs-password-0123456789", personal: PERSONAL, site: SITE, capacities: CAPACITIES,
      connection: { partner: SUNLEASE_PPS, publicKey: this.partner(SUNLEASE_PPS).publicKey, deviceKey: this.deviceKeys.get(SUNLEASE_PPS)! }, ...o };
  }

  /** Sunlease's installer (§5 INSTALL); its status. */
  install(o: Partial<Installation> = {}): Promise<number | null> {
    return this.serviceStatus(INSTALL, installRequest(this.installation(o)), "install");
  }

  /** Factory, installation, the link up. */
  async setUp(): Promise<void> {
    await this.boot();
    const m = await this.factory();
    if (m !== 0) throw new Error(`MAINTENANCE answered ${m}`);
    const s = await this.install();
    if (s !== 0) throw new Error(`INSTALL answered ${s}`);
    await this.online();
    await this.ack();
  }

  /** Runs the board's timers up to `until` (wall), acknowledging what was published. */
  async runTo(until: number): Promise<void> {
    for (;;) {
      let id = -1, at = Infinity;
      for (const [k, v] of this.timers) if (v < at) { at = v; id = k; }
      if (id < 0 || this.wall + (at - this.now) > until) break;
      const step = Math.max(0, at - this.now - 10);
      this.wall += step; this.now += step;
      this.timers.delete(id);
      await this.send({ kind: EventKind.TIMER, arg: id }, `timer ${id}`);
      if (this.autoAck) await this.ack();
    }
    if (until > this.wall) { this.now += until - this.wall; this.wall = until; }
  }
  runFor(ms: number): Promise<void> { return this.runTo(this.wall + ms); }

  /** Every outbox entry of `kind` published so far, one per seq (a resend is the same entry). */
  entries(kind: string): Record<string, unknown>[] {
    const by = new Map<number, Record<string, unknown>>();
    for (const p of this.published) {
      if (!p.startsWith("up/history") || !p.includes(`"kind":"${kind}"`)) continue;
      const b = body(p);
      by.set(b.seq as number, b);
    }
    return [...by.values()].sort((a, b) => (a.seq as number) - (b.seq as number));
  }
  /** Partner `co`'s readings, one per rseq. */
  readingsOf(co: number): Record<string, unknown>[] {
    const by = new Map<number, Record<string, unknown>>();
    for (const r of this.entries("reading")) if (r.co === co) by.set(r.rseq as number, r);
    return [...by.values()].sort((a, b) => (a.rseq as number) - (b.rseq as number));
  }
  /** The last `up/state`. */
  state(): Record<string, unknown> | undefined {
    const s = this.published.filter((p) => p.startsWith("up/state")).at(-1);
    return s ? body(s) : undefined;
  }

  /** The phone's end of BLE: each frame is one LINK(BLE) event; its answer comes back in
   *  the same call. */
  blePort(): BlePort {
    return {
      request: async (frame) => {
        this.bleAnswers = [];
        await this.link(LinkId.BLE, frame, `ble 0x${(frame[0] ?? 0).toString(16)}`);
        const a = this.bleAnswers.shift();
        if (!a) throw new Error("the power conditioner gave no BLE answer");
        return a;
      },
      send: async (frame) => this.link(LinkId.BLE, frame, `ble 0x${(frame[0] ?? 0).toString(16)}`),
    };
  }
  /** A phone's BLE session (the PCS must be offering BLE); the code, checked against the screen. */
  async bleSession(seed = "pcs-rig-phone"): Promise<PcsBleSession> {
    const s = new PcsBleSession(seededRandom(seed), this.blePort());
    await s.open();
    return s;
  }

  /** The line of the screen the cursor is on (the panel marks it with ">"). */
  selected(): string { return this.screen.split("\n").find((l) => l.trimStart().startsWith(">")) ?? ""; }
  /** MENU, then DOWN until the entry naming `label` is selected, then OK. */
  async menu(label: string): Promise<void> {
    // MENU opens the menu from the main screen; elsewhere (the BLE window) it leaves first.
    for (let i = 0; i < 3 && !this.selected(); i++) await this.press(B.MENU);
    for (let i = 0; i < 8 && !this.selected().includes(label); i++) await this.press(B.DOWN);
    if (!this.selected().includes(label)) throw new Error(`no menu entry "${label}" on:\n${this.screen}`);
    await this.press(B.OK);
  }
  /** The user enters a credential on the panel (operation example 1); the screen after OK. */
  async panelCode(kind: number, digits: string): Promise<string> {
    await this.menu(kind === CredentialKind.MAINTENANCE ? "Maintenance" : "Change data");
    await this.typeDigits(digits);
    await this.press(B.OK);
    return this.screen;
  }
  /** On the change screen (or an item's choices), DOWN until the row naming `title` is
   *  selected, then OK. */
  async choose(title: string): Promise<void> {
    for (let i = 0; i < 8 && !this.selected().includes(title); i++) await this.press(B.DOWN);
    if (!this.selected().includes(title)) throw new Error(`no row "${title}" on:\n${this.screen}`);
    await this.press(B.OK);
  }
  /** On the change screen: a new SITE (digits) or CAPACITIES (three numbers) typed on the
   *  panel, or an item deleted; the screen after it. */
  async panelSet(title: "Site id" | "Capacities", ...values: string[]): Promise<string> {
    await this.choose(title);
    await this.choose("New value");
    for (const v of values) { await this.typeDigits(v); await this.press(B.OK); }
    return this.screen;
  }
  async panelDelete(title: string): Promise<string> {
    await this.choose(title);
    await this.choose("Delete");
    return this.screen;
  }

  /** The user opens the PCS's BLE window (MENU → "Phone (BLE)"). */
  openBle(): Promise<void> { return this.menu("Phone (BLE)"); }
  /** BLE window, session, the code compared, AUTH: the session and the AUTH_RESULT. */
  async bleAuth(kind: number, digits: string, seed = "pcs-rig-phone"): Promise<{ s: PcsBleSession; status: number; items: number; usesLeft: number; triesLeft: number }> {
    await this.openBle();
    const s = await this.bleSession(seed);
    if (!this.screen.includes(s.code)) throw new Error(`the PCS does not show the app's code ${s.code}:\n${this.screen}`);
    const d = Buffer.from(digits, "ascii");
    const b = await s.call(0x10, Buffer.concat([Buffer.of(kind, d.length), d]), 0x11, "AUTH");
    return { s, status: (b[0] << 24) >> 24, items: b[1], usesLeft: b[2], triesLeft: b[3] };
  }

  /** The phone app on this PCS's BLE; its user compares the app's code with the panel's. */
  app(name = "worker"): PcsApp {
    return new PcsApp({ name, random: seededRandom(`pcs-rig-${name}`), ble: () => this.blePort(),
      confirmCode: async (code) => this.screen.includes(code) });
  }
  /** BLE window, the app connects (codes compared) and sends the credential. */
  async appAuth(kind: number, digits: string, name = "worker"): Promise<{ app: PcsApp; status: number; usesLeft: number; triesLeft: number; items: number }> {
    await this.openBle();
    const app = this.app(name);
    await app.connect();
    return { app, ...(await app.auth(kind, digits)) };
  }

  flash(): Buffer { return readFileSync(this.flashFile); }
  /** Changes byte `at` of `key`'s newest committed value in the (closed) flash file and
   *  fixes the record's data CRC: the store reads it, only the keyed check can tell. */
  doctor(key: number, at: number): void {
    const img = this.flash();
    const recs = readPages(img).flatMap((p) => p.records).filter((r) => r.key === key && r.state === "committed" && !r.tombstone && r.dataCrcOk);
    const r = recs.sort((a, b) => b.seq - a.seq)[0];
    if (!r) throw new Error(`no record 0x${key.toString(16)} to doctor`);
    const data = Buffer.from(r.data);
    data[at] ^= 0x01;
    data.copy(img, r.addr + 20);
    img.writeUInt32LE(crc32(data), r.addr + 16);
    writeFileSync(this.flashFile, img);
  }
}

/** The JSON of a published payload ("up/history {…}" → {…}). */
export const body = (p: string): Record<string, unknown> => JSON.parse(p.slice(p.indexOf("{")));

/** The capacities a reading or a change entry carries. */
export const capOf = (r: Record<string, unknown>): number[] => r.cap as number[];

/** The MAC a partner checks (§4.1), by the cloud's own function. */
export function readingMacOf(deviceKey: Uint8Array, r: Record<string, unknown>, serial = PCS_SERIAL): string {
  return readingMac(deviceKey, serial, macFields(r as unknown as Omit<ReadingEntry, "seq" | "kind" | "mac">));
}

export { PAGE_SIZE };
