// Records that cannot be read fail closed (README "Records"): a tampered revocation list
// revokes every grant until a new list replaces it; a tampered first-use table refuses
// DISPOSABLE and EXPIRING grants; a tampered time floor lets no time in.
import { OK, E_AUTH, E_IO } from "../../../core/errors";
import { doctorRecord } from "../../../testing/flash";
import { recordData } from "../../auth-info/__tests__/rig";
import { GrantsRecord, Reason } from "..";
import { Claim, HOUR, MAKER, SECOND, SERIAL, T0, freshRig, grantBlob, revocationBlob } from "./rig";

describe("tampered records", () => {
  it("a revocation list that cannot be read revokes every grant until a new list comes", () => {
    let rig = freshRig();
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 3, [9]))).toBe(OK);
    doctorRecord(recordData(GrantsRecord.REVOCATIONS), 6, 0xee);
    rig = rig.reboot();
    expect(rig.setTime(T0 + SECOND)).toBe(OK);
    expect(rig.operate(grantBlob(new Claim(7))).reason).toBe(Reason.REVOKED);
    expect(rig.grants.receiveRevocations(revocationBlob(MAKER, SERIAL, 4, [9]))).toBe(OK);
    expect(rig.operate(grantBlob(new Claim(7))).status).toBe(OK);
  });

  it("a first-use table that cannot be read refuses disposable grants, not scheduled ones", () => {
    let rig = freshRig();
    const c = new Claim(5);
    c.type = 2;
    expect(rig.operate(grantBlob(c)).status).toBe(OK);
    doctorRecord(recordData(GrantsRecord.USES), 0, 0x06);
    rig = rig.reboot();
    expect(rig.setTime(T0 + SECOND)).toBe(OK);
    const d = rig.operate(grantBlob(c));
    expect(d.status).toBe(E_IO);
    expect(d.reason).toBe(Reason.STORAGE);
    expect(rig.operate(grantBlob(new Claim(6))).status).toBe(OK);
  });

  it("a time floor that cannot be read lets no time in", () => {
    let rig = freshRig();
    doctorRecord(recordData(GrantsRecord.TIME_FLOOR), 0, 0x00);
    rig = rig.reboot();
    expect(rig.setTime(T0 + HOUR)).toBe(E_AUTH);
    expect(rig.grants.clock.known()).toBe(false);
  });
});
