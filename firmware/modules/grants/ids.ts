// The numbers of the lock's grants (images/lock/PROTOCOL.md §1, §2.1, §6): actions,
// reasons, records, deadlines and the keyspace they live in.
import { KeyRange, ResetClass } from "../../storage/keyspace";

export namespace Action {
  export const UNLOCK: i32 = 1;
  export const LOCK: i32 = 2;
}

/** Why an OPERATE was denied (§2.1: the u8 in RESULT). */
export namespace Reason {
  export const NONE: i32 = 0;
  export const MALFORMED: i32 = 1;
  export const REPLAYED: i32 = 2;
  export const BAD_SIGNATURE: i32 = 3;
  export const OTHER_LOCK: i32 = 4;
  export const NOT_BOUND: i32 = 5;
  export const REVOKED: i32 = 6;
  export const NO_TIME: i32 = 7;
  export const NO_SCHEDULE: i32 = 8;
  export const OUTSIDE_SCHEDULE: i32 = 9;
  export const USED: i32 = 10;
  export const EXPIRED: i32 = 11;
  export const LOCKED_OUT: i32 = 12;
  export const FULL: i32 = 13;
  export const STORAGE: i32 = 14;
}

/** The names of the events (§3.2 `reason`). */
export function reasonName(reason: i32): string {
  switch (reason) {
    case Reason.NONE: return "none";
    case Reason.MALFORMED: return "malformed";
    case Reason.REPLAYED: return "replayed";
    case Reason.BAD_SIGNATURE: return "bad-signature";
    case Reason.OTHER_LOCK: return "other-lock";
    case Reason.NOT_BOUND: return "not-bound";
    case Reason.REVOKED: return "revoked";
    case Reason.NO_TIME: return "no-time";
    case Reason.NO_SCHEDULE: return "no-schedule";
    case Reason.OUTSIDE_SCHEDULE: return "outside-schedule";
    case Reason.USED: return "used";
    case Reason.EXPIRED: return "expired";
    case Reason.LOCKED_OUT: return "locked-out";
    case Reason.FULL: return "full";
    case Reason.STORAGE: return "storage";
  }
  return "unknown";
}

export namespace GrantType {
  export const SCHEDULED: u8 = 1;
  export const DISPOSABLE: u8 = 2;
  export const EXPIRING: u8 = 3;
}

export namespace GrantsRecord {
  /** The maker key (PROTECTED BYTES, 65): what grants, time and revocations verify under. */
  export const MAKER_KEY: u32 = 0x0980;
  /** Failed OPERATEs in a row (COUNTER). */
  export const FAILURES: u32 = 0x0990;
  /** The time floor (PROTECTED BYTES, UTC ms i64): the last time accepted. */
  export const TIME_FLOOR: u32 = 0x0991;
  /** The revocation list (PROTECTED BYTES): version u32 | count u8 | ids u32 × count. */
  export const REVOCATIONS: u32 = 0x0992;
  /** First uses (PROTECTED BYTES): n × (grant id u32 | first use UTC ms i64 | last end UTC ms i64). */
  export const USES: u32 = 0x0993;
}

export namespace GrantsDeadline {
  /** The lockout's end (volatile: boot re-arms it from the stored count). */
  export const LOCKOUT: u32 = 0x68;
}

/** The maker key goes with a factory reset (the lock is installed again); the failure
 *  count, the time floor, the revocations and the first uses are kept by every reset, so
 *  that no reset hands out fresh attempts, moves the clock back, or revives a revoked,
 *  used or expired grant. */
export const KEYS: KeyRange[] = [
  new KeyRange("grants: maker key", 0x0980, 0x098f, ResetClass.FACTORY_RESET),
  new KeyRange("grants: failures, time floor, revocations, first uses", 0x0990, 0x09bf, ResetClass.KEPT),
];
