// What the fuzzer needs from an image's entry point: a state to start from and one input
// at a time. The loop (loop.ts) decides what counts as a crash, a hang or a state change.
import type { BoardEvent, CallResult } from "../../host-sim/device/types.ts";
import type { Driver } from "./driver.ts";
import type { Rng } from "./random.ts";

export interface EntryPoint {
  /** As printed in the table, e.g. "LINK LAN". */
  name: string;
  /** A freshly booted board (erased flash) into the state where these inputs matter. */
  prepare(d: Driver): Promise<void>;
  /** Input number i, from its own generator. It may first move the board back into the
   *  state the input needs (those events are not inputs and are not judged). */
  input(r: Rng, d: Driver): Promise<BoardEvent>;
  /** A refusal that is a counted attempt (a wrong password): it changes the attempt
   *  counter by design, so it is not judged as a state change. */
  counted?(ev: BoardEvent, result: number): boolean;
  /** A refusal that changes the screen by design (the LAN window closing at its 5th
   *  refused frame): true only when the entry point expected that refusal to do so and
   *  `screen` is what it must then show. Flash is judged all the same. */
  designedScreen?(ev: BoardEvent, result: number, screen: string): boolean;
  /** Whether a refused input left the flash in the same state; by default, the same
   *  bytes. An entry point whose refusals are recorded by design narrows what is compared
   *  (a refused cloud command is answered through the flash outbox, never lost). */
  sameFlash?(before: Uint8Array, after: Uint8Array): boolean;
  /** Told of every input's result: an accepted input may have moved the board on. */
  after?(d: Driver, ev: BoardEvent, r: CallResult): Promise<void>;
}

/** A module that names an image's entry points exports this (run in a worker thread,
 *  so the module is named by its URL). */
export type EntryPointsModule = { entryPoints(): EntryPoint[] };

export async function loadEntryPoint(moduleUrl: string, name: string): Promise<EntryPoint> {
  const m = await import(moduleUrl) as EntryPointsModule;
  const e = m.entryPoints().find((x) => x.name === name);
  if (!e) throw new Error(`${moduleUrl} has no entry point ${name}`);
  return e;
}
