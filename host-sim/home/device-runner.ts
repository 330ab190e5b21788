// One appliance in the simulated world, on either host: delivers events one at a time,
// keeps its clock and timers, reboots it after a power cut or panic, and hands its
// outputs to the world (screen, relay, LAN, MQTT, log). Time is virtual (tests move it
// with advance) or real (the live home, optionally faster than real time).
import { powerOn, type HostName } from "../device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardOutput, type CallResult, type DeviceHandle } from "../device/types.ts";
import { Scheduler } from "../sim/scheduler.ts";
import { DeviceTimers } from "../sim/device-timers.ts";

export interface DeviceRunnerOptions {
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
  /** Wall clock the board knows at virtual time 0 (UTC ms), or -1. */
  wallStartMs?: number;
}

export type OutputListener = (o: BoardOutput, runner: DeviceRunner) => void;

export class DeviceRunner {
  screen = "";
  readonly pins = new Map<number, number>();
  readonly log: { level: number; text: string }[] = [];
  private device: DeviceHandle | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners: OutputListener[] = [];
  private readonly sim = new Scheduler();
  private readonly timers: DeviceTimers;
  private bootAt = 0;
  private boots = 0;
  private realStart = 0;

  constructor(readonly o: DeviceRunnerOptions) {
    this.timers = new DeviceTimers(o.clock === "virtual" ? { scheduler: this.sim } : { realTimeSpeed: o.speed ?? 1 });
  }

  onOutput(l: OutputListener): void { this.listeners.push(l); }

  /** Device time in ms since the simulation started. */
  simMs(): number {
    return this.o.clock === "virtual" ? this.sim.nowMs : (Date.now() - this.realStart) * (this.o.speed ?? 1);
  }

  async start(): Promise<CallResult> {
    this.realStart = Date.now();
    return this.powerOn();
  }

  /** Power fails between two events, then comes back: RAM and timers are lost. */
  powerCycle(): Promise<CallResult> {
    return this.enqueue(async () => {
      await this.device?.close();
      this.device = null;
      return this.bootNow();
    });
  }

  deliver(ev: BoardEvent): Promise<CallResult> {
    return this.enqueue(() => this.call(ev));
  }

  press(button: number) { return this.deliver({ kind: EventKind.BUTTON, arg: button }); }
  lan(frame: Uint8Array) { return this.deliver({ kind: EventKind.LINK, arg: LinkId.LAN, payload: frame }); }
  service(frame: Uint8Array) { return this.deliver({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame }); }

  /** Virtual clock: moves time, firing timers as they fall due (each one's event is
   *  handled before the next timer is looked at). */
  async advance(ms: number): Promise<void> {
    await this.chain;
    await this.sim.runUntil(this.sim.nowMs + ms);
  }

  async stop(): Promise<void> {
    await this.chain.catch(() => undefined);
    this.timers.clear();
    await this.device?.close();
    this.device = null;
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const p = this.chain.then(job);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private powerOn(): Promise<CallResult> { return this.enqueue(() => this.bootNow()); }

  private async bootNow(): Promise<CallResult> {
    this.timers.clear();
    this.device = await powerOn(this.o.host, {
      image: this.o.image, flashFile: this.o.flashFile, pages: this.o.pages, seed: (this.o.seed ?? 0) + this.boots++,
    });
    this.bootAt = this.simMs();
    const r = await this.device.boot(this.time());
    this.handle(r);
    return r;
  }

  private async call(ev: BoardEvent): Promise<CallResult> {
    if (!this.device) return { outputs: [], result: null };
    const r = await this.device.event(this.time(), ev);
    this.handle(r);
    return r;
  }

  private time() {
    const now = this.simMs();
    const wall = this.o.wallStartMs === undefined || this.o.wallStartMs < 0 ? -1 : this.o.wallStartMs + now;
    return { nowMs: Math.floor(now - this.bootAt), wallMs: Math.floor(wall) };
  }

  private handle(r: CallResult): void {
    for (const o of r.outputs) {
      if (o.t === "display") this.screen = o.text;
      else if (o.t === "gpio") this.pins.set(o.pin, o.level);
      else if (o.t === "log") this.log.push({ level: o.level, text: o.text });
      else if (o.t === "timer_set") this.timers.arm(o.id, o.delayMs, async () => { await this.deliver({ kind: EventKind.TIMER, arg: o.id }); });
      else if (o.t === "timer_cancel") this.timers.cancel(o.id);
      for (const l of this.listeners) l(o, this);
    }
    if (r.result === null) {
      // The board died (panic or power cut inside a flash write): a watchdog restarts it.
      const old = this.device;
      this.device = null;
      void this.enqueue(async () => { await old?.close(); return this.bootNow(); });
    }
  }
}
