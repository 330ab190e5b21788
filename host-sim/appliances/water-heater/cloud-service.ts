// The water heater's part of the cloud: a phone's command is one setting and its value,
// checked against the ranges of PROTOCOL.md §2 before it is relayed.
import type { CloudService } from "../../cloud/service.ts";
import { bad, isObject, ok, type Checked } from "../../cloud/validate.ts";
import { isSettingName, settingError, type SettingCommand } from "./settings.ts";

export function checkSettingCommand(body: unknown): Checked<SettingCommand> {
  if (!isObject(body)) return bad("body must be a JSON object");
  if (!isSettingName(body.set)) return bad("set: one of hot_water_temp, bath_temp, fill_l, auto_bath, reheat");
  const why = settingError(body.set, body.value);
  return why ? bad(why) : ok({ set: body.set, value: body.value as number });
}

export const waterHeaterCloud: CloudService = {
  appliance: "water-heater",
  checkCommand: (body) => checkSettingCommand(body),
};
