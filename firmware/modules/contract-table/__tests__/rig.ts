// What every contract-table spec runs on: the table over a real credential store on the
// test board's flash and a real scheduler, with device and wall time moved by hand, and
// power cycles as the meter has them (a new store, scheduler and table on the same flash).
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { OK } from "../../../core/errors";
import { eraseFlash } from "../../../testing/flash";
import { CredentialStore, ValueType, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { SpecClock } from "../../../testing/clock";
import { ContractEvents, ContractRecord, ContractTable, KEYS as CONTRACT_KEYS } from "../index";

export const T0: i64 = 1_790_000_000_000;   // a wall time in 2026
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const DAY: i64 = 24 * HOUR;

// Company codes of the demo: two electricity companies and a data-utilization company.
export const POWER_A: u32 = 0xa001;
export const POWER_B: u32 = 0xb002;
export const DATA_C: u32 = 0xc003;

/** Device time and wall time moved by the test; the one timer is remembered, not run. */
export class TestClock extends SpecClock {
  constructor() { super(T0); }
}

/** What the table told the image, in order, as one line each. */
export class Recorder extends ContractEvents {
  lines: string[] = [];
  switched: i32 = 0;
  ends: i32 = 0;
  errors: i32 = 0;
  lastErrorRole: u8 = 0;
  onScheduledEnd(role: u8, oldCode: u32, atUtc: i64, changeId: u32): void {
    this.ends++;
    this.lines.push("end " + role.toString() + " " + oldCode.toString(16) + " +" + ((atUtc - T0) / SECOND).toString() + "s #" + changeId.toString());
  }
  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, changeId: u32): void {
    this.switched++;
    this.lines.push("switch " + role.toString() + " " + oldCode.toString(16) + ">" + newCode.toString(16) + " #" + changeId.toString());
  }
  onSecurityError(role: u8, code: u32): void {
    this.errors++;
    this.lastErrorRole = role;
    this.lines.push("security " + role.toString() + " " + code.toString(16));
  }
  last(): string { return this.lines.length == 0 ? "" : this.lines[this.lines.length - 1]; }
}

export function keyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS]);
}

/** One boot of the meter: store, scheduler and table, booted in the image's order. */
export class Meter {
  store: CredentialStore;
  scheduler: Scheduler;
  events: Recorder;
  table: ContractTable;
  /** What the table's boot() answered. */
  booted: i32;

  constructor(public clock: TestClock) {
    const store = new CredentialStore(new RecordStore(), keyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    const events = new Recorder();
    const table = new ContractTable(store, scheduler, events, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.events = events;
    this.table = table;
    this.booted = OK;
    scheduler.boot();
    this.booted = table.boot();
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.scheduler.onTimer(0);
    c.moveTo(at);
  }

  /** Moves on by `ms`. */
  wait(ms: i64): void { this.runTo(this.clock.now + ms); }

  /** Moves the clocks to wall time `utc` (delivering timers on the way). */
  runToWall(utc: i64): void { this.runTo(this.clock.now + (utc - this.clock.wall)); }

  /** A power cut of `offMs`: RAM and the timer go, flash stays, device time restarts. */
  reboot(offMs: i64): Meter {
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Meter(this.clock);
  }

  /** The table's two records as stored now (ACTIVE then PENDING), to compare tables. */
  stored(): string {
    return hex(this.store.getTyped(ContractRecord.ACTIVE, ValueType.BYTES)) + "/" + hex(this.store.getTyped(ContractRecord.PENDING, ValueType.BYTES));
  }
}

function hex(v: Uint8Array | null): string {
  if (v === null) return "-";
  let s = "";
  for (let i = 0; i < v.length; i++) s += (v[i] < 16 ? "0" : "") + v[i].toString(16);
  return s;
}

/** Blank flash and a clock at T0: every spec starts here. */
export function freshMeter(): Meter {
  eraseFlash();
  return new Meter(new TestClock());
}
