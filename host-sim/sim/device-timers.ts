// A board's one-shot timers (ABI: timer_set / timer_cancel): one per id, re-arming an id
// replaces it, and none survives a power-on. Virtual time runs them on a Scheduler (one
// scheduler may carry a whole fleet's timers); real time on the wall clock, optionally
// sped up.
import type { Scheduler } from "./scheduler.ts";
import type { LiveClock } from "./live-clock.ts";

/** A LiveClock: the live home's shared clock (it can pause and step every device). */
export type TimerClock = { scheduler: Scheduler } | { realTimeSpeed: number } | { live: LiveClock };

export class DeviceTimers {
  private readonly armed = new Map<number, { task?: number; real?: NodeJS.Timeout; live?: number }>();

  constructor(private readonly clock: TimerClock) {}

  /** Arms timer `id`; `fire` runs when it falls due (and the timer is then disarmed). A
   *  `fire` that returns nothing runs without a promise. */
  arm(id: number, delayMs: number, fire: () => void | Promise<void>): void {
    this.cancel(id);
    const run = () => { this.armed.delete(id); return fire(); };
    if ("scheduler" in this.clock) {
      const s = this.clock.scheduler;
      this.armed.set(id, { task: s.schedule(s.nowMs + delayMs, run) });
    } else if ("live" in this.clock) {
      const c = this.clock.live;
      this.armed.set(id, { live: c.schedule(c.now() + delayMs, run) });
    } else {
      this.armed.set(id, { real: setTimeout(() => void run(), delayMs / this.clock.realTimeSpeed) });
    }
  }

  cancel(id: number): void {
    const t = this.armed.get(id);
    if (!t) return;
    if (t.task !== undefined && "scheduler" in this.clock) this.clock.scheduler.cancel(t.task);
    if (t.real) clearTimeout(t.real);
    if (t.live !== undefined && "live" in this.clock) this.clock.live.cancel(t.live);
    this.armed.delete(id);
  }

  /** Power loss: every timer is forgotten. */
  clear(): void { for (const id of [...this.armed.keys()]) this.cancel(id); }
}
