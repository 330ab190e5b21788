// The water heater's settings a phone may change, with PROTOCOL.md §2's ranges, and the
// state its remote publishes. The cloud checks them before relaying (cloud-service.ts),
// so a bad value is refused with 400 at once instead of travelling to the remote only to
// come back as status -1; the remote still checks them itself.

export type SettingName = "hot_water_temp" | "bath_temp" | "fill_l" | "auto_bath" | "reheat";

interface Range { min: number; max: number; step: number }

export const SETTINGS: Readonly<Record<SettingName, Range>> = {
  hot_water_temp: { min: 35, max: 60, step: 1 },
  bath_temp: { min: 35, max: 48, step: 1 },
  fill_l: { min: 100, max: 300, step: 10 },
  auto_bath: { min: 0, max: 1, step: 1 },
  reheat: { min: 0, max: 1, step: 1 },
};

/** devices/<id>/down: the water heater's one command, a setting to change. */
export type SettingCommand = { set: SettingName; value: number };

/** devices/<id>/up/state as the water heater publishes it. */
export interface HeaterState {
  hot_water_temp?: number; bath_temp?: number; fill_l?: number; auto_bath?: boolean; reheat?: boolean;
}

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
