// The scheduler against a hand-moved clock and a real credential store on the test
// board's flash: order, periods, UTC, and what survives a reboot.
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../../credential-store/index";
import { Keyspace, ResetClass } from "../../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { OK, E_INVAL, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { Clock, DeadlineOwner, Durability, Scheduler, WALL_POLL_MS, KEYS } from "..";

const T0: i64 = 1_790_000_000_000;   // a wall time in 2026

/** Device time and wall time moved by the test; the one timer is remembered, not run. */
class TestClock extends Clock {
  now: i64 = 0;
  wall: i64 = T0;
  timerDelay: i32 = -1;   // -1: not armed
  timerSets: i32 = 0;
  nowMs(): i64 { return this.now; }
  wallMs(): i64 { return this.wall; }
  setTimer(id: i32, delayMs: i32): void { this.timerDelay = delayMs; this.timerSets++; }
  cancelTimer(id: i32): void { this.timerDelay = -1; }
}

/** Records each call as "name@lateness". */
class Log extends DeadlineOwner {
  calls: string[] = [];
  onDeadline(name: u32, lateMs: i64): void { this.calls.push(name.toString() + "@" + lateMs.toString()); }
}

/** Sets its own deadline again from inside onDeadline, with no delay. */
class Again extends DeadlineOwner {
  scheduler: Scheduler | null = null;
  count: i32 = 0;
  onDeadline(name: u32, lateMs: i64): void { this.count++; this.scheduler!.after(name, 0); }
}

/** Runs the board: moves both clocks to `at` (device time), firing the timer whenever
 *  it falls due on the way, as a host would. */
function runTo(s: Scheduler, c: TestClock, at: i64): void {
  for (let guard = 0; guard < 1000; guard++) {
    if (c.timerDelay < 0 || c.now + <i64>c.timerDelay > at) break;
    const step = <i64>c.timerDelay;
    c.now += step; c.wall += step;
    c.timerDelay = -1;
    s.onTimer(0);
  }
  c.wall += at - c.now;
  c.now = at;
}

/** A power cut: RAM and the timer go; flash stays; device time restarts at 0. */
function reboot(c: TestClock, offMs: i64): CredentialStore {
  c.now = 0; c.wall += offMs; c.timerDelay = -1;
  const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, KEYS]));
  expect(store.open()).toBe(OK);
  return store;
}

/** Counts what the store appends to flash. */
class CountingRecords extends RecordStore {
  writes: i32 = 0;
  put(key: u32, data: Uint8Array): i32 { this.writes++; return super.put(key, data); }
  remove(key: u32): i32 { if (this.has(key)) this.writes++; return super.remove(key); }
}

/** Each test starts from blank flash. */
function freshStore(): CredentialStore {
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  const store = new CredentialStore(new CountingRecords(), new Keyspace([CREDENTIAL_KEYS, KEYS]));
  expect(store.open()).toBe(OK);
  return store;
}

describe("scheduler in device time", () => {
  it("fires each deadline once at its time, earliest first, on one timer", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(1, log); s.register(2, log); s.register(3, log);
    expect(s.after(2, 500)).toBe(OK);
    expect(s.after(1, 800)).toBe(OK);
    expect(s.after(3, 500)).toBe(OK);
    expect(c.timerDelay).toBe(500);
    runTo(s, c, 10_000);
    expect(log.calls.join(",")).toBe("2@0,3@0,1@0");
    expect(s.pending(1)).toBe(false);
    expect(c.timerDelay).toBe(-1);
  });

  it("reports lateness when the timer comes late, and refuses others' timers", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(7, log);
    s.after(7, 100);
    c.now = 350;
    expect(s.onTimer(1)).toBe(E_INVAL);
    expect(log.calls.length).toBe(0);
    expect(s.onTimer(0)).toBe(OK);
    expect(log.calls.join(",")).toBe("7@250");
  });

  it("a periodic deadline repeats, and fires once however many periods it was late", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(5, log);
    s.after(5, 1000, 1000);
    runTo(s, c, 3000);
    expect(log.calls.join(",")).toBe("5@0,5@0,5@0");
    c.now = 7500;                  // 4.5 periods without a timer event
    s.onTimer(0);
    expect(log.calls[3]).toBe("5@3500");
    expect(c.timerDelay).toBe(500); // back on its grid: 8000
  });

  it("replaces, cancels, and only registered names can be set", () => {
    const c = new TestClock(), log = new Log(), other = new Log();
    const s = new Scheduler(0, null, c);
    expect(s.after(9, 10)).toBe(E_INVAL);
    s.register(9, log);
    expect(s.register(9, other)).toBe(E_STATE);
    expect(s.after(9, -1)).toBe(E_INVAL);
    s.after(9, 100);
    s.after(9, 300);
    expect(c.timerDelay).toBe(300);
    expect(s.cancel(9)).toBe(OK);
    expect(s.cancel(9)).toBe(E_NOTFOUND);
    expect(c.timerDelay).toBe(-1);
    runTo(s, c, 1000);
    expect(log.calls.length).toBe(0);
  });

  it("an owner that sets its deadline again with no delay is called once per event", () => {
    const c = new TestClock(), again = new Again();
    const s = new Scheduler(0, null, c);
    again.scheduler = s;
    s.register(4, again);
    s.after(4, 0);
    s.onTimer(0);
    expect(again.count).toBe(1);
    expect(s.pending(4)).toBe(true);
    expect(c.timerDelay).toBe(0);
  });

  it("does not re-arm the board timer for an unchanged next time", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(1, log); s.register(2, log);
    s.after(1, 100);
    s.after(2, 900);
    expect(c.timerSets).toBe(1);
  });

  it("waits longer than the board's 32-bit timer in steps", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(1, log);
    const far: i64 = 40 * 24 * 3600 * 1000;   // 40 days
    s.after(1, far);
    expect(c.timerDelay).toBe(i32.MAX_VALUE);
    runTo(s, c, far);
    expect(log.calls.join(",")).toBe("1@0");
  });
});

describe("scheduler in wall-clock UTC", () => {
  it("fires at a UTC time, and at once with its lateness when that time is past", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(1, log); s.register(2, log);
    s.atUtc(1, T0 + 60_000);
    expect(c.timerDelay).toBe(60_000);
    s.atUtc(2, T0 - 5_000);
    expect(c.timerDelay).toBe(0);
    runTo(s, c, 120_000);
    expect(log.calls.join(",")).toBe("2@5000,1@0");
  });

  it("waits for the wall clock when the board does not know it yet", () => {
    const c = new TestClock(), log = new Log();
    c.wall = -1;
    const s = new Scheduler(0, null, c);
    s.register(1, log);
    expect(s.atUtc(1, T0 + 30_000)).toBe(OK);
    expect(s.pending(1)).toBe(true);
    expect(<i64>c.timerDelay).toBe(WALL_POLL_MS);
    c.now = WALL_POLL_MS; s.onTimer(0);          // still unknown: looks again later
    expect(<i64>c.timerDelay).toBe(WALL_POLL_MS);
    c.now = 2 * WALL_POLL_MS; c.wall = T0; s.onTimer(0);   // the board learned the time
    expect(c.timerDelay).toBe(30_000);
    runTo(s, c, 2 * WALL_POLL_MS + 30_000);
    expect(log.calls.join(",")).toBe("1@0");
  });

  it("a periodic UTC deadline whose start is past fires for its latest time and keeps its grid", () => {
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, null, c);
    s.register(1, log);
    s.atUtc(1, T0 - 25 * 60_000, 10 * 60_000);   // every 10 min from 25 min ago
    runTo(s, c, 6 * 60_000);
    expect(log.calls.join(",")).toBe("1@300000,1@0");
  });
});

describe("persisted deadlines", () => {
  it("one set before a power cut fires after boot at its time", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(0x10, log);
    s.boot();
    expect(s.after(0x10, 60_000, 0, Durability.PERSISTED)).toBe(OK);
    runTo(s, c, 10_000);
    const store2 = reboot(c, 20_000);   // off for 20 s; 30 s remain
    const s2 = new Scheduler(0, store2, c);
    s2.register(0x10, log);
    s2.boot();
    expect(s2.pending(0x10)).toBe(true);
    expect(c.timerDelay).toBe(30_000);
    runTo(s2, c, 40_000);
    expect(log.calls.join(",")).toBe("16@0");
    // Fired and handled: gone from flash, so the next boot does not fire it again.
    const store3 = reboot(c, 1000);
    const s3 = new Scheduler(0, store3, c);
    s3.register(0x10, log);
    s3.boot();
    expect(s3.pending(0x10)).toBe(false);
  });

  it("one missed while off fires once at boot with its lateness", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(0x11, log);
    s.boot();
    s.after(0x11, 60_000, 0, Durability.PERSISTED);
    const store2 = reboot(c, 5 * 60_000);
    const s2 = new Scheduler(0, store2, c);
    s2.register(0x11, log);
    s2.boot();
    expect(log.calls.length).toBe(0);          // owners are called in an event, not in boot
    expect(c.timerDelay).toBe(0);
    expect(s2.remainingMs(0x11)).toBe(0);      // already due before that event comes
    s2.onTimer(0);
    expect(log.calls.join(",")).toBe("17@240000");
    expect(s2.remainingMs(0x11)).toBe(-1);
  });

  it("remainingMs counts down in device time, and is -1 while the wall time is unknown", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(0x12, log);
    s.boot();
    expect(s.remainingMs(0x12)).toBe(-1);
    s.after(0x12, 60_000, 0, Durability.PERSISTED);
    runTo(s, c, 59_000);
    expect(s.remainingMs(0x12)).toBe(1000);
    c.wall = -1;
    const store2 = reboot(c, 0);
    const s2 = new Scheduler(0, store2, c);
    s2.register(0x12, log);
    s2.boot();
    expect(s2.pending(0x12)).toBe(true);
    expect(s2.remainingMs(0x12)).toBe(-1);
  });

  it("a periodic one missed while off fires once, then continues on its period", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(0x20, log, ResetClass.KEPT);
    s.boot();
    s.after(0x20, 30 * 60_000, 30 * 60_000, Durability.PERSISTED);   // metering every 30 min
    runTo(s, c, 31 * 60_000);
    expect(log.calls.join(",")).toBe("32@0");
    const store2 = reboot(c, 100 * 60_000);   // off from 0:31 to 2:11
    const s2 = new Scheduler(0, store2, c);
    s2.register(0x20, log, ResetClass.KEPT);
    s2.boot();
    runTo(s2, c, 30 * 60_000);
    // 2:00 was the latest missed time (11 min late); then 2:30 on the grid (19 min after boot).
    expect(log.calls.join(",")).toBe("32@0,32@660000,32@0");
  });

  it("waits after boot until the board knows the wall time", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(1, log);
    s.boot();
    s.atUtc(1, T0 + 60_000, 0, Durability.PERSISTED);
    const store2 = reboot(c, 120_000);
    const wall = c.wall;
    c.wall = -1;
    const s2 = new Scheduler(0, store2, c);
    s2.register(1, log);
    s2.boot();
    expect(<i64>c.timerDelay).toBe(WALL_POLL_MS);
    c.now = WALL_POLL_MS; c.wall = wall + WALL_POLL_MS; c.timerDelay = -1;
    s2.onTimer(0);                            // the board learned the time: missed, fires now
    expect(log.calls.join(",")).toBe("1@" + (60_000 + WALL_POLL_MS).toString());
    expect(c.timerDelay).toBe(-1);
  });

  it("refuses PERSISTED without wall time, without a store, or for a name past 0x3F", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(1, log); s.register(0x40, log);
    c.wall = -1;
    expect(s.after(1, 1000, 0, Durability.PERSISTED)).toBe(E_STATE);
    expect(s.pending(1)).toBe(false);
    c.wall = T0;
    expect(s.after(0x40, 1000, 0, Durability.PERSISTED)).toBe(E_INVAL);
    const memoryOnly = new Scheduler(0, null, c);
    memoryOnly.register(1, log);
    expect(memoryOnly.after(1, 1000, 0, Durability.PERSISTED)).toBe(E_STATE);
  });

  it("writes flash only when a persisted deadline changes", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(2, log);
    s.boot();
    s.after(2, 60_000, 60_000, Durability.PERSISTED);
    const written = writes(store);
    runTo(s, c, 10 * 60_000);                                   // ten periods: no write
    s.atUtc(2, T0 + 11 * 60_000, 60_000, Durability.PERSISTED); // the same grid: no write
    expect(writes(store)).toBe(written);
    s.after(2, 1000, 0, Durability.PERSISTED);                  // a change: one write
    expect(writes(store)).toBe(written + 1);
    s.cancel(2);                                                // gone from flash
    expect(store.get(0x0442) === null).toBe(true);
  });

  it("keeps each name's record in the range of the reset class it was registered with", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(1, log, ResetClass.KEPT);
    s.register(2, log, ResetClass.INITIALIZATION);
    s.register(3, log, ResetClass.FACTORY_RESET);
    s.after(1, 1000, 0, Durability.PERSISTED);
    s.after(2, 1000, 0, Durability.PERSISTED);
    s.after(3, 1000, 0, Durability.PERSISTED);
    expect(store.records.has(0x0401)).toBe(true);
    expect(store.records.has(0x0442)).toBe(true);
    expect(store.records.has(0x0483)).toBe(true);
    for (let i = 0; i < KEYS.length; i++) expect(KEYS[i].first >= 0x0400 && KEYS[i].last <= 0x04ff).toBe(true);
    expect(KEYS[0].reset).toBe(ResetClass.KEPT);
    expect(KEYS[1].reset).toBe(ResetClass.INITIALIZATION);
    expect(KEYS[2].reset).toBe(ResetClass.FACTORY_RESET);
  });

  it("a volatile set replaces a persisted one and removes its record", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(1, log);
    s.after(1, 1000, 0, Durability.PERSISTED);
    s.after(1, 1000);
    expect(store.records.has(0x0441)).toBe(false);
  });
});

function writes(store: CredentialStore): i32 { return (store.records as CountingRecords).writes; }

describe("persisted deadlines and resets", () => {
  it("boot() again after a reset drops the deadlines whose records it erased", () => {
    const store = freshStore();
    const c = new TestClock(), log = new Log();
    const s = new Scheduler(0, store, c);
    s.register(1, log, ResetClass.KEPT);
    s.register(2, log, ResetClass.INITIALIZATION);
    s.boot();
    s.after(1, 1000, 0, Durability.PERSISTED);
    s.after(2, 1000, 0, Durability.PERSISTED);
    expect(store.erase(0x0442)).toBe(OK);   // what initialization does to the INITIALIZATION range
    s.boot();
    expect(s.pending(1)).toBe(true);
    expect(s.pending(2)).toBe(false);
    runTo(s, c, 5000);
    expect(log.calls.join(",")).toBe("1@0");
  });
});
