// The live home's one clock: device time runs `speed` times faster than the wall clock,
// and can be paused, stepped to the next timer of any device, or sped up while it runs.
// Every device of the home (and, through the lock, the cloud) reads it, so they pause and
// step together. Timers are kept here by due time; one wall-clock timeout waits for the
// earliest of them, and nothing runs while none is armed or the clock is paused.

type Task = () => void | Promise<void>;

export class LiveClock {
  /** The wall clock (UTC ms) at device time 0. */
  readonly originWallMs = Date.now();
  private baseSim = 0;
  private baseWall = this.originWallMs;
  private rate: number;
  private stopped = false;
  private seq = 0;
  private readonly tasks = new Map<number, { at: number; fire: Task }>();
  private wake: NodeJS.Timeout | null = null;
  private readonly listeners: (() => void)[] = [];

  constructor(speed = 1) { this.rate = checkedSpeed(speed); }

  get speed(): number { return this.rate; }
  get paused(): boolean { return this.stopped; }

  /** Device time in ms since the clock started. */
  now(): number { return this.stopped ? this.baseSim : this.baseSim + (Date.now() - this.baseWall) * this.rate; }

  /** Runs `fire` when device time reaches `at`. Returns an id for cancel(). */
  schedule(at: number, fire: Task): number {
    const id = ++this.seq;
    this.tasks.set(id, { at, fire });
    this.arm();
    return id;
  }

  cancel(id: number): void {
    if (this.tasks.delete(id)) this.arm();
  }

  setSpeed(speed: number): void {
    this.rebase();
    this.rate = checkedSpeed(speed);
    this.arm();
    this.changed();
  }

  setPaused(paused: boolean): void {
    if (paused === this.stopped) return;
    this.rebase();
    this.stopped = paused;
    this.arm();
    this.changed();
  }

  /** Paused only: moves time to the next timer of any device and runs every timer due
   *  then, each call awaited. The new time, or null when no timer is armed. */
  async step(): Promise<number | null> {
    if (!this.stopped) throw new Error("pause the clock before stepping it");
    const next = this.due(Infinity)[0];
    if (!next) return null;
    this.baseSim = Math.max(this.baseSim, next.at);
    for (const t of this.due(this.baseSim)) { this.tasks.delete(t.id); await t.fire(); }
    this.changed();
    return this.baseSim;
  }

  /** Told after every change of speed, pause or step. */
  onChange(l: () => void): void { this.listeners.push(l); }

  private changed(): void { for (const l of this.listeners) l(); }

  private rebase(): void {
    this.baseSim = this.now();
    this.baseWall = Date.now();
  }

  /** Tasks due at or before `at`, earliest first (then in the order they were set). */
  private due(at: number): { id: number; at: number; fire: Task }[] {
    const out: { id: number; at: number; fire: Task }[] = [];
    for (const [id, t] of this.tasks) if (t.at <= at) out.push({ id, ...t });
    return out.sort((a, b) => a.at - b.at || a.id - b.id);
  }

  private arm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    if (this.stopped || this.tasks.size === 0) return;
    let first = Infinity;
    for (const t of this.tasks.values()) first = Math.min(first, t.at);
    const delay = Math.ceil(Math.max(0, first - this.now()) / this.rate);
    this.wake = setTimeout(() => this.runDue(), Math.min(delay, 2 ** 31 - 1));
  }

  private runDue(): void {
    this.wake = null;
    for (const t of this.due(this.now())) { this.tasks.delete(t.id); void t.fire(); }
    this.arm();
  }
}

function checkedSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`a clock speed is a number above 0, not ${speed}`);
  return speed;
}
