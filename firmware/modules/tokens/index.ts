// modules/tokens: the printer's token ladder (PWT, PT, ST, SVWT, CWT) with lifetimes in
// the scheduler and persisted attempt counters. README.md has the token table.
export { Tokens } from "./tokens";
export { TokenConfig, TokenEvents } from "./config";
export {
  KEYS, TokenRecord, TokenDeadline, PWT_LEN, PT_LEN, PHONE_ID_LEN, CLOUD_MIN, CLOUD_MAX, FINGERPRINT_LEN,
} from "./ids";
