// The devkit's keyspace: the credential store's and the scheduler's ranges, one tenant's registration and the
// user records its service port may write.
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";

export const REGISTRATION_KEYS = new KeyRange("devkit: registration", 0x0200, 0x02ff, ResetClass.INITIALIZATION);
export const USER_KEYS = new KeyRange("devkit: user records", 0x0300, 0x03ff, ResetClass.FACTORY_RESET);

export const KEYS: KeyRange[] = [REGISTRATION_KEYS, USER_KEYS];

export function devkitKeyspace(): Keyspace { return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, KEYS]); }
