// What a person sees and does at the power conditioner itself
// (firmware/images/power-conditioner/PROTOCOL.md §6): its serial, its buttons, the
// parties the seed names, and what the simulated home reads off its screen.
import type { HomeDevice } from "../../home/home-device.ts";

export const PCS_SERIAL = "PC-0001";

/** The seeded parties (PROTOCOL.md, "Who is who"). */
export const SUNLEASE_PPS = 0xd101;   // the original TPO contract partner
export const HIKARI_ENERGY = 0xd202;  // the partner after ownership passes to the consumer
export const PCS_OPERATOR = 0xe001;   // the credential operator (factory maintenance credential)

/** Panel buttons by the names the home's `press pcs <button>` takes: 0-9 the digits. */
export const PANEL_BUTTONS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [String(d), d])),
  ok: 10, back: 11, menu: 12, up: 13, down: 14,
};

/** The presses that type `digits` on the panel (0-9 only). */
export function digitPresses(digits: string): number[] {
  if (!/^\d+$/.test(digits)) throw new Error(`the panel types digits only, not "${digits}"`);
  return [...digits].map(Number);
}

/** The six-digit pairing code the PCS shows during a BLE session (PROTOCOL.md §3), or
 *  null when its screen shows none. */
export function shownCode(pcs: HomeDevice): string | null {
  return /\b(\d{6})\b/.exec(pcs.screen)?.[1] ?? null;
}
