// The fuzzing loop for one entry point on one board, and its three verdicts:
//  crash         the call never returned (trap, panic): the board went down
//  hang          the call did not return in time (a native board: its answer timeout;
//                TypeScript: the watchdog outside the worker, run.ts)
//  state change  the input was refused with an error code, yet flash bytes or the
//                screen changed (rule: bad input gets an error code and changes nothing)
import { Buffer } from "node:buffer";
import type { BoardEvent } from "../../host-sim/device/types.ts";
import { Driver, Hang } from "./driver.ts";
import type { EntryPoint } from "./entry-point.ts";
import { Rng } from "./random.ts";

export type Verdict = "crash" | "hang" | "state change";
export interface Finding { entry: string; host: string; index: number; verdict: Verdict; detail: string; input: string }

/** Shared with a watchdog: [input being run, heartbeat, native board pid]. */
export const PROGRESS_SLOTS = 3;

export function describeInput(ev: BoardEvent): string {
  const p = ev.payload ? Buffer.from(ev.payload) : null;
  return `kind ${ev.kind} arg ${ev.arg}` + (p ? ` payload[${p.length}] ${p.subarray(0, 48).toString("hex")}${p.length > 48 ? "..." : ""}` : "");
}

export interface LoopOptions {
  entry: EntryPoint;
  driver: Driver;
  seed: number;
  from: number;
  to: number;
  progress?: Int32Array;
  report(f: Finding): void;
  /** Told each input just before it is delivered (a watchdog can then name it). */
  judging?(index: number, input: string): void;
  /** Told every input's result code (null: the board went down or hung), by input
   *  number: engines given the same seed must agree on each (run.ts, the tests). */
  result?(index: number, code: number | null): void;
}

export async function fuzzLoop(o: LoopOptions): Promise<void> {
  const { entry, driver: d } = o;
  const beat = () => { if (o.progress) { Atomics.add(o.progress, 1, 1); Atomics.store(o.progress, 2, d.pid ?? 0); } };
  const fresh = async () => { await d.powerOn(); beat(); await entry.prepare(d); beat(); };
  await fresh();
  let ops = await d.flashOps(), flash = await d.flash();

  for (let i = o.from; i < o.to; i++) {
    if (o.progress) Atomics.store(o.progress, 0, i);
    beat();
    let ev: BoardEvent;
    try {
      ev = await entry.input(Rng.of(o.seed, entry.name, i), d);
    } catch {
      // An earlier accepted input left the board where the entry point cannot get back
      // to its state (a menu, a lost registration): start again from a fresh board.
      await fresh();
      ev = await entry.input(Rng.of(o.seed, entry.name, i), d);
    }
    const opsBefore = await d.flashOps();
    if (opsBefore !== ops) { ops = opsBefore; flash = await d.flash(); }
    const screen = d.screen;
    o.judging?.(i, describeInput(ev));
    const found = (verdict: Verdict, detail: string) =>
      o.report({ entry: entry.name, host: d.host, index: i, verdict, detail, input: describeInput(ev) });

    let r;
    try {
      r = await d.send(ev);
    } catch (e) {
      if (!(e instanceof Hang)) throw e;
      found("hang", e.message);
      o.result?.(i, null);
      await fresh();
      ops = await d.flashOps(); flash = await d.flash();
      continue;
    }
    if (r.result === null) {
      const last = r.outputs.at(-1);
      found("crash", last && last.t === "panic" ? `panic: ${last.text}` : JSON.stringify(last));
      o.result?.(i, null);
      await fresh();
      ops = await d.flashOps(); flash = await d.flash();
      continue;
    }
    o.result?.(i, r.result);
    const judge = r.result < 0 && !entry.counted?.(ev, r.result);
    const opsAfter = await d.flashOps();
    if (opsAfter !== ops) {
      const now = await d.flash();
      if (judge && !(entry.sameFlash ?? sameBytes)(flash, now)) found("state change", `refused with ${r.result} but flash changed`);
      ops = opsAfter; flash = now;
    }
    if (judge && d.screen !== screen && !entry.designedScreen?.(ev, r.result, d.screen)) found("state change", `refused with ${r.result} but the screen changed to ${JSON.stringify(d.screen.split("\n")[0])}`);
    try { await entry.after?.(d, ev, r); } catch { await fresh(); }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean { return Buffer.from(a).equals(Buffer.from(b)); }
