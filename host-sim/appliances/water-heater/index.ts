// The water heater (seed 000) on the host side: its cloud service (settings), what a
// person does at its remote, and what its phone app does. Its power-cut life is in
// scenarios/life.ts (recorded against the image, replayed by the sweep).
import type { Appliance } from "../types.ts";
import { waterHeaterCloud } from "./cloud-service.ts";
import { BUTTON_NAMES, compareCodes } from "./remote-actions.ts";
import { phoneActions } from "./phone-actions.ts";

export const waterHeater: Appliance = {
  name: "water-heater",
  title: "water heater",
  image: "water-heater",
  scenarios: {},
  cloud: waterHeaterCloud,
  local: { buttons: BUTTON_NAMES, compareCodes },
  phone: phoneActions,
};
