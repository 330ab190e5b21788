// What the maker's app does with a water heater beyond registering it: change one of its
// settings (PROTOCOL.md §2) through the cloud and wait for the remote's answer.
import type { MakerApp } from "../../phone/app.ts";
import type { CommandResult } from "../../phone/cloud-client.ts";
import type { SettingCommand, SettingName } from "./settings.ts";

export function changeSetting(app: MakerApp, set: SettingName, value: number, deviceId?: string): Promise<CommandResult> {
  const command: SettingCommand = { set, value };
  return app.command(command, `${set} = ${value}`, deviceId);
}
