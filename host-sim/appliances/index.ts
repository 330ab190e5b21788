// Every appliance the host side knows, one line each. Adding an appliance is adding its
// folder and its line here (README.md in this folder).
import type { Appliance } from "./types.ts";
import { waterHeater } from "./water-heater/index.ts";
import { devkit } from "./devkit/index.ts";
import { boardConformance } from "./board-conformance/index.ts";
import { smartPlug } from "./smart-plug/index.ts";
import { printer } from "./printer/index.ts";
import { meter } from "./meter/index.ts";
import { powerConditioner } from "./power-conditioner/index.ts";
import { lock } from "./lock/index.ts";

export type { Appliance, LocalActions, PhoneAction } from "./types.ts";

export const APPLIANCES: readonly Appliance[] = [
  waterHeater,
  devkit,
  boardConformance,
  smartPlug,
  printer,
  meter,
  powerConditioner,
  lock,
];

export function appliance(name: string): Appliance {
  const a = APPLIANCES.find((x) => x.name === name);
  if (!a) throw new Error(`no appliance "${name}"; known: ${APPLIANCES.map((x) => x.name).join(", ")}`);
  return a;
}
