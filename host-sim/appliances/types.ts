// What the host side knows about one appliance: everything in its folder, listed once in
// the registry (index.ts). The generic cloud, phone and home reach an appliance only
// through this.
import type { CloudService } from "../cloud/service.ts";
import type { HomeDevice } from "../home/home-device.ts";
import type { MakerApp } from "../phone/app.ts";
import type { CommandResult } from "../phone/cloud-client.ts";
import type { WifiSetup } from "../radio/types.ts";
import type { Scenario } from "../scenario/types.ts";

export interface Appliance {
  /** Folder name under host-sim/appliances/ and the registry's key. */
  name: string;
  /** What people call it on screens ("water heater"). */
  title: string;
  /** Its firmware image: build/images/<image>.wasm and build/posix/<image>. */
  image: string;
  /** How it reaches the home network (host-sim/radio/): "image", its firmware joins the
   *  router with wifi_join (ABI v1.2); absent or "board", its Wi-Fi is board configuration
   *  and it is on the network from power-on. */
  wifi?: WifiSetup;
  /** Its scenarios, each a fresh Scenario (they run on both hosts). */
  scenarios: Record<string, () => Scenario>;
  /** The commands its cloud relays; absent for an appliance that never meets the cloud. */
  cloud?: CloudService;
  /** What a person does at the appliance itself, for the simulated home. */
  local?: LocalActions;
  /** What the maker's app does with it through the cloud, by name (the home's console:
   *  `alice set bath_temp 41`). */
  phone?: Readonly<Record<string, PhoneAction>>;
  /** What its own phone apps do, by name, for an appliance with apps of its own (the
   *  printer's management and print apps: `alice print 5`). The home gives each person's
   *  apps as `App`. */
  apps?: Readonly<Record<string, PhoneAction<any, string>>>;
  /** Its Wi-Fi is board configuration (joined from power-on); false for an appliance
   *  that joins the home router itself (wifi_join). Default true. */
  boardWifi?: boolean;
  /** The serial its factory gives it (the service port's provisioning). */
  serial?: string;
}

export interface PhoneAction<App = MakerApp, Result = CommandResult> {
  /** Its arguments and what they may be, for the console's help. */
  usage: string;
  help: string;
  run(app: App, args: string[]): Promise<Result>;
}

/** The appliance's own controls, as the simulated home offers them to its user. */
export interface LocalActions {
  /** Button names a person can press (the home's `press` command) and their ids. */
  buttons: Readonly<Record<string, number>>;
  /** The person compares the code the app shows with the appliance's and answers
   *  on the appliance; true when they are the same (the onboarding's code check).
   *  Absent for an appliance whose pairing needs no code (the printer: a touch). */
  compareCodes?(device: HomeDevice, appCode: string): Promise<boolean>;
}
