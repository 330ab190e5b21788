// Where the contract table lives: its record ids (0x0720-0x073F, KEPT), its scheduler
// deadline name (0x40), the meter's data types and the table's limits. README.md has the tables.
import { KeyRange, ResetClass } from "../../storage/keyspace";

/** KEPT by every reset: the contract belongs to the supply point, not to the resident;
 *  it changes only through change records (a new company, or an abolition). */
export const KEYS: KeyRange[] = [new KeyRange("contract-table", 0x0720, 0x073f, ResetClass.KEPT)];

export namespace ContractRecord {
  /** PROTECTED BYTES: the meter code, 1..METER_CODE_MAX bytes, written once. */
  export const METER_CODE: u32 = 0x0720;
  /** PROTECTED BYTES: the companies in effect (format u8 = 1 | version u32 | per role: code u32 | types u32). */
  export const ACTIVE: u32 = 0x0721;
  /** PROTECTED BYTES: the pending changes (format u8 = 1 | next id u32 | count u8 | count × change). */
  export const PENDING: u32 = 0x0722;
}

/** The scheduler name of the one deadline: the earliest pending change's switching time. */
export namespace ContractDeadline {
  export const SWITCH: u32 = 0x40;
}

/** Whose company a change is for: the electricity contract or the data provision. */
export namespace Role {
  export const CONTRACT: u8 = 0;
  export const PROVISION: u8 = 1;
  /** A confirmation from a company the table does not know. */
  export const NONE: u8 = 0xff;
}
export const ROLES: i32 = 2;

/** The meter's data types, as a bitmask: a company's scope is the set it may receive. */
export namespace DataType {
  export const TIME: u32 = 1 << 0;      // the measurement's UTC time
  export const POWER: u32 = 1 << 1;     // instantaneous power, W
  export const ENERGY: u32 = 1 << 2;    // cumulative energy, Wh
  export const HISTORY: u32 = 1 << 3;   // the day's 30-minute energy history
  export const ALL: u32 = TIME | POWER | ENERGY | HISTORY;
}

/** A change's switching time that means "at once" (a card selection button). */
export const IMMEDIATE: i64 = -1;

/** Company code 0 is no company: a change to it (with types 0) is an abolition. */
export const NO_COMPANY: u32 = 0;

/** Pending changes kept at once, both roles together: a week's schedule switching twice a day. */
export const MAX_PENDING: i32 = 16;
export const METER_CODE_MAX: i32 = 32;

export const RECORD_FORMAT: u8 = 1;
export const ACTIVE_BYTES: i32 = 1 + 4 + ROLES * 8;
export const PENDING_HEADER: i32 = 1 + 4 + 1;
/** id u32 | role u8 | switching UTC ms i64 | code u32 | types u32 */
export const CHANGE_BYTES: i32 = 4 + 1 + 8 + 4 + 4;
export const PENDING_MAX_BYTES: i32 = PENDING_HEADER + MAX_PENDING * CHANGE_BYTES;
