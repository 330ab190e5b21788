// Who may receive readings: what the metering module asks of the party that decides it
// (the smart meter's contract table; the power conditioner's one contract partner). The
// module keeps its lanes, rseqs and confirmations itself; this only says, at the call's
// instant, which company holds each role and which data types it may receive.
import { OK } from "../../core/errors";
import { DataType, NO_COMPANY, Role } from "../contract-table/ids";

export interface Recipients {
  /** OK, or why the recipients cannot be trusted now (a table that cannot be read, the
   *  partner's connection tampered or deleted): while set nothing is handed and the lanes
   *  stay as they are, so the readings wait in the log. */
  failure: i32;
  /** The company in effect for `role` now (NO_COMPANY: none). */
  code(role: u8): u32;
  /** The DataType bits the company in `role` may receive now (0: none). */
  types(role: u8): u32;
  /** Whether company `code` may receive every type in `types` now, in any role. */
  mayReceive(code: u32, types: u32): bool;
}

/** One company in one role with one scope: the power conditioner's contract partner
 *  (Role.CONTRACT, every data type, nobody in the provision role). The image sets
 *  `company` as its connection changes and `failure` while the connection cannot be used. */
export class SoleRecipient implements Recipients {
  failure: i32 = OK;
  constructor(public company: u32 = NO_COMPANY, public role: u8 = Role.CONTRACT, public scope: u32 = DataType.ALL) {}
  code(role: u8): u32 { return this.failure == OK && role == this.role ? this.company : NO_COMPANY; }
  types(role: u8): u32 { return this.code(role) != NO_COMPANY ? this.scope : 0; }
  mayReceive(code: u32, types: u32): bool {
    return code != NO_COMPANY && types != 0 && code == this.code(this.role) && (this.scope & types) == types;
  }
}
