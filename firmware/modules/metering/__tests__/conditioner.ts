// What the three-channel metering specs run on: the power conditioner's shape of the
// module (PROTOCOL.md §6 of firmware/images/power-conditioner): the board's PV, CHARGE and
// DISCHARGE channels, one contract partner as the only recipient (SoleRecipient, no
// contract table), a real credential store on the test board's flash and a real scheduler,
// with device and wall time moved by hand and power cycles as the device has them.
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { OK } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { eraseFlash } from "../../../testing/flash";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import {
  BoardSource, HandOff, Handed, Metering, MeteringConfig, MeteringEvents, ReadingSink, SoleRecipient,
  KEYS as METERING_KEYS,
} from "../index";
import { HOUR, MINUTE, T0, TestClock } from "./rig";

@external("testing", "meter_set") declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;

/** The contract partner (the original TPO partner) and the one after ownership passes. */
export const PARTNER: u32 = 0xd101;
export const NEW_PARTNER: u32 = 0xd202;

/** A sunny noon, constant: PV generates, the battery charges and the EV discharges a little. */
export const PV_W: i32 = 3000;
export const CHARGE_W: i32 = 800;
export const DISCHARGE_W: i32 = 200;
/** The channels' registers at T0 (Wh). */
export const PV0: i64 = 50_000;
export const CHARGE0: i64 = 20_000;
export const DISCHARGE0: i64 = 10_000;
/** Wh of each channel in a 30-minute slot. */
export const PV_SLOT: u32 = 1500;
export const CHARGE_SLOT: u32 = 400;
export const DISCHARGE_SLOT: u32 = 100;

export function pvAt(wall: i64): i64 { return PV0 + (wall - T0) * <i64>PV_W / HOUR; }
export function chargeAt(wall: i64): i64 { return CHARGE0 + (wall - T0) * <i64>CHARGE_W / HOUR; }
export function dischargeAt(wall: i64): i64 { return DISCHARGE0 + (wall - T0) * <i64>DISCHARGE_W / HOUR; }

/** The board's three channels follow the wall time (the constant profile). */
export function feed(wall: i64): void {
  meter_set(Channel.PV, OK, PV_W, pvAt(wall));
  meter_set(Channel.CHARGE, OK, CHARGE_W, chargeAt(wall));
  meter_set(Channel.DISCHARGE, OK, DISCHARGE_W, dischargeAt(wall));
}

/** One reading as the partner gets it: `co rseq q | t=… pv=W/Wh/d ch=… dis=…`, only the
 *  values in its scope (a FAULT: the time only). */
export function line3(r: Handed): string {
  let s = r.company.toString(16) + " " + r.rseq.toString() + " q" + r.quality.toString() + " |";
  if (r.endUtcMs != 0) s += " t=+" + ((r.endUtcMs - T0) / MINUTE).toString() + "m";
  const names = ["pv", "ch", "dis"];
  for (let c = 0; c < 3; c++) {
    s += " " + names[c] + "=" + r.powerAt(c).toString() + "/" + r.energyAt(c).toString() + "/" + r.slotWhAt(c).toString();
  }
  return s;
}

/** The "outbox": one line per reading handed, across power cycles. */
export class Sink extends ReadingSink {
  lines: string[] = [];
  hand(r: Handed): i32 {
    // Channel 0's single-channel fields are the same values; no channel beyond the three.
    expect(r.channels).toBe(3);
    expect(r.powerW).toBe(r.powerAt(0));
    expect(r.energyWh).toBe(r.energyAt(0));
    expect(r.slotWh).toBe(r.slotWhAt(0));
    expect(r.powerAt(3)).toBe(0);
    expect(r.energyAt(-1)).toBe(0);
    this.lines.push(line3(r));
    return OK;
  }
}

/** handOff until nothing more is owed: the count, or the first error. */
export function handAll3(m: Metering, sink: Sink): i32 {
  let total = 0;
  for (let i = 0; i < 1000; i++) {
    const rc = m.handOff(sink);
    if (rc < 0) return rc;
    total += rc & (HandOff.MORE - 1);
    if ((rc & HandOff.MORE) == 0) break;
  }
  return total;
}

export function config3(): MeteringConfig {
  const c = new MeteringConfig();
  c.channels = 3;
  return c;
}

/** One boot of the device: store, scheduler, the partner (as its connection record would
 *  give it), metering over PV, CHARGE and DISCHARGE. */
export class Conditioner {
  store: CredentialStore;
  scheduler: Scheduler;
  recipient: SoleRecipient;
  metering: Metering;
  booted: i32;

  constructor(public clock: TestClock, public sink: Sink, public config: MeteringConfig, public partner: u32,
    public load: bool = true) {
    if (load) feed(clock.wall);
    const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, METERING_KEYS]));
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    const recipient = new SoleRecipient(partner);
    const source = new BoardSource(Channel.PV, Channel.CHARGE, Channel.DISCHARGE);
    const metering = new Metering(store, scheduler, recipient, source, new MeteringEvents(), clock, config);
    this.store = store;
    this.scheduler = scheduler;
    this.recipient = recipient;
    this.metering = metering;
    scheduler.boot();
    this.booted = metering.boot();
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 100_000 && c.nextDue(at); guard++) {
      if (this.load) feed(c.wall);
      this.scheduler.onTimer(0);
    }
    c.moveTo(at);
    if (this.load) feed(c.wall);
  }

  wait(ms: i64): void { this.runTo(this.clock.now + ms); }
  runToWall(utc: i64): void { this.runTo(this.clock.now + (utc - this.clock.wall)); }

  /** A boot at wall time `wall` on what the flash holds now (device time restarts). */
  rebootAt(wall: i64): Conditioner {
    this.clock.now = 0;
    this.clock.wall = wall;
    this.clock.timerAt = -1;
    return new Conditioner(this.clock, this.sink, this.config, this.partner, this.load);
  }

  /** Every reading the log holds, one line each (all three channels). */
  logLines(): string {
    const log = this.metering.log;
    let s = "";
    for (let k = log.oldest; k <= log.newest; k++) {
      if (!log.has(k)) { s += k.toString() + ":-;"; continue; }
      s += k.toString() + ":" + log.endMin(k).toString() + "," + log.quality(k).toString();
      for (let c = 0; c < log.channels; c++) {
        s += "," + log.powerAt(k, c).toString() + "/" + log.energyAt(k, c).toString() + "/" + log.slotWhAt(k, c).toString();
      }
      s += ";";
    }
    return s + "lost " + this.metering.lost().toString();
  }
}

/** Blank flash, a clock at `wall`, a new device whose partner confirmed. */
export function freshConditioner(wall: i64, partner: u32 = PARTNER): Conditioner {
  eraseFlash();
  const clock = new TestClock();
  clock.wall = wall;
  const d = new Conditioner(clock, new Sink(), config3(), partner);
  expect(d.booted).toBe(OK);
  expect(d.metering.confirmed(partner)).toBe(OK);
  return d;
}
