// Simulated time: a virtual millisecond clock and a queue of things due at given times.
// It never reads the wall clock, so a run is a pure function of its inputs; an interactive
// caller that wants real-time pacing passes `pace` and does its own awaiting there.

export type Task = () => void | Promise<void>;

export interface RunOptions {
  /** Called before the clock moves from `fromMs` to `toMs`, e.g. to await a setTimeout of
   *  (toMs - fromMs) / speed for a live demo. Never called by the scheduler's own logic. */
  pace?: (fromMs: number, toMs: number) => Promise<void>;
}

interface Entry { at: number; seq: number; id: number; fn: Task }

export class Scheduler {
  private clock = 0;
  private seq = 0;
  private entries: Entry[] = [];

  get nowMs(): number { return this.clock; }
  get pending(): number { return this.entries.length; }

  /** Runs `fn` when the clock reaches atMs (not before now). Same-time tasks run in the
   *  order they were scheduled. Returns an id for cancel(). */
  schedule(atMs: number, fn: Task): number {
    const id = ++this.seq;
    this.entries.push({ at: Math.max(atMs, this.clock), seq: id, id, fn });
    this.entries.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return id;
  }

  cancel(id: number): boolean {
    const n = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== n;
  }

  clear(): void { this.entries = []; }

  /** The time of the next task, or null if none is queued. */
  nextAt(): number | null { return this.entries[0]?.at ?? null; }

  /** Runs every task due at or before `ms` in time order (tasks may schedule more), then
   *  leaves the clock at `ms`. Returns how many tasks ran. */
  async runUntil(ms: number, opts: RunOptions = {}): Promise<number> {
    let ran = 0;
    for (;;) {
      const e = this.entries[0];
      if (!e || e.at > ms) break;
      await this.moveTo(e.at, opts);
      this.entries.shift();
      await e.fn();
      ran++;
    }
    await this.moveTo(Math.max(ms, this.clock), opts);
    return ran;
  }

  /** Runs tasks until none is left, at most `maxTasks` of them and none later than
   *  `maxMs` (a guard against a timer that re-arms itself forever). */
  async runUntilIdle(bound: { maxTasks?: number; maxMs?: number } = {}, opts: RunOptions = {}): Promise<number> {
    const maxTasks = bound.maxTasks ?? 10_000;
    let ran = 0;
    while (ran < maxTasks) {
      const e = this.entries[0];
      if (!e || (bound.maxMs !== undefined && e.at > bound.maxMs)) break;
      await this.moveTo(e.at, opts);
      this.entries.shift();
      await e.fn();
      ran++;
    }
    return ran;
  }

  private async moveTo(ms: number, opts: RunOptions): Promise<void> {
    if (ms > this.clock && opts.pace) await opts.pace(this.clock, ms);
    this.clock = Math.max(this.clock, ms);
  }
}
