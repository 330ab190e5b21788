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

const half = (hour: number) => hour * 2;
const each = (f: (k: number) => number) => Array.from({ length: SLOTS_PER_DAY }, (_, k) => f(k));

/** A sunny day's PV: nothing before 06:00 or after 18:00, a sine up to 4 kW at noon
 *  (whole watts: the model counts W·ms exactly). */
const SUNNY_PV = each((k) => {
  const x = (k + 0.5 - half(6)) / (half(18) - half(6));
  return x <= 0 || x >= 1 ? 0 : Math.round(4000 * Math.sin(Math.PI * x));
});
/** The storage battery charges around noon (10:00-14:00, 1.5 kW) and discharges in the
 *  evening (17:00-21:00, 1.2 kW). */
const NOON_CHARGE = each((k) => (k >= half(10) && k < half(14) ? 1500 : 0));
const EVENING_DISCHARGE = each((k) => (k >= half(17) && k < half(21) ? 1200 : 0));

/** The power conditioner's home (seed 002): TYPICAL_HOME's household with a sunny day's
 *  PV, a battery charging at noon and discharging in the evening, and the grid side
 *  that follows from them (IMPORT what the house lacks, EXPORT the surplus). */
export const PCS_SUNNY_DAY: LoadProfile = (() => {
  const house = TYPICAL_HOME.channels[0];
  const net = each((k) => house[k] - SUNNY_PV[k] + NOON_CHARGE[k] - EVENING_DISCHARGE[k]);
  return { channels: [net.map((w) => Math.max(0, w)), net.map((w) => Math.max(0, -w)), SUNNY_PV, NOON_CHARGE, EVENING_DISCHARGE] };
})();
