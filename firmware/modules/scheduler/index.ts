// modules/scheduler: named deadlines over one board timer. AGREED API (issue 7 brief);
// the body here is a first in-memory cut that the scheduler helper replaces with the
// persisted one (device time and wall-clock UTC, periodic, lateness after power loss).
import * as board from "../../board/index";
import { OK, E_INVAL, E_NOTFOUND } from "../../core/errors";

/** A module that owns deadlines implements this; the scheduler calls it when one is due.
 *  lateMs: how long after its time the deadline fired (0 when on time; for a deadline
 *  missed while the device was off, the time it was missed by, or -1 when unknown). */
export abstract class DeadlineOwner {
  abstract onDeadline(name: u32, lateMs: i64): void;
}

/** How a deadline survives power loss. VOLATILE: forgotten at power-off. PERSISTED:
 *  stored in flash; one set before a power cut fires after boot (once, if missed). */
export namespace Durability {
  export const VOLATILE: u8 = 0;
  export const PERSISTED: u8 = 1;
}

class Deadline {
  constructor(public name: u32, public owner: DeadlineOwner, public dueMs: i64, public periodMs: i64, public durability: u8) {}
}

export class Scheduler {
  private deadlines: Deadline[] = [];
  private owners: Map<u32, DeadlineOwner> = new Map();

  /** timerId: the one board timer the scheduler owns. */
  constructor(private timerId: i32 = 0) {}

  /** A name belongs to one owner; register every name before boot(). */
  register(name: u32, owner: DeadlineOwner): void { this.owners.set(name, owner); }

  /** Loads persisted deadlines and fires the ones missed while off. */
  boot(): void { this.arm(); }

  /** Due delayMs from now in device time; periodMs > 0 repeats it. Replaces an earlier
   *  deadline of the same name. */
  after(name: u32, delayMs: i64, periodMs: i64 = 0, durability: u8 = Durability.VOLATILE): i32 {
    if (!this.owners.has(name) || delayMs < 0 || periodMs < 0) return E_INVAL;
    this.remove(name);
    this.deadlines.push(new Deadline(name, this.owners.get(name), board.nowMs() + delayMs, periodMs, durability));
    this.arm();
    return OK;
  }

  /** Due at a wall-clock UTC time (ms since the Unix epoch). */
  atUtc(name: u32, utcMs: i64, periodMs: i64 = 0, durability: u8 = Durability.VOLATILE): i32 {
    const wall = board.wallMs();
    if (wall < 0) return E_INVAL;
    return this.after(name, utcMs > wall ? utcMs - wall : 0, periodMs, durability);
  }

  cancel(name: u32): i32 {
    const had = this.remove(name);
    this.arm();
    return had ? OK : E_NOTFOUND;
  }

  pending(name: u32): bool {
    for (let i = 0; i < this.deadlines.length; i++) if (this.deadlines[i].name == name) return true;
    return false;
  }

  /** The board's TIMER event. Returns E_INVAL for a timer the scheduler does not own. */
  onTimer(id: i32): i32 {
    if (id != this.timerId) return E_INVAL;
    const now = board.nowMs();
    for (let i = 0; i < this.deadlines.length; ) {
      const d = this.deadlines[i];
      if (d.dueMs > now) { i++; continue; }
      if (d.periodMs > 0) { d.dueMs += d.periodMs; i++; } else this.deadlines.splice(i, 1);
      d.owner.onDeadline(d.name, now - (d.periodMs > 0 ? d.dueMs - d.periodMs : d.dueMs));
    }
    this.arm();
    return OK;
  }

  private remove(name: u32): bool {
    for (let i = 0; i < this.deadlines.length; i++) {
      if (this.deadlines[i].name == name) { this.deadlines.splice(i, 1); return true; }
    }
    return false;
  }

  private arm(): void {
    if (this.deadlines.length == 0) { board.cancelTimer(this.timerId); return; }
    let next = i64.MAX_VALUE;
    for (let i = 0; i < this.deadlines.length; i++) if (this.deadlines[i].dueMs < next) next = this.deadlines[i].dueMs;
    const wait = next - board.nowMs();
    board.setTimer(this.timerId, wait <= 0 ? 0 : (wait > i32.MAX_VALUE ? i32.MAX_VALUE : <i32>wait));
  }
}
