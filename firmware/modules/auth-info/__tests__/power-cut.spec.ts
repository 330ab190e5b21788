// Counters across power cuts (PROTOCOL.md §2.2): a failure is counted and written before
// the comparison, so power cut at any flash operation of a check never gives a guess
// for free: whoever cuts power at the same point of every guess gets at most M of them.
// A counter that cannot be read counts as exhausted; what expired while off goes at boot.
import { OK, E_AUTH, E_IO, E_LOCKED, E_NOTFOUND } from "../../../core/errors";
import { restoreFlash, snapshotFlash, doctorRecord } from "../../../testing/flash";
import { AuthEvent, AuthRecord } from "..";
import {
  Claim, DIGITS, HOUR, information, MAINTENANCE_DIGITS, OTHER_DIGITS, PARTNER, PARTNER_KEY, Rig, SECOND, freshRig, recordData,
} from "./rig";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

/** Flash operations one check of `digits` makes from the state in `base`. */
function opsOf(rig: Rig, base: Uint8Array, digits: string, kind: i32): i32 {
  restoreFlash(base);
  const r = rig.reboot();
  const before = flash_ops();
  r.check(digits, kind);
  const n = flash_ops() - before;
  restoreFlash(base);
  return n;
}

/** The check of `digits` with power failing at its `at`-th flash operation (`keep` bytes
 *  of it landing), then the next boot. */
function cutCheck(rig: Rig, digits: string, kind: i32, at: i32, keep: i32): CutResult {
  const mismatches = rig.events.of(AuthEvent.MISMATCH);
  flash_cut(at, keep);
  const rc = rig.check(digits, kind);
  flash_cut(0, 0);
  return new CutResult(rc, rig.events.of(AuthEvent.MISMATCH) - mismatches, rig.reboot());
}

class CutResult {
  /** compared: 1 when the digits were compared (and found wrong). */
  constructor(public rc: i32, public compared: i32, public rig: Rig) {}
}

describe("counters across power cuts", () => {
  it("keep the failures and uses counted before a power cut", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.check(DIGITS)).toBe(OK);
    rig = rig.reboot(HOUR);
    expect(rig.auth.usesLeft()).toBe(2);
    expect(rig.auth.triesLeft()).toBe(3);
    expect(rig.check(MAINTENANCE_DIGITS.substring(0, 10), 2)).toBe(E_AUTH);
    rig = rig.reboot(SECOND);
    for (let i = 0; i < 3; i++) expect(rig.check("000000000000", 2)).toBe(E_AUTH);
    expect(rig.check("000000000000", 2)).toBe(E_LOCKED);   // the 5th in a row, across the cut
  });

  it("a cut at any flash operation of a failed check: never more than M guesses compared", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    const base = snapshotFlash();
    const ops = opsOf(rig, base, OTHER_DIGITS, 1);
    expect(ops).toBeGreaterThan(0);
    let fullRuns = 0;   // cut points at which all M guesses were compared
    for (let at = 1; at <= ops + 1; at++) {
      for (let keep = 0; keep <= 24; keep += 24) {
        restoreFlash(base);
        rig = rig.reboot();
        // An attacker who cuts power at the same point of every guess.
        let compared = 0;
        for (let guess = 0; guess < 12 && rig.auth.held(); guess++) {
          const r = cutCheck(rig, OTHER_DIGITS, 1, at, keep);
          compared += r.compared;
          if (r.compared == 0) expect(r.rc).toBe(E_IO, "a check either compares or is refused");
          rig = r.rig;
          expect(rig.auth.held() ? rig.auth.triesLeft() : 0).toBeLessThanOrEqual(5 - compared);
        }
        expect(compared).toBeLessThanOrEqual(5);
        // A cut before the count is durable refuses every guess; any later one ends the
        // information at its M-th compared guess.
        if (compared == 5) fullRuns++;
        if (compared > 0) {
          expect(rig.auth.held()).toBe(false, "the information outlived its tries");
          expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
        }
      }
    }
    expect(fullRuns).toBeGreaterThan(0);
  });

  it("a cut at any flash operation of a successful check costs a use or a try, never nothing", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    const base = snapshotFlash();
    const ops = opsOf(rig, base, DIGITS, 1);
    for (let at = 1; at <= ops + 1; at++) {
      restoreFlash(base);
      rig = rig.reboot();
      const r = cutCheck(rig, DIGITS, 1, at, 0);
      rig = r.rig;
      expect(rig.auth.held()).toBe(true);
      const left = rig.auth.usesLeft() + rig.auth.triesLeft();
      // Refused before the comparison (E_IO), it may cost nothing; once compared it cost
      // a try (the match's write undone) or a use (done).
      expect(left).toBeLessThanOrEqual(8);
      if (r.rc != E_IO) expect(left).toBe(7);
      if (r.rc == OK) expect(rig.auth.usesLeft()).toBe(2);
    }
  });

  it("a cut at any flash operation of a maintenance check: never more than 5 guesses", () => {
    let rig = freshRig();
    const base = snapshotFlash();
    const ops = opsOf(rig, base, "000000000000", 2);
    // A failed maintenance check writes only its count, before comparing: a cut at any of
    // its operations leaves the guess uncompared; only a cut past them lets guesses compare.
    let comparedAtAll = 0;
    for (let at = 1; at <= ops + 1; at++) {
      restoreFlash(base);
      rig = rig.reboot();
      let compared = 0;
      for (let guess = 0; guess < 12; guess++) {
        const r = cutCheck(rig, "000000000000", 2, at, 0);
        compared += r.compared;
        rig = r.rig;
      }
      expect(compared).toBeLessThanOrEqual(5);
      comparedAtAll += compared;
      if (compared > 0) {
        expect(rig.auth.maintenanceLocked()).toBe(true);
        expect(rig.check(MAINTENANCE_DIGITS, 2)).toBe(E_LOCKED);
      }
    }
    expect(comparedAtAll).toBeGreaterThan(0);
  });

  it("a cut at any flash operation of receive stores all of it or nothing", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    const base = snapshotFlash();
    const blob = information(PARTNER_KEY, new Claim(PARTNER, 2));
    const before = flash_ops();
    expect(rig.auth.receive(blob, 0)).toBe(OK);
    const ops = flash_ops() - before;
    let stored = 0;
    for (let at = 1; at <= ops; at++) {
      restoreFlash(base);
      rig = rig.reboot();
      flash_cut(at, 8);
      rig.auth.receive(blob, 0);
      flash_cut(0, 0);
      rig = rig.reboot();
      expect(rig.auth.held()).toBe(true);
      if (rig.auth.triesLeft() == 5) {
        // The new one, whole: its serial is spent, its counters fresh.
        stored++;
        expect(rig.auth.receive(blob, 0)).toBe(E_AUTH);
      } else {
        // The old one, as it was: the new serial is still unspent.
        expect(rig.auth.triesLeft()).toBe(4);
        expect(rig.auth.receive(blob, 0)).toBe(OK);
      }
    }
    expect(stored).toBeGreaterThan(0);
  });

  it("a counter record that fails its check counts as exhausted", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    // A programmer clip sets the failures back to 0 (the record's CRC fixed up).
    doctorRecord(recordData(AuthRecord.HELD_COUNTERS), 2 + 4, 0);   // type, attrs, uses u32, failures u32
    rig = rig.reboot();
    expect(rig.auth.held()).toBe(false);
    expect(rig.events.last()).toBe(AuthEvent.LOCKED);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
  });

  it("information that expired while the PCS was off is erased at boot", () => {
    let rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    rig = rig.reboot(23 * HOUR);
    expect(rig.auth.held()).toBe(true);
    rig.wait(HOUR - SECOND);
    expect(rig.auth.held()).toBe(true);
    rig = rig.reboot(SECOND);
    expect(rig.auth.held()).toBe(false);
    expect(rig.events.last()).toBe(AuthEvent.EXPIRED);
    expect(rig.store.records.has(AuthRecord.HELD)).toBe(false);
  });
});
