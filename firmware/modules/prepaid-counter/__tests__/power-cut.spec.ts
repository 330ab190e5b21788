// Exactly once under power loss: power is cut at every flash write (and erase) of a charge
// and of a debit, before the write, part-way through it and just after it (the unit-test
// board's flash_cut); after the reboot the change is wholly there or not at all, and the
// charge replayed then is applied at most once in total.
import { ChargeKind, Prepaid } from "../index";
import { OK } from "../../../core/errors";
import { Device, bootCut, freshDevice, restoreFlash, snapshotFlash } from "./device";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const PAID = ChargeKind.PAID;
/** How much of the cut write lands: none, a few bytes (a torn header), all of it. */
const KEEPS: i32[] = [0, 3, 1 << 20];
/** Debits enough to pass several page changes and the first collection of the 16-page flash. */
const FILL: u32 = 800;

/** Tallies of a sweep, for the report's exactly-once figures. */
class Tally {
  cuts: i32 = 0;          // power cuts made
  tried: i32 = 0;         // charges (or debits) sent, the replays included
  applied: i32 = 0;       // times the balance moved by the change
  appliedAtCut: i32 = 0;  // cuts after which the change was already durable
  resumed: i32 = 0;       // reboots that finished a page collection the cut interrupted
  reopened: i32 = 0;      // reboots that erased a page whose erase or opening was cut
}

/** The flash operations `change` makes from the state in `flash` (booted afresh). */
function opsOf(flash: Uint8Array, change: (d: Device) => void): i32 {
  restoreFlash(flash);
  const d = new Device();
  const before = flash_ops();
  change(d);
  return flash_ops() - before;
}

/** Boots the state in `flash`, cuts power at operation `at` of `change`, reboots. */
function cutDuring(flash: Uint8Array, at: i32, keep: i32, change: (d: Device) => void): Device {
  restoreFlash(flash);
  const d = new Device();
  flash_cut(at, keep);
  change(d);
  flash_cut(0, 0);      // power back: the next boot
  d.reboot();
  expect(d.opened).toBe(OK);
  return d;
}

/** A device with charge 1 (50 free) applied and 7 debited: balance 43. */
function setUp(): Device {
  const d = freshDevice();
  expect(d.counter.charge(1, 50, ChargeKind.FREE)).toBe(Prepaid.APPLIED);
  expect(d.counter.debit(7)).toBe(OK);
  return d;
}

function charge2(d: Device): void { d.counter.charge(2, 100, PAID); }
function debit10(d: Device): void { d.counter.debit(10); }

/** Cuts every operation of charge 2 (100 pages) from `flash`, where the balance is
 *  `before`; each time the charge is replayed twice after the reboot and must end
 *  applied exactly once. */
function sweepCharge(flash: Uint8Array, before: u32, t: Tally): void {
  const n = opsOf(flash, charge2);
  expect(n).toBeGreaterThan(0);
  for (let at = 1; at <= n; at++) {
    for (let k = 0; k < KEEPS.length; k++) {
      const d = cutDuring(flash, at, KEEPS[k], charge2);
      t.cuts++;
      if (d.store.records.report.resumedCollection) t.resumed++;
      if (d.store.records.report.erasedPages > 0) t.reopened++;
      t.tried++;
      const v = d.counter.version;
      const was = d.counter.balance;
      expect(was == before || was == before + 100).toBe(true);
      const durable = was == before + 100;
      if (durable) { t.applied++; t.appliedAtCut++; }
      // The state is whole: the version and the applied ids agree with the balance.
      expect(d.counter.applied.kindOf(2)).toBe(durable ? PAID : 0);
      for (let r = 0; r < 2; r++) {
        t.tried++;
        const rc = d.counter.charge(2, 100, PAID);
        if (rc == Prepaid.APPLIED) t.applied++;
        else expect(rc).toBe(Prepaid.USED);
      }
      expect(d.counter.balance).toBe(before + 100);
      expect(d.counter.version).toBe(durable ? v : v + 1);
      d.reboot();
      expect(d.counter.balance).toBe(before + 100);
      expect(d.counter.charge(1, 50, ChargeKind.FREE)).toBe(Prepaid.USED);
    }
  }
}

describe("prepaid counter: power cut at every flash write", () => {
  it("a charge is applied exactly once", () => {
    const t = new Tally();
    setUp();
    const flash = snapshotFlash();
    sweepCharge(flash, 43, t);
    expect(t.applied).toBe(t.cuts);   // once per cut: at the cut or by a replay, never twice
    expect(t.appliedAtCut).toBeGreaterThan(0);
    expect(t.appliedAtCut).toBeLessThan(t.cuts);
    log<string>("charge: " + opsOf(flash, charge2).toString() + " flash operations; " + t.cuts.toString() + " cuts, "
      + t.tried.toString() + " charges tried, " + t.applied.toString() + " applied (" + t.appliedAtCut.toString() + " durable at the cut)");
  });

  it("a charge is applied exactly once when it opens a new page or collects one", () => {
    // Debits of one page move the store's write position on; wherever the charge would
    // make a number of flash operations not seen yet (a page opened: its header, after
    // the ring wrapped its erase too; the oldest page collected into the free one), every
    // operation of it is cut.
    const d = setUp();
    const start = snapshotFlash();
    const base = opsOf(start, charge2);
    restoreFlash(start);
    d.reboot();
    expect(d.counter.charge(1000, FILL, PAID)).toBe(Prepaid.APPLIED);
    const t = new Tally();
    const seen = new Set<i32>();
    seen.add(base);
    let most = 0;
    for (let fill: u32 = 0; fill < FILL; fill++) {
      const flash = snapshotFlash();
      const n = opsOf(flash, charge2);
      if (!seen.has(n)) {
        sweepCharge(flash, 43 + FILL - fill, t);
        seen.add(n);
        if (n > most) most = n;
      }
      restoreFlash(flash);
      d.reboot();
      expect(d.counter.debit(1)).toBe(OK);
    }
    expect(t.resumed).toBeGreaterThan(0);    // some cut fell inside a collection
    expect(t.reopened).toBeGreaterThan(0);   // and some inside a page's erase or opening
    expect(t.applied).toBe(t.cuts);
    log<string>("charge across pages: " + (seen.size - 1).toString() + " positions (up to " + most.toString() + " flash operations), "
      + t.cuts.toString() + " cuts (" + t.resumed.toString() + " in a collection), " + t.tried.toString() + " charges tried, "
      + t.applied.toString() + " applied");
  });

  it("a charge stays exactly once when power is cut again while the next boot repairs it", () => {
    setUp();
    const flash = snapshotFlash();
    const n = opsOf(flash, charge2);
    let cuts = 0, applied = 0, repairs = 0;
    for (let at = 1; at <= n; at++) {
      // The first cut, then the flash as the next boot finds it.
      restoreFlash(flash);
      const d = new Device();
      flash_cut(at, 0);
      charge2(d);
      flash_cut(0, 0);
      const torn = snapshotFlash();
      const before = flash_ops();
      d.reboot();
      const m = flash_ops() - before;   // what that boot writes: scrubs, roll-forward
      if (m > 0) repairs++;
      for (let j = 1; j <= m; j++) {
        restoreFlash(torn);
        flash_cut(j, 0);
        bootCut();
        flash_cut(0, 0);
        d.reboot();
        expect(d.opened).toBe(OK);
        cuts++;
        const was = d.counter.balance;
        expect(was == 43 || was == 143).toBe(true);
        if (was == 143) applied++;
        const rc = d.counter.charge(2, 100, PAID);
        if (rc == Prepaid.APPLIED) applied++;
        else expect(rc).toBe(Prepaid.USED);
        expect(d.counter.balance).toBe(143);
      }
    }
    expect(repairs).toBeGreaterThan(0);
    expect(applied).toBe(cuts);
    log<string>("charge, cut again during the repairing boot: " + cuts.toString() + " double cuts, " + applied.toString() + " applied");
  });

  it("a debit is taken exactly once or not at all", () => {
    setUp();
    const flash = snapshotFlash();
    const n = opsOf(flash, debit10);
    let cuts = 0, taken = 0;
    for (let at = 1; at <= n; at++) {
      for (let k = 0; k < KEEPS.length; k++) {
        const d = cutDuring(flash, at, KEEPS[k], debit10);
        cuts++;
        const b = d.counter.balance;
        expect(b == 43 || b == 33).toBe(true);
        if (b == 33) taken++;
        expect(d.counter.debitedTotal).toBe(b == 33 ? 17 : 7);
        expect(d.counter.version).toBe(b == 33 ? 3 : 2);
        // The applied ids are intact: charge 1 is not applied again.
        expect(d.counter.charge(1, 50, ChargeKind.FREE)).toBe(Prepaid.USED);
      }
    }
    expect(taken).toBeGreaterThan(0);
    expect(taken).toBeLessThan(cuts);
    log<string>("debit: " + n.toString() + " flash operations; " + cuts.toString() + " cuts, " + taken.toString() + " durable at the cut");
  });
});
