// The one way the simulation runs a device over time, on either host: powers it on (on
// one flash file, seed + k for power-on k), gives every call the device's clock, arms
// and cancels its timers, forgets them on power loss, counts flash operations over all
// power-ons and can cut power at the N-th of them, or keep it off while time passes
// (powerOff). Calls go one at a time, in the order they were asked for. The scenario
// runner and the simulated home are both built on it.
import { powerOn } from "./power-on.ts";
import { EventKind, type BoardEvent, type BoardTime, type DeviceHandle } from "./types.ts";
import { DeviceTimers } from "../sim/device-timers.ts";
import type { DeviceCall, DeviceRunnerOptions, DeviceState } from "./runner-types.ts";

export type * from "./runner-types.ts";

/** Why a device is down after the power cut its runner was asked for (cutAt). */
export const POWER_CUT = "power cut";
/** Why a device is down after powerOff(). */
export const POWER_OFF = "power off";

export class DeviceRunner {
  private device: DeviceHandle | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((c: DeviceCall) => void)[] = [];
  private readonly bootListeners: (() => void)[] = [];
  private readonly timers: DeviceTimers;
  private readonly realStart = Date.now();
  private down: string | null = "not booted yet";
  private bootAt = 0;
  private boots = 0;
  private opsBefore = 0;   // flash ops of earlier power-ons
  private opsNow = 0;      // flash ops of this power-on, as of the last call that returned
  private readonly counting: boolean;
  private erasesBefore: number[] = []; // erases per page of earlier power-ons

  constructor(readonly o: DeviceRunnerOptions) {
    this.counting = o.countFlashOps === true || o.cutAt !== undefined;
    const c = o.clock;
    this.timers = new DeviceTimers("scheduler" in c ? { scheduler: c.scheduler } : "live" in c ? { live: c.live } : { realTimeSpeed: c.speed });
  }

  /** Every call into the image, with what caused it, after its timers were followed. */
  onCall(l: (c: DeviceCall) => void): void { this.listeners.push(l); }

  /** Every power-on, before the board starts: the flash file is then as the new power-on
   *  finds it (the previous board closed and wrote it out), and no call has used it yet. */
  onPowerOn(l: () => void): void { this.bootListeners.push(l); }

  /** Time of the simulation in ms (virtual: the scheduler's clock). */
  simMs(): number {
    const c = this.o.clock;
    return "scheduler" in c ? c.scheduler.nowMs : "live" in c ? c.live.now() : (Date.now() - this.realStart) * c.speed;
  }

  /** What the board's clock says now: time since its power-on, and the wall clock. */
  boardTime(now = this.simMs()): BoardTime {
    const wall = this.o.wallStartMs === undefined || this.o.wallStartMs < 0 ? -1 : this.o.wallStartMs + now;
    const time: BoardTime = { nowMs: Math.floor(now - this.bootAt), wallMs: Math.floor(wall) };
    return this.o.meter ? { ...time, meter: this.o.meter.sample(this.worldUtc(now)) } : time;
  }

  /** The world's UTC for the load model (MeterFeed). */
  private worldUtc(simMs: number): number {
    const w = this.o.wallStartMs;
    return Math.floor(w === undefined || w < 0 ? simMs : w + simMs);
  }

  get state(): DeviceState { return this.down ? { up: false, why: this.down } : { up: true }; }

  /** Power fails (if it is on) and comes back: RAM and timers are lost, fw_boot runs. */
  powerOn(startedMs = 0): Promise<DeviceCall> { return this.enqueue(() => this.powerOnNow(startedMs)); }

  /** Power fails and stays off until powerOn(): RAM and timers are lost, and events and
   *  time pass without it (a cut that spans a meter's boundary, say). */
  powerOff(): Promise<void> {
    return this.enqueue(async () => {
      const old = this.device;
      this.device = null;
      this.down = POWER_OFF;
      this.timers.clear();
      if (old) this.erasesBefore = addPages(this.erasesBefore, await erasesOf(old));
      await old?.close();
    });
  }

  /** One event; null (and nothing happens) while the device is down. */
  deliver(ev: BoardEvent): Promise<DeviceCall | null> { return this.enqueue(() => this.call(ev, "input")); }

  /** Flash operations (writes + erases) over every power-on so far. */
  flashOps(): number { return this.opsBefore + this.opsNow; }

  /** Erases per page over every power-on of this runner (the flash view's wear). */
  wear(): Promise<number[]> {
    return this.enqueue(async () => addPages(this.erasesBefore, this.device && !this.down ? await erasesOf(this.device) : []));
  }

  /** Waits for the calls asked for so far. */
  idle(): Promise<void> { return this.chain.then(() => undefined); }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    this.timers.clear();
    const d = this.device;
    this.device = null;
    this.down = "closed";
    await d?.close();
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const p = this.chain.then(job);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** `startedMs`: the board's clock reads this at fw_boot, as if power came that long before
   *  (a replay of a board that took that long to start). */
  private async powerOnNow(startedMs = 0): Promise<DeviceCall> {
    const old = this.device;
    this.device = null;
    if (old) {
      // A panicked posix board has exited: its last call's ops are then not counted.
      if (this.counting && this.down !== POWER_CUT) this.opsNow = await old.flashStats().then((st) => st.ops, () => this.opsNow);
      this.erasesBefore = addPages(this.erasesBefore, await erasesOf(old));
      await old.close();
    }
    this.opsBefore += this.opsNow;
    this.opsNow = 0;
    this.timers.clear(); // timers do not survive power loss
    for (const l of this.bootListeners) l();
    this.bootAt = this.simMs() - startedMs;
    const seed = (this.o.seed ?? 0) + this.boots++;
    const remaining = this.o.cutAt === undefined ? undefined : this.o.cutAt - this.opsBefore;
    this.device = await powerOn(this.o.host, {
      image: this.o.image, flashFile: this.o.flashFile, pages: this.o.pages, seed, keySeed: this.o.keySeed,
      ...(remaining !== undefined && remaining >= 1 ? { cutAt: remaining, cutKeep: this.o.cutKeep } : {}),
    });
    this.down = null;
    const simMs = this.simMs();
    const time = this.boardTime(simMs);
    const r = await this.device.boot(time);
    return this.follow({ input: { call: "boot", seed }, cause: "input", time, simMs, ...r });
  }

  private async call(ev: BoardEvent, cause: DeviceCall["cause"]): Promise<DeviceCall | null> {
    if (!this.device || this.down) return null;
    // The call's time is the time it started at (on a real clock the call itself takes some).
    const simMs = this.simMs();
    const time = this.boardTime(simMs);
    const r = await this.device.event(time, ev);
    const payload = ev.payload ?? new Uint8Array(0);
    return this.follow({ input: { call: "event", kind: ev.kind, arg: ev.arg, payload }, cause, time, simMs, ...r });
  }

  /** Follows a call's timers and its fate (panic, power cut), then tells the listeners. */
  private async follow(c: DeviceCall): Promise<DeviceCall> {
    this.o.meter?.observe(c.outputs, this.worldUtc(c.simMs));
    for (const o of c.outputs) {
      if (o.t === "timer_set" && this.o.followTimers !== false) this.timers.arm(o.id, o.delayMs, async () => { await this.enqueue(() => this.call({ kind: EventKind.TIMER, arg: o.id }, "timer")); });
      else if (o.t === "timer_cancel") this.timers.cancel(o.id);
      else if (o.t === "power_cut") { this.down = POWER_CUT; this.opsNow = o.op; }
      else if (o.t === "panic") this.down = "panicked";
    }
    if (c.result !== null && this.counting) this.opsNow = (await this.device!.flashStats()).ops;
    if (c.result === null) {
      this.timers.clear();
      this.down ??= "stopped";
    }
    for (const l of this.listeners) l(c);
    // A power cut set up by cutAt ends the run; any other death is a watchdog's business.
    if (c.result === null && this.down !== POWER_CUT && this.o.restartAfterFailure) void this.powerOn();
    return c;
  }
}

/** A board's erases per page this power-on; none from a board that died (a panicked
 *  posix process answers nothing). */
function erasesOf(d: DeviceHandle): Promise<number[]> {
  return d.flashStats().then((st) => st.erasesPerPage, () => []);
}

function addPages(a: readonly number[], b: readonly number[]): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}
