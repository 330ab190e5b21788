// The power conditioner (seed 002) on the host side: its image and serial, and the panel
// buttons of firmware/images/power-conditioner/PROTOCOL.md §6. Its cloud part (the
// partners' servers, the credential operator, the message outbox), its panel helpers,
// installer and phone app live beside this file as they land.
import type { Appliance } from "../types.ts";
import { createPcsCloud, type PcsCloud } from "./cloud/index.ts";

/** The standalone cloud's (host-sim/cloud/main.ts) power-conditioner part: the seeded
 *  partners and operator on in-memory databases, made when first asked for. A home makes
 *  its own (host-sim/home/world.ts). */
let standalone: PcsCloud | undefined;

export const PCS_SERIAL = "PC-0001";

/** Panel buttons by the names the home's `press pcs <button>` takes: 0-9 the digits. */
export const PCS_BUTTONS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Array.from({ length: 10 }, (_, d) => [String(d), d])),
  ok: 10, back: 11, menu: 12, up: 13, down: 14,
};

export const powerConditioner: Appliance = {
  name: "power-conditioner",
  title: "power conditioner",
  image: "power-conditioner",
  scenarios: {},
  get cloud() { return (standalone ??= createPcsCloud()).service; },
  local: { buttons: PCS_BUTTONS },
  serial: PCS_SERIAL,
};
