// Power cut at every flash operation of a measurement and of a hand-off, before it, a few
// bytes into it and just after it (the unit-test board's flash_cut). A measurement is the
// old log or the new one (and a lost count that moves with it), and one the cut swallowed
// is taken at the next boot; a hand-off hands each reading once or twice, the second time
// with the same rseq and content, and never loses one.
import { OK } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { IMMEDIATE, Role } from "../../contract-table/index";
import { MeteringConfig } from "../index";
import { restoreFlash, snapshotFlash } from "../../../testing/flash";
import { CredentialStore } from "../../credential-store/index";
import { RecordStore } from "../../../storage/record-store";
import { Scheduler } from "../../scheduler/index";
import { ContractEvents, ContractTable } from "../../contract-table/index";
import { BoardSource, Metering, MeteringEvents } from "../index";
import {
  A_TYPES, DATA_C, HOUR, MINUTE, Meter, Outbox, POWER_A, SECOND, T0, TestClock, bootAt, freshMeter, handAll, keyspace,
} from "./rig";

/** A boot that a power cut stops short (flash_cut armed): what it repaired stays in flash
 *  for the next boot; its results do not matter. */
function bootCut(clock: TestClock, config: MeteringConfig): void {
  const store = new CredentialStore(new RecordStore(), keyspace());
  if (store.open() != OK) return;
  const scheduler = new Scheduler(0, store, clock);
  const table = new ContractTable(store, scheduler, new ContractEvents(), clock);
  const metering = new Metering(store, scheduler, table, new BoardSource(Channel.IMPORT), new MeteringEvents(), clock, config);
  scheduler.boot();
  table.boot();
  metering.boot();
}

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;
@external("testing", "meter_set") declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;

/** How much of the cut write lands: none, a few bytes (a torn header), all of it. */
const KEEPS: i32[] = [0, 3, 1 << 20];

/** Every reading the log holds, one line each. */
function logOf(m: Meter): string {
  const log = m.metering.log;
  let s = "";
  for (let k = log.oldest; k <= log.newest; k++) {
    if (!log.has(k)) { s += k.toString() + ":-;"; continue; }
    s += k.toString() + ":" + log.endMin(k).toString() + "," + log.power(k).toString() + "," + log.energy(k).toString()
      + "," + log.slotWh(k).toString() + "," + log.quality(k).toString() + ";";
  }
  return s + "lost " + m.metering.lost().toString();
}

class Tally {
  cuts: i32 = 0;
  durable: i32 = 0;
  resumed: i32 = 0;    // boots that finished a page collection the cut interrupted
  reopened: i32 = 0;   // boots that erased a page whose erase or opening was cut
}

/** The flash operations of the measurement at `at` from the state in `flash`. */
function opsOf(flash: Uint8Array, config: MeteringConfig, at: i64): i32 {
  restoreFlash(flash);
  const m = bootAt(new TestClock(), new Outbox(), config, at - SECOND, false);
  m.events.auto = false;
  const ops0 = flash_ops();
  m.runToWall(at);
  return flash_ops() - ops0;
}

/** Sweeps the measurement at `at` (11:00 unless said) from the state in `flash`, booted a second before. */
function sweepMeasurement(flash: Uint8Array, config: MeteringConfig, t: Tally, at: i64 = T0 + 11 * HOUR): i32 {
  const clock = new TestClock();
  const outbox = new Outbox();
  const before = at - SECOND;
  restoreFlash(flash);
  let m = bootAt(clock, outbox, config, before, false);
  m.events.auto = false;
  const old = logOf(m);
  const ops0 = flash_ops();
  m.runToWall(at);
  const n = flash_ops() - ops0;
  const fresh = logOf(m);
  expect(fresh == old).toBe(false);
  for (let op = 1; op <= n; op++) {
    for (let k = 0; k < KEEPS.length; k++) {
      restoreFlash(flash);
      m = bootAt(clock, outbox, config, before, false);
      m.events.auto = false;
      flash_cut(op, KEEPS[k]);
      m.runToWall(at);
      flash_cut(0, 0);
      t.cuts++;
      // The next boot, before it knows the wall time: what the cut left.
      clock.wallKnown = false;
      m = bootAt(clock, outbox, config, at, false);
      if (m.store.records.report.resumedCollection) t.resumed++;
      if (m.store.records.report.erasedPages > 0) t.reopened++;
      const now = logOf(m);
      expect(now == old || now == fresh).toBe(true);
      if (now == fresh) t.durable++;
      // Once it knows the time, the reading the cut swallowed is taken (20 s late: on time).
      clock.wallKnown = true;
      m.wait(20 * SECOND);
      expect(logOf(m)).toBe(fresh);
    }
  }
  return n;
}

/** The lines a hand-off from `flash` gives without a cut. */
function handed(flash: Uint8Array, config: MeteringConfig, wall: i64): string[] {
  restoreFlash(flash);
  const outbox = new Outbox();
  const m = bootAt(new TestClock(), outbox, config, wall, false);
  m.events.auto = false;
  handAll(m.metering, outbox);
  return outbox.lines;
}

describe("metering: power cut at every flash write", () => {
  it("a measurement is the old log or the new one, and a swallowed one is taken at boot", () => {
    meter_set(Channel.IMPORT, OK, 650, 123_456);
    const m = freshMeter(T0 + 8 * HOUR + 20 * MINUTE);
    m.load = false;
    m.events.auto = false;
    m.install();
    m.runToWall(T0 + 11 * HOUR - SECOND);
    const t = new Tally();
    const n = sweepMeasurement(snapshotFlash(), m.config, t);
    expect(t.durable).toBeGreaterThan(0);
    expect(t.durable).toBeLessThan(t.cuts);
    log<string>("measurement: " + n.toString() + " flash operations; " + t.cuts.toString() + " cuts, "
      + t.durable.toString() + " durable at the cut, the rest taken at the next boot");
  });

  it("a measurement that pushes an unhanded reading out (chunk and lanes in one transaction) is old or new", () => {
    meter_set(Channel.IMPORT, OK, 650, 123_456);
    const config = new MeteringConfig();
    config.logSize = 8;
    const m = freshMeter(T0 + 6 * HOUR + 20 * MINUTE, config);
    m.load = false;
    m.events.auto = false;
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, A_TYPES)).toBe(OK);   // never confirmed
    m.runToWall(T0 + 11 * HOUR - SECOND);
    expect(m.metering.lost()).toBe(1);
    const t = new Tally();
    const n = sweepMeasurement(snapshotFlash(), config, t);
    expect(t.durable).toBeGreaterThan(0);
    log<string>("measurement with a loss: " + n.toString() + " flash operations; " + t.cuts.toString() + " cuts, "
      + t.durable.toString() + " durable at the cut, the rest taken at the next boot");
  });

  it("a measurement is old or new where it opens a flash page or collects one", () => {
    meter_set(Channel.IMPORT, OK, 650, 123_456);
    const m = freshMeter(T0 + 20 * MINUTE);
    m.load = false;
    m.events.auto = false;
    m.install();
    const config = m.config;
    const seen = new Set<i32>();
    const t = new Tally();
    let most = 0;
    let at = T0 + 30 * MINUTE;
    let cur = m;
    for (let step = 0; step < 200; step++, at += 30 * MINUTE) {
      const flash = snapshotFlash();
      const n = opsOf(flash, config, at);
      if (!seen.has(n)) {
        sweepMeasurement(flash, config, t, at);
        seen.add(n);
        if (n > most) most = n;
      }
      restoreFlash(flash);
      cur = bootAt(cur.clock, cur.outbox, config, at - SECOND, false);
      cur.events.auto = false;
      cur.runToWall(at);
      handAll(cur.metering, cur.outbox);   // hand-offs move the write position too
    }
    expect(seen.size).toBeGreaterThan(1);
    expect(t.resumed).toBeGreaterThan(0);
    expect(t.reopened).toBeGreaterThan(0);
    log<string>("measurement across pages: " + seen.size.toString() + " positions (up to " + most.toString()
      + " flash operations), " + t.cuts.toString() + " cuts (" + t.resumed.toString() + " in a collection, "
      + t.reopened.toString() + " in a page's erase or opening), " + t.durable.toString() + " durable at the cut");
  });

  it("a hand-off hands each reading once or twice with the same rseq and content, never loses one", () => {
    const m = freshMeter(T0 + 8 * HOUR + 20 * MINUTE);
    m.events.auto = false;
    m.install();
    m.runToWall(T0 + 10 * HOUR + 35 * MINUTE);   // 5 readings for A and for C, none handed
    const flash = snapshotFlash();
    const wall = m.clock.wall;
    const config = m.config;
    const ref = handed(flash, config, wall);
    expect(ref.length).toBe(10);
    // the operations of the whole hand-off
    restoreFlash(flash);
    const probe = bootAt(new TestClock(), new Outbox(), config, wall, false);
    probe.events.auto = false;
    const ops0 = flash_ops();
    handAll(probe.metering, probe.outbox);
    const n = flash_ops() - ops0;
    let cuts = 0, twice = 0;
    for (let op = 1; op <= n; op++) {
      for (let k = 0; k < KEEPS.length; k++) {
        restoreFlash(flash);
        const outbox = new Outbox();
        const clock = new TestClock();
        let b = bootAt(clock, outbox, config, wall, false);
        b.events.auto = false;
        flash_cut(op, KEEPS[k]);
        handAll(b.metering, outbox);
        flash_cut(0, 0);
        cuts++;
        b = bootAt(clock, outbox, config, wall, false);
        b.events.auto = false;
        handAll(b.metering, outbox);
        // The reference's lines, in order, each at most once more right after itself.
        const got = outbox.lines;
        let i = 0;
        for (let j = 0; j < ref.length; j++) {
          expect(got[i]).toBe(ref[j]);
          i++;
          if (i < got.length && got[i] == ref[j]) { i++; twice++; }
        }
        expect(i).toBe(got.length);
      }
    }
    expect(twice).toBeGreaterThan(0);
    log<string>("hand-off of 10 readings: " + n.toString() + " flash operations; " + cuts.toString() + " cuts, "
      + twice.toString() + " handed twice (same rseq and content), none lost");
  });

  it("stays old or new when power is cut again while the next boot repairs the first cut", () => {
    meter_set(Channel.IMPORT, OK, 650, 123_456);
    const m0 = freshMeter(T0 + 8 * HOUR + 20 * MINUTE);
    m0.load = false;
    m0.events.auto = false;
    m0.install();
    m0.runToWall(T0 + 10 * HOUR + 35 * MINUTE);   // 5 readings each for A and C, none handed
    const flash = snapshotFlash();
    const config = m0.config;
    const wall = m0.clock.wall;
    const ref = handed(flash, config, wall);
    // the hand-off's operations
    restoreFlash(flash);
    const probe = bootAt(new TestClock(), new Outbox(), config, wall, false);
    probe.events.auto = false;
    const ops0 = flash_ops();
    handAll(probe.metering, probe.outbox);
    const n = flash_ops() - ops0;
    let doubles = 0;
    for (let op = 1; op <= n; op++) {
      restoreFlash(flash);
      const outbox = new Outbox();
      const clock = new TestClock();
      let b = bootAt(clock, outbox, config, wall, false);
      b.events.auto = false;
      flash_cut(op, 0);
      handAll(b.metering, outbox);
      flash_cut(0, 0);
      const torn = snapshotFlash();
      const sent = outbox.lines.length;
      const before = flash_ops();
      clock.wallKnown = false;
      bootAt(clock, outbox, config, wall, false);
      const r = flash_ops() - before;   // what that boot writes: scrubs, roll-forward
      for (let j = 1; j <= r; j++) {
        restoreFlash(torn);
        outbox.lines.length = sent;
        clock.wallKnown = false;
        flash_cut(j, 0);
        bootCut(clock, config);
        flash_cut(0, 0);
        clock.wallKnown = true;
        b = bootAt(clock, outbox, config, wall, false);
        b.events.auto = false;
        expect(b.booted).toBe(OK);
        handAll(b.metering, outbox);
        doubles++;
        const got = outbox.lines;
        let i = 0;
        for (let k = 0; k < ref.length; k++) {
          expect(got[i]).toBe(ref[k]);
          i++;
          if (i < got.length && got[i] == ref[k]) i++;
        }
        expect(i).toBe(got.length);
      }
    }
    expect(doubles).toBeGreaterThan(0);
    log<string>("hand-off, cut again during the repairing boot: " + doubles.toString() + " double cuts, each reading once or twice, none lost");
  });
});
