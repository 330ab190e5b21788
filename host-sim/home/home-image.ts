// Any image in the simulated home (`npm start -- --image build/images/<name>.wasm`, or
// build/posix/<name> / --posix for the native board): a generic device with the buttons
// its image declares (host-sim/device/button-map.ts), its screen, log and flash, on the
// home's air and LAN, with an MQTT bridge to the home's broker for an image that wants
// one. On its first power-on it gets the factory's PROVISION with a generated serial, so it
// boots as the factory would leave it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { HomeDevice } from "./home-device.ts";
import type { HomeRouter } from "./router.ts";
import type { Airspace } from "../radio/index.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import type { HostName } from "../device/power-on.ts";
import { wasmImagePath, type NativeHostName } from "../device/power-on.ts";
import { posixExecutable } from "../device/posix-device.ts";
import type { KeyAndCert } from "../net/pki.ts";
import type { LiveClock } from "../sim/live-clock.ts";
import { provision } from "../clients/service-port.ts";
import { readButtonMap, type ButtonMap } from "../device/button-map.ts";
import { APPLIANCES } from "../appliances/index.ts";
import { Pin } from "../device/types.ts";

/** The image would not run (not wasm, a missing import, a trap at its start): `npm start`
 *  says so in one sentence (start-failure.ts). */
export class ImageDoesNotLoad extends Error {
  constructor(readonly path: string, readonly reason: unknown) {
    super(`--image ${path} does not load: ${(reason as Error)?.message?.split("\n")[0] ?? String(reason)}`, { cause: reason });
  }
}

/** The image the command line names: a .wasm (any host) or a native board's executable
 *  (build/<engine>/<name>: that engine). */
export interface ImageChoice {
  /** What the user typed. */
  path: string;
  host: HostName;
}

/** Where an image path's pieces are: its name, the .wasm its button map is read from, and
 *  what the device runner is given on `host`. */
export function imageFiles(choice: ImageChoice): { name: string; wasm: string; runnerImage: string } {
  const p = choice.path;
  const name = basename(p).replace(/\.wasm$/, "");
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new Error(`--image ${p}: an image file name of letters, digits, "-", "_" or "."`);
  const wasm = p.endsWith(".wasm") ? wasmImagePath(p) : wasmImagePath(name);
  // An image where the build puts it goes by its name, as the home's appliances do.
  const built = choice.host === "ts" ? wasm === wasmImagePath(name) : resolve(posixExecutable(p, choice.host as NativeHostName)) === resolve(posixExecutable(name, choice.host as NativeHostName));
  return { name, wasm, runnerImage: built ? name : choice.host === "ts" ? wasm : p };
}

/** The board's output pins (boards/ABI.md), by their ABI names: a generic panel shows
 *  every one, since nothing says which an image drives. */
export const OUTPUT_PINS: readonly { pin: number; name: string; dir: "out" }[] = [
  { pin: Pin.RELAY, name: "relay", dir: "out" }, { pin: Pin.BREAKER, name: "breaker", dir: "out" },
  { pin: Pin.LOCK_ACTUATOR, name: "lock actuator", dir: "out" }, { pin: Pin.STATUS_LED, name: "status LED", dir: "out" },
];

export interface HomeImageOptions {
  choice: ImageChoice;
  dataDir: string;
  clock: "real" | "virtual";
  speed?: number;
  live?: LiveClock;
  wallStartMs: number;
  air: Airspace;
  lan: HomeRouter;
  /** The factory identity for a serial (CN = serial), for its MQTT login. */
  identity: (serial: string) => KeyAndCert;
  broker: () => { url: string; ca: string };
  note: (via: "MQTT" | "HOME", text: string) => void;
}

export class HomeImage {
  /** The device's name in the home (the image's name: "smart-plug"). */
  readonly name: string;
  readonly device: HomeDevice;
  /** Its declared buttons; null for an image that declares none (the panel says so). */
  readonly buttons: ButtonMap | null;
  /** Why it has no buttons, for the panel. */
  readonly buttonNote: string | null;
  readonly wasm: string;
  private bridge: MqttBridge | null = null;
  private readonly flashFile: string;
  private readonly serialFile: string;

  constructor(private readonly o: HomeImageOptions) {
    const f = imageFiles(o.choice);
    this.name = f.name;
    this.wasm = f.wasm;
    let buttons: ButtonMap | null = null, note: string | null = null;
    try {
      buttons = existsSync(f.wasm) ? readButtonMap(f.wasm) : null;
      if (!existsSync(f.wasm)) note = `no ${f.wasm} to read its button map from`;
      else if (!buttons) note = "the image declares no buttons (no \"buttons\" section: firmware/images/<name>/buttons.json)";
    } catch (e) { note = `its button map is malformed: ${(e as Error).message}`; }
    this.buttons = buttons;
    this.buttonNote = note;
    const devices = join(o.dataDir, "devices");
    mkdirSync(devices, { recursive: true });
    this.flashFile = join(devices, `image-${f.name}.flash`);
    this.serialFile = join(devices, `image-${f.name}.serial`);
    this.device = new HomeDevice({
      name: f.name, host: o.choice.host, image: f.runnerImage, flashFile: this.flashFile,
      clock: o.clock, speed: o.speed, live: o.live, wallStartMs: o.wallStartMs, seed: 7,
    });
    // An image the registry knows to join the router itself does; any other is on the
    // home network from power-on (its Wi-Fi is board configuration).
    const known = APPLIANCES.find((a) => a.image === f.name);
    o.air.attach(this.device, { wifi: known?.boardWifi === false ? "image" : "board" });
    o.lan.attach(this.device);
    this.device.onOutput((out) => {
      if (out.t === "mqtt_connect") o.note("MQTT", `${this.name} connects as ${out.client}`);
      if (out.t === "mqtt_publish") o.note("MQTT", `${this.name} -> ${out.topic} (${out.payload.length} B)`);
      if (out.t.startsWith("mqtt_")) this.mqtt().handle(out);
    });
  }

  /** The image as a scenario names it, on any host: its name when it is build/images/<name>.wasm,
   *  else the .wasm's path. */
  get scenarioImage(): string { return this.wasm === wasmImagePath(this.name) ? this.name : this.wasm; }

  /** The serial its factory gave it (made at the first power-on). */
  get serial(): string | null { return existsSync(this.serialFile) ? readFileSync(this.serialFile, "utf8").trim() : null; }

  async start(): Promise<void> {
    const first = !existsSync(this.flashFile);
    await this.device.start();
    if (first) {
      // The factory's step: a serial of its own, written as PROVISION (what every image takes).
      const serial = `IMG-${randomBytes(3).toString("hex").toUpperCase()}`;
      writeFileSync(this.serialFile, serial + "\n");
      await this.device.service(provision(serial));
      this.o.note("HOME", `${this.name}: first power-on, provisioned as ${serial}`);
    }
  }

  async powerCycle(): Promise<void> {
    this.bridge?.close();
    this.bridge = null;
    await this.device.powerCycle();
    this.o.note("HOME", `${this.name} power cycled`);
  }

  async stop(): Promise<void> {
    await this.device.stop().catch(() => undefined);
    this.bridge?.close();
  }

  /** The bridge, made when the image first asks for MQTT (an image that never does needs
   *  no identity). */
  private mqtt(): MqttBridge {
    if (this.bridge) return this.bridge;
    const serial = this.serial ?? this.name;
    const id = this.o.identity(serial);
    const b = this.o.broker();
    this.bridge = new MqttBridge({
      brokerUrl: b.url, ca: b.ca, clientCert: id.cert, clientKey: id.key,
      reachable: () => this.o.air.isOnLan(this.name),
      deliver: (ev) => { void this.device.deliver(ev); },
      log: (line) => this.o.note("MQTT", `${this.name} bridge: ${line}`),
    });
    return this.bridge;
  }
}
