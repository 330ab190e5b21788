// Named deadlines over the one board timer the scheduler owns. README.md says how a
// module uses it; records.ts says what is kept in flash.
import * as board from "../../board/index";
import { OK, E_INVAL, E_NOTFOUND, E_STATE } from "../../core/errors";
import { ResetClass } from "../../storage/keyspace";
import { CredentialStore } from "../credential-store/index";
import { ValueType } from "../credential-store/index";
import { Clock } from "./clock";
import { PERSISTABLE_NAMES, RECORD_LEN, dueUtcOf, encode, periodOf, recordId, valid } from "./records";

/** A module that owns deadlines implements this; the scheduler calls it when one is due.
 *  lateMs: how long after its time the deadline fired (0 when on time). For a deadline
 *  missed while the device was off: how long ago it was due (a periodic one: how long
 *  ago its latest time was, so the occurrence is the wall time minus lateMs). */
export abstract class DeadlineOwner {
  abstract onDeadline(name: u32, lateMs: i64): void;
}

/** How a deadline survives power loss. VOLATILE: forgotten at power-off. PERSISTED:
 *  stored in flash; one set before a power cut fires after boot (once, if missed). */
export namespace Durability {
  export const VOLATILE: u8 = 0;
  export const PERSISTED: u8 = 1;
}

/** How long a deadline given in UTC waits before looking again whether the board knows
 *  the wall time yet (the board gives no event when it learns it). */
export const WALL_POLL_MS: i64 = 10_000;

/** One registered name: allocated once at register(), reused by every set. */
class Deadline {
  active: bool = false;
  /** Device time it is due at; meaningless while it waits for the wall clock. */
  dueMs: i64 = 0;
  /** Set while its due time is known only in UTC and the board has no wall time yet. */
  awaitingWall: bool = false;
  dueUtcMs: i64 = 0;
  periodMs: i64 = 0;
  /** What its flash record holds, if it has one: writes are skipped when unchanged. */
  stored: bool = false;
  storedUtcMs: i64 = 0;
  storedPeriodMs: i64 = 0;
  /** Bumped by every set and cancel: tells whether an owner re-set it while handling it. */
  generation: u32 = 0;
  firedInPass: u32 = 0;
  constructor(public name: u32, public owner: DeadlineOwner, public reset: u8) {}
}

export class Scheduler {
  private deadlines: Deadline[] = [];
  private pass: u32 = 0;
  /** Device time the board timer is armed for, or -1: saves re-arming it unchanged. */
  private armedMs: i64 = -1;
  private wallPollMs: i64 = -1;
  private scratch: Uint8Array = new Uint8Array(RECORD_LEN);

  /** timerId: the one board timer the scheduler owns. store: where PERSISTED deadlines
   *  are kept (without one, PERSISTED is refused with E_STATE). */
  constructor(private timerId: i32 = 0, private store: CredentialStore | null = null, private clock: Clock = new Clock()) {}

  // Optional arguments default to literals (named in a comment): the compiler passes a
  // literal default in place, a named constant through an extra @varargs function.
  /** A name belongs to one owner; register every name before boot(). reset: which reset
   *  erases the name's persisted deadline (storage keyspace classes). E_STATE for a name
   *  another owner holds. */
  register(name: u32, owner: DeadlineOwner, reset: u8 = 1 /* ResetClass.INITIALIZATION */): i32 {
    if (reset > ResetClass.FACTORY_RESET) return E_INVAL;
    const d = this.find(name);
    if (d !== null) return d.owner === owner && d.reset == reset ? OK : E_STATE;
    this.deadlines.push(new Deadline(name, owner, reset));
    return OK;
  }

  /** Loads persisted deadlines. One that was due while the device was off fires once,
   *  in the first TIMER event after boot, with its lateness; if the board does not know
   *  the wall time yet, they wait for it. Called again after a reset erased records, it
   *  drops the persisted deadlines whose records are gone. */
  boot(): void {
    const store = this.store;
    if (store !== null) {
      for (let i = 0; i < this.deadlines.length; i++) {
        const d = this.deadlines[i];
        if (d.name >= PERSISTABLE_NAMES) continue;
        const v = store.getTyped(recordId(d.name, d.reset), ValueType.BYTES);
        if (v === null || !valid(v)) {
          if (v !== null) board.compose().add("scheduler: unreadable deadline record ignored").warn();
          if (d.stored) { d.stored = false; d.active = false; d.generation++; }   // a reset erased it
          continue;
        }
        d.stored = true;
        d.storedUtcMs = dueUtcOf(v);
        d.storedPeriodMs = periodOf(v);
        this.setUtc(d, d.storedUtcMs, d.storedPeriodMs);
      }
    }
    this.resolveWall();
    this.arm();
  }

  /** Due delayMs from now in device time; periodMs > 0 repeats it. Replaces an earlier
   *  deadline of the same name. PERSISTED needs the wall time (E_STATE without it): it is
   *  the only time that still means something after a reboot. */
  after(name: u32, delayMs: i64, periodMs: i64 = 0, durability: u8 = 0 /* Durability.VOLATILE */): i32 {
    const d = this.find(name);
    if (d === null || delayMs < 0 || periodMs < 0 || durability > Durability.PERSISTED) return E_INVAL;
    const now = this.clock.nowMs();
    let rc = OK;
    if (durability == Durability.PERSISTED) {
      const wall = this.clock.wallMs();
      rc = wall < 0 ? E_STATE : this.persist(d, wall + delayMs, periodMs);
    } else rc = this.unpersist(d);
    if (rc != OK) return rc;
    d.active = true;
    d.awaitingWall = false;
    d.dueMs = now + delayMs;
    d.periodMs = periodMs;
    d.generation++;
    this.arm();
    return OK;
  }

  /** Due at a wall-clock time (UTC ms since 1970); periodMs > 0 repeats it from there. A
   *  time already past fires at once with its lateness (a periodic one: the latest past
   *  time). While the board does not know the wall time the deadline waits for it. */
  atUtc(name: u32, utcMs: i64, periodMs: i64 = 0, durability: u8 = 0 /* Durability.VOLATILE */): i32 {
    const d = this.find(name);
    if (d === null || utcMs < 0 || periodMs < 0 || durability > Durability.PERSISTED) return E_INVAL;
    const rc = durability == Durability.PERSISTED ? this.persist(d, utcMs, periodMs) : this.unpersist(d);
    if (rc != OK) return rc;
    this.setUtc(d, utcMs, periodMs);
    this.resolveWall();
    this.arm();
    return OK;
  }

  /** E_NOTFOUND when nothing was pending under that name. */
  cancel(name: u32): i32 {
    const d = this.find(name);
    if (d === null) return E_NOTFOUND;
    const rc = this.unpersist(d);
    if (rc != OK) return rc;
    const was = d.active;
    d.active = false;
    d.generation++;
    this.arm();
    return was ? OK : E_NOTFOUND;
  }

  pending(name: u32): bool {
    const d = this.find(name);
    return d !== null && d.active;
  }

  /** Device ms until the name's deadline is due (<= 0 once due, even before the TIMER
   *  event that fires it is delivered), or -1 when nothing is pending or its time is known
   *  only in UTC and the scheduler has not yet seen the board's wall time. For a module that must refuse what a
   *  deadline ends the moment it is due: at boot a missed deadline fires only in the first
   *  TIMER event, and events queued before it must already see it as due. */
  remainingMs(name: u32): i64 {
    const d = this.find(name);
    if (d === null || !d.active || d.awaitingWall) return -1;
    const left = d.dueMs - this.clock.nowMs();
    return left < 0 ? 0 : left;
  }

  /** The board's TIMER event. Returns E_INVAL for a timer the scheduler does not own.
   *  Due deadlines fire earliest first (ties: in registration order), each at most once
   *  per event, so an owner that sets its deadline again with no delay is called in the
   *  next event rather than looping here. */
  onTimer(id: i32): i32 {
    if (id != this.timerId) return E_INVAL;
    this.armedMs = -1;
    this.resolveWall();
    const now = this.clock.nowMs();
    this.pass++;
    for (;;) {
      const d = this.nextDue(now);
      if (d === null) break;
      d.firedInPass = this.pass;
      const late = now - d.dueMs;
      const generation = d.generation;
      const period = d.periodMs;
      if (period > 0) d.dueMs += period * (late / period + 1);   // once, however many periods passed
      else d.active = false;
      d.owner.onDeadline(d.name, late);
      // A one-shot record goes only after its owner handled it (a power cut in between
      // fires it again at boot), and not if the owner set the name again meanwhile.
      if (period == 0 && d.generation == generation && d.stored) {
        const rc = this.unpersist(d);
        if (rc != OK) board.compose().add("scheduler: fired deadline not erased").error();
      }
    }
    this.arm();
    return OK;
  }

  // ---------------------------------------------------------------- internals

  private find(name: u32): Deadline | null {
    const all = this.deadlines;
    for (let i = 0; i < all.length; i++) if (all[i].name == name) return all[i];
    return null;
  }

  private setUtc(d: Deadline, utcMs: i64, periodMs: i64): void {
    d.active = true;
    d.awaitingWall = true;
    d.dueUtcMs = utcMs;
    d.periodMs = periodMs;
    d.generation++;
  }

  /** Turns UTC due times into device time once the board knows the wall time. */
  private resolveWall(): void {
    let wall: i64 = -2;
    const all = this.deadlines;
    for (let i = 0; i < all.length; i++) {
      const d = all[i];
      if (!d.active || !d.awaitingWall) continue;
      if (wall == -2) wall = this.clock.wallMs();
      if (wall < 0) return;
      let due = d.dueUtcMs;
      if (d.periodMs > 0 && due < wall) due += (wall - due) / d.periodMs * d.periodMs;   // the latest past time
      d.dueMs = this.clock.nowMs() + (due - wall);
      d.awaitingWall = false;
    }
  }

  private nextDue(now: i64): Deadline | null {
    let best: Deadline | null = null;
    const all = this.deadlines;
    for (let i = 0; i < all.length; i++) {
      const d = all[i];
      if (!d.active || d.awaitingWall || d.dueMs > now || d.firedInPass == this.pass) continue;
      if (best === null || d.dueMs < best.dueMs) best = d;
    }
    return best;
  }

  /** Writes a deadline's record, unless it already says the same: the same period and a
   *  due time on the same grid of times. */
  private persist(d: Deadline, dueUtcMs: i64, periodMs: i64): i32 {
    const store = this.store;
    if (store === null) return E_STATE;
    if (d.name >= PERSISTABLE_NAMES) return E_INVAL;
    if (d.stored && d.storedPeriodMs == periodMs
      && (periodMs == 0 ? d.storedUtcMs == dueUtcMs : (dueUtcMs - d.storedUtcMs) % periodMs == 0)) return OK;
    encode(this.scratch, dueUtcMs, periodMs);
    const rc = store.put(recordId(d.name, d.reset), ValueType.BYTES, 0, this.scratch);
    if (rc != OK) return rc;
    d.stored = true;
    d.storedUtcMs = dueUtcMs;
    d.storedPeriodMs = periodMs;
    return OK;
  }

  private unpersist(d: Deadline): i32 {
    if (!d.stored) return OK;
    const store = this.store;
    const rc = store === null ? OK : store.erase(recordId(d.name, d.reset));
    if (rc != OK) return rc;
    d.stored = false;
    return OK;
  }

  private arm(): void {
    let next = i64.MAX_VALUE;
    let waiting = false;
    const all = this.deadlines;
    for (let i = 0; i < all.length; i++) {
      const d = all[i];
      if (!d.active) continue;
      if (d.awaitingWall) waiting = true;
      else if (d.dueMs < next) next = d.dueMs;
    }
    const now = this.clock.nowMs();
    if (!waiting) this.wallPollMs = -1;
    else {
      if (this.wallPollMs <= now) this.wallPollMs = now + WALL_POLL_MS;
      if (this.wallPollMs < next) next = this.wallPollMs;
    }
    if (next == i64.MAX_VALUE) {
      if (this.armedMs >= 0) { this.clock.cancelTimer(this.timerId); this.armedMs = -1; }
      return;
    }
    if (next < now) next = now;
    if (next == this.armedMs) return;
    const wait = next - now;
    // A wait beyond the board's i32 is armed in steps: the timer fires early, finds
    // nothing due and arms the rest.
    const step = wait > <i64>i32.MAX_VALUE ? i32.MAX_VALUE : <i32>wait;
    this.clock.setTimer(this.timerId, step);
    this.armedMs = now + <i64>step;
  }
}
