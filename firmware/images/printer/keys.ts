// The printer's keyspace: every module's own ranges, and the printer's records (the
// README.md, Records): the router credentials go with the set-up (initialization erases them),
// the ink level is user data (factory reset only).
import { KeyRange, Keyspace, ResetClass } from "../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../modules/credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../modules/scheduler/index";
import { KEYS as ONBOARDING_KEYS } from "../../modules/onboarding/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../modules/cloud-link/index";
import { KEYS as TOKEN_KEYS } from "../../modules/tokens/index";
import { KEYS as PREPAID_KEYS } from "../../modules/prepaid-counter/index";

/** SECRET: SSID length u8 ‖ SSID ‖ WPA2 key. */
export const ROUTER_RECORD: u32 = 0x0600;
/** ink % u8 ‖ pages printed since the last percent u8. */
export const INK_RECORD: u32 = 0x0601;

export const KEYS: KeyRange[] = [
  new KeyRange("printer: router", 0x0600, 0x0600, ResetClass.INITIALIZATION),
  new KeyRange("printer: ink", 0x0601, 0x06ff, ResetClass.FACTORY_RESET),
];

export function printerKeyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, TOKEN_KEYS, PREPAID_KEYS, KEYS]);
}
