// The power conditioner's keyspace: every module's own ranges (unique-info 0x0900-0x091F,
// auth-info 0x0920-0x093F, metering, cloud link, ...) and the image's range 0x0940-0x097F,
// which holds no record yet (README.md, Records): the day totals of HISTORY are derived
// from the metering log, the tamper reports are once per boot (RAM).
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";
import { KEYS as METERING_KEYS } from "../../modules/metering/index";
import { KEYS as UNIQUE_KEYS } from "../../modules/unique-info/index";
import { KEYS as AUTH_KEYS } from "../../modules/auth-info/index";

export const KEYS: KeyRange[] = [
  new KeyRange("power conditioner: reserved", 0x0940, 0x097f, ResetClass.KEPT),
];

export function pcsKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, METERING_KEYS, UNIQUE_KEYS, AUTH_KEYS, KEYS]);
}
