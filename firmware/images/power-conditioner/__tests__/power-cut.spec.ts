// Power cuts at every flash operation (the unit-test board's flash_cut): INSTALL is one
// transaction, so after the next boot the PCS is either not installed at all (the
// installer sends it again) or installed with the registration and all four items; a
// change of the partner connection over BLE leaves the old partner or the new one, never
// a PCS without one, and readings go on to whichever it is.
import { OK } from "../../../core/errors";
import { Item } from "../../../modules/unique-info/index";
import { SpecClock } from "../../../testing/clock";
import { snapshotFlash, restoreFlash } from "../../../testing/flash";
import { fresh, Rig, Phone, connection, DIGITS, MINUTE, T0, PARTNER, NEW_PARTNER, NEW_PARTNER_KEY } from "./rig";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const KEEPS: i32[] = [0, 7];

describe("power cuts", () => {
  test("INSTALL cut at every flash operation: after the boot, nothing or everything", () => {
    const r0 = fresh();
    expect(r0.maintenance()).toBe(OK);
    const before = snapshotFlash();
    const n0 = flash_ops();
    expect(r0.install()).toBe(OK);
    const ops = flash_ops() - n0;
    expect(ops).toBeGreaterThan(0);
    let none = 0, all = 0;
    for (let k = 0; k < KEEPS.length; k++) {
      for (let at = 1; at <= ops; at++) {
        restoreFlash(before);
        const r = new Rig(new SpecClock(T0));
        flash_cut(at, KEEPS[k]);
        r.install();
        flash_cut(0, 0);
        const b = r.reboot(0);
        const registered = b.store.registered();
        for (let i = 0; i < Item.COUNT; i++) if (i != Item.HISTORY) expect(b.pcs.unique.present(i)).toBe(registered);
        expect(b.pcs.unique.tampered).toBe(0);
        if (registered) all++; else none++;
        // The installer's resend completes what the cut left.
        expect(b.install()).toBe(OK);
      }
    }
    expect(none).toBeGreaterThan(0);
    log("INSTALL: " + ops.toString() + " flash operations, cut at each with 0 and 7 bytes landing: " + none.toString() + " none, " + all.toString() + " all");
  });

  test("a new partner connection cut at every flash operation: the old partner or the new one, never none", () => {
    const r0 = fresh().installed();
    expect(r0.authFrom(1)).toBe(OK);
    const before = snapshotFlash();
    const clock = r0.clock;
    const conn = connection(NEW_PARTNER, NEW_PARTNER_KEY, 40);
    // How many operations the change takes, from a session opened the same way.
    let r = new Rig(new SpecClock(clock.wall));
    r.online();
    r.menu(2);
    let p = new Phone(r);
    expect(p.connect()).toBe(OK);
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    const n0 = flash_ops();
    expect(p.change(<u8>Item.CONNECTION, conn)).toBe(OK);
    const ops = flash_ops() - n0;
    let old = 0, fresh_ = 0;
    for (let at = 1; at <= ops; at++) {
      restoreFlash(before);
      r = new Rig(new SpecClock(clock.wall));
      r.online();
      r.menu(2);
      p = new Phone(r);
      expect(p.connect()).toBe(OK);
      expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
      flash_cut(at, 0);
      p.change(<u8>Item.CONNECTION, conn);
      flash_cut(0, 0);
      const b = r.reboot(0);
      const co = b.pcs.unique.partnerCode();
      expect(co == PARTNER || co == NEW_PARTNER).toBe(true);
      if (co == PARTNER) old++; else fresh_++;
      b.online();
      b.runTo(b.clock.now + 30 * MINUTE);
      const e = b.entriesOf("reading");
      expect(e.length).toBeGreaterThan(0);
      expect(e[e.length - 1].includes('"co":' + co.toString() + ",")).toBe(true);
    }
    log("CONNECTION change: " + ops.toString() + " flash operations: " + old.toString() + " old partner, " + fresh_.toString() + " new");
  });
});
