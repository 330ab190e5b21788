// The host's load model: a daily load profile and the metrology it drives (README.md).
export { DAY_MS, SLOT_MS, SLOTS_PER_DAY, TYPICAL_HOME, PCS_SUNNY_DAY, profileProblem, slotOf, type LoadProfile } from "./load-profile.ts";
export { MeterModel, type MeterModelOptions } from "./meter-model.ts";
export type { MeterFeed } from "../device/runner-types.ts";
