// modules/prepaid-counter: a prepaid balance (the printer's pages; later the meter's and
// the power conditioner's energy) charged exactly once per charge id and debited only
// within the balance. README.md beside this file says what it stores and how to use it.
import { KeyRange } from "../../storage/keyspace";
import { PREPAID_KEYS } from "./records";

export { PrepaidCounter, ChargeKind, Prepaid, MIRROR_BYTES } from "./prepaid-counter";
export { AppliedCharges, WINDOW } from "./applied-charges";
export { PrepaidRecord, PREPAID_KEYS } from "./records";

/** The record ids this module owns (0x0540-0x057F), KEPT by every reset (README.md). */
export const KEYS: KeyRange[] = [PREPAID_KEYS];
