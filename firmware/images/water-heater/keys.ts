// The water heater's keyspace: every module's own ranges, and the heater's settings.
// The credential store refuses to open over an overlapping keyspace, and its resets
// erase by the reset classes declared here.
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";

/** The heater's settings (0x0301): user data, erased by factory reset only. */
export const KEYS: KeyRange[] = [new KeyRange("water heater: settings", 0x0300, 0x03ff, ResetClass.FACTORY_RESET)];

export function waterHeaterKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, KEYS]);
}
