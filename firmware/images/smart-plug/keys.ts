// The smart plug's keyspace: only the shared modules' ranges (it keeps no records of its own).
import { Keyspace } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";

export function smartPlugKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS]);
}
