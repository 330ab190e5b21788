// What the lock keeps across power cuts and refuses from the wire (PROTOCOL.md §1.2,
// §1.3, §2.1): revocation lists, the time and its floor, the lockout and its counter, the
// first use of an expiring grant with power failing at each of its flash operations, and
// every parser refusing truncated and oversize input with nothing changed.
import { OK, E_AUTH, E_LOCKED, E_MALFORMED, E_STATE } from "../../../core/errors";
import { restoreFlash, snapshotFlash } from "../../../testing/flash";
import { GrantsConfig, Reason } from "..";
import {
  Claim, HOUR, MAKER, OTHER_PHONE, PHONE, Rig, SECOND, SERIAL, STRANGER, T0, freshRig, grantBlob, operateFields, revocationBlob, timeBlob,
} from "./rig";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

function roomy(): GrantsConfig { const c = new GrantsConfig(); c.lockoutAfter = 1000; return c; }

describe("revocations", () => {
  it("deny a revoked grant, only newer versions replace the list whole, and it is kept across a reboot", () => {
    let rig = freshRig();
    const g7 = grantBlob(new Claim(7)), g8 = grantBlob(new Claim(8));
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 2, [7, 9]))).toBe(OK);
    expect(rig.grants.revocationVersion()).toBe(2);
    let d = rig.operate(g7);
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.REVOKED);
    expect(rig.operate(g8).status).toBe(OK);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 1, []))).toBe(E_STATE);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 2, []))).toBe(E_STATE);
    expect(rig.grants.receiveRevocations(revocationBlob(STRANGER, SERIAL, 5, []))).toBe(E_AUTH);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, "LK-0002", 5, []))).toBe(E_AUTH);
    rig = rig.reboot(SECOND);
    expect(rig.setTime(T0 + 2 * SECOND)).toBe(OK);
    expect(rig.grants.revocationVersion()).toBe(2);
    expect(rig.operate(g7).reason).toBe(Reason.REVOKED);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 3, [8]))).toBe(OK);
    expect(rig.operate(g7).status).toBe(OK);
    expect(rig.operate(g8).reason).toBe(Reason.REVOKED);
  });
});

describe("the time", () => {
  it("is accepted only for the nonce asked with last, once, from the maker, for this lock, never below the floor", () => {
    let rig = freshRig(null, false);
    const c = rig.grants.clock;
    const first = c.request();
    const second = c.request();
    expect(c.receive(timeBlob(MAKER, SERIAL, first, T0))).toBe(E_AUTH);       // not the last one asked
    expect(c.receive(timeBlob(STRANGER, SERIAL, second, T0))).toBe(E_AUTH);
    expect(c.receive(timeBlob(MAKER, "LK-0002", second, T0))).toBe(E_AUTH);
    expect(c.known()).toBe(false);
    const answer = timeBlob(MAKER, SERIAL, second, T0 + HOUR);
    expect(c.receive(answer)).toBe(OK);
    expect(c.nowUtcMs()).toBe(T0 + HOUR);
    rig.wait(5 * SECOND);
    expect(c.nowUtcMs()).toBe(T0 + HOUR + 5 * SECOND);
    expect(c.receive(answer)).toBe(E_AUTH);                                    // once
    rig = rig.reboot(SECOND);
    const c2 = rig.grants.clock;
    expect(c2.known()).toBe(false);
    expect(c2.receive(answer)).toBe(E_AUTH);                                   // replayed after the cut
    expect(c2.receive(timeBlob(MAKER, SERIAL, c2.request(), T0))).toBe(E_AUTH);   // below the floor
    expect(c2.known()).toBe(false);
    expect(c2.receive(timeBlob(MAKER, SERIAL, c2.request(), T0 + HOUR))).toBe(OK);   // at the floor
  });
});

describe("the lockout", () => {
  it("grows from the 5th failure, is counted in flash, holds from boot after a cut, and a granted operation ends it", () => {
    let rig = freshRig();
    const g = grantBlob(new Claim(3));
    for (let i = 0; i < 5; i++) expect(rig.operate(g, OTHER_PHONE).reason).toBe(Reason.NOT_BOUND);
    expect(rig.grants.failures()).toBe(5);
    expect(rig.grants.lockedOutMs()).toBe(30 * SECOND);
    let d = rig.operate(g);                           // even the right phone: nothing verified
    expect(d.status).toBe(E_LOCKED);
    expect(d.reason).toBe(Reason.LOCKED_OUT);
    expect(rig.grants.failures()).toBe(5);
    rig.wait(30 * SECOND);
    expect(rig.grants.lockedOutMs()).toBe(0);
    expect(rig.operate(g, OTHER_PHONE).reason).toBe(Reason.NOT_BOUND);   // the 6th
    expect(rig.grants.lockedOutMs()).toBe(60 * SECOND);
    rig = rig.reboot(HOUR);
    expect(rig.setTime(T0 + 2 * HOUR)).toBe(OK);
    expect(rig.grants.failures()).toBe(6);
    expect(rig.grants.lockedOutMs()).toBe(60 * SECOND);   // the full delay, from boot
    expect(rig.operate(g).reason).toBe(Reason.LOCKED_OUT);
    rig.wait(60 * SECOND);
    const late = new Claim(3);
    late.slots = [T0, T0 + 3 * HOUR];
    expect(rig.operate(grantBlob(late)).status).toBe(OK);
    expect(rig.grants.failures()).toBe(0);
    rig = rig.reboot();
    expect(rig.grants.lockedOutMs()).toBe(0);
  });

  it("is at most the configured maximum", () => {
    const cfg = new GrantsConfig();
    cfg.lockoutAfter = 1;
    cfg.lockoutMaxMs = 100 * SECOND;
    const rig = freshRig(cfg);
    const g = grantBlob(new Claim(3));
    for (let i = 0; i < 4; i++) {
      expect(rig.operate(g, OTHER_PHONE).reason).toBe(Reason.NOT_BOUND);
      rig.wait(rig.grants.lockedOutMs());
    }
    expect(rig.operate(g, OTHER_PHONE).reason).toBe(Reason.NOT_BOUND);
    expect(rig.grants.lockedOutMs()).toBe(100 * SECOND);
  });

  it("a power cut at any flash operation of a failed OPERATE: never verified without being counted", () => {
    let rig = freshRig();
    const g = grantBlob(new Claim(3));
    const base = snapshotFlash();
    rig = rig.reboot();
    expect(rig.setTime(T0)).toBe(OK);
    let before = flash_ops();
    rig.operate(g, OTHER_PHONE);
    const ops = flash_ops() - before - 0;
    expect(ops).toBeGreaterThan(0);
    for (let at = 1; at <= ops; at++) {
      for (let keep = 0; keep <= 24; keep += 24) {
        restoreFlash(base);
        rig = rig.reboot();
        expect(rig.setTime(T0)).toBe(OK);
        const fields = operateFields(g, OTHER_PHONE, rig.grants.challenge(), 1);
        flash_cut(at, keep);
        const d = rig.grants.operate(fields);
        flash_cut(0, 0);
        rig = rig.reboot();
        // Verified (not-bound) only once the count was in flash.
        if (d.reason == Reason.NOT_BOUND) expect(rig.grants.failures()).toBe(1);
        else expect(d.reason).toBe(Reason.STORAGE);
      }
    }
  });
});

describe("an expiring grant's first use", () => {
  it("with power failing at each of its flash operations never gets a second life", () => {
    const c = new Claim(12);
    c.type = 3;
    c.timeoutS = 60;
    const g = grantBlob(c);
    let rig = freshRig();
    const base = snapshotFlash();
    rig = rig.reboot();
    expect(rig.setTime(T0)).toBe(OK);
    const before = flash_ops();
    expect(rig.operate(g).status).toBe(OK);
    const ops = flash_ops() - before;
    for (let at = 1; at <= ops; at++) {
      for (let keep = 0; keep <= 24; keep += 24) {
        restoreFlash(base);
        rig = rig.reboot();
        expect(rig.setTime(T0)).toBe(OK);
        const fields = operateFields(g, PHONE, rig.grants.challenge(), 1);
        flash_cut(at, keep);
        const d = rig.grants.operate(fields);
        flash_cut(0, 0);
        rig = rig.reboot(61 * SECOND);
        expect(rig.setTime(T0 + 61 * SECOND)).toBe(OK);
        const after = rig.operate(g);
        // Granted before the cut: its first use is in flash and it is over now. Refused
        // (the write did not land): this is its first use.
        if (d.status == OK) expect(after.reason).toBe(Reason.EXPIRED);
        else expect(after.status == OK || after.reason == Reason.EXPIRED).toBe(true);
      }
    }
  });
});

describe("parsers", () => {
  it("refuse every truncated or oversize OPERATE, grant, time and revocation list, changing nothing", () => {
    const rig = freshRig(roomy());
    const c = new Claim(5);
    c.type = 2;
    const g = grantBlob(c);
    const full = operateFields(g, PHONE, rig.grants.challenge(), 1);
    for (let n = 0; n < full.length; n++) {
      rig.grants.challenge();
      expect(rig.grants.operate(full.slice(0, n)).reason).toBe(Reason.MALFORMED);
    }
    const longer = new Uint8Array(full.length + 1);
    longer.set(full, 0);
    expect(rig.grants.operate(longer).reason).toBe(Reason.MALFORMED);
    // A grant with five schedules, a 33-byte serial, a type 4.
    const five = new Claim(5);
    five.slots = [T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6, T0 + 7, T0 + 8, T0 + 9];
    expect(rig.operate(grantBlob(five)).reason).toBe(Reason.MALFORMED);
    const longSerial = new Claim(5);
    longSerial.serial = "LK-000000000000000000000000000001";
    expect(rig.operate(grantBlob(longSerial)).reason).toBe(Reason.MALFORMED);
    const badType = new Claim(5);
    badType.type = 4;
    expect(rig.operate(grantBlob(badType)).reason).toBe(Reason.MALFORMED);
    const backwards = new Claim(5);
    backwards.slots = [T0 + HOUR, T0];
    expect(rig.operate(grantBlob(backwards)).reason).toBe(Reason.MALFORMED);
    // The disposable grant was never used by all that.
    expect(rig.operate(g).status).toBe(OK);

    const rev = revocationBlob(MAKER, SERIAL, 4, [1, 2]);
    for (let n = 0; n < rev.length; n++) expect(rig.grants.receiveRevocations(rev.slice(0, n))).toBe(E_MALFORMED);
    const ids: u32[] = [];
    for (let i: u32 = 0; i < 33; i++) ids.push(i + 1);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 4, ids))).toBe(E_MALFORMED);
    expect(rig.grants.revocationVersion()).toBe(0);

    const clk = rig.grants.clock;
    const t = timeBlob(MAKER, SERIAL, clk.request(), T0 + HOUR);
    for (let n = 0; n < t.length; n++) expect(clk.receive(t.slice(0, n))).toBe(E_MALFORMED);
    const tl = new Uint8Array(t.length + 1);
    tl.set(t, 0);
    expect(clk.receive(tl)).toBe(E_MALFORMED);
    expect(clk.nowUtcMs()).toBeLessThan(T0 + HOUR);
    expect(clk.receive(t)).toBe(OK);
  });
});
