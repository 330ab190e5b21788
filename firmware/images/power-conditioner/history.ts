// HISTORY's day totals (PROTOCOL.md §1): at each UTC day's end the PCS appends the day's
// PV, charge and discharge Wh to its usage history (unique-info keeps 31 days). The totals
// are summed from the metering log (the slots that ended in that day), so they need no
// record of their own and a power cut over midnight only delays them: at boot, a day
// that ended and is not in HISTORY yet is appended then (as far as the log still holds it).
import * as board from "../../board/index";
import { getU32LE } from "../../core/codecs/bytes";
import { OK } from "../../core/errors";
import { Clock, Scheduler } from "../../modules/scheduler/index";
import { Metering, Quality } from "../../modules/metering/index";
import { Item, UniqueInfo } from "../../modules/unique-info/index";

const DAY_MS: i64 = 86_400_000;
const DAY_MIN: u32 = 1440;
/** After the day's last measurement (00:00) was taken and stored. */
const AFTER_MS: i64 = 60_000;

export class DayTotals {
  private sums: Uint32Array = new Uint32Array(3);

  constructor(private unique: UniqueInfo, private metering: Metering, private scheduler: Scheduler,
              private name: u32, private clock: Clock) {}

  /** The day that ended while the PCS was off, then the next day's end. */
  boot(): void {
    this.close();
    this.arm();
  }

  onDayEnd(): void {
    this.close();
    this.arm();
  }

  private arm(): void {
    const wall = this.clock.wallMs();
    // Without the wall time: the next midnight the scheduler learns of (it waits for it).
    const next = wall < 0 ? DAY_MS : (wall / DAY_MS + 1) * DAY_MS;
    this.scheduler.atUtc(this.name, next + AFTER_MS);
  }

  /** Appends yesterday (UTC) unless HISTORY already has it or the log holds none of it. */
  private close(): void {
    const wall = this.clock.wallMs();
    if (wall < AFTER_MS) return;
    const day = <u32>((wall - AFTER_MS) / DAY_MS) - 1;
    if (this.lastDay() >= <i64>day) return;
    if (!this.sum(day)) return;
    const s = this.sums;
    const rc = this.unique.appendHistoryDay(day, s[0], s[1], s[2]);
    if (rc != OK) board.compose().add("usage history not kept: ").num(rc).warn();
  }

  /** The last day in HISTORY, -1 when none (deleted, empty or unreadable). */
  private lastDay(): i64 {
    const v = this.unique.read(Item.HISTORY);
    if (v === null || v.length < 1 || v[0] == 0 || v.length != 1 + 16 * <i32>v[0]) return -1;
    return <i64>getU32LE(v, 1 + 16 * (<i32>v[0] - 1));
  }

  /** The day's Wh per channel from the slots that ended in (day 00:00, day+1 00:00]. */
  private sum(day: u32): bool {
    const log = this.metering.log;
    const from = day * DAY_MIN, to = from + DAY_MIN;
    const s = this.sums;
    s[0] = 0; s[1] = 0; s[2] = 0;
    let any = false;
    for (let m = log.oldest; log.has(m); m++) {
      const end = log.endMin(m);
      if (end <= from || end > to || (log.quality(m) & Quality.FAULT) != 0) continue;
      any = true;
      for (let c = 0; c < 3; c++) s[c] += log.slotWhAt(m, c);
    }
    return any;
  }
}
