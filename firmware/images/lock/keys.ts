// The lock's keyspace: every module's own ranges (credential store, scheduler, onboarding's
// erase menu, cloud link, grants 0x0980-0x09BF) and the image's range 0x09C0-0x09FF,
// which holds no record: the bolt is thrown at every boot (fail secure) and the door is
// read from its sensor, so nothing of the image's own must survive a power cut.
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";
import { KEYS as GRANTS_KEYS } from "../../modules/grants/index";

export const KEYS: KeyRange[] = [
  new KeyRange("lock: reserved", 0x09c0, 0x09ff, ResetClass.KEPT),
];

export function lockKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, GRANTS_KEYS, KEYS]);
}
