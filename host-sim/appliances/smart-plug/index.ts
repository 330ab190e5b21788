// The smart plug (the smallest appliance: only shared modules). Its scripted life runs on
// both hosts in test/smart-plug-cross-host.test.ts (scenario.ts); the simulated home
// does not offer it yet.
import type { Appliance } from "../types.ts";

export const smartPlug: Appliance = {
  name: "smart-plug",
  title: "smart plug",
  image: "smart-plug",
  scenarios: {},
};
