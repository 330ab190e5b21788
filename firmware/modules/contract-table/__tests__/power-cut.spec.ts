// All table updates are transactions: power is cut at every flash write (and erase) of
// each kind of update, before the write, a few bytes into it and just after it (the
// unit-test board's flash_cut); after the reboot the table is the old one or the new one,
// never a mix, and the update tried again (or, for a switch, the boot) ends in the new one.
import { OK } from "../../../core/errors";
import { Change, Confirm, DataType, IMMEDIATE, Role } from "../index";
import { DATA_C, HOUR, MINUTE, POWER_A, POWER_B, SECOND, T0, TestClock, Meter, freshMeter } from "./rig";
import { restoreFlash, snapshotFlash } from "./flash";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const KEEPS: i32[] = [0, 3, 1 << 20];
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
  report(what: string): string {
    return what + ": " + this.ops.toString() + " flash operations; " + this.cuts.toString() + " cuts, "
      + this.atCut.toString() + " new at the cut, " + this.retried.toString() + " old, then " + (this.switched > 0 ? "switched at boot" : "done by a retry")
      + (this.switched > 0 ? "; onSwitched " + this.switched.toString() + " times, " + this.unheard.toString() + " swallowed by the cut" : "");
  }
}

/** A meter contracted with A and C, a switch to B pending at T; the wall at T − 10 min. */
function setUp(): Meter {
  const m = freshMeter();
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
      const seen = bootAtNoTable(wall + offMs);
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

/** Mounts the store as a boot would (its repairs included) and reads the table's records. */
function bootAtNoTable(wall: i64): string {
  const c = new TestClock();
  c.wall = wall;
  // A meter whose table has nothing due: the wall is before T in every sweep but the
  // switch's, whose records are read before that boot could apply anything.
  const m = new MountOnly(c);
  return m.stored;
}

class MountOnly {
  stored: string;
  constructor(c: TestClock) {
    this.stored = storedRecords();
  }
}

import { CredentialStore, ValueType } from "../../credential-store/index";
import { RecordStore } from "../../../storage/record-store";
import { ContractRecord } from "../index";
import { keyspace } from "./rig";

function storedRecords(): string {
  const store = new CredentialStore(new RecordStore(), keyspace());
  expect(store.open()).toBe(OK);
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
});
