// The specs' board clock: device time, a wall time a spec can make unknown, and the one
// board timer the scheduler arms. Specs move it with nextDue/moveTo and deliver the timer
// themselves, so a spec decides what runs between two timers (a load sample, a check).
import { Clock } from "../modules/scheduler/index";

export class SpecClock extends Clock {
  now: i64 = 0;
  wall: i64;
  wallKnown: bool = true;
  /** Device time the timer is due at, or -1 while it is not armed. */
  timerAt: i64 = -1;

  constructor(wall: i64) { super(); this.wall = wall; }

  nowMs(): i64 { return this.now; }
  wallMs(): i64 { return this.wallKnown ? this.wall : -1; }
  setTimer(id: i32, delayMs: i32): void { this.timerAt = this.now + <i64>delayMs; }
  cancelTimer(id: i32): void { this.timerAt = -1; }

  /** When the timer falls due at or before device time `at`: both clocks move to it, it
   *  is disarmed, and true says the caller delivers it (onTimer). Otherwise nothing moves. */
  nextDue(at: i64): bool {
    if (this.timerAt < 0 || this.timerAt > at) return false;
    const step = this.timerAt - this.now;
    this.now += step;
    this.wall += step;
    this.timerAt = -1;
    return true;
  }

  /** Both clocks to device time `at` (after the due timers were delivered). */
  moveTo(at: i64): void {
    this.wall += at - this.now;
    this.now = at;
  }
}
