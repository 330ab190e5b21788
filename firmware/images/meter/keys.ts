// The meter's keyspace: every module's own ranges, and the meter image's records
// (README.md, Records). The ECHONET Lite settings the home's HEMS sets (E5, 81) are the
// resident's: an initialization (a new resident) erases them with the registration.
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";
import { KEYS as CONTRACT_KEYS } from "../../modules/contract-table/index";
import { KEYS as BREAKER_KEYS } from "../../modules/supply-breaker/index";
import { KEYS as METERING_KEYS } from "../../modules/metering/index";

/** U8: ECHONET Lite E5, the day E2 answers for (0..99, 0xFF). */
export const HISTORY_DAY_RECORD: u32 = 0x0840;
/** U8: ECHONET Lite 81, the installation location code. */
export const LOCATION_RECORD: u32 = 0x0841;

export const KEYS: KeyRange[] = [
  new KeyRange("meter: echonet settings", 0x0840, 0x084f, ResetClass.INITIALIZATION),
  new KeyRange("meter: reserved", 0x0850, 0x087f, ResetClass.KEPT),
];

export function meterKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, CONTRACT_KEYS, BREAKER_KEYS, METERING_KEYS, KEYS]);
}
