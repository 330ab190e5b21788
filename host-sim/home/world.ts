// The simulated home and its surroundings: MQTT broker, cloud, home router and radios,
// one water heater and (with `printer`) a printer beside it (on the TypeScript host or as
// posix processes), and the phones of the current and the previous tenant. Everything a
// user or a test drives goes through here. The appliances' own parts (image, cloud
// service, controls, apps) come from the appliance registry.
import { mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { loadOrCreatePki, type KeyAndCert, type Pki } from "../net/pki.ts";
import { createBroker, type Broker, type BrokerKind } from "../net/broker.ts";
import { hashPassword } from "../net/password-hash.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import { startCloud, type CloudHandle, type CloudEvent } from "../cloud/index.ts";
import { HomeDevice } from "./home-device.ts";
import { HomeRouter } from "./router.ts";
import { Airspace, type RouterSettings } from "../radio/index.ts";
import { HomePrinter, PRINTER } from "./home-printer.ts";
import type { PrinterPhone } from "../appliances/printer/phone-actions.ts";
import { PrinterCloudClient } from "../phone/printer-cloud-client.ts";
import { MakerApp } from "../phone/app.ts";
import { seededRandom } from "../phone/seeded-random.ts";
import type { HostName } from "../device/power-on.ts";
import { provision } from "../clients/service-port.ts";
import { appliance, type Appliance } from "../appliances/index.ts";
import { PRINTER_FRAME_NAMES } from "../phone/printer/messages.ts";
import { UdpSegment, formatIpv4 } from "../lan/index.ts";
import { HemsController, PORT as ECHONET_PORT } from "../echonet/index.ts";
import { HomeMeter } from "./home-meter.ts";
import { MeterModel, TYPICAL_HOME } from "../meter-model/index.ts";
import { createMeterCloud, type MeterCloud } from "../appliances/meter/cloud/index.ts";
import { METER_SERIAL } from "../appliances/meter/panel.ts";
import { InstallerTool } from "../appliances/meter/installer.ts";
import { HomePcs, PCS } from "./home-pcs.ts";
import { BLE_FRAME_NAMES as PCS_BLE_FRAME_NAMES } from "../appliances/power-conditioner/ble.ts";
import { PCS_SUNNY_DAY } from "../meter-model/index.ts";
import { createPcsCloud, type PcsCloud } from "../appliances/power-conditioner/cloud/index.ts";
import { factoryMaintenance, installPcs } from "../appliances/power-conditioner/installer.ts";
import { PCS_SERIAL, shownCode } from "../appliances/power-conditioner/panel.ts";
import { PcsApp } from "../phone/pcs-app.ts";
import { PcsCloudClient } from "../appliances/power-conditioner/cloud/client.ts";
import { CloudClient } from "../phone/cloud-client.ts";
import { HomeLock, LOCK } from "./home-lock.ts";
import { createLockCloud, type LockCloud } from "../appliances/lock/cloud/index.ts";
import { LOCK_BLE_FRAME_NAMES } from "../phone/maker-sdk/index.ts";
import { FlowLog, flowLine, flowNote, type FlowDraft, type FlowLine } from "./flow.ts";
import { SecretFields, httpRequest, lanFrame, logLine, mqttConnect, mqttDelivered, mqttPublish, radioMessage, udpDatagram } from "./flow-messages.ts";
import { EventKind } from "../device/types.ts";
import type { FlowProtocol } from "../web/messages.ts";
import { LiveClock } from "../sim/live-clock.ts";
import { HomeImage, ImageDoesNotLoad, type ImageChoice } from "./home-image.ts";

export interface HomeOptions {
  dataDir: string;
  broker: BrokerKind;
  heaterHost: HostName;
  /** Start from erased flash and an empty cloud. */
  fresh?: boolean;
  speed?: number;
  /** The heater's clock: "real" (default; the live home) or "virtual", where device time
   *  moves only with home.heater.advance() (tests that play a day in seconds). */
  clock?: "real" | "virtual";
  /** Seed the phones' randomness (scenario tests); default: the OS's. */
  seeded?: boolean;
  /** Run the printer beside the heater (on `printerHost`, default the heater's host). */
  printer?: boolean;
  printerHost?: HostName;
  /** Run the smart meter in the home (on `meterHost`, default the heater's host), with its
   *  head-end and company servers in the cloud and a HEMS on the home LAN. */
  meter?: boolean;
  meterHost?: HostName;
  /** Run the power conditioner in the home (on `pcsHost`, default the heater's host), with
   *  its partners' servers, the credential operator and the message outbox in the cloud, a
   *  dispatched worker's phone beside the tenants'. */
  pcs?: boolean;
  pcsHost?: HostName;
  /** Run the lock (seed 004) in the home (on `lockHost`, default the heater's host), with
   *  the maker's key server in the cloud, the booking service beside it, the owner and the
   *  booking apps of alice and bob. The cloud then runs on the lock's clock. */
  lock?: boolean;
  lockHost?: HostName;
  /** Run the water heater (default true; an `--image` home runs it only when asked). */
  heater?: boolean;
  /** Run this image beside the appliances, as a generic device (`--image`). */
  image?: ImageChoice;
  /** Where flow lines go (the terminal view, a test's capture). */
  onFlow?: (line: FlowLine) => void;
}

export type { FlowLine } from "./flow.ts";

/** Where an appliance's home part sends its messages (the Home). */
export interface HomeFlow {
  message(d: FlowDraft): void;
  /** Field names the flow masks (every served appliance's declared secrets and more). */
  readonly secrets: SecretFields;
}

/** The home router's network, as the tenants know it. */
export const HOME_ROUTER: RouterSettings = { ssid: "HomeNet", key: "home-router-key-2026" };

/** The frame names of the appliance at either end of a radio frame. */
function radioFrameNames(f: { link: string; from: string; to: string }): Record<number, string> {
  if (f.link === "WIFI_DIRECT") return PRINTER_FRAME_NAMES;
  if (f.link === "BLE" && (f.to === PCS || f.from === PCS)) return PCS_BLE_FRAME_NAMES;
  if (f.link === "BLE" && (f.to === LOCK || f.from === LOCK)) return LOCK_BLE_FRAME_NAMES;
  return {};
}

/** The mailboxes the power conditioner's issuers send credentials to. */
export const ALICE_MAIL = "alice@example.com";
export const WORKER_MAIL = "worker@pcs-service.example";

export const HEATER = "heater";
export const HEATER_SERIAL = "WH-0001";
/** The appliance the home's heater is (host-sim/appliances/water-heater/). */
export const HEATER_APPLIANCE: Appliance = appliance("water-heater");
const PRINTER_APPLIANCE_SERIAL = appliance("printer").serial!;

const LAN_NAMES: Record<number, string> = {
  0x01: "HELLO", 0x02: "CREDENTIALS (sealed)", 0x03: "ADDED (sealed)", 0x04: "NONCE_REQUEST", 0x05: "ABORT (sealed)",
  0x81: "HELLO_REPLY (sealed)", 0x82: "STORED (sealed)", 0x83: "ADDED_ACK (sealed)", 0x84: "NONCE", 0xff: "ERROR",
};

export class Home {
  pki!: Pki;
  broker!: Broker;
  cloud!: CloudHandle;
  readonly router = new HomeRouter();
  /** The home's air: router network, Wi-Fi Direct groups, NFC and BLE. */
  readonly air = new Airspace({ router: HOME_ROUTER });
  /** The water heater; absent (undefined) in a home started without it (`heater: false`). */
  heater!: HomeDevice;
  /** Any image the command line named (`--image`), when it did. */
  image: HomeImage | null = null;
  /** The printer, when the home has one (`printer` option). */
  printer: HomePrinter | null = null;
  /** Each person's printer apps (management and print). */
  readonly printerApps: Record<string, PrinterPhone> = {};
  /** Router keys a person will type next when an app asks (a typo, in tests and the
   *  console's `wifi-key`); once none is queued they type the right one. */
  readonly typedRouterKeys: Record<string, string[]> = {};
  bridge!: MqttBridge;
  /** The home LAN's UDP (ABI v1.3): the meter and the HEMS controller are on it. */
  readonly lan = new UdpSegment();
  /** The smart meter, when the home has one (`meter` option), its load and the HEMS. */
  meter: HomeMeter | null = null;
  meterLoad: MeterModel | null = null;
  hems: HemsController | null = null;
  /** The meter's head-end and company servers (PROTOCOL.md §4), with the meter option. */
  meterCloud: MeterCloud | null = null;
  /** The meter's registration, once the installer has been. */
  meterDeviceId: string | null = null;
  /** The power conditioner, when the home has one (`pcs` option), its sun and battery. */
  pcs: HomePcs | null = null;
  pcsLoad: MeterModel | null = null;
  /** Its partners' servers, the credential operator and the message outbox. */
  pcsCloud: PcsCloud | null = null;
  /** Its registration, once the partner's installer has been. */
  pcsDeviceId: string | null = null;
  /** Each person's power-conditioner app (BLE) and cloud routes: alice, the resident the
   *  partner knows; worker, the operator's dispatched worker. */
  readonly pcsApps: Record<string, PcsApp> = {};
  readonly pcsClouds: Record<string, PcsCloudClient> = {};
  /** The lock, when the home has one (`lock` option): the device, the booking service and
   *  the apps around it. */
  lock: HomeLock | null = null;
  /** The maker's key server (the lock's part of the cloud). */
  lockCloud: LockCloud | null = null;
  /** The current tenant and the previous tenant. */
  alice!: MakerApp;
  bob!: MakerApp;
  /** The terminal's lines: every message of the flow as text, repeats not collapsed. */
  readonly flow: FlowLine[] = [];
  /** The page's flow: the messages themselves (identical errors in a row collapsed). */
  readonly flowLog = new FlowLog();
  readonly secrets = new SecretFields();
  /** Everything the heater logged, for the no-secrets-in-logs check. */
  readonly heaterLog: string[] = [];
  private cloudPassword = randomBytes(18).toString("base64url");
  /** Every device password the heater has logged in with (tests check logs against them). */
  readonly devicePasswords: string[] = [];
  private brokerPort = 0;

  /** The live home's one clock (real clock only): every device reads it, so speed, pause
   *  and step act on all of them together (the page's time controls). */
  readonly clock: LiveClock | null;

  constructor(readonly o: HomeOptions) {
    this.clock = (o.clock ?? "real") === "real" ? new LiveClock(o.speed ?? 1) : null;
    if (this.clock) this.lockWallStartMs = this.clock.originWallMs;
  }

  /** The home's wall clock (UTC ms): the live clock's, or the computer's. */
  homeNow(): number { return this.clock ? Math.floor(this.clock.originWallMs + this.clock.now()) : Date.now(); }

  /** The wall clock (UTC ms) at device time 0: the live clock's start, or now for a
   *  virtual clock (each device's own from 0). */
  private wallAtZero(): number { return this.clock?.originWallMs ?? Date.now(); }

  async start(): Promise<void> {
    const d = this.o.dataDir;
    if (this.o.fresh) for (const f of ["devices", "cloud.db", "cloud.db-wal", "cloud.db-shm", "broker", "companies", "booking", "phones"]) rmSync(join(d, f), { recursive: true, force: true });
    mkdirSync(join(d, "devices"), { recursive: true });
    this.pki = loadOrCreatePki(join(d, "pki"));
    await this.startBroker();
    if (this.o.meter || this.o.pcs) mkdirSync(join(d, "companies"), { recursive: true });
    if (this.o.meter) this.meterCloud = createMeterCloud({ dataDir: join(d, "companies") });
    if (this.o.pcs) this.pcsCloud = createPcsCloud({ dataDir: join(d, "companies") });
    if (this.o.lock) this.lockCloud = createLockCloud();
    await this.startCloudService();

    this.router.setReachable((d) => this.air.isOnLan(d));
    this.air.onFlow((f) => this.message(radioMessage(f, radioFrameNames)));
    // Frames name their type in the protocol of the appliance at either end.
    this.router.onFlow((e) => this.message(lanFrame(e, e.from === PRINTER || e.to === PRINTER ? PRINTER_FRAME_NAMES : LAN_NAMES)));
    if (this.o.heater !== false) await this.startHeater();

    const phone = (name: string, user: string, terminal: string, atHome: boolean) => {
      this.setAtHome(name, atHome);
      return new MakerApp({
        name, appliance: HEATER_APPLIANCE.title, terminalId: terminal, user, password: `${user}-app-password`, cloudUrl: this.cloud.url, ca: this.pki.ca,
        lan: this.router.port(name), random: this.o.seeded ? seededRandom(name) : undefined,
        // Its device and session survive a restart of the home (erased by --fresh).
        stateFile: join(this.o.dataDir, "phones", name, "maker-app.json"),
        // The tenant stands at the remote and compares its code with the app's.
        confirmCode: async (code) => {
          const same = await HEATER_APPLIANCE.local!.compareCodes!(this.heater, code);
          this.note("HOME", `${name} compares the app's code ${code} with the remote's screen: ${same ? "same" : "different"}`);
          return same;
        },
      });
    };
    this.alice = phone("alice", "alice", "alice-phone", true);
    this.bob = phone("bob", "bob", "bob-phone", true);
    // An image alone: no appliance has an app on their phones, so nobody signs in.
    if (this.o.heater !== false || this.o.printer || this.o.meter || this.o.pcs || this.o.lock) {
      await this.alice.createAccount();
      await this.bob.createAccount();
    }
    if (this.o.printer) await this.startPrinter();
    if (this.o.meter) await this.startMeter();
    if (this.o.pcs) await this.startPcs();
    if (this.o.lock) await this.startLock();
    if (this.o.image) await this.startImage(this.o.image);
  }

  private async startHeater(): Promise<void> {
    const flashFile = join(this.o.dataDir, "devices", "heater.flash");
    const firstPowerOn = !existsSync(flashFile);
    this.heater = new HomeDevice({ name: HEATER, host: this.o.heaterHost, image: HEATER_APPLIANCE.image, flashFile, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined, wallStartMs: this.wallAtZero(), seed: 1 });
    this.router.attach(this.heater);
    this.air.attach(this.heater, { wifi: HEATER_APPLIANCE.boardWifi === false ? "image" : "board" });
    this.bridge = this.newBridge();
    this.heater.onOutput((o) => {
      if (o.t === "log") this.heaterLog.push(o.text);
      if (o.t === "mqtt_connect") { this.devicePasswords.push(Buffer.from(o.pass).toString()); this.message(mqttConnect(HEATER, o.client)); }
      if (o.t === "mqtt_publish") this.message(mqttPublish(HEATER, "broker", o.topic, o.payload, this.secrets));
      if (o.t.startsWith("mqtt_")) this.bridge.handle(o);
    });
    this.followDeliveries(this.heater);
    await this.heater.start();
    if (firstPowerOn) await this.heater.service(provision(HEATER_SERIAL)); // the factory's step
  }

  /** The water heater, or an error naming the option when this home runs none. */
  requireHeater(): HomeDevice {
    if (!this.heater) throw new Error("this home has no water heater (an --image home runs one with --with heater)");
    return this.heater;
  }

  /** Any image the command line named (`--image`), run as a generic device. */
  private async startImage(choice: ImageChoice): Promise<void> {
    this.image = new HomeImage({
      choice, dataDir: this.o.dataDir, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined,
      wallStartMs: this.wallAtZero(), air: this.air, lan: this.router,
      identity: (serial) => this.pki.deviceIdentity(join(this.o.dataDir, "devices", `image-${serial}.identity`), serial),
      broker: () => ({ url: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca }),
      note: (via, text) => this.note(via, text),
    });
    try {
      await this.image.start();
    } catch (e) {
      // A file system error is the data folder's, not the image's.
      if (typeof (e as NodeJS.ErrnoException).code === "string") throw e;
      throw new ImageDoesNotLoad(choice.path, e);
    }
  }

  private async startLock(): Promise<void> {
    this.lock = new HomeLock({
      host: this.o.lockHost ?? this.o.heaterHost, dataDir: this.o.dataDir, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined,
      wallStartMs: this.lockWallStartMs, air: this.air,
      identity: () => this.lockIdentity,
      broker: () => ({ url: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca }),
      cloud: () => ({ url: this.cloud.url, ca: this.pki.ca }),
      tls: { cert: this.pki.server.cert, key: this.pki.server.key },
      note: (via, text) => this.note(via, text), flow: this,
    });
    await this.lock.start();
    this.followDeliveries(this.lock.device);
    for (const n of ["owner", "alice", "bob"]) this.air.phone(n).setAtHome(true);
  }

  /** The lock's factory identity (CN = its serial). */
  get lockIdentity(): KeyAndCert {
    this.lockId ??= this.pki.deviceIdentity(join(this.o.dataDir, "devices", "lock.identity"), appliance("lock").serial!);
    return this.lockId;
  }
  private lockId: KeyAndCert | undefined;
  /** The lock's clock at its simulated time 0; the cloud and the booking service run on
   *  the lock's clock (it is the home's clock for everything about slots). */
  private lockWallStartMs = Date.now();

  requireLock(): HomeLock {
    if (!this.lock) throw new Error("this home has no lock (start it with the lock option)");
    return this.lock;
  }

  private async startPcs(): Promise<void> {
    const devices = join(this.o.dataDir, "devices");
    mkdirSync(devices, { recursive: true });
    const wallStartMs = this.wallAtZero();
    this.pcsWallStartMs = wallStartMs;
    // The sun and the battery go on while the simulator is closed: one origin per home.
    const loadFile = join(devices, "pcs.load.json");
    const load: { originUtcMs: number } = existsSync(loadFile) ? JSON.parse(readFileSync(loadFile, "utf8")) : { originUtcMs: wallStartMs };
    if (!existsSync(loadFile)) writeFileSync(loadFile, JSON.stringify(load));
    this.pcsLoad = new MeterModel(PCS_SUNNY_DAY, { originUtcMs: load.originUtcMs });
    const installed = join(devices, "pcs.install.json");
    if (existsSync(installed)) this.pcsDeviceId = (JSON.parse(readFileSync(installed, "utf8")) as { deviceId: string }).deviceId;
    this.pcs = new HomePcs({
      host: this.o.pcsHost ?? this.o.heaterHost, dataDir: this.o.dataDir, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined,
      wallStartMs, air: this.air, load: this.pcsLoad,
      identity: () => this.pcsIdentity,
      broker: () => ({ url: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca }),
      note: (via, text) => this.note(via, text), flow: this,
    });
    const { firstPowerOn } = await this.pcs.start();
    this.followDeliveries(this.pcs.device);
    const tool = { cloudUrl: this.cloud.url, ca: this.pki.ca, note: (t: string) => this.note("HOME", t) };
    // The factory's step on a new unit: the operator's maintenance credential (its sheet
    // goes to the operator's workers' mailboxes).
    if (firstPowerOn) await factoryMaintenance(this.pcs, tool);
    const worker = new CloudClient(this.cloud.url, this.pki.ca, { user: "worker", password: "worker-app-password", terminalId: "worker-phone" });
    const r = await worker.call("POST", "/api/users", { user: "worker", password: "worker-app-password" }, false);
    if (r.status !== 201 && r.status !== 409) throw new Error(`the worker's cloud account: ${r.status}`);
    await worker.login();
    this.pcsClouds.alice = new PcsCloudClient(this.alice.cloud);
    this.pcsClouds.worker = new PcsCloudClient(worker);
    for (const name of ["alice", "worker"]) {
      this.pcsApps[name] = new PcsApp({
        name, random: this.o.seeded ? seededRandom(`${name}-pcs`) : { bytes: (n) => randomBytes(n) },
        ble: () => this.air.phone(name).ble("pcs"),
        // The person compares the app's code with the one on the power conditioner's panel.
        confirmCode: async (code) => {
          const shown = shownCode(this.requirePcs().device);
          this.note("HOME", `${name} compares the app's code ${code} with the power conditioner's ${shown ?? "(none shown)"}: ${shown === code ? "same" : "different"}`);
          return shown === code;
        },
      });
    }
    this.setAtHome("alice", true);
    // The worker is dispatched: at the house only for a visit (`worker visit`).
    this.air.phone("worker").setAtHome(false);
  }

  /** The power conditioner's factory identity (CN = its serial). */
  get pcsIdentity(): KeyAndCert {
    this.pcsId ??= this.pki.deviceIdentity(join(this.o.dataDir, "devices", "pcs.identity"), PCS_SERIAL);
    return this.pcsId;
  }
  private pcsId: KeyAndCert | undefined;

  requirePcs(): HomePcs {
    if (!this.pcs) throw new Error("this home has no power conditioner (start it with the pcs option)");
    return this.pcs;
  }

  /** The partner's installer's visit (PROTOCOL.md §5, §7): Sunlease PPS registers the
   *  power conditioner, issues its device key and installs it; alice is its contact. */
  async installPcs(site = "JP-04-SENDAI-0042"): Promise<string> {
    const deviceId = await installPcs(this.requirePcs(), {
      contacts: [{ to: ALICE_MAIL, user: "alice" }],
      personal: { name: "Alice Sato", address: "1-2-3 Hikari-cho, Aoba-ku, Sendai" },
      site, capacities: { pvW: 5500, batteryWh: 9800, evWh: 40000 },
    }, { cloudUrl: this.cloud.url, ca: this.pki.ca, note: (t) => this.note("HOME", t) });
    this.pcsDeviceId = deviceId;
    writeFileSync(join(this.o.dataDir, "devices", "pcs.install.json"), JSON.stringify({ deviceId }));
    return deviceId;
  }

  /** The power conditioner's wall clock now (UTC ms): its board's, and its sun's. */
  pcsWallMs(): number { return Math.floor(this.pcsWallStartMs + this.requirePcs().device.simMs()); }
  private pcsWallStartMs = 0;

  async powerCyclePcs(): Promise<void> {
    await this.requirePcs().powerCycle();
    this.note("HOME", "power conditioner power cycled");
  }

  private async startMeter(): Promise<void> {
    this.lan.onDatagram((g) => this.message(udpDatagram(g, formatIpv4(g.from), formatIpv4(g.to))));
    this.hems = new HemsController(this.lan.socket("hems", ECHONET_PORT, "192.168.1.2"));
    const wallStartMs = this.wallAtZero();
    this.meterWallStartMs = wallStartMs;
    // The register is the meter's hardware: a home started again on the same data goes on
    // from the same origin (the house drew power while the simulator was closed too), so
    // no reading ever sees it go back.
    const devices = join(this.o.dataDir, "devices");
    mkdirSync(devices, { recursive: true });
    const loadFile = join(devices, "meter.load.json");
    const load: { originUtcMs: number; startWh: number } = existsSync(loadFile)
      ? JSON.parse(readFileSync(loadFile, "utf8")) : { originUtcMs: wallStartMs, startWh: 1_234_567 };
    if (!existsSync(loadFile)) writeFileSync(loadFile, JSON.stringify(load));
    this.meterLoad = new MeterModel(TYPICAL_HOME, { originUtcMs: load.originUtcMs, startWh: [load.startWh] });
    // The installer's record of the registration it installed (installMeter), for the
    // phones' meter routes after a restart.
    const installed = join(devices, "meter.install.json");
    if (existsSync(installed)) this.meterDeviceId = (JSON.parse(readFileSync(installed, "utf8")) as { deviceId: string }).deviceId;
    this.meter = new HomeMeter({
      host: this.o.meterHost ?? this.o.heaterHost, dataDir: this.o.dataDir, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined,
      wallStartMs, lan: this.lan, load: this.meterLoad,
      identity: () => this.meterIdentity,
      broker: () => ({ url: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca }),
      note: (via, text) => this.note(via, text), flow: this,
    });
    await this.meter.start();
    this.followDeliveries(this.meter.device);
    await this.lan.settled();
  }

  /** The meter's factory identity (CN = its serial). */
  get meterIdentity(): KeyAndCert {
    this.meterId ??= this.pki.deviceIdentity(join(this.o.dataDir, "devices", "meter.identity"), METER_SERIAL);
    return this.meterId;
  }
  private meterId: KeyAndCert | undefined;

  requireMeter(): HomeMeter {
    if (!this.meter) throw new Error("this home has no meter (start it with the meter option)");
    return this.meter;
  }

  /** The installer's visit (PROTOCOL.md §2): the meter registered at the head-end and
   *  installed with `meterCode`; alice and bob may use its phone routes. */
  async installMeter(meterCode = "0000-1234-5678-9012"): Promise<string> {
    const tool = new InstallerTool({ cloudUrl: this.cloud.url, ca: this.pki.ca, note: (t) => this.note("HOME", t) });
    const deviceId = await tool.install(this.requireMeter(), meterCode, ["alice", "bob"]);
    this.meterDeviceId = deviceId;
    writeFileSync(join(this.o.dataDir, "devices", "meter.install.json"), JSON.stringify({ deviceId, meterCode }));
    return deviceId;
  }

  /** The meter's wall clock now (UTC ms): its board's, and its load's. */
  meterWallMs(): number { return Math.floor(this.meterWallStartMs + this.requireMeter().device.simMs()); }
  private meterWallStartMs = 0;

  /** Power cut and restart of the meter. */
  async powerCycleMeter(): Promise<void> {
    await this.requireMeter().powerCycle();
    await this.lan.settled();
    this.note("HOME", "meter power cycled");
  }

  private async startPrinter(): Promise<void> {
    const d = this.o.dataDir;
    this.printer = new HomePrinter({
      host: this.o.printerHost ?? this.o.heaterHost, dataDir: d, clock: this.o.clock ?? "real", speed: this.o.speed, live: this.clock ?? undefined,
      air: this.air, lan: this.router, routerSsid: HOME_ROUTER.ssid,
      identity: () => this.printerIdentity,
      broker: () => ({ url: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca }),
      note: (via, text) => this.note(via, text), flow: this,
    });
    this.router.attach(this.printer.device);
    await this.printer.start();
    this.followDeliveries(this.printer.device);
    for (const [name, maker] of [["alice", this.alice], ["bob", this.bob]] as const) {
      const cloud = new PrinterCloudClient(maker.cloud);
      this.printerApps[name] = this.printer.phone(name, cloud, !!this.o.seeded, async (attempt) => {
        const key = this.typedRouterKeys[name]?.shift() ?? HOME_ROUTER.key;
        this.note("HOME", `${name} types the router key (attempt ${attempt})`);
        return key;
      });
    }
  }

  /** The printer's factory identity (CN = its serial), as the heater's. */
  get printerIdentity(): KeyAndCert {
    this.printerId ??= this.pki.deviceIdentity(join(this.o.dataDir, "devices", "printer.identity"), PRINTER_APPLIANCE_SERIAL);
    return this.printerId;
  }
  private printerId: KeyAndCert | undefined;

  /** Broker outage: the broker process goes away; devices and the cloud lose the link. */
  async brokerDown(): Promise<void> {
    this.brokerRunning = false;
    await this.broker.stop();
    this.note("HOME", "broker stopped");
  }

  async brokerUp(): Promise<void> {
    await this.startBroker(this.brokerPort);
    // A stopped cloud announces every registration itself when it starts again.
    if (this.cloudRunning) await this.cloud.reannounce();
    this.note("HOME", "broker back");
  }

  /** Cloud outage: the cloud service stops (its MQTT session stays with the broker). */
  async cloudDown(): Promise<void> {
    this.cloudRunning = false;
    await this.cloud.stop();
    this.note("HOME", "cloud stopped");
  }

  /** The cloud starts again on the same database and HTTPS port. */
  async cloudUp(): Promise<void> {
    await this.startCloudService(this.cloudPort);
    this.note("HOME", "cloud back");
  }

  /** Power cut between two events, then the heater boots again. */
  async powerCycle(): Promise<void> {
    const heater = this.requireHeater();
    this.bridge.close();
    this.bridge = this.newBridge();
    await heater.powerCycle();
    this.note("HOME", "heater power cycled");
  }


  /** A phone comes home (home network, BLE and Wi-Fi Direct range) or leaves. */
  setAtHome(phone: string, atHome: boolean): void {
    this.router.setAtHome(phone, atHome);
    this.air.phone(phone).setAtHome(atHome);
  }

  /** Power cut and restart of the printer. */
  async powerCyclePrinter(): Promise<void> {
    await this.requirePrinter().powerCycle();
    this.note("HOME", "printer power cycled");
  }

  requirePrinter(): HomePrinter {
    if (!this.printer) throw new Error("this home has no printer (start it with the printer option)");
    return this.printer;
  }

  async stop(): Promise<void> {
    await this.image?.stop().catch(() => undefined);
    await this.lock?.stop().catch(() => undefined);
    await this.pcs?.stop().catch(() => undefined);
    await this.meter?.stop().catch(() => undefined);
    await this.printer?.stop().catch(() => undefined);
    await this.heater?.stop().catch(() => undefined);
    this.bridge?.close();
    await this.cloud?.stop().catch(() => undefined);
    await this.broker?.stop().catch(() => undefined);
    this.meterCloud?.close();
    this.pcsCloud?.close();
  }

  private cloudPort = 0;
  private cloudRunning = false;
  private brokerRunning = false;

  /** Whether the broker and the cloud run (outages stop them). */
  get brokerUpNow(): boolean { return this.brokerRunning; }
  get cloudUpNow(): boolean { return this.cloudRunning; }

  private async startCloudService(httpsPort?: number): Promise<void> {
    const server = this.pki.server;
    const services = [HEATER_APPLIANCE.cloud!, ...(this.o.printer ? [appliance("printer").cloud!] : []), ...(this.meterCloud ? [this.meterCloud.service] : []), ...(this.pcsCloud ? [this.pcsCloud.service] : []), ...(this.lockCloud ? [this.lockCloud.service] : [])];
    for (const s of services) this.secrets.add(s.secretFields ?? []);
    this.cloud = await startCloud({
      // The heater's first: registrations that name no appliance are the heater's.
      services,
      // The live home's clock (it pauses and steps with the devices), or the lock's
      // virtual one: the cloud's time is the home's.
      ...(this.clock ? { now: () => this.homeNow() } : this.o.lock ? { now: () => this.lock?.now() ?? Date.now() } : {}),
      tls: { cert: server.cert, key: server.key, ca: this.pki.ca },
      dbPath: join(this.o.dataDir, "cloud.db"),
      httpsPort,
      mqtt: { brokerUrl: this.broker.url, ca: this.pki.ca, ...certOf(this.pki, "cloud"), password: this.cloudPassword },
      // The broker may be restarted (outages): the cloud always talks to the current one.
      directory: {
        setDevice: (id, hash, serial) => this.broker.setDevice(id, hash, serial),
        removeDevice: (id) => this.broker.removeDevice(id),
      },
      onEvent: (e) => this.cloudEvent(e),
      log: (line) => this.message(logLine("HOME", "cloud", `cloud: ${line}`)),
    });
    this.cloudPort = this.cloud.httpsPort;
    this.cloudRunning = true;
  }

  private async startBroker(port?: number): Promise<void> {
    this.broker = await createBroker(this.o.broker, { pkiDir: join(this.o.dataDir, "pki"), dataDir: join(this.o.dataDir, "broker"), port });
    this.brokerPort = this.broker.port;
    this.brokerRunning = true;
    await this.broker.setService("cloud", hashPassword(this.cloudPassword));
  }

  /** The heater's factory identity (ECDSA P-256 key and certificate, CN = its serial).
   *  Board configuration, beside the flash image but not in it: made with the first
   *  provisioning, kept across factory reset (which erases flash user data), removed
   *  only by --fresh. */
  get heaterIdentity(): KeyAndCert {
    this.identity ??= this.pki.deviceIdentity(join(this.o.dataDir, "devices", "heater.identity"), HEATER_SERIAL);
    return this.identity;
  }
  private identity: KeyAndCert | undefined;

  private newBridge(): MqttBridge {
    const cert = this.heaterIdentity;
    return new MqttBridge({
      brokerUrl: `mqtts://127.0.0.1:${this.brokerPort}`, ca: this.pki.ca, clientCert: cert.cert, clientKey: cert.key,
      deliver: (ev) => { void this.heater.deliver(ev); },
      log: (line) => this.message(logLine("MQTT", HEATER, `bridge: ${line}`)),
    });
  }

  private cloudEvent(e: CloudEvent): void {
    if (e.kind === "http") this.message(httpRequest(e, this.secrets));
    else if (e.kind === "mqtt-in") this.message(mqttPublish("broker", "cloud", e.topic, e.payload, this.secrets));
    else if (e.kind === "mqtt-out") this.message(mqttPublish("cloud", "broker", e.topic, e.payload, this.secrets));
    else if (e.kind === "retired" && e.by === e.deviceId) this.note("HOME", `cloud retired registration ${e.deviceId} (remote ${e.serial} is erasing it)`);
    else if (e.kind === "retired") this.note("HOME", `cloud retired registration ${e.deviceId} (same remote ${e.serial} now registered as ${e.by})`);
    else if (e.kind === "login-removed") this.note("HOME", `broker no longer accepts ${e.deviceId}`);
  }

  /** The flow shows what the broker delivers to a device (the cloud's commands, replies). */
  private followDeliveries(d: HomeDevice): void {
    d.onDeliver((ev) => {
      const m = mqttDelivered(d.o.name, ev, EventKind.MQTT_MESSAGE, this.secrets);
      if (m) this.message(m);
    });
  }

  /** A note on the home's lane. */
  note(via: FlowProtocol, text: string): void { this.message(flowNote(via, text)); }

  /** One message of the flow: to the page's log and, as a line, to the terminal's. */
  message(d: FlowDraft): void {
    const line = flowLine({ ...this.flowLog.add(d, this.homeNow()), ...d, count: 1 });
    this.flow.push(line);
    if (this.flow.length > 2000) this.flow.splice(0, 1000);
    this.o.onFlow?.(line);
    for (const l of this.noteListeners) l(line);
  }

  /** Follows every flow line from now on, beside onFlow (the web page's feeds). */
  onNote(l: (line: FlowLine) => void): void { this.noteListeners.push(l); }
  private readonly noteListeners: ((line: FlowLine) => void)[] = [];
}

function certOf(pki: Pki, name: string) {
  const c = pki.clientCert(name);
  return { cert: c.cert, key: c.key };
}
