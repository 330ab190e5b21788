// npm run bench takes many minutes (node under valgrind above all) and its report comes at
// the end: this says up front how long it should take, which part is running (i of n),
// and how long each took. The estimate is each part's time in the last run on this machine
// (build/bench/timings.json); a part never run here uses a rough figure for a 2-core
// machine, and says so. Progress goes to stderr: stdout stays the report.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export interface BenchPart {
  key: string;
  title: string;
  /** Seconds on a 2-core machine, a rough figure, when no earlier run was timed here. */
  roughS: number;
}

const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

export function formatDuration(s: number): string {
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  const m = Math.floor(r / 60), rest = r % 60;
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}

export class BenchProgress {
  private readonly last: Record<string, number>;
  private readonly took: Record<string, number> = {};
  private readonly started = Date.now();

  constructor(private readonly file: string, private readonly parts: readonly BenchPart[]) {
    let last: Record<string, number> = {};
    try { if (existsSync(file)) last = JSON.parse(readFileSync(file, "utf8")) as Record<string, number>; } catch { /* no usable record: rough figures */ }
    this.last = last;
  }

  private estimate(p: BenchPart): { s: number; measured: boolean } {
    const t = this.last[p.key];
    return typeof t === "number" && t >= 0 ? { s: t, measured: true } : { s: p.roughS, measured: false };
  }

  /** The plan: every part and its estimate, and the total. */
  announce(): void {
    const all = this.parts.map((p) => ({ p, ...this.estimate(p) }));
    const total = all.reduce((a, e) => a + e.s, 0);
    const rough = all.filter((e) => !e.measured).length;
    const basis = rough === 0 ? "from the last run on this machine"
      : rough === all.length ? "a rough figure for a 2-core machine; the next run estimates from this one's times"
      : `${rough} of them rough: not run here before`;
    say(`${all.length} parts, about ${formatDuration(total)} in all (${basis}):`);
    all.forEach((e, i) => say(`  ${i + 1}. ${e.p.title} (about ${formatDuration(e.s)}${e.measured ? "" : ", rough"})`));
  }

  /** Runs one part, saying when it starts and how long it took. */
  async part<T>(key: string, f: () => Promise<T>): Promise<T> {
    const i = this.parts.findIndex((p) => p.key === key);
    if (i < 0) throw new Error(`bench part ${key} is not in the plan`);
    const p = this.parts[i];
    say(`[${i + 1}/${this.parts.length}] ${p.title} (about ${formatDuration(this.estimate(p).s)})`);
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      const s = (Date.now() - t0) / 1000;
      this.took[key] = s;
      say(`[${i + 1}/${this.parts.length}] ${p.title}: ${formatDuration(s)} (${formatDuration((Date.now() - this.started) / 1000)} so far)`);
    }
  }

  /** A step inside a part (k of n), e.g. one valgrind run among many. */
  step(k: number, n: number, what: string): void { say(`  ${k}/${n} ${what}`); }

  /** The total, and this run's times kept for the next estimate. */
  finish(): number {
    const s = (Date.now() - this.started) / 1000;
    const planned = this.parts.reduce((a, p) => a + this.estimate(p).s, 0);
    say(`done in ${formatDuration(s)} (estimated ${formatDuration(planned)})`);
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify({ ...this.last, ...this.took }, null, 1));
    return s;
  }
}
