// The lock in the simulated home (seed 004, issue 12): the device on its host with its
// door sensor, on the home's air for the phones' BLE, its MQTT bridge to the maker's key
// server (the cloud), and around it the third-party booking service (its own HTTPS server
// and SQLite database), the owner's tools and the booking apps of alice and bob, each with
// the maker's SDK in its own store. The home's clock for the lock is the lock's: the cloud
// runs on it (home/world.ts) so that slots, time answers and the lock agree to the ms.
import { join } from "node:path";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { HomeDevice } from "./home-device.ts";
import type { LiveClock } from "../sim/live-clock.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import { provision, request, parseAnswer } from "../clients/service-port.ts";
import type { HostName } from "../device/power-on.ts";
import { EventKind } from "../device/types.ts";
import { E_IO } from "../board/abi-constants.ts";
import type { KeyAndCert } from "../net/pki.ts";
import type { Airspace } from "../radio/index.ts";
import { CloudClient, CloudError } from "../phone/cloud-client.ts";
import { LOCK_SERIAL, DOOR_SENSOR_PIN, LOCK_BUTTONS } from "../appliances/lock/index.ts";
import { LockCloudClient } from "../appliances/lock/cloud/client.ts";
import { BOOKING_ACCOUNT } from "../appliances/lock/cloud/types.ts";
import { startBookingService, type BookingService, type ReceivedRequest } from "../booking/index.ts";
import { BookingApp } from "../phone/booking-app/index.ts";
import { MakerSdk, type BlePort } from "../phone/maker-sdk/index.ts";

export const LOCK = "lock";
/** INSTALL's op on the service port (PROTOCOL.md §4). */
export const LOCK_INSTALL = 0x30;
/** The booking users of the home, in consecutive slots. */
export const LOCK_USERS = ["alice", "bob"] as const;

export interface HomeLockOptions {
  host: HostName;
  dataDir: string;
  clock: "real" | "virtual";
  speed?: number;
  /** The home's shared clock (real clock only). */
  live?: LiveClock;
  /** The lock's wall clock at simulated time 0 (UTC ms). */
  wallStartMs: number;
  image?: string;
  air: Airspace;
  identity: () => KeyAndCert;
  broker: () => { url: string; ca: string };
  /** The maker's cloud (its key server) and the CA of every server here. */
  cloud: () => { url: string; ca: string };
  /** The booking service's TLS identity. */
  tls: { cert: string; key: string };
  note: (via: "MQTT" | "HOME" | "HTTP", text: string) => void;
}

export class HomeLock {
  readonly device: HomeDevice;
  /** Everything the lock logged. */
  readonly log: string[] = [];
  /** Every device password it logged in with. */
  readonly passwords: string[] = [];
  /** Every request the booking service received, as it came (the leak scan reads them). */
  readonly bookingRequests: ReceivedRequest[] = [];
  booking!: BookingService;
  /** The owner's tools at the maker (registration, revocations, the event log). */
  owner!: LockCloudClient;
  /** The owner's booking app (it lists the lock with the booking service). */
  ownerApp!: BookingApp;
  /** alice's and bob's booking apps, each embedding the maker's SDK. */
  readonly apps: Record<string, BookingApp> = {};
  /** The booking service's id of the lock, once listed. */
  listed: string | null = null;
  deviceId: string | null = null;
  /** Someone listening on the air (tests capture frames to replay them): every BLE frame a
   *  booking app's SDK sends ("out") and receives ("in"), as it went over the air. */
  onBleFrame: ((who: string, dir: "out" | "in", frame: Uint8Array) => void) | null = null;
  private readonly sdks = new Map<string, MakerSdk>();
  private bridge: MqttBridge | null = null;
  private readonly flashFile: string;
  private readonly stateFile: string;

  constructor(private readonly o: HomeLockOptions) {
    this.flashFile = join(o.dataDir, "devices", "lock.flash");
    this.stateFile = join(o.dataDir, "devices", "lock.install.json");
    this.device = new HomeDevice({ name: LOCK, host: o.host, image: o.image ?? "lock", flashFile: this.flashFile,
      clock: o.clock, speed: o.speed, live: o.live, wallStartMs: o.wallStartMs, seed: 5 });
    o.air.attach(this.device, { wifi: "board" });
    this.device.onOutput((out) => {
      if (out.t === "log") this.log.push(out.text);
      if (out.t === "mqtt_connect") {
        this.passwords.push(Buffer.from(out.pass).toString());
        o.note("MQTT", `lock connects as ${out.client}`);
      }
      if (out.t === "mqtt_publish") o.note("MQTT", `lock -> ${out.topic} ${Buffer.from(out.payload).toString()}`);
      if (out.t.startsWith("mqtt_") && this.bridge) this.bridge.handle(out);
      // Offline: a connect reaches no broker, and the board says so as for any network
      // failure (the lock retries on its own backoff).
      else if (out.t === "mqtt_connect") setImmediate(() => { void this.device.deliver({ kind: EventKind.MQTT_STATE, arg: E_IO }); });
    });
  }

  /** The lock's wall clock (UTC ms): the home's clock for everything around the lock. */
  now(): number { return Math.floor(this.o.wallStartMs + this.device.simMs()); }

  /** The SDK's store of `name`'s phone (the app is never given this path). */
  sdkDir(name: string): string { return join(this.o.dataDir, "phones", name, "maker-sdk"); }
  /** The booking app's own storage on `name`'s phone. */
  appDir(name: string): string { return join(this.o.dataDir, "phones", name, "booking-app"); }
  /** The booking service's database file. */
  get bookingDb(): string { return join(this.o.dataDir, "booking", "booking.db"); }

  /** Powers on (a new lock gets its serial), starts the booking service, the accounts and the apps. */
  async start(): Promise<void> {
    const first = !existsSync(this.flashFile);
    this.bridge = this.newBridge();
    await this.device.start();
    if (first) await this.device.service(provision(LOCK_SERIAL));
    if (existsSync(this.stateFile)) ({ deviceId: this.deviceId, listed: this.listed } = JSON.parse(readFileSync(this.stateFile, "utf8")) as { deviceId: string; listed: string });
    const { url, ca } = this.o.cloud();
    const bookingPassword = "booking-service-password";
    await account(url, ca, BOOKING_ACCOUNT, bookingPassword);
    mkdirSync(join(this.o.dataDir, "booking"), { recursive: true });
    this.booking = await startBookingService({
      tls: this.o.tls, dbPath: this.bookingDb, now: () => this.now(),
      keyServer: { url, ca, user: BOOKING_ACCOUNT, password: bookingPassword },
      onRequest: (r) => { this.bookingRequests.push(r); this.o.note("HTTP", `booking service <- ${r.method} ${r.url}`); },
    });
    this.owner = new LockCloudClient(await account(url, ca, "owner", "owner-app-password"));
    this.ownerApp = this.app("owner");
    for (const n of LOCK_USERS) this.apps[n] = this.app(n);
  }

  /** The owner's visit: the registration at the maker, the lock into its registry, INSTALL
   *  over the service port, the lock listed with the booking service. The registration id. */
  async install(): Promise<string> {
    const deviceId = randomUUID(), password = randomBytes(18).toString("base64url");
    await this.owner.register(deviceId, password, LOCK_SERIAL);
    const made = await this.owner.registerLock(deviceId, password);
    const r = await this.device.service(request(LOCK_INSTALL, 0, Buffer.from(made.data, "hex")));
    const a = r.outputs.find((x) => x.t === "link");
    const status = a && a.t === "link" ? parseAnswer(a.data)?.status ?? null : null;
    this.o.note("HOME", `the owner registers the lock (${deviceId}) and installs it (INSTALL) -> ${status}`);
    if (status !== 0) throw new Error(`the lock refused INSTALL: ${status}`);
    await this.ownerApp.signUp();
    this.listed = await this.ownerApp.listLock(made.lockRef, "Car park gate");
    this.deviceId = deviceId;
    writeFileSync(this.stateFile, JSON.stringify({ deviceId, listed: this.listed }));
    return deviceId;
  }

  /** The maker SDK on `name`'s phone, as its booking app embeds it. */
  sdk(name: string): MakerSdk {
    const s = this.sdks.get(name);
    if (!s) throw new Error(`no phone ${name} with the maker SDK`);
    return s;
  }

  /** The owner's button inside. */
  pressOwner() { return this.device.press(LOCK_BUTTONS.owner); }
  /** The door opens (1) or closes (0): the door sensor's input change. */
  door(open: boolean) { return this.device.deliver({ kind: EventKind.GPIO, arg: DOOR_SENSOR_PIN | ((open ? 1 : 0) << 8) }); }

  /** The lock's network goes (its broker link closes) or comes back. */
  setOnline(online: boolean): void {
    if (online && !this.bridge) this.bridge = this.newBridge();
    if (!online && this.bridge) {
      // The lock hears of it as of any lost connection; its reconnects then reach nothing.
      this.bridge.networkDown();
      void this.bridge.close();
      this.bridge = null;
    }
  }
  get online(): boolean { return this.bridge !== null; }

  /** Power cut between two events: the broker link goes down, then it boots. */
  async powerCycle(): Promise<void> {
    const wasOnline = this.online;
    this.bridge?.close();
    this.bridge = wasOnline ? this.newBridge() : null;
    await this.device.powerCycle();
  }

  async stop(): Promise<void> {
    await this.device.stop().catch(() => undefined);
    this.bridge?.close();
    await this.booking?.stop().catch(() => undefined);
  }

  private app(name: string): BookingApp {
    const { url, ca } = this.o.cloud();
    const sdk = new MakerSdk({ storeDir: this.sdkDir(name), keyServer: { url, ca }, now: () => this.now(),
      ble: (serial) => { if (serial !== LOCK_SERIAL) throw new Error(`no lock ${serial} in range`); return this.overheard(name, this.o.air.phone(name).ble(LOCK)); } });
    this.sdks.set(name, sdk);
    return new BookingApp({ name, bookingUrl: this.booking.url, ca, storeDir: this.appDir(name), sdk });
  }

  /** The port as it is, with whatever crosses it also heard by onBleFrame. */
  private overheard(who: string, port: BlePort): BlePort {
    const hear = (dir: "out" | "in", f: Uint8Array) => this.onBleFrame?.(who, dir, Uint8Array.from(f));
    return {
      request: async (frame, timeoutMs) => { hear("out", frame); const a = await port.request(frame, timeoutMs); hear("in", a); return a; },
      send: (frame) => { hear("out", frame); return port.send(frame); },
    };
  }

  private newBridge(): MqttBridge {
    const id = this.o.identity();
    const b = this.o.broker();
    return new MqttBridge({
      brokerUrl: b.url, ca: b.ca, clientCert: id.cert, clientKey: id.key,
      deliver: (ev) => { void this.device.deliver(ev); },
      log: (line) => this.o.note("MQTT", `lock bridge: ${line}`),
    });
  }
}

/** A cloud account (made on first use), logged in. */
async function account(url: string, ca: string, user: string, password: string): Promise<CloudClient> {
  const c = new CloudClient(url, ca, { user, password, terminalId: `${user}-terminal` });
  const r = await c.call("POST", "/api/users", { user, password }, false);
  if (r.status !== 201 && r.status !== 409) throw new CloudError(r.status, JSON.stringify(r.json), `${user}'s account`);
  await c.login();
  return c;
}
