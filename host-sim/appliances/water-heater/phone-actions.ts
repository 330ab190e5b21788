// What the maker's app does with a water heater beyond registering it: change one of its
// settings (PROTOCOL.md §2) through the cloud and wait for the remote's answer.
import type { MakerApp } from "../../phone/app.ts";
import type { CommandResult } from "../../phone/cloud-client.ts";
import type { PhoneAction } from "../types.ts";
import { SETTINGS, type SettingCommand, type SettingName } from "./settings.ts";

export function changeSetting(app: MakerApp, set: SettingName, value: number, deviceId?: string): Promise<CommandResult> {
  const command: SettingCommand = { set, value };
  return app.command(command, `${set} = ${value}`, deviceId);
}

/** The app's actions by name, for the registry. */
export const phoneActions: Record<string, PhoneAction> = {
  set: {
    usage: "<setting> <value>",
    help: Object.entries(SETTINGS).map(([name, r]) => `${name} ${r.max === 1 ? "0/1" : `${r.min}-${r.max}`}`).join(", "),
    // The cloud checks the setting's name and range (400 names what is allowed).
    run: (app, [set, value]) => changeSetting(app, set as SettingName, Number(value)),
  },
};
