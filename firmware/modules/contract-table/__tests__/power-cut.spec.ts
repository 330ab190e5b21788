// All table updates are transactions: power is cut at every flash write (and erase) of
// each kind of update, before the write, a few bytes into it and just after it (the
// unit-test board's flash_cut); after the reboot the table is the old one or the new one,
// never a mix, and the update tried again (or, for a switch, the boot) ends in the new one.
import { OK } from "../../../core/errors";
import { Change, Confirm, DataType, IMMEDIATE, Role } from "../index";
import { DATA_C, HOUR, MINUTE, POWER_A, POWER_B, SECOND, T0, TestClock, Meter, freshMeter } from "./rig";
import { restoreFlash, snapshotFlash } from "../../../testing/flash";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const KEEPS: i32[] = [0, 3, 1 << 20];
/** Immediate changes made to move the store's write position across pages. */
const FILL: i32 = 700;
const METERING: u32 = DataType.TIME | DataType.POWER | DataType.ENERGY;
/** The pending switch of every set-up: A → B at T. */
const T: i64 = T0 + HOUR;

/** Tallies of one sweep, for the README's figures. */
class Tally {
  ops: i32 = 0;         // flash operations of the update
  cuts: i32 = 0;        // power cuts made
  atCut: i32 = 0;       // cuts after which the new table was already durable
  retried: i32 = 0;     // updates tried again after the reboot (the old table was there)
  switched: i32 = 0;    // onSwitched calls for the change, before the cut and after it
  unheard: i32 = 0;     // switches durable at the cut whose event the cut swallowed
  resumed: i32 = 0;     // reboots that finished a page collection the cut interrupted
  reopened: i32 = 0;    // reboots that erased a page whose erase or opening was cut
  report(what: string): string {
    return what + ": " + this.ops.toString() + " flash operations; " + this.cuts.toString() + " cuts, "
      + this.atCut.toString() + " new at the cut, " + this.retried.toString() + " old, then " + (this.switched > 0 ? "switched at boot" : "done by a retry")
      + (this.switched > 0 ? "; onSwitched " + this.switched.toString() + " times, " + this.unheard.toString() + " swallowed by the cut" : "");
  }
}

/** A meter contracted with A and C, a switch to B pending at T; the wall at T − 10 min. */
function setUp(): Meter {
  const m = freshMeter();
  // Written once and live for ever: a page collection has to carry it on.
  expect(m.table.setMeterCode(Uint8Array.wrap(String.UTF8.encode("0300111234567890123456")))).toBe(OK);
  expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
  expect(m.table.change(Role.PROVISION, IMMEDIATE, DATA_C, DataType.ENERGY)).toBe(Change.APPLIED);
  expect(m.table.change(Role.CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
  m.runToWall(T - 10 * MINUTE);
  return m;
}

/** A meter booted on `flash` with the wall at `wall`. */
function bootAt(flash: Uint8Array, wall: i64): Meter {
  restoreFlash(flash);
  const c = new TestClock();
  c.wall = wall;
  return new Meter(c);
}

// The updates swept (top-level: AssemblyScript passes functions, not closures).
function schedule(m: Meter): void { m.table.change(Role.PROVISION, T + HOUR, POWER_B, DataType.HISTORY); }
function immediate(m: Meter): void { m.table.change(Role.CONTRACT, IMMEDIATE, DATA_C, DataType.ENERGY); }
function cancel(m: Meter): void { m.table.cancel(m.table.pendingId(0)); }
function mismatch(m: Meter): void { m.table.confirm(POWER_B, DataType.HISTORY); }
function switchAtT(m: Meter): void { m.runToWall(T + SECOND); }

/** The table an update leaves (its records as stored) when nothing cuts it. */
function tableAfter(flash: Uint8Array, wall: i64, update: (m: Meter) => void, t: Tally): string {
  const m = bootAt(flash, wall);
  const before = flash_ops();
  update(m);
  t.ops = flash_ops() - before;
  return m.stored();
}

/** Cuts every operation of `update` run from `flash` at `wall`; reboots `offMs` later. */
function sweep(flash: Uint8Array, wall: i64, offMs: i64, update: (m: Meter) => void, isSwitch: bool): Tally {
  const t = new Tally();
  const old = bootAt(flash, wall).stored();
  const updated = tableAfter(flash, wall, update, t);
  expect(updated == old).toBe(false);
  for (let at = 1; at <= t.ops; at++) {
    for (let k = 0; k < KEEPS.length; k++) {
      const m = bootAt(flash, wall);
      flash_cut(at, KEEPS[k]);
      update(m);
      flash_cut(0, 0);   // power back: the next boot
      t.cuts++;
      const before = m.events.switched;
      // The table as the next mount finds it, before the table's own boot acts on it.
      const seen = storedRecords();
      if (lastMountResumed) t.resumed++;
      if (lastMountErased) t.reopened++;
      expect(seen == old || seen == updated).toBe(true);
      if (seen == updated) t.atCut++;
      const after = m.reboot(offMs);
      expect(after.booted).toBe(OK);
      if (isSwitch) {
        // Boot applies what the cut left pending: switched once in all. The event is at
        // most once: a cut after the commit's last write swallows it (the image reports
        // the table at every boot, README "Events").
        t.switched += before + after.events.switched;
        expect(before + after.events.switched <= 1).toBe(true);
        if (seen == old) expect(after.events.switched).toBe(1);
        else { expect(after.events.switched).toBe(0); if (before == 0) t.unheard++; }
        expect(after.table.code(Role.CONTRACT)).toBe(POWER_B);
        if (seen == old) t.retried++;
        expect(after.stored()).toBe(updated);
      } else if (seen == old) {
        t.retried++;
        update(after);
        expect(after.stored()).toBe(updated);
      }
    }
  }
  expect(t.atCut).toBeGreaterThan(0);
  expect(t.atCut).toBeLessThan(t.cuts);
  return t;
}

/** A boot that a power cut ends (flash_cut armed): what it managed to write stays for
 *  the next boot; its results do not matter. */
function bootCut(c: TestClock): void {
  const store = new CredentialStore(new RecordStore(), keyspace());
  if (store.open() != OK) return;
  const scheduler = new Scheduler(0, store, c);
  const table = new ContractTable(store, scheduler, new ContractEvents(), c);
  scheduler.boot();
  table.boot();
}

import { CredentialStore, ValueType } from "../../credential-store/index";
import { RecordStore } from "../../../storage/record-store";
import { ContractEvents, ContractRecord, ContractTable } from "../index";
import { Scheduler } from "../../scheduler/index";
import { keyspace } from "./rig";

// What the last storedRecords() mount repaired.
let lastMountResumed = false;
let lastMountErased = false;

/** Mounts the store as the next boot would (its repairs included) and reads the table's
 *  records, before the table's own boot could act on them. */
function storedRecords(): string {
  const store = new CredentialStore(new RecordStore(), keyspace());
  expect(store.open()).toBe(OK);
  lastMountResumed = store.records.report.resumedCollection;
  lastMountErased = store.records.report.erasedPages > 0;
  return hex(store.getTyped(ContractRecord.ACTIVE, ValueType.BYTES)) + "/" + hex(store.getTyped(ContractRecord.PENDING, ValueType.BYTES));
}

function hex(v: Uint8Array | null): string {
  if (v === null) return "-";
  let s = "";
  for (let i = 0; i < v.length; i++) s += (v[i] < 16 ? "0" : "") + v[i].toString(16);
  return s;
}

describe("contract table: power cut at every flash write", () => {
  it("storing a scheduled change leaves the old table or the new one", () => {
    setUp();
    const t = sweep(snapshotFlash(), T - 10 * MINUTE, MINUTE, schedule, false);
    log<string>(t.report("schedule"));
  });

  it("an immediate change leaves the old table or the new one", () => {
    setUp();
    const t = sweep(snapshotFlash(), T - 10 * MINUTE, MINUTE, immediate, false);
    log<string>(t.report("immediate"));
  });

  it("a cancel leaves the old table or the new one", () => {
    setUp();
    const t = sweep(snapshotFlash(), T - 10 * MINUTE, MINUTE, cancel, false);
    log<string>(t.report("cancel"));
  });

  it("a mismatched confirmation's drop leaves the old table or the new one", () => {
    setUp();
    const t = sweep(snapshotFlash(), T - 10 * MINUTE, MINUTE, mismatch, false);
    log<string>(t.report("mismatch"));
  });

  it("the switch at T, power cut spanning T: switched once, at the deadline or at boot", () => {
    const m = setUp();
    m.runToWall(T - SECOND);
    const t = sweep(snapshotFlash(), T - SECOND, 2 * MINUTE, switchAtT, true);
    log<string>(t.report("switch at T"));
  });

  it("a scheduled change stays old-or-new where its transaction opens a page or collects one", () => {
    // Immediate scope changes move the store's write position on; wherever storing the
    // change would make a number of flash operations not seen yet (a page opened, the
    // ring's oldest page collected into the free one), every operation of it is cut.
    let m = setUp();
    const seen = new Set<i32>();
    let positions = 0, cuts = 0, most = 0, retried = 0, atCut = 0, resumed = 0, reopened = 0;
    for (let fill = 0; fill < FILL; fill++) {
      const flash = snapshotFlash();
      const probe = new Tally();
      tableAfter(flash, T - 10 * MINUTE, schedule, probe);
      if (!seen.has(probe.ops)) {
        seen.add(probe.ops);
        const t = sweep(flash, T - 10 * MINUTE, MINUTE, schedule, false);
        positions++;
        cuts += t.cuts;
        retried += t.retried;
        atCut += t.atCut;
        resumed += t.resumed;
        reopened += t.reopened;
        if (t.ops > most) most = t.ops;
      }
      m = bootAt(flash, T - 10 * MINUTE);
      expect(m.table.change(Role.PROVISION, IMMEDIATE, DATA_C, fill % 2 == 0 ? DataType.TIME : DataType.ENERGY)).toBe(Change.APPLIED);
    }
    log<string>("schedule across pages: " + positions.toString() + " positions (up to " + most.toString() + " flash operations), "
      + cuts.toString() + " cuts (" + resumed.toString() + " in a collection, " + reopened.toString() + " in a page's erase or opening), " + atCut.toString() + " new at the cut, " + retried.toString() + " old, then done by a retry");
    expect(resumed).toBeGreaterThan(0);    // some cut fell inside a collection
    expect(reopened).toBeGreaterThan(0);   // and some inside a page's erase or opening
  });

  it("the switch stays once when power is cut again while the next boot repairs or applies it", () => {
    const m = setUp();
    m.runToWall(T - SECOND);
    const flash = snapshotFlash();
    const probe = new Tally();
    const updated = tableAfter(flash, T - SECOND, switchAtT, probe);
    const old = bootAt(flash, T - SECOND).stored();
    let doubles = 0, bootsWriting = 0, appliedByThird = 0;
    for (let at = 1; at <= probe.ops; at++) {
      const first = bootAt(flash, T - SECOND);
      flash_cut(at, 0);
      switchAtT(first);
      flash_cut(0, 0);
      const torn = snapshotFlash();
      // What the next boot writes: the mount's repairs, and the switch if it was not durable.
      const before = flash_ops();
      bootAt(torn, T + MINUTE);
      const n = flash_ops() - before;
      if (n > 0) bootsWriting++;
      for (let j = 1; j <= n; j++) {
        restoreFlash(torn);
        const c = new TestClock();
        c.wall = T + MINUTE;
        flash_cut(j, 0);
        bootCut(c);
        flash_cut(0, 0);
        doubles++;
        const seenNow = storedRecords();
        expect(seenNow == old || seenNow == updated).toBe(true);
        const third = new Meter(c);
        expect(third.booted).toBe(OK);
        expect(third.table.code(Role.CONTRACT)).toBe(POWER_B);
        expect(third.events.switched).toBe(seenNow == old ? 1 : 0);
        if (seenNow == old) appliedByThird++;
        expect(third.stored()).toBe(updated);
      }
    }
    expect(bootsWriting).toBeGreaterThan(0);
    log<string>("switch, cut again during the next boot: " + probe.ops.toString() + " first cuts, " + bootsWriting.toString() + " boots that write, "
      + doubles.toString() + " double cuts; the switch applied once in each (" + appliedByThird.toString() + " by the boot after the second cut)");
  });
});

