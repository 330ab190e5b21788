// The power conditioner in the simulated home (seed 002, issue 11): the device on its
// host with its three metering channels fed by the home's sunny day (BoardTime.meter on
// every call), on the home's air for the phones' BLE, and its MQTT bridge to the maker's
// cloud. Its Wi-Fi is board configuration: the partner's installer wires it up. The
// factory's MAINTENANCE and the installer's INSTALL go over its service port.
import { join } from "node:path";
import { existsSync } from "node:fs";
import { HomeDevice } from "./home-device.ts";
import type { LiveClock } from "../sim/live-clock.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import { provision } from "../clients/service-port.ts";
import type { HostName } from "../device/power-on.ts";
import { LinkId } from "../device/types.ts";
import type { MeterFeed } from "../device/runner-types.ts";
import type { KeyAndCert } from "../net/pki.ts";
import type { Airspace } from "../radio/index.ts";
import { PCS_SERIAL } from "../appliances/power-conditioner/panel.ts";
import { answerStatus, installRequest, maintenanceRequest, INSTALL, MAINTENANCE, type Installation } from "../appliances/power-conditioner/install.ts";

export const PCS = "pcs";

export interface HomePcsOptions {
  host: HostName;
  dataDir: string;
  clock: "real" | "virtual";
  speed?: number;
  /** The home's shared clock (real clock only). */
  live?: LiveClock;
  /** The wall clock at simulated time 0 (UTC ms): the board's clock and the load's. */
  wallStartMs: number;
  image?: string;
  air: Airspace;
  /** PV, charge and discharge as the PCS's front end measures them (host-sim/meter-model). */
  load: MeterFeed;
  identity: () => KeyAndCert;
  broker: () => { url: string; ca: string };
  note: (via: "MQTT" | "HOME", text: string) => void;
}

export class HomePcs {
  readonly device: HomeDevice;
  /** Everything the PCS logged (tests look for secrets in it). */
  readonly log: string[] = [];
  /** Every device password it logged in with. */
  readonly passwords: string[] = [];
  private bridge: MqttBridge;
  private readonly flashFile: string;

  constructor(private readonly o: HomePcsOptions) {
    this.flashFile = join(o.dataDir, "devices", "pcs.flash");
    this.device = new HomeDevice({ name: PCS, host: o.host, image: o.image ?? "power-conditioner", flashFile: this.flashFile,
      clock: o.clock, speed: o.speed, live: o.live, wallStartMs: o.wallStartMs, seed: 4, meter: o.load });
    o.air.attach(this.device, { wifi: "board" });
    this.bridge = this.newBridge();
    this.device.onOutput((out) => {
      if (out.t === "log") this.log.push(out.text);
      if (out.t === "mqtt_connect") {
        this.passwords.push(Buffer.from(out.pass).toString());
        o.note("MQTT", `pcs connects as ${out.client}`);
      }
      if (out.t === "mqtt_publish") o.note("MQTT", `pcs -> ${out.topic} ${Buffer.from(out.payload).toString()}`);
      if (out.t.startsWith("mqtt_")) this.bridge.handle(out);
    });
  }

  /** Powers on; a new PCS gets its serial (the factory's PROVISION). */
  async start(): Promise<{ firstPowerOn: boolean }> {
    const firstPowerOn = !existsSync(this.flashFile);
    await this.device.start();
    if (firstPowerOn) await this.device.service(provision(PCS_SERIAL));
    return { firstPowerOn };
  }

  /** The factory's MAINTENANCE op (§5): its status, null without an answer. */
  async maintenance(data: Uint8Array): Promise<number | null> { return this.serviceStatus(MAINTENANCE, maintenanceRequest(data)); }

  /** The partner's installer's INSTALL (§5): its status, null without an answer. */
  async install(i: Installation): Promise<number | null> { return this.serviceStatus(INSTALL, installRequest(i)); }

  /** Power cut between two events: the broker link goes down, then it boots. */
  async powerCycle(): Promise<void> {
    this.bridge.close();
    this.bridge = this.newBridge();
    await this.device.powerCycle();
  }

  async stop(): Promise<void> {
    await this.device.stop().catch(() => undefined);
    this.bridge.close();
  }

  private async serviceStatus(op: number, frame: Uint8Array): Promise<number | null> {
    const r = await this.device.service(frame);
    const a = r.outputs.find((x) => x.t === "link" && x.link === LinkId.SERVICE);
    return a && a.t === "link" ? answerStatus(op, a.data) : null;
  }

  private newBridge(): MqttBridge {
    const id = this.o.identity();
    const b = this.o.broker();
    return new MqttBridge({
      brokerUrl: b.url, ca: b.ca, clientCert: id.cert, clientKey: id.key,
      deliver: (ev) => { void this.device.deliver(ev); },
      log: (line) => this.o.note("MQTT", `pcs bridge: ${line}`),
    });
  }
}
