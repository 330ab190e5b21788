// The simulated meter's metrology: what measure() reads on every host, from a load profile
// and the breaker. Energy is integrated exactly: power is constant within a half hour and
// between breaker changes, so the register is floor(Σ W·ms / 3.6e6) over those pieces,
// kept in integer W·ms, the same however often or rarely it is sampled.
import { Channel, E_IO, OK, Pin } from "../board/abi-constants.ts";
import type { BoardOutput, MeterSample } from "../device/types.ts";
import type { MeterFeed } from "../device/runner-types.ts";
import { profileProblem, SLOT_MS, slotOf, type LoadProfile } from "./load-profile.ts";

const MS_PER_WH = 3_600_000n;

export interface MeterModelOptions {
  /** UTC ms from which energy is counted; sample() before it is refused. */
  originUtcMs: number;
  /** The registers at the origin, Wh per channel (default 0): a meter installed used. */
  startWh?: readonly number[];
  /** The breaker until a gpio output says otherwise. Default closed: the relay latches,
   *  and the image drives it to its stored state at every boot anyway. */
  breakerClosed?: boolean;
}

/** IMPORT and EXPORT flow through the breaker; generation and storage sit behind it. */
const BEHIND_BREAKER = new Set<number>([Channel.IMPORT, Channel.EXPORT]);

export class MeterModel implements MeterFeed {
  private atMs: number;
  private breakerClosed: boolean;
  private gridDown = false;
  private readonly wms: bigint[];          // W·ms integrated since the origin, per channel
  private readonly startWh: bigint[];
  private readonly failed = new Set<number>();

  constructor(private readonly profile: LoadProfile, o: MeterModelOptions) {
    const problem = profileProblem(profile);
    if (problem) throw new Error(`load profile: ${problem}`);
    if (!Number.isSafeInteger(o.originUtcMs)) throw new Error("originUtcMs must be an integer");
    this.atMs = o.originUtcMs;
    this.breakerClosed = o.breakerClosed ?? true;
    this.wms = profile.channels.map(() => 0n);
    this.startWh = profile.channels.map((_, c) => BigInt(o.startWh?.[c] ?? 0));
  }

  /** Every metered channel at utcMs (not before the last time the model was told). */
  sample(utcMs: number): MeterSample[] {
    this.advance(utcMs);
    return this.profile.channels.map((_, c) => this.failed.has(c)
      ? { status: E_IO, powerW: 0, energyWh: 0 }
      : { status: OK, powerW: this.powerW(c, utcMs), energyWh: this.energyWh(c) });
  }

  observe(outputs: readonly BoardOutput[], utcMs: number): void {
    for (const o of outputs) if (o.t === "gpio" && o.pin === Pin.BREAKER) this.setBreaker(o.level !== 0, utcMs);
  }

  /** The breaker opens or closes at utcMs: energy up to then counts at the old state. */
  setBreaker(closed: boolean, utcMs: number): void {
    this.advance(utcMs);
    this.breakerClosed = closed;
  }

  get breaker(): boolean { return this.breakerClosed; }

  /** The grid fails (or comes back) at utcMs: nothing flows on any channel meanwhile (the
   *  house is dark, a PV inverter stops without the grid). A meter's power cut in the
   *  simulated home is usually this, not only the meter's own supply. */
  setOutage(down: boolean, utcMs: number): void {
    this.advance(utcMs);
    this.gridDown = down;
  }

  /** The metrology front end of a channel fails (measure: E_IO) or works again; the
   *  energy keeps flowing meanwhile, as it does through a meter whose chip is mute. */
  setFault(channel: number, failed: boolean): void {
    if (failed) this.failed.add(channel); else this.failed.delete(channel);
  }

  private powerW(c: number, utcMs: number): number {
    return this.flowing(c) ? this.profile.channels[c][slotOf(utcMs)] : 0;
  }

  private flowing(c: number): boolean { return !this.gridDown && (this.breakerClosed || !BEHIND_BREAKER.has(c)); }

  private energyWh(c: number): number {
    return Number(this.startWh[c] + this.wms[c] / MS_PER_WH);
  }

  /** Integrates every channel from atMs to utcMs, one half hour (constant power) at a time. */
  private advance(utcMs: number): void {
    if (!Number.isSafeInteger(utcMs)) throw new Error(`meter model: time ${utcMs} is not an integer ms`);
    if (utcMs < this.atMs) throw new Error(`meter model: time ${utcMs} is before ${this.atMs} (time only moves on)`);
    while (this.atMs < utcMs) {
      const end = Math.min(utcMs, (Math.floor(this.atMs / SLOT_MS) + 1) * SLOT_MS);
      const ms = BigInt(end - this.atMs), slot = slotOf(this.atMs);
      for (let c = 0; c < this.wms.length; c++) {
        if (this.flowing(c)) this.wms[c] += BigInt(this.profile.channels[c][slot]) * ms;
      }
      this.atMs = end;
    }
  }
}
