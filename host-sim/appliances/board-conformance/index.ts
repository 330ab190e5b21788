// The board-conformance image: one scenario that calls every ABI function, run on a new
// board or host and compared with the TypeScript host's trace.
import type { Appliance } from "../types.ts";
import { conformanceScenario } from "./scenario.ts";

export const boardConformance: Appliance = {
  name: "board-conformance",
  title: "board conformance",
  image: "board-conformance",
  scenarios: { "board conformance": conformanceScenario },
};
