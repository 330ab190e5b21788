// The smart meter in the simulated home (seed 003, issue 10): the device on its host with
// its metering front end fed by the home's load (BoardTime.meter on every call), its
// three-slot card reader, its place on the home LAN (UDP, ECHONET Lite for the HEMS) and
// its MQTT bridge to the head-end. Its Wi-Fi is board configuration: a meter is wired
// into the home network by its installer, not paired by a resident.
import { join } from "node:path";
import { existsSync } from "node:fs";
import { HomeDevice } from "./home-device.ts";
import type { LiveClock } from "../sim/live-clock.ts";
import { MqttBridge } from "../bridge/mqtt-bridge.ts";
import { CardReader } from "../card/index.ts";
import { provision } from "../clients/service-port.ts";
import type { HostName } from "../device/power-on.ts";
import { EventKind, LinkId, Pin } from "../device/types.ts";
import type { MeterFeed } from "../device/runner-types.ts";
import type { UdpSegment } from "../lan/index.ts";
import type { KeyAndCert } from "../net/pki.ts";
import { METER_SERIAL, breakerOf } from "../appliances/meter/panel.ts";
import { installRequest, installStatus, type Installation } from "../appliances/meter/install.ts";

export const METER = "meter";

export interface HomeMeterOptions {
  host: HostName;
  dataDir: string;
  clock: "real" | "virtual";
  speed?: number;
  /** The home's shared clock (real clock only). */
  live?: LiveClock;
  /** The wall clock at simulated time 0 (UTC ms): the board's clock and the load's. */
  wallStartMs: number;
  /** Its image: "meter" unless a test gives another. */
  image?: string;
  lan: UdpSegment;
  /** The home's electricity as the meter's front end sees it (host-sim/meter-model): it
   *  is sampled for every call and follows the breaker pin. */
  load: MeterFeed;
  identity: () => KeyAndCert;
  broker: () => { url: string; ca: string };
  note: (via: "MQTT" | "HOME", text: string) => void;
}

export class HomeMeter {
  readonly device: HomeDevice;
  readonly cards: CardReader;
  /** Everything the meter logged (tests look for secrets in it). */
  readonly log: string[] = [];
  /** Every device password it logged in with. */
  readonly passwords: string[] = [];
  private bridge: MqttBridge;
  private readonly flashFile: string;
  /** The breaker pin as last driven (the image drives it again at every boot). */
  private breakerLevel = -1;

  constructor(private readonly o: HomeMeterOptions) {
    this.flashFile = join(o.dataDir, "devices", "meter.flash");
    this.device = new HomeDevice({ name: METER, host: o.host, image: o.image ?? "meter", flashFile: this.flashFile,
      clock: o.clock, speed: o.speed, live: o.live, wallStartMs: o.wallStartMs, seed: 3, meter: o.load });
    this.cards = new CardReader((frame) => this.device.deliver({ kind: EventKind.LINK, arg: LinkId.CARD, payload: frame }));
    o.lan.attach(this.device);
    this.bridge = this.newBridge();
    this.device.onOutput((out) => {
      if (out.t === "log") this.log.push(out.text);
      if (out.t === "gpio" && out.pin === Pin.BREAKER && out.level !== this.breakerLevel) {
        this.breakerLevel = out.level;
        o.note("HOME", `meter breaker ${out.level === 1 ? "closed (supply on)" : "open (supply off)"}`);
      }
      if (out.t === "link" && out.link === LinkId.CARD) void this.cards.onOutput(out);
      if (out.t === "mqtt_connect") {
        this.passwords.push(Buffer.from(out.pass).toString());
        o.note("MQTT", `meter connects as ${out.client}`);
      }
      if (out.t === "mqtt_publish") o.note("MQTT", `meter -> ${out.topic} ${Buffer.from(out.payload).toString()}`);
      if (out.t.startsWith("mqtt_")) this.bridge.handle(out);
    });
  }

  get breaker() { return breakerOf(this.device); }

  async start(): Promise<void> {
    const first = !existsSync(this.flashFile);
    await this.device.start();
    if (first) await this.device.service(provision(METER_SERIAL));
  }

  /** The installer writes the meter code and the head-end registration (INSTALL). Its
   *  status (PROTOCOL.md §2), or null when the meter gave no answer. */
  async install(i: Installation): Promise<number | null> {
    const r = await this.device.service(installRequest(i));
    const answer = r.outputs.find((x) => x.t === "link" && x.link === LinkId.SERVICE);
    return answer && answer.t === "link" ? installStatus(answer.data) : null;
  }

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

  private newBridge(): MqttBridge {
    const id = this.o.identity();
    const b = this.o.broker();
    return new MqttBridge({
      brokerUrl: b.url, ca: b.ca, clientCert: id.cert, clientKey: id.key,
      deliver: (ev) => { void this.device.deliver(ev); },
      log: (line) => this.o.note("MQTT", `meter bridge: ${line}`),
    });
  }
}
