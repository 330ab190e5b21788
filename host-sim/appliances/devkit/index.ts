// The devkit (board bring-up): the credential store on the service port. No cloud, no
// phone: its scenarios drive the service port (service.ts, firmware/images/devkit/WIRE.md).
import type { Appliance } from "../types.ts";
import { credentialStoreScenario } from "./scenarios/credential-store.ts";

export const devkit: Appliance = {
  name: "devkit",
  title: "devkit",
  image: "devkit",
  scenarios: { "credential store life": credentialStoreScenario },
};
