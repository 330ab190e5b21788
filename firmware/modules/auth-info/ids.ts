// The numbers of authentication information and credentials (PROTOCOL.md §2): kinds,
// how a credential came in, what the image hears, why something was refused, and where
// the records and deadlines live.
import { KeyRange, ResetClass } from "../../storage/keyspace";

/** Which credential the user entered (§2.2). */
export namespace Kind {
  export const SERVER: i32 = 1;        // server-issued, 10 digits, against the authentication information held
  export const MAINTENANCE: i32 = 2;   // the factory maintenance credential, 12 digits
}

/** Where a credential or authentication information came in. */
export namespace Via {
  export const CLOUD: i32 = 0;
  export const PANEL: i32 = 1;
  export const BLE: i32 = 2;
}

/** What AuthEvents.onAuthEvent reports (the outbox's `auth` entry, §4.1). */
export namespace AuthEvent {
  export const STORED: i32 = 1;
  export const REFUSED: i32 = 2;
  export const MATCH: i32 = 3;
  export const MISMATCH: i32 = 4;
  export const EXPIRED: i32 = 5;
  export const USED_UP: i32 = 6;
  export const LOCKED: i32 = 7;
}

/** Why authentication information was refused (REFUSED events only). */
export namespace Reason {
  export const NONE: i32 = 0;
  export const MALFORMED: i32 = 1;
  export const OTHER_DEVICE: i32 = 2;
  export const UNKNOWN_ISSUER: i32 = 3;
  export const BAD_SIGNATURE: i32 = 4;
  export const REPLAYED: i32 = 5;
  export const NO_TIME: i32 = 6;
}

export namespace AuthRecord {
  /** The authentication information held (SECRET): issuer, serial, arrival, expiry, N, M, items, salt, w. */
  export const HELD: u32 = 0x0920;
  /** Its counters (PROTECTED BYTES): uses u32 | failures u32, one write moves both. */
  export const HELD_COUNTERS: u32 = 0x0921;
  /** The factory maintenance credential (SECRET): operator, operator key, salt, w. */
  export const MAINTENANCE: u32 = 0x0930;
  /** Failed maintenance checks in a row (COUNTER, PROTECTED). */
  export const MAINTENANCE_FAILURES: u32 = 0x0931;
  /** Each issuer's serial floor (PROTECTED): FLOOR_SLOTS × (issuer u32 | serial u32). */
  export const FLOORS: u32 = 0x0932;
}

export namespace AuthDeadline {
  /** The expiry of the authentication information held (UTC, volatile: set again at boot). */
  export const EXPIRY: u32 = 0x60;
  /** The grant's idle close (volatile: a power cut closes the grant anyway). */
  export const GRANT_IDLE: u32 = 0x61;
}

/** Issuers whose floors are kept: the operator, the partners in effect over the years. */
export const FLOOR_SLOTS: i32 = 8;

/** The held information and its counters go with a factory reset (they guard data that
 *  goes with it); the maintenance credential, its lock and the replay floors are the
 *  factory's and are kept, so no reset hands out fresh guesses or reopens old serials. */
export const KEYS: KeyRange[] = [
  new KeyRange("auth-info: held authentication information", 0x0920, 0x092f, ResetClass.FACTORY_RESET),
  new KeyRange("auth-info: maintenance credential, floors", 0x0930, 0x093f, ResetClass.KEPT),
];
