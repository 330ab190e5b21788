// The smart meter (seed 003) on the host side: its panel, its installer, its cloud part
// (the head-end and the company servers, in cloud/), its demo. The simulated home runs it
// with host-sim/home/home-meter.ts.
import type { Appliance } from "../types.ts";
import { createMeterCloud, type MeterCloud } from "./cloud/index.ts";
import { METER_SERIAL, PANEL_BUTTONS } from "./panel.ts";

/** The standalone cloud's (host-sim/cloud/main.ts) meter part: the seeded companies on
 *  in-memory databases, made when first asked for. A home makes its own (world.ts). */
let standalone: MeterCloud | undefined;

export const meter: Appliance = {
  name: "meter",
  title: "smart meter",
  image: "meter",
  scenarios: {},
  get cloud() { return (standalone ??= createMeterCloud()).service; },
  local: { buttons: PANEL_BUTTONS },
  serial: METER_SERIAL,
};
