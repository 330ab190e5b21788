// What a person sees and does at the power conditioner itself
// (firmware/images/power-conditioner/PROTOCOL.md §6): its serial, its buttons, the
// parties the seed names, and what the simulated home reads off its screen.
import type { HomeDevice } from "../../home/home-device.ts";

export { PCS_SERIAL, PCS_BUTTONS as PANEL_BUTTONS } from "./index.ts";
export { SUNLEASE_PPS, HIKARI_ENERGY, PCS_OPERATOR } from "./cloud/types.ts";

/** The six-digit pairing code the PCS shows during a BLE session (PROTOCOL.md §3), or
 *  null when its screen shows none. */
export function shownCode(pcs: HomeDevice): string | null {
  return /^Code (\d{6})$/m.exec(pcs.screen)?.[1] ?? null;
}
