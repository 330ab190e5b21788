// modules/supply-breaker: the smart meter's breaker (seed 003, fourth embodiment): states
// DISCONNECTED, CONNECTED, READY_FOR_RECONNECTION on Pin.BREAKER, every transition kept in
// a bounded log in flash and handed to the image for its outbox. README.md beside this
// file says what it stores and how to use it.
import { KeyRange } from "../../storage/keyspace";
import { BREAKER_KEPT_KEYS, BREAKER_REPORT_KEYS } from "./records";

export { SupplyBreaker, BreakerConfig, Breaker } from "./supply-breaker";
export { BreakerState, BreakerReason } from "./states";
export { BreakerLog } from "./breaker-log";
export { BreakerRecord, ENTRY_BYTES, DEFAULT_LOG, MAX_LOG } from "./records";

/** The record ids this module owns: the log 0x0780-0x078F (KEPT by every reset) and the
 *  report mark 0x0790-0x079F (INITIALIZATION, with the outbox it describes). */
export const KEYS: KeyRange[] = [BREAKER_KEPT_KEYS, BREAKER_REPORT_KEYS];
