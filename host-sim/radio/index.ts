// The home's radio model: see airspace.ts for the physical rules, README.md for the use.
export { Airspace, type AirspaceOptions } from "./airspace.ts";
export { PhoneRadio } from "./phone-radio.ts";
export { LinkPort } from "./link-port.ts";
export { judgeJoin } from "./station.ts";
export { RadioRefused, type RadioDevice, type RadioFlow, type RadioLink, type RouterSettings, type WifiSetup } from "./types.ts";
