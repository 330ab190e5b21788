// The devkit's deadlines (WIRE.md ops 0B SCHEDULE, 0C CANCEL): names 0x20-0x23 that the
// service port sets, so a board's timer, wall clock and the scheduler's records can be
// checked end to end, across power cuts. A deadline that fires says so in the log.
import * as board from "../../board/index";
import { getU32BE } from "../../core/codecs/bytes";
import { E_INVAL, E_MALFORMED } from "../../core/errors";
import { DeadlineOwner, Durability, Scheduler } from "../../modules/scheduler/index";
import { ServiceRequest } from "../../modules/service-port/index";

export namespace DeadlineOp {
  export const SCHEDULE: u8 = 0x0b;
  export const CANCEL: u8 = 0x0c;
}
export const FIRST_NAME: u32 = 0x20;
export const LAST_NAME: u32 = 0x23;
const UTC: u8 = 0x01;
const PERSISTED: u8 = 0x02;

class LoggedDeadlines extends DeadlineOwner {
  onDeadline(name: u32, lateMs: i64): void {
    board.compose().add("deadline ").num(name).add(" fired, ").num(lateMs).add(" ms late").info();
  }
}

export function registerDeadlines(scheduler: Scheduler): void {
  const owner = new LoggedDeadlines();
  for (let n = FIRST_NAME; n <= LAST_NAME; n++) scheduler.register(n, owner);
}

/** SCHEDULE data: flags u8 (01 UTC, 02 persisted) | time i64 (a delay in ms, or UTC ms)
 *  | period i64 (ms, 0 for once). */
export function handleDeadlineRequest(scheduler: Scheduler, req: ServiceRequest): i32 {
  if (req.id < FIRST_NAME || req.id > LAST_NAME) return E_INVAL;
  if (req.op == DeadlineOp.CANCEL) return req.data.length == 0 ? scheduler.cancel(req.id) : E_MALFORMED;
  const d = req.data;
  if (d.length != 17 || (d[0] & ~(UTC | PERSISTED)) != 0) return E_MALFORMED;
  const time = getI64BE(d, 1), period = getI64BE(d, 9);
  const durability = (d[0] & PERSISTED) != 0 ? Durability.PERSISTED : Durability.VOLATILE;
  return (d[0] & UTC) != 0 ? scheduler.atUtc(req.id, time, period, durability) : scheduler.after(req.id, time, period, durability);
}

function getI64BE(b: Uint8Array, off: i32): i64 { return (<i64>getU32BE(b, off) << 32) | <i64>getU32BE(b, off + 4); }
