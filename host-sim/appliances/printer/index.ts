// The printer (seed 001) on the host side: its panel, its phone apps' actions for the
// home's console, its demo. Its cloud part is in cloud/.
import type { Appliance } from "../types.ts";
import { PANEL_BUTTONS, PRINTER_SERIAL } from "./panel.ts";
import { printerActions } from "./phone-actions.ts";
import { printerCloud } from "./cloud/index.ts";

export const printer: Appliance = {
  name: "printer",
  title: "printer",
  image: "printer",
  scenarios: {},
  cloud: printerCloud,
  local: { buttons: PANEL_BUTTONS },
  apps: printerActions,
  boardWifi: false,
  serial: PRINTER_SERIAL,
};
