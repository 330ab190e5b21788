// The head-end's commands (PROTOCOL.md §3.2). `co` is the company the head-end
// authenticated, never a field a company chose. Each command acts in stage(), before the
// replay floor commits, and acting twice is harmless (a change re-sent supersedes
// itself, a confirmation or a move-out again changes nothing): a power cut between the
// two has the command re-sent and applied then, never a floor past a command that did
// not act. A command that acted (0, a mismatch, a change's id) commits the floor; a
// refusal changed nothing and commits nothing (rule 4), nor does a store error: the
// head-end may send it again.
import { OK, E_INVAL, E_STATE, E_NOTFOUND, E_AUTH } from "../../core/errors";
import { FlatJson } from "../../core/codecs/flat-json";
import { Change, Confirm, DataType, Role, IMMEDIATE } from "../../modules/contract-table/index";
import { Breaker } from "../../modules/supply-breaker/index";
import { Meter } from "./meter";

const U32_MAX: i64 = 0xffffffff;

export namespace Kind {
  export const NONE: i32 = 0;
  export const CONFIRM: i32 = 1;
  export const CHANGE: i32 = 2;
  export const CANCEL: i32 = 3;
  export const READ: i32 = 4;
  export const MOVEOUT: i32 = 5;
}

export function kindOf(j: FlatJson): i32 {
  if (j.get("confirm") !== null) return Kind.CONFIRM;
  if (j.get("change") !== null) return Kind.CHANGE;
  if (j.get("cancel") !== null) return Kind.CANCEL;
  if (j.get("read") !== null) return Kind.READ;
  if (j.get("moveout") !== null) return Kind.MOVEOUT;
  return Kind.NONE;
}

/** The company the head-end named, or 0 (no command is valid without one). */
export function companyOf(j: FlatJson): u32 {
  const co = j.int("co", -1);
  return co < 1 || co > U32_MAX ? 0 : <u32>co;
}

function validTypes(t: i64, allowNone: bool): bool {
  return t >= (allowNone ? 0 : 1) && t <= <i64>DataType.ALL;
}

/** OK when the command's fields are acceptable; E_INVAL otherwise (E_AUTH: a `read`
 *  from a company that holds no role). Changes nothing. */
export function checkCommand(m: Meter, j: FlatJson): i32 {
  const co = companyOf(j);
  if (co == 0) return E_INVAL;
  const k = kindOf(j);
  if (k == Kind.CONFIRM) return validTypes(j.int("confirm", -1), false) ? OK : E_INVAL;
  if (k == Kind.CHANGE) {
    const role = j.int("change", -1), at = j.int("at", -2), to = j.int("to", -1), types = j.int("types", -1);
    if (role != Role.CONTRACT && role != Role.PROVISION) return E_INVAL;
    if (at < IMMEDIATE) return E_INVAL;
    if (to == <i64>co) return validTypes(types, false) ? OK : E_INVAL;
    // An abolition only by the company that holds the role now.
    if (to == 0 && types == 0) return m.table.code(<u8>role) == co ? OK : E_INVAL;
    return E_INVAL;
  }
  if (k == Kind.CANCEL) { const id = j.int("cancel", -1); return id >= 1 && id <= U32_MAX ? OK : E_INVAL; }
  // A company without a role is refused here, before the replay floor commits: a read
  // answered only in apply() would have moved the floor for a refusal (fuzz, seed 7).
  if (k == Kind.READ) return !validTypes(j.int("read", -1), true) ? E_INVAL : m.scopeOf(co) == 0 ? E_AUTH : OK;
  if (k == Kind.MOVEOUT) return j.int("moveout", 0) == 1 ? OK : E_INVAL;
  return E_INVAL;
}

/** Acts; the answer goes to `m.answer`. Returns OK once it acted, else the refusal or
 *  the store's error (the transaction is dropped: nothing committed). */
export function stageCommand(m: Meter, j: FlatJson): i32 {
  const co = companyOf(j);
  const k = kindOf(j);
  let rc = OK;
  if (k == Kind.CONFIRM) rc = confirm(m, co, <u32>j.int("confirm", 0));
  else if (k == Kind.CHANGE) {
    rc = m.table.change(<u8>j.int("change", 0), j.int("at", IMMEDIATE), <u32>j.int("to", 0), <u32>j.int("types", 0));
    if (rc == Change.SCHEDULED) rc = <i32>m.table.lastId;
    m.tableChanged();
  } else if (k == Kind.CANCEL) {
    const id = <u32>j.int("cancel", 0);
    rc = mayCancel(m, co, id) ? m.table.cancel(id) : E_NOTFOUND;
    if (rc == OK) m.tableChanged();
  } else if (k == Kind.MOVEOUT) {
    if (m.table.code(Role.CONTRACT) != co) rc = E_AUTH;
    else {
      rc = m.breaker.awaitNewResident();
      if (rc == Breaker.UNCHANGED) rc = OK;
    }
  }
  m.answer = rc;
  return rc >= 0 ? OK : rc;
}

/** The fourth embodiment: 0 MATCH, 1 MISMATCH (the table's event did the rest), E_STATE
 *  for a table that cannot be read. */
function confirm(m: Meter, co: u32, types: u32): i32 {
  if (m.table.failure != OK) return E_STATE;
  const rc = m.table.confirm(co, types);
  if (rc == Confirm.MATCH) m.confirmedBy(co);
  else if (rc == Confirm.MISMATCH) m.tableChanged();
  return rc;
}

/** A company cancels what it ordered: a change to itself, or the abolition of a role it holds. */
function mayCancel(m: Meter, co: u32, id: u32): bool {
  const n = m.table.pendingCount();
  for (let i = 0; i < n; i++) {
    if (m.table.pendingId(i) != id) continue;
    const to = m.table.pendingCode(i);
    return to == co || (to == 0 && m.table.code(m.table.pendingRole(i)) == co);
  }
  return false;
}
