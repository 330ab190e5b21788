// The breaker's records and their stored form (README.md, "Records"). The log (whose
// newest entry is the breaker's state) is KEPT by every reset: a reset must never be a
// way to close a breaker that a security error opened. The report mark says what the
// image's outbox already holds, so it goes with the outbox: INITIALIZATION.
import { KeyRange, ResetClass } from "../../storage/keyspace";

export const BREAKER_KEPT_KEYS = new KeyRange("supply-breaker: log", 0x0780, 0x078f, ResetClass.KEPT);
export const BREAKER_REPORT_KEYS = new KeyRange("supply-breaker: report mark", 0x0790, 0x079f, ResetClass.INITIALIZATION);

export namespace BreakerRecord {
  /** PROTECTED BYTES: format u8 = 1 | count u8 | count × entry, oldest first, seqs consecutive. */
  export const LOG: u32 = 0x0780;
  /** U32 = 1, written with the first log in one transaction and never again: a log
   *  without it, or it without a log, was not left by this module (fail closed). */
  export const STARTED: u32 = 0x0781;
  /** U32: the highest seq the image has put in its outbox (reported()). */
  export const REPORTED: u32 = 0x0790;
}

export const RECORD_FORMAT: u8 = 1;
export const LOG_HEADER: i32 = 2;
/** One entry, in the log record and in the outbox alike:
 *  seq u32 | UTC ms i64 (-1: the board did not know the time) | from u8 | to u8 | reason u8. */
export const ENTRY_BYTES: i32 = 4 + 8 + 1 + 1 + 1;
/** The most entries a log may keep: the record stays within the credential store's
 *  MAX_VALUE (2 + 200 × 15 = 3002 ≤ 3072) and its count within a u8. */
export const MAX_LOG: i32 = 200;
/** The default: the last 32 transitions (482 bytes). */
export const DEFAULT_LOG: i32 = 32;
