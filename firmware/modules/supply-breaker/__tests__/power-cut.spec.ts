// Old or new, never anything else: power is cut at every flash write (and erase) of each
// transition and of the report mark, before the write, part-way through it and just after
// it (the unit-test board's flash_cut). After the reboot the breaker's state and its whole
// log are the old ones or the new ones, the pin follows what is stored whatever level it
// powered up at, and an opening transition had opened the pin before its first write.
import { Breaker, BreakerConfig, BreakerReason, BreakerState, ENTRY_BYTES } from "../index";
import { OK } from "../../../core/errors";
import { Meter, T0, bootCut, freshMeter, restoreFlash, snapshotFlash } from "./device";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

/** How much of the cut write lands: none, a few bytes (a torn header), all of it. */
const KEEPS: i32[] = [0, 3, 1 << 20];

const CONFIRM: i32 = 0, SECURITY: i32 = 1, PRESS: i32 = 2, MOVE_OUT: i32 = 3, REPORT: i32 = 4;
const NAMES: string[] = ["confirmation", "security error", "press", "move-out", "report mark"];

function act(m: Meter, change: i32): i32 {
  m.clock.wall = T0 + 777000;
  if (change == CONFIRM) return m.breaker.confirmed();
  if (change == SECURITY) return m.breaker.securityError();
  if (change == PRESS) return m.breaker.press();
  if (change == MOVE_OUT) return m.breaker.awaitNewResident();
  return m.breaker.reported(m.breaker.log.newestSeq());
}

/** What a power cut may leave: the breaker's state, its log (every entry) and the mark. */
class Seen {
  state: u8 = 0;
  reason: u8 = 0;
  log: Uint8Array = new Uint8Array(0);
  mark: u32 = 0;

  static of(m: Meter): Seen {
    const s = new Seen();
    const b = m.breaker;
    s.state = b.state;
    s.reason = b.reason;
    s.mark = b.reportedSeq;
    s.log = new Uint8Array(b.log.count * ENTRY_BYTES);
    for (let i = 0; i < b.log.count; i++) b.log.write(i, s.log, i * ENTRY_BYTES);
    return s;
  }

  same(o: Seen): bool {
    if (this.state != o.state || this.reason != o.reason || this.mark != o.mark || this.log.length != o.log.length) return false;
    for (let i = 0; i < this.log.length; i++) if (this.log[i] != o.log[i]) return false;
    return true;
  }
}

class Tally {
  cuts: i32 = 0;
  durable: i32 = 0;    // cuts after which the change was already durable
  resumed: i32 = 0;    // reboots that finished a page collection the cut interrupted
  reopened: i32 = 0;   // reboots that erased a page whose erase or opening was cut
}

/** The flash operations `change` makes from the state in `flash`. */
function opsOf(flash: Uint8Array, change: i32, config: BreakerConfig): i32 {
  restoreFlash(flash);
  const m = new Meter(config);
  const before = flash_ops();
  expect(act(m, change)).toBe(OK);
  return flash_ops() - before;
}

/** Cuts every operation of `change` from the state in `flash`: old or new each time. */
function sweep(flash: Uint8Array, change: i32, config: BreakerConfig, t: Tally): i32 {
  restoreFlash(flash);
  const old = Seen.of(new Meter(config));
  const n = opsOf(flash, change, config);
  const m0 = new Meter(config);   // booted from the flash the uncut change left
  const fresh = Seen.of(m0);
  expect(fresh.same(old)).toBe(false);
  const opening = change == SECURITY || change == MOVE_OUT;
  for (let at = 1; at <= n; at++) {
    for (let k = 0; k < KEEPS.length; k++) {
      restoreFlash(flash);
      const m = new Meter(config);
      flash_cut(at, KEEPS[k]);
      act(m, change);
      // An opening transition cut the supply before it wrote anything.
      if (opening) expect(m.pin()).toBe(0);
      flash_cut(0, 0);
      m.reboot(1);   // powered up closed: open() must open it unless CONNECTED is stored
      t.cuts++;
      if (m.store.records.report.resumedCollection) t.resumed++;
      if (m.store.records.report.erasedPages > 0) t.reopened++;
      expect(m.opened).toBe(OK);
      expect(m.pinFollows()).toBe(true);
      const now = Seen.of(m);
      m.reboot(0);   // powered up open: open() must close it if CONNECTED is stored
      expect(m.pinFollows()).toBe(true);
      expect(Seen.of(m).same(now)).toBe(true);
      const isNew = now.same(fresh);
      expect(isNew || now.same(old)).toBe(true);
      if (isNew) t.durable++;
      else {
        // Nothing of it landed: done again, it lands whole.
        expect(act(m, change)).toBe(OK);
        m.reboot();
        expect(Seen.of(m).same(fresh)).toBe(true);
        expect(m.pinFollows()).toBe(true);
      }
    }
  }
  return n;
}

/** A meter in the state the change starts from; the config is the default's. */
function before(change: i32): Meter {
  const m = freshMeter();
  if (change == CONFIRM) return m;   // a new meter: its first write (a transaction)
  expect(m.breaker.confirmed()).toBe(Breaker.DONE);
  if (change == SECURITY || change == MOVE_OUT || change == REPORT) return m;
  expect(m.breaker.securityError()).toBe(Breaker.DONE);
  expect(m.breaker.confirmed()).toBe(Breaker.DONE);   // READY: the press closes it
  return m;
}

describe("supply breaker: power cut at every flash write", () => {
  it("each transition and the report mark are old or new, the pin following", () => {
    const config = new BreakerConfig();
    const changes: i32[] = [CONFIRM, SECURITY, PRESS, MOVE_OUT, REPORT];
    for (let c = 0; c < changes.length; c++) {
      before(changes[c]);
      const t = new Tally();
      const n = sweep(snapshotFlash(), changes[c], config, t);
      expect(t.durable).toBeGreaterThan(0);
      expect(t.durable).toBeLessThan(t.cuts);
      log<string>(NAMES[changes[c]] + ": " + n.toString() + " flash operations; " + t.cuts.toString() + " cuts, "
        + t.durable.toString() + " durable at the cut, the rest old");
    }
  });

  it("a security error from READY is old or new too", () => {
    const m = before(PRESS);
    expect(m.breaker.state).toBe(BreakerState.READY_FOR_RECONNECTION);
    const t = new Tally();
    sweep(snapshotFlash(), SECURITY, new BreakerConfig(), t);
    expect(t.durable).toBeGreaterThan(0);
  });

  it("a transition is old or new when it opens a new page or collects one", () => {
    // Transitions move the store's write position on; wherever a security error would
    // make a number of flash operations not seen yet (a page opened, the oldest page
    // collected into the free one), every operation of it is cut.
    const config = new BreakerConfig();
    const m = before(SECURITY);
    const seen = new Set<i32>();
    const t = new Tally();
    let most = 0;
    for (let step = 0; step < 60; step++) {
      const flash = snapshotFlash();
      const n = opsOf(flash, SECURITY, config);
      if (!seen.has(n)) {
        sweep(flash, SECURITY, config, t);
        seen.add(n);
        if (n > most) most = n;
      }
      restoreFlash(flash);
      m.reboot(0);
      expect(m.breaker.securityError()).toBe(Breaker.DONE);
      expect(m.breaker.confirmed()).toBe(Breaker.DONE);
      expect(m.breaker.press()).toBe(Breaker.DONE);
    }
    expect(t.resumed).toBeGreaterThan(0);
    expect(t.reopened).toBeGreaterThan(0);
    log<string>("security error across pages: " + seen.size.toString() + " positions (up to " + most.toString()
      + " flash operations), " + t.cuts.toString() + " cuts (" + t.resumed.toString() + " in a collection), "
      + t.durable.toString() + " durable at the cut");
  });

  it("stays old or new when power is cut again while the next boot repairs it", () => {
    const config = new BreakerConfig();
    const changes: i32[] = [CONFIRM, SECURITY];
    let cuts = 0, repairs = 0;
    for (let c = 0; c < changes.length; c++) {
      const change = changes[c];
      before(change);
      const flash = snapshotFlash();
      const old = Seen.of(new Meter(config));
      const n = opsOf(flash, change, config);
      const fresh = Seen.of(new Meter(config));
      for (let at = 1; at <= n; at++) {
        restoreFlash(flash);
        const m = new Meter(config);
        flash_cut(at, 0);
        act(m, change);
        flash_cut(0, 0);
        const torn = snapshotFlash();
        const b = flash_ops();
        m.reboot();
        const r = flash_ops() - b;   // what that boot writes: scrubs, roll-forward
        if (r > 0) repairs++;
        for (let j = 1; j <= r; j++) {
          restoreFlash(torn);
          flash_cut(j, 0);
          bootCut();
          flash_cut(0, 0);
          m.reboot();
          cuts++;
          expect(m.opened).toBe(OK);
          expect(m.pinFollows()).toBe(true);
          const now = Seen.of(m);
          expect(now.same(fresh) || now.same(old)).toBe(true);
        }
      }
    }
    expect(repairs).toBeGreaterThan(0);
    log<string>("cut again during the repairing boot: " + cuts.toString() + " double cuts, all old or new");
  });
});
