// What every metering spec runs on: a real credential store on the test board's flash,
// a real scheduler, a real contract table and the module over the board's measure()
// (the unit-test board's meter_set feeds it a load that follows the wall time), with
// device and wall time moved by hand and power cycles as the meter has them (a new
// store, scheduler, table and module on the same flash). A sink records what reached the
// "outbox" across power cycles, as the cloud would see it.
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { OK } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { eraseFlash } from "../../../testing/flash";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { SpecClock } from "../../../testing/clock";
import { ContractEvents, ContractTable, DataType, IMMEDIATE, Role, KEYS as CONTRACT_KEYS } from "../../contract-table/index";
import {
  BoardSource, HandOff, Handed, Metering, MeteringConfig, MeteringEvents, ReadingSink, KEYS as METERING_KEYS,
} from "../index";

@external("testing", "meter_set") declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;

/** 2026-11-22T00:00:00Z: a UTC midnight. */
export const T0: i64 = 1_795_305_600_000;
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const DAY: i64 = 24 * HOUR;

// The demo's companies: two electricity companies and a data-utilization company.
export const POWER_A: u32 = 0xa001;
export const POWER_B: u32 = 0xb002;
export const DATA_C: u32 = 0xc003;
export const A_TYPES: u32 = DataType.TIME | DataType.ENERGY | DataType.HISTORY;
export const C_TYPES: u32 = DataType.TIME | DataType.POWER;

/** The house draws LOAD_W all the time; the register started at E0_WH at T0. */
export const LOAD_W: i32 = 720;
export const E0_WH: i64 = 100_000;
/** Wh the house uses in 30 minutes. */
export const SLOT_WH: u32 = 360;

export class TestClock extends SpecClock {
  constructor() { super(T0); }
}

/** The register at wall time `wall` under the constant load. */
export function registerAt(wall: i64): i64 { return E0_WH + (wall - T0) * <i64>LOAD_W / HOUR; }

/** The "outbox" as the cloud sees it: one line per reading handed, in order. */
export class Outbox extends ReadingSink {
  lines: string[] = [];
  /** Answer this error instead of OK (0: OK). */
  failWith: i32 = 0;
  /** Take this many more, then answer `failWith` (-1: no limit). */
  room: i32 = -1;
  hand(r: Handed): i32 {
    if (this.room == 0 && this.failWith != 0) return this.failWith;
    if (this.room > 0) this.room--;
    // What the scope leaves out is not in the object the sink is given either.
    if ((r.types & DataType.TIME) == 0) expect(r.endUtcMs).toBe(0);
    if ((r.types & DataType.POWER) == 0) expect(r.powerW).toBe(0);
    if ((r.types & DataType.ENERGY) == 0) expect(r.energyWh).toBe(0);
    if ((r.types & DataType.HISTORY) == 0) expect(r.slotWh).toBe(0);
    this.lines.push(line(r));
    return OK;
  }
  /** The lines of company `code`, in order. */
  of(code: u32): string[] {
    const out: string[] = [];
    const p = code.toString(16) + " ";
    for (let i = 0; i < this.lines.length; i++) if (this.lines[i].startsWith(p)) out.push(this.lines[i]);
    return out;
  }
  count(code: u32): i32 { return this.of(code).length; }
}

/** `co rseq q | t=… w=… wh=… d=…` with only the values in the reading's scope. */
export function line(r: Handed): string {
  let s = r.company.toString(16) + " " + r.rseq.toString() + " q" + r.quality.toString() + " |";
  if ((r.types & DataType.TIME) != 0) s += " t=+" + ((r.endUtcMs - T0) / MINUTE).toString() + "m";
  if ((r.types & DataType.POWER) != 0) s += " w=" + r.powerW.toString();
  if ((r.types & DataType.ENERGY) != 0) s += " wh=" + r.energyWh.toString();
  if ((r.types & DataType.HISTORY) != 0) s += " d=" + r.slotWh.toString();
  return s;
}

/** The image's part: the table's switches go to the module. */
export class Forwarder extends ContractEvents {
  metering: Metering | null = null;
  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, changeId: u32): void {
    const m = this.metering;
    if (m !== null) m.onSwitched(role, oldCode, newCode, atUtc);
  }
}

/** Measurements and transmissions as the image hears them; a transmission hands off. */
export class Heard extends MeteringEvents {
  measured: i32 = 0;
  transmissions: i32 = 0;
  /** Hand off at each transmission, as the image does (power-cut sweeps call it themselves). */
  auto: bool = true;
  metering: Metering | null = null;
  constructor(public outbox: Outbox) { super(); }
  onMeasured(mseq: u32): void { this.measured++; }
  onTransmission(): void {
    this.transmissions++;
    if (this.auto) handAll(this.metering!, this.outbox);
  }
}

/** handOff until nothing more is owed (the image calls again in later events). */
export function handAll(m: Metering, outbox: Outbox): i32 {
  let total = 0;
  for (let i = 0; i < 1000; i++) {
    const rc = m.handOff(outbox);
    if (rc < 0) return rc;
    total += rc & (HandOff.MORE - 1);
    if ((rc & HandOff.MORE) == 0) break;
  }
  return total;
}

function feedAt(load: bool, wall: i64): void {
  if (load) meter_set(Channel.IMPORT, OK, LOAD_W, registerAt(wall));
}

export function keyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CONTRACT_KEYS, METERING_KEYS]);
}

/** One boot of the meter, in the image's order: store, scheduler, table, metering. */
export class Meter {
  store: CredentialStore;
  scheduler: Scheduler;
  table: ContractTable;
  metering: Metering;
  source: BoardSource;
  events: Heard;
  forwarder: Forwarder;
  booted: i32;

  constructor(public clock: TestClock, public outbox: Outbox, public config: MeteringConfig, public load: bool = true) {
    feedAt(load, clock.wall);
    const store = new CredentialStore(new RecordStore(), keyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    const forwarder = new Forwarder();
    const table = new ContractTable(store, scheduler, forwarder, clock);
    const source = new BoardSource(Channel.IMPORT);
    const events = new Heard(outbox);
    const metering = new Metering(store, scheduler, table, source, events, clock, config);
    events.metering = metering;
    forwarder.metering = metering;   // switches the table applies at boot come before metering.boot()
    this.store = store;
    this.scheduler = scheduler;
    this.table = table;
    this.metering = metering;
    this.source = source;
    this.events = events;
    this.forwarder = forwarder;
    scheduler.boot();
    expect(table.boot()).toBe(OK);
    this.booted = metering.boot();
  }

  /** The board's meter follows the wall time (the constant load). */
  feed(): void { feedAt(this.load, this.clock.wall); }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 100_000 && c.nextDue(at); guard++) {
      this.feed();
      this.scheduler.onTimer(0);
    }
    c.moveTo(at);
    this.feed();
  }

  wait(ms: i64): void { this.runTo(this.clock.now + ms); }

  /** Moves the clocks to wall time `utc` (delivering timers on the way). */
  runToWall(utc: i64): void { this.runTo(this.clock.now + (utc - this.clock.wall)); }

  /** A power cut of `offMs`: RAM and the timer go, flash stays, device time restarts. */
  reboot(offMs: i64): Meter {
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Meter(this.clock, this.outbox, this.config, this.load);
  }

  /** The contract company A (and optionally data company C) in effect, both confirmed. */
  install(withData: bool = true): void {
    expect(this.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, A_TYPES)).toBe(OK);
    expect(this.metering.confirmed(POWER_A)).toBe(OK);
    if (withData) {
      expect(this.table.change(Role.PROVISION, IMMEDIATE, DATA_C, C_TYPES)).toBe(OK);
      expect(this.metering.confirmed(DATA_C)).toBe(OK);
    }
  }
}

/** Blank flash, a clock at `wall` and a new meter on them: every spec starts here. */
/** A boot at wall time `wall` on what the flash holds now (device time restarts). */
export function bootAt(clock: TestClock, outbox: Outbox, config: MeteringConfig, wall: i64, load: bool): Meter {
  clock.now = 0;
  clock.wall = wall;
  clock.timerAt = -1;
  return new Meter(clock, outbox, config, load);
}

export function freshMeter(wall: i64 = T0, config: MeteringConfig = new MeteringConfig()): Meter {
  eraseFlash();
  const clock = new TestClock();
  clock.wall = wall;
  return new Meter(clock, new Outbox(), config);
}
