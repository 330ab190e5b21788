// Authentication information from a server (PROTOCOL.md §2.1): stored only when it is
// for this PCS, from the partner or the factory operator, signed by that issuer and newer
// than anything that issuer sent before. A refusal changes nothing, not one flash byte,
// and is reported with its reason.
import { OK, E_AUTH, E_MALFORMED, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { snapshotFlash } from "../../../testing/flash";
import { AuthEvent, Reason } from "..";
import {
  Claim, DIGITS, HOUR, NEW_PARTNER, NEW_PARTNER_KEY, OPERATOR, OPERATOR_KEY, OTHER_DIGITS, PARTNER, PARTNER_KEY,
  STRANGER_KEY, Rig, SECOND, T0, freshRig, information, same, unsigned,
} from "./rig";

/** Receives `blob` and expects the refusal `rc` for `reason`, with flash unchanged. */
function refused(rig: Rig, blob: Uint8Array, rc: i32, reason: i32): void {
  const before = snapshotFlash();
  const events = rig.events.count();
  expect(rig.auth.receive(blob, 0)).toBe(rc);
  expect(same(snapshotFlash(), before)).toBe(true, "a refusal wrote to flash");
  expect(rig.events.count()).toBe(events + 1);
  expect(rig.events.last()).toBe(AuthEvent.REFUSED);
  expect(rig.events.lastReason()).toBe(reason);
}

describe("authentication information", () => {
  it("from the partner is stored with the defaults and reported", () => {
    const rig = freshRig();
    expect(rig.auth.held()).toBe(false);
    expect(rig.receive(PARTNER_KEY, PARTNER, 7)).toBe(OK);
    expect(rig.auth.held()).toBe(true);
    expect(rig.auth.expiresUtcMs()).toBe(T0 + 24 * HOUR);
    expect(rig.auth.usesLeft()).toBe(3);
    expect(rig.auth.triesLeft()).toBe(5);
    expect(rig.events.last()).toBe(AuthEvent.STORED);
    expect(rig.events.issuers[0]).toBe(PARTNER);
    expect(rig.events.serials[0]).toBe(7);
    // It survives a power cut.
    const again = rig.reboot(SECOND);
    expect(again.auth.held()).toBe(true);
    expect(again.auth.expiresUtcMs()).toBe(T0 + 24 * HOUR);
    expect(again.check(DIGITS)).toBe(OK);
  });

  it("fields ask for less than the PCS's defaults, never more", () => {
    let rig = freshRig();
    const c = new Claim(PARTNER, 1);
    c.lifetimeS = 3600; c.uses = 1; c.failures = 2; c.items = 0x04;
    expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
    expect(rig.auth.expiresUtcMs()).toBe(T0 + HOUR);
    expect(rig.auth.usesLeft()).toBe(1);
    expect(rig.auth.triesLeft()).toBe(2);
    expect(rig.auth.heldItems()).toBe(0x04);
    const d = new Claim(PARTNER, 2);
    d.lifetimeS = 7 * 86400; d.uses = 200; d.failures = 200;
    expect(rig.auth.receive(information(PARTNER_KEY, d), 0)).toBe(OK);
    expect(rig.auth.expiresUtcMs()).toBe(T0 + 24 * HOUR);
    expect(rig.auth.usesLeft()).toBe(3);
    expect(rig.auth.triesLeft()).toBe(5);
  });

  it("a newer one replaces the one held, with fresh counters", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.auth.triesLeft()).toBe(4);
    const c = new Claim(PARTNER, 2);
    c.digits = "1111111111";
    expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
    expect(rig.auth.triesLeft()).toBe(5);
    expect(rig.check(DIGITS)).toBe(E_AUTH);
    expect(rig.check("1111111111")).toBe(OK);
  });

  it("a replayed one is refused, also after a power cut and after a newer one", () => {
    let rig = freshRig();
    const first = information(PARTNER_KEY, new Claim(PARTNER, 5));
    expect(rig.auth.receive(first, 0)).toBe(OK);
    refused(rig, first, E_AUTH, Reason.REPLAYED);
    refused(rig, information(PARTNER_KEY, new Claim(PARTNER, 4)), E_AUTH, Reason.REPLAYED);
    rig = rig.reboot(SECOND);
    refused(rig, first, E_AUTH, Reason.REPLAYED);
    // Used up and gone: its serial stays spent.
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.held()).toBe(false);
    refused(rig, first, E_AUTH, Reason.REPLAYED);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
  });

  it("a forged one is refused: another key, an altered byte, no signature", () => {
    const rig = freshRig();
    refused(rig, information(STRANGER_KEY, new Claim(PARTNER, 1)), E_AUTH, Reason.BAD_SIGNATURE);
    // The operator's key does not sign for the partner, nor the partner's for the operator.
    refused(rig, information(OPERATOR_KEY, new Claim(PARTNER, 1)), E_AUTH, Reason.BAD_SIGNATURE);
    refused(rig, information(PARTNER_KEY, new Claim(OPERATOR, 1)), E_AUTH, Reason.BAD_SIGNATURE);
    const good = information(PARTNER_KEY, new Claim(PARTNER, 1));
    // Every byte of the signed part and of the signature matters (the serial field, a
    // salt byte, the items, the verifier, r, s).
    const at: i32[] = [7, 23, 25, 40, 60, good.length - 64, good.length - 1];
    for (let i = 0; i < at.length; i++) {
      const b = new Uint8Array(good.length);
      b.set(good, 0);
      b[at[i]] ^= 0x01;
      // The items byte altered to a value no server sends is malformed before any check.
      const rc = rig.auth.receive(b, 0);
      expect(rc == E_AUTH || rc == E_MALFORMED).toBe(true);
      expect(rig.events.last()).toBe(AuthEvent.REFUSED);
    }
    // Unsigned: the bytes without a signature, or with one of zeros.
    const body = unsigned(new Claim(PARTNER, 1));
    refused(rig, body, E_MALFORMED, Reason.MALFORMED);
    const zeros = new Uint8Array(body.length + 64);
    zeros.set(body, 0);
    refused(rig, zeros, E_AUTH, Reason.BAD_SIGNATURE);
    expect(rig.auth.held()).toBe(false);
    expect(rig.check(DIGITS)).toBe(E_NOTFOUND);
    // The good one still goes in: the forgeries spent no serial.
    expect(rig.auth.receive(good, 0)).toBe(OK);
  });

  it("another device's is refused, and so is one for this PCS from an unknown issuer", () => {
    const rig = freshRig();
    const c = new Claim(PARTNER, 1);
    c.device = "PC-0002";
    c.verifierDevice = "PC-0002";
    refused(rig, information(PARTNER_KEY, c), E_AUTH, Reason.OTHER_DEVICE);
    const p = new Claim(PARTNER, 1);
    p.device = "PC-00011";
    refused(rig, information(PARTNER_KEY, p), E_AUTH, Reason.OTHER_DEVICE);
    // The next partner is nobody to this PCS until CONNECTION names it.
    refused(rig, information(NEW_PARTNER_KEY, new Claim(NEW_PARTNER, 1)), E_AUTH, Reason.UNKNOWN_ISSUER);
    expect(rig.auth.held()).toBe(false);
  });

  it("a credential made for another device does not match here", () => {
    const rig = freshRig();
    // Information for this PCS whose verifier a server computed over another serial.
    const c = new Claim(PARTNER, 1);
    c.verifierDevice = "PC-0002";
    expect(rig.auth.receive(information(PARTNER_KEY, c), 0)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(E_AUTH);
    expect(rig.auth.grant.isOpen()).toBe(false);
    expect(rig.events.last()).toBe(AuthEvent.MISMATCH);
  });

  it("malformed bytes are refused before anything is checked", () => {
    const rig = freshRig();
    const good = information(PARTNER_KEY, new Claim(PARTNER, 1));
    refused(rig, new Uint8Array(0), E_MALFORMED, Reason.MALFORMED);
    refused(rig, good.subarray(0, 26), E_MALFORMED, Reason.MALFORMED);
    refused(rig, good.subarray(0, good.length - 1), E_MALFORMED, Reason.MALFORMED);
    const longer = new Uint8Array(good.length + 1);
    longer.set(good, 0);
    refused(rig, longer, E_MALFORMED, Reason.MALFORMED);
    const bad: i32[] = [0, 1, 2, 26];
    for (let i = 0; i < bad.length; i++) {
      const b = new Uint8Array(good.length);
      b.set(good, 0);
      b[bad[i]] = bad[i] == 26 ? 0 : 0x7f;
      refused(rig, b, E_MALFORMED, Reason.MALFORMED);
    }
    const noItems = new Claim(PARTNER, 1);
    noItems.items = 0;
    refused(rig, information(PARTNER_KEY, noItems), E_MALFORMED, Reason.MALFORMED);
    const tooMany = new Claim(PARTNER, 1);
    tooMany.items = 0x20;
    refused(rig, information(PARTNER_KEY, tooMany), E_MALFORMED, Reason.MALFORMED);
    expect(rig.auth.receive(good, 0)).toBe(OK);
  });

  it("is refused while the PCS does not know the wall time", () => {
    const rig = freshRig();
    rig.clock.wallKnown = false;
    refused(rig, information(PARTNER_KEY, new Claim(PARTNER, 1)), E_STATE, Reason.NO_TIME);
    rig.clock.wallKnown = true;
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
  });

  it("may come from the factory operator instead of the partner", () => {
    let rig = freshRig();
    expect(rig.auth.operatorCode()).toBe(OPERATOR);
    expect(rig.receive(OPERATOR_KEY, OPERATOR, 1)).toBe(OK);
    expect(rig.events.issuers[rig.events.count() - 1]).toBe(OPERATOR);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.grant.issuer).toBe(OPERATOR);
    expect(rig.auth.grant.serial).toBe(1);
    // Each issuer has its own floor: the partner's serial 1 is still new.
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    refused(rig, information(OPERATOR_KEY, new Claim(OPERATOR, 1)), E_AUTH, Reason.REPLAYED);
    rig = rig.reboot(SECOND);
    expect(rig.receive(OPERATOR_KEY, OPERATOR, 2)).toBe(OK);
  });

  it("a PCS with neither a CONNECTION nor a factory operator accepts none", () => {
    const rig = freshRig(null, false);
    refused(rig, information(PARTNER_KEY, new Claim(PARTNER, 1)), E_AUTH, Reason.UNKNOWN_ISSUER);
    refused(rig, information(OPERATOR_KEY, new Claim(OPERATOR, 1)), E_AUTH, Reason.UNKNOWN_ISSUER);
  });
});

describe("bounded parsing", () => {
  it("random changes to good information are refused, never stored, never a trap", () => {
    const rig = freshRig();
    const good = information(PARTNER_KEY, new Claim(PARTNER, 1));
    const before = snapshotFlash();
    let x: u32 = 0x9e3779b9;   // xorshift: the same cases every run
    for (let n = 0; n < 300; n++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      // A cut, a longer copy or flipped bytes.
      const len = (x & 3) == 0 ? <i32>(x >>> 8) % good.length : (x & 3) == 1 ? good.length + 1 + <i32>(x >>> 8) % 40 : good.length;
      const b = new Uint8Array(len);
      for (let i = 0; i < len; i++) b[i] = i < good.length ? good[i] : <u8>(x >>> (i & 15));
      const flips = 1 + <i32>(x >>> 28);
      for (let f = 0; f < flips; f++) {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        if (len > 0) b[<i32>(x % <u32>len)] ^= <u8>(1 + (x >>> 24) % 255);
      }
      const rc = rig.auth.receive(b, 0);
      expect(rc == E_MALFORMED || rc == E_AUTH).toBe(true);
    }
    expect(same(snapshotFlash(), before)).toBe(true);
    expect(rig.auth.held()).toBe(false);
  });
});
