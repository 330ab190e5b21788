// One appliance in the simulated home, on either host, run by the device runner: what a
// person sees of it (screen, pins, log), its buttons and links, and a watchdog that
// powers it on again after a panic. Time is virtual (tests move it with advance) or real
// (the live home, optionally faster than real time).
import type { HostName } from "../device/power-on.ts";
import { DeviceRunner, type DeviceCall, type DeviceRunnerOptions, type DeviceState } from "../device/device-runner.ts";
import { EventKind, LinkId, type BoardEvent, type BoardOutput, type CallResult } from "../device/types.ts";
import { Scheduler } from "../sim/scheduler.ts";
import { DeviceConsole } from "./device-console.ts";
import type { LiveClock } from "../sim/live-clock.ts";

export interface HomeDeviceOptions {
  name: string;
  host: HostName;
  image: string;
  flashFile: string;
  pages?: number;
  seed?: number;
  /** "virtual": time moves only with advance(); "real": timers fire on the wall clock. */
  clock: "virtual" | "real";
  /** Real clock only: device time runs this many times faster than real time. */
  speed?: number;
  /** Real clock only: the home's shared clock (then `speed` is its own). */
  live?: LiveClock;
  /** Wall clock the board knows at virtual time 0 (UTC ms), or -1. */
  wallStartMs?: number;
  /** (ABI v1.3) What the board's measure() reads at each call (DeviceRunnerOptions.meter). */
  meter?: DeviceRunnerOptions["meter"];
}

export type OutputListener = (o: BoardOutput, device: HomeDevice) => void;

const NOT_RUN: CallResult = { outputs: [], result: null };

export class HomeDevice {
  screen = "";
  readonly pins = new Map<number, number>();
  /** Input pins as last changed (GPIO events: the lock's door sensor). */
  readonly inputs = new Map<number, number>();
  /** Its MQTT link as the board last told it: asked for (connecting), then MQTT_STATE's
   *  connected, lost or refused (with the refusal's code); none since its last boot. */
  mqtt: "none" | "connecting" | "connected" | "lost" | { refused: number } = "none";
  readonly log: { level: number; text: string }[] = [];
  /** Its firmware console: log lines and panics in device time (the page's console). */
  readonly console: DeviceConsole;
  private readonly listeners: OutputListener[] = [];
  private readonly sim = new Scheduler();
  private readonly runner: DeviceRunner;

  constructor(readonly o: HomeDeviceOptions) {
    this.console = new DeviceConsole(o.name);
    this.runner = new DeviceRunner({
      host: o.host, image: o.image, flashFile: o.flashFile, pages: o.pages, seed: o.seed, wallStartMs: o.wallStartMs, meter: o.meter,
      clock: o.clock === "virtual" ? { scheduler: this.sim } : o.live ? { live: o.live } : { speed: o.speed ?? 1 },
      restartAfterFailure: true,
    });
    this.runner.onCall((c) => this.show(c));
  }

  onOutput(l: OutputListener): void { this.listeners.push(l); }
  /** Every call into the image with its cause (the radio model routes answers by it). */
  onCall(l: (c: DeviceCall) => void): void { this.runner.onCall(l); }

  /** Every power-on, before fw_boot, the flash file as it finds it (the recorder's start). */
  onPowerOn(l: () => void): void { this.runner.onPowerOn(l); }

  /** Up, or down and why (booting, power off, panicked). */
  get state(): DeviceState { return this.runner.state; }

  /** Device time in ms since the simulation started. */
  simMs(): number { return this.runner.simMs(); }

  start(): Promise<CallResult> { return this.runner.powerOn(); }

  /** Power fails between two events, then comes back: RAM and timers are lost. */
  powerCycle(): Promise<CallResult> { return this.runner.powerOn(); }

  /** Power fails and stays off (time passes without the device) until powerCycle(). */
  powerOff(): Promise<void> { return this.runner.powerOff(); }

  async deliver(ev: BoardEvent): Promise<CallResult> {
    for (const l of this.deliveries) l(ev);
    return (await this.runner.deliver(ev)) ?? NOT_RUN;
  }

  /** Every event given to the device, when it is given (before the device handles it). */
  onDeliver(l: (ev: BoardEvent) => void): void { this.deliveries.push(l); }
  private readonly deliveries: ((ev: BoardEvent) => void)[] = [];

  press(button: number) { return this.deliver({ kind: EventKind.BUTTON, arg: button }); }
  lan(frame: Uint8Array) { return this.deliver({ kind: EventKind.LINK, arg: LinkId.LAN, payload: frame }); }
  service(frame: Uint8Array) { return this.deliver({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame }); }

  /** Virtual clock: moves time, firing timers as they fall due (each one's event is
   *  handled before the next timer is looked at). */
  async advance(ms: number): Promise<void> {
    await this.runner.idle();
    await this.sim.runUntil(this.sim.nowMs + ms);
  }

  stop(): Promise<void> { return this.runner.close(); }

  /** Erases per page since the simulation started (every power-on of this device; a posix
   *  board that panicked takes its last power-on's count with it). */
  wear(): Promise<number[]> { return this.runner.wear(); }

  private show(c: DeviceCall): void {
    this.console.take(c);
    const i = c.input;
    if (i.call === "boot") this.mqtt = "none";
    else if (i.kind === EventKind.MQTT_STATE) this.mqtt = i.arg === 1 ? "connected" : i.arg === 0 ? "lost" : { refused: i.arg };
    else if (i.kind === EventKind.GPIO) this.inputs.set(i.arg & 0xff, (i.arg >> 8) & 1);
    for (const o of c.outputs) {
      if (o.t === "mqtt_connect") this.mqtt = "connecting";
      if (o.t === "display") this.screen = o.text;
      else if (o.t === "gpio") this.pins.set(o.pin, o.level);
      else if (o.t === "log") this.log.push({ level: o.level, text: o.text });
      for (const l of this.listeners) l(o, this);
    }
  }
}
