// The settings a phone may change, with PROTOCOL.md §2's ranges. The cloud checks them
// before relaying, so a bad value is refused with 400 at once instead of travelling to
// the remote only to come back as status -1; the remote still checks them itself.
import type { SettingName } from "./types.ts";

interface Range { min: number; max: number; step: number }

export const SETTINGS: Readonly<Record<SettingName, Range>> = {
  hot_water_temp: { min: 35, max: 60, step: 1 },
  bath_temp: { min: 35, max: 48, step: 1 },
  fill_l: { min: 100, max: 300, step: 10 },
  auto_bath: { min: 0, max: 1, step: 1 },
  reheat: { min: 0, max: 1, step: 1 },
};

export function isSettingName(s: unknown): s is SettingName {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(SETTINGS, s);
}

/** Null when `value` is allowed for `set`, otherwise why not. Integers only: the remote's
 *  flat JSON reader and its settings are integral (booleans travel as 0/1). */
export function settingError(set: SettingName, value: unknown): string | null {
  const r = SETTINGS[set];
  if (typeof value !== "number" || !Number.isInteger(value)) return `${set}: value must be an integer`;
  if (value < r.min || value > r.max || (value - r.min) % r.step !== 0) {
    return `${set}: value must be ${r.min}..${r.max}${r.step > 1 ? ` in steps of ${r.step}` : ""}`;
  }
  return null;
}
