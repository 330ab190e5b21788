// Power cuts at every flash operation of INSTALL (the unit-test board's flash_cut): it is
// one transaction, so after the next boot the lock is either not installed at all (the
// installer sends it again, which then succeeds) or registered with the maker key in
// force, never registered without the key that checks its grants.
import { OK } from "../../../core/errors";
import { SpecClock } from "../../../testing/clock";
import { snapshotFlash, restoreFlash } from "../../../testing/flash";
import { fresh, Rig, T0 } from "./rig";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const KEEPS: i32[] = [0, 7];

describe("power cuts", () => {
  test("INSTALL cut at every flash operation: after the boot, nothing or everything", () => {
    const r0 = fresh();
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
        const b = r.reboot();
        const registered = b.store.registered();
        expect(b.lock.grants!.installed()).toBe(registered);
        if (registered) all++;
        else {
          none++;
          expect(b.install()).toBe(OK);
          expect(b.lock.grants!.installed()).toBe(true);
        }
      }
    }
    expect(none).toBeGreaterThan(0);
    log("INSTALL: " + ops.toString() + " flash operations, cut at each with 0 and 7 bytes landing: " + none.toString() + " none, " + all.toString() + " all");
  });
});
