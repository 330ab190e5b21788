// The water heater's keyspace, as agreed for issue 7. The modules helper replaces these
// literal ranges with each module's own `KEYS` (onboarding, cloud-link, scheduler) when the
// modules move; the ids and their reset classes stay the same.
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";

export const KEYS: KeyRange[] = [
  new KeyRange("onboarding", 0x0200, 0x0202, ResetClass.INITIALIZATION),
  new KeyRange("cloud-link: commands", 0x0203, 0x0205, ResetClass.INITIALIZATION),
  new KeyRange("cloud-link: outbox", 0x0206, 0x025f, ResetClass.INITIALIZATION),
  new KeyRange("water heater: settings", 0x0300, 0x03ff, ResetClass.FACTORY_RESET),
];

export function waterHeaterKeyspace(): Keyspace { return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, KEYS]); }
