// The PT belongs to the phone it was issued to: it checks only with that phone's identity,
// and only that phone deletes it.
import { OK, E_AUTH, E_INVAL, E_NOTFOUND } from "../../../core/errors";
import { PT_LEN, PWT_LEN, PHONE_ID_LEN, TokenRecord } from "..";
import { MINUTE, freshRig, phone, same } from "./rig";

describe("PT bound to its phone", () => {
  it("is issued only against the current PWT", () => {
    const rig = freshRig();
    const out = new Uint8Array(PT_LEN);
    expect(rig.tokens.issuePt(new Uint8Array(PWT_LEN), phone(1), out)).toBe(E_AUTH);
    expect(rig.tokens.hasPt()).toBe(false);
    expect(rig.tokens.issuePt(rig.pwt(), new Uint8Array(PHONE_ID_LEN - 1), out)).toBe(E_INVAL);
    const pt = rig.issuePt(phone(1));
    expect(pt.length).toBe(PT_LEN);
    expect(rig.tokens.hasPt()).toBe(true);
    expect(same(pt, rig.issuePt(phone(1)))).toBe(false);   // every PT is new
  });

  it("checks only with the phone it was issued to", () => {
    const rig = freshRig();
    const a = phone(1), b = phone(2);
    const pt = rig.issuePt(a);
    expect(rig.tokens.checkPt(pt, b)).toBe(E_AUTH);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    const wrong = new Uint8Array(PT_LEN);
    wrong.set(pt);
    wrong[PT_LEN - 1] ^= 1;
    expect(rig.tokens.checkPt(wrong, a)).toBe(E_AUTH);
    expect(rig.tokens.checkPt(pt.subarray(0, 16), a)).toBe(E_AUTH);
  });

  it("is deleted by its own phone only, and its bytes go", () => {
    const rig = freshRig();
    const a = phone(1), b = phone(2);
    const pt = rig.issuePt(a);
    expect(rig.tokens.deletePt(pt, b)).toBe(E_AUTH);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    expect(rig.tokens.deletePt(pt, a)).toBe(OK);
    expect(rig.tokens.hasPt()).toBe(false);
    expect(rig.store.records.has(TokenRecord.PT)).toBe(false);
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);
  });

  it("a successful check writes one record to flash: its idle deadline", () => {
    const rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    rig.runTo(MINUTE);
    const before = rig.records.writes;
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    expect(rig.records.writes - before).toBe(1);
  });
});
