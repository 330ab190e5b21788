// Simulated time: a virtual millisecond clock and a queue of things due at given times.
// It never reads the wall clock, so a run is a pure function of its inputs; an interactive
// caller that wants real-time pacing passes `pace` and does its own awaiting there.
//
// One scheduler can carry every device of a fleet: the queue is a binary heap ordered by
// (time, order of scheduling), so setting, cancelling and firing a timer cost O(log n)
// whatever the number of devices. A task that returns nothing runs without any promise:
// only a task that returns one (or a pace) is awaited.

export type Task = () => void | Promise<void>;

export interface RunOptions {
  /** Called before the clock moves from `fromMs` to `toMs`, e.g. to await a setTimeout of
   *  (toMs - fromMs) / speed for a live demo. Never called by the scheduler's own logic. */
  pace?: (fromMs: number, toMs: number) => Promise<void>;
}

interface Entry { at: number; seq: number; fn: Task | null }

const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class Scheduler {
  private clock = 0;
  private seq = 0;
  private heap: Entry[] = [];
  /** Queued tasks by id; a cancelled one leaves the map at once and the heap lazily. */
  private readonly live = new Map<number, Entry>();

  get nowMs(): number { return this.clock; }
  get pending(): number { return this.live.size; }

  /** Runs `fn` when the clock reaches atMs (not before now). Same-time tasks run in the
   *  order they were scheduled. Returns an id for cancel(). */
  schedule(atMs: number, fn: Task): number {
    const e: Entry = { at: Math.max(atMs, this.clock), seq: ++this.seq, fn };
    this.live.set(e.seq, e);
    this.push(e);
    return e.seq;
  }

  cancel(id: number): boolean {
    const e = this.live.get(id);
    if (!e) return false;
    e.fn = null;
    this.live.delete(id);
    // Cancelled entries are dropped when they reach the top; a heap mostly made of them
    // is rebuilt so that re-arming timers forever does not grow it.
    if (this.heap.length > 64 && this.heap.length > 4 * this.live.size) this.rebuild();
    return true;
  }

  clear(): void { this.heap = []; this.live.clear(); }

  /** The time of the next task, or null if none is queued. */
  nextAt(): number | null { return this.top()?.at ?? null; }

  /** Runs every task due at or before `ms` in time order (tasks may schedule more), then
   *  leaves the clock at `ms`. Returns how many tasks ran. */
  async runUntil(ms: number, opts: RunOptions = {}): Promise<number> {
    let ran = 0;
    for (let e = this.top(); e && e.at <= ms; e = this.top()) {
      if (opts.pace && e.at > this.clock) await opts.pace(this.clock, e.at);
      const r = this.runNext(e.at);
      if (r) await r;
      ran++;
    }
    if (ms > this.clock && opts.pace) await opts.pace(this.clock, ms);
    this.clock = Math.max(this.clock, ms);
    return ran;
  }

  /** Runs tasks until none is left, at most `maxTasks` of them and none later than
   *  `maxMs` (a guard against a timer that re-arms itself forever). */
  async runUntilIdle(bound: { maxTasks?: number; maxMs?: number } = {}, opts: RunOptions = {}): Promise<number> {
    const maxTasks = bound.maxTasks ?? 10_000;
    let ran = 0;
    for (let e = this.top(); e && ran < maxTasks && !(bound.maxMs !== undefined && e.at > bound.maxMs); e = this.top()) {
      if (opts.pace && e.at > this.clock) await opts.pace(this.clock, e.at);
      const r = this.runNext(e.at);
      if (r) await r;
      ran++;
    }
    return ran;
  }

  // Moves the clock to `at` and runs the first task queued (a pace may have let an earlier
  // one in); returns its promise if it made one.
  private runNext(at: number): void | Promise<void> {
    this.clock = Math.max(this.clock, at);
    const e = this.top();
    if (!e) return;
    this.pop();
    this.live.delete(e.seq);
    return e.fn!();
  }

  private top(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0].fn === null) this.pop();
    return this.heap[0];
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.push(e) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }

  private rebuild(): void {
    const kept = this.heap.filter((e) => e.fn !== null);
    this.heap = [];
    for (const e of kept) this.push(e);
  }
}
