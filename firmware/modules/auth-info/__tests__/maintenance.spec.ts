// The factory maintenance credential (PROTOCOL.md §2.2, §5): installed once, 12 digits, no
// expiry and no use limit, all items; 5 failures in a row lock it until a server-issued
// credential succeeds. Only its salted verifier, bound to the key slot, is kept.
import * as board from "../../../board/index";
import { OK, E_AUTH, E_LOCKED, E_MALFORMED, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { findInFlash } from "../../../testing/flash";
import { AuthEvent, Kind, Via } from "..";
import {
  DIGITS, HOUR, MAINTENANCE_DIGITS, OPERATOR, OPERATOR_KEY, OTHER_DIGITS, PARTNER, PARTNER_KEY, SECOND, SERIAL,
  freshRig, saltOf, verifier,
} from "./rig";

const WRONG = "271828182846";

describe("the maintenance credential", () => {
  it("opens a grant for every item, with no expiry and no use limit", () => {
    let rig = freshRig();
    for (let i = 0; i < 6; i++) {
      expect(rig.auth.check(Kind.MAINTENANCE, board.utf8(MAINTENANCE_DIGITS), Via.PANEL)).toBe(OK);
      expect(rig.auth.grant.items).toBe(0x1f);
      expect(rig.auth.grant.issuer).toBe(0);
      expect(rig.auth.grant.serial).toBe(0);
      expect(rig.events.last()).toBe(AuthEvent.MATCH);
      rig.auth.closeGrant();
    }
    rig = rig.reboot(400 * 24 * HOUR);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(OK);
  });

  it("is not the server-issued credential, nor the other way round", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.SERVER)).toBe(E_AUTH);
    expect(rig.check(DIGITS, Kind.MAINTENANCE)).toBe(E_AUTH);
  });

  it("locks after 5 failures in a row, across power cuts, until a server-issued credential succeeds", () => {
    let rig = freshRig();
    expect(rig.check(WRONG, Kind.MAINTENANCE)).toBe(E_AUTH);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(OK);   // in a row: a success starts again
    rig.auth.closeGrant();
    for (let i = 0; i < 4; i++) expect(rig.check(WRONG, Kind.MAINTENANCE)).toBe(E_AUTH);
    expect(rig.auth.maintenanceLocked()).toBe(false);
    expect(rig.check(WRONG, Kind.MAINTENANCE)).toBe(E_LOCKED);
    expect(rig.events.last()).toBe(AuthEvent.LOCKED);
    expect(rig.auth.maintenanceLocked()).toBe(true);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(E_LOCKED);
    expect(rig.auth.grant.isOpen()).toBe(false);
    rig = rig.reboot(30 * 24 * HOUR);
    expect(rig.auth.maintenanceLocked()).toBe(true);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(E_LOCKED);
    // A server-issued credential that fails does not unlock it; one that matches does.
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(OTHER_DIGITS)).toBe(E_AUTH);
    expect(rig.auth.maintenanceLocked()).toBe(true);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(rig.auth.maintenanceLocked()).toBe(false);
    rig.auth.closeGrant();
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(OK);
  });

  it("is installed once, with well-formed fields, and only its bound verifier is kept", () => {
    const rig = freshRig(null, false);
    expect(rig.check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(E_NOTFOUND);
    const salt = saltOf(5);
    const v = verifier(SERIAL, salt, MAINTENANCE_DIGITS);
    expect(rig.auth.installMaintenance(0, OPERATOR_KEY.pub, salt, v)).toBe(E_MALFORMED);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub.subarray(0, 64), salt, v)).toBe(E_MALFORMED);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub, salt.subarray(0, 15), v)).toBe(E_MALFORMED);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub, salt, v.subarray(0, 31))).toBe(E_MALFORMED);
    expect(rig.auth.operatorCode()).toBe(0);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub, salt, v)).toBe(OK);
    expect(rig.auth.operatorCode()).toBe(OPERATOR);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub, salt, v)).toBe(E_STATE);
    // Neither the digits nor the server's verifier is in the flash image.
    expect(findInFlash(board.utf8(MAINTENANCE_DIGITS))).toBe(-1);
    expect(findInFlash(v.subarray(0, 8))).toBe(-1);
    expect(rig.reboot(SECOND).check(MAINTENANCE_DIGITS, Kind.MAINTENANCE)).toBe(OK);
  });

  it("keeps nothing of a server-issued credential a flash dump could use", () => {
    const rig = freshRig();
    expect(rig.receive(PARTNER_KEY, PARTNER, 1)).toBe(OK);
    expect(rig.check(DIGITS)).toBe(OK);
    expect(findInFlash(board.utf8(DIGITS))).toBe(-1);
    expect(findInFlash(verifier(SERIAL, saltOf(1), DIGITS).subarray(0, 8))).toBe(-1);
  });
});
