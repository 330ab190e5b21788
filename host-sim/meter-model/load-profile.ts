// A household's load as the simulated meter sees it: per metering channel (abi Channel:
// IMPORT, EXPORT, PV, CHARGE, DISCHARGE) the power drawn in each half hour of a UTC day,
// the same every day. A channel the profile does not list is one the board does not meter.
import { Channel } from "../board/abi-constants.ts";

export const SLOTS_PER_DAY = 48;
export const SLOT_MS = 30 * 60 * 1000;
export const DAY_MS = SLOTS_PER_DAY * SLOT_MS;

export interface LoadProfile {
  /** channels[c][k]: the power in W on channel c during UTC half hour k (k = 0 is
   *  00:00-00:30), 48 non-negative integers per channel; channel c is abi Channel c. */
  readonly channels: readonly (readonly number[])[];
}

/** Why a profile cannot drive a meter, or null. Power is a non-negative i32 (a register
 *  only counts up; energy the other way belongs on EXPORT). */
export function profileProblem(p: LoadProfile): string | null {
  if (p.channels.length > Channel.COUNT) return `${p.channels.length} channels: the ABI has ${Channel.COUNT}`;
  for (const [c, slots] of p.channels.entries()) {
    if (slots.length !== SLOTS_PER_DAY) return `channel ${c}: ${slots.length} half hours, not ${SLOTS_PER_DAY}`;
    const bad = slots.findIndex((w) => !Number.isInteger(w) || w < 0 || w > 0x7fffffff);
    if (bad >= 0) return `channel ${c}, half hour ${bad}: ${slots[bad]} W is not a non-negative i32`;
  }
  return null;
}

/** The half hour of the UTC day that `utcMs` falls in (0..47). */
export function slotOf(utcMs: number): number {
  return Math.floor((((utcMs % DAY_MS) + DAY_MS) % DAY_MS) / SLOT_MS);
}

/** A plain home on IMPORT only: 300 W at night, a morning and an evening peak. */
export const TYPICAL_HOME: LoadProfile = {
  channels: [Array.from({ length: SLOTS_PER_DAY }, (_, k) =>
    k >= 12 && k < 16 ? 1800 : k >= 36 && k < 44 ? 2400 : k >= 14 && k < 36 ? 600 : 300)],
};
