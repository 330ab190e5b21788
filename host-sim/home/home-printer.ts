// The printer in the simulated home (seed 001): the device on its host, its MQTT bridge
// behind the home router (no broker before it joined the router itself), and each
// person's two printer apps on the home's radios.
import type { HomeFlow } from "./world.ts";
import { logLine, mqttConnect, mqttPublish } from "./flow-messages.ts";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { HomeDevice } from "./home-device.ts";
import type { LiveClock } from "../sim/live-clock.ts";
import type { Airspace } from "../radio/index.ts";
import type { HomeRouter } from "./router.ts";
import { appRadio } from "./app-radio.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import type { HostName } from "../device/power-on.ts";
import type { KeyAndCert } from "../net/pki.ts";
import { provision } from "../clients/service-port.ts";
import { appliance } from "../appliances/index.ts";
import type { PrinterPhone } from "../appliances/printer/phone-actions.ts";
import { PrinterManageApp } from "../phone/printer/manage-app.ts";
import { PrintApp } from "../phone/printer/print-app.ts";
import type { PrinterCloudApi } from "../phone/printer/cloud.ts";
import { seededRandom } from "../phone/seeded-random.ts";

export const PRINTER = "printer";
export const PRINTER_APPLIANCE = appliance("printer");

export interface HomePrinterOptions {
  host: HostName;
  dataDir: string;
  clock: "real" | "virtual";
  speed?: number;
  /** The home's shared clock (real clock only). */
  live?: LiveClock;
  air: Airspace;
  lan: HomeRouter;
  routerSsid: string;
  identity: () => KeyAndCert;
  broker: () => { url: string; ca: string };
  note: (via: "MQTT" | "HOME", text: string) => void;
  /** Where its messages go (the Home): MQTT logins and publishes, secrets masked. */
  flow: HomeFlow;
}

export class HomePrinter {
  readonly device: HomeDevice;
  /** Everything the printer logged (tests look for secrets in it). */
  readonly log: string[] = [];
  /** Every device password it logged in with. */
  readonly passwords: string[] = [];
  private bridge: MqttBridge;
  private readonly flashFile: string;

  constructor(private readonly o: HomePrinterOptions) {
    this.flashFile = join(o.dataDir, "devices", "printer.flash");
    this.device = new HomeDevice({ name: PRINTER, host: o.host, image: PRINTER_APPLIANCE.image, flashFile: this.flashFile,
      clock: o.clock, speed: o.speed, live: o.live, wallStartMs: o.live?.originWallMs ?? Date.now(), seed: 2 });
    // On the air before its first boot; its firmware joins the router itself.
    o.air.attach(this.device, { wifi: "image" });
    this.bridge = this.newBridge();
    this.device.onOutput((out) => {
      if (out.t === "log") this.log.push(out.text);
      if (out.t === "mqtt_connect") {
        this.passwords.push(Buffer.from(out.pass).toString());
        o.flow.message(mqttConnect(PRINTER, out.client, o.air.isOnLan(PRINTER) ? "" : " (not on the home network: no route to the broker)"));
      }
      if (out.t === "mqtt_publish") o.flow.message(mqttPublish(PRINTER, "broker", out.topic, out.payload, o.flow.secrets));
      if (out.t.startsWith("mqtt_")) this.bridge.handle(out);
    });
    // Leaving the router drops the broker connection with it.
    o.air.onStation((d, onLan) => { if (d === PRINTER && !onLan) this.bridge.networkDown(); });
  }

  async start(): Promise<void> {
    const first = !existsSync(this.flashFile);
    await this.device.start();
    if (first) await this.device.service(provision(PRINTER_APPLIANCE.serial!));
  }

  /** Power cut between two events: the broker link goes down, the radios forget their
   *  group and association at the boot (the air sees it), then it boots. */
  async powerCycle(): Promise<void> {
    this.bridge.close();
    this.bridge = this.newBridge();
    await this.device.powerCycle();
  }

  async stop(): Promise<void> {
    await this.device.stop().catch(() => undefined);
    this.bridge.close();
  }

  /** A person's management and print apps for this printer. */
  phone(name: string, cloud: PrinterCloudApi, seeded: boolean, askRouterKey: (attempt: number) => Promise<string | null>): PrinterPhone {
    const radio = appRadio(this.o.air.phone(name), this.o.lan, this.o.routerSsid);
    const note = (s: string) => this.o.note("HOME", s);
    // What the apps hold survives a restart of the home (erased by --fresh).
    const kept = (app: string) => join(this.o.dataDir, "phones", name, `${app}.json`);
    return {
      device: PRINTER,
      manage: new PrinterManageApp({ name, radio, cloud, askRouterKey, note, random: seeded ? seededRandom(`${name}-printer-manage`) : undefined, stateFile: kept("printer-manage-app") }),
      print: new PrintApp({ name, radio, note, random: seeded ? seededRandom(`${name}-printer-print`) : undefined, stateFile: kept("printer-print-app") }),
    };
  }

  private newBridge(): MqttBridge {
    const id = this.o.identity();
    const b = this.o.broker();
    return new MqttBridge({
      brokerUrl: b.url, ca: b.ca, clientCert: id.cert, clientKey: id.key,
      // Off the home router there is no route to the broker.
      reachable: () => this.o.air.isOnLan(PRINTER),
      deliver: (ev) => { void this.device.deliver(ev); },
      log: (line) => this.o.flow.message(logLine("MQTT", "printer", `printer bridge: ${line}`)),
    });
  }
}
