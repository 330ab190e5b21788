// modules/appliance: public API (README.md).
import { KeyRange } from "../../storage/keyspace";
export { ConnectedAppliance, PairingAppliance, Identity } from "./appliance";
export { bootAppliance, applianceEvent } from "./entry";

/** Keeps no records of its own: its parts (onboarding, cloud-link, scheduler) declare theirs. */
export const KEYS: KeyRange[] = [];
