// What a person sees and does at the smart meter itself (firmware/images/meter/PROTOCOL.md
// §1, seed 003 FIG. 9): its buttons, its breaker, its screen.
import { Pin } from "../../device/types.ts";
import type { HomeDevice } from "../../home/home-device.ts";

export const METER_SERIAL = "SM-0001";

/** Panel buttons by the names the home's `press meter <button>` takes. */
export const PANEL_BUTTONS = {
  select1: 0, select2: 1, select3: 2, settime: 3, up: 4, down: 5, ok: 6, back: 7, reconnect: 8, menu: 9,
} as const;

/** The breaker as the meter drives it: the BREAKER pin, 1 closed (supply on), 0 open. */
export type BreakerView = "closed" | "open";

export function breakerOf(meter: HomeDevice): BreakerView {
  return meter.pins.get(Pin.BREAKER) === 1 ? "closed" : "open";
}
