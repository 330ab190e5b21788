// Attempt counters: persisted, locking at their limit, and failing closed when unreadable.
import { OK, E_AUTH, E_LOCKED, E_NOTFOUND } from "../../../core/errors";
import { PT_LEN, PWT_LEN, TokenRecord } from "..";
import { HOUR, freshRig, phone } from "./rig";

function wrongPwt(): Uint8Array { return new Uint8Array(PWT_LEN); }

describe("PWT attempts", () => {
  it("lock after the limit until the next rotation, even for the right PWT", () => {
    const rig = freshRig();
    const limit = rig.config.pwtAttempts;
    for (let i = 1; i < limit; i++) expect(rig.tokens.usePwt(wrongPwt())).toBe(E_AUTH);
    expect(rig.tokens.usePwt(wrongPwt())).toBe(E_LOCKED);
    expect(rig.tokens.usePwt(rig.pwt())).toBe(E_LOCKED);
    expect(rig.tokens.issuePt(rig.pwt(), phone(1), new Uint8Array(PT_LEN))).toBe(E_LOCKED);
    rig.runTo(HOUR);
    expect(rig.tokens.usePwt(rig.pwt())).toBe(OK);
  });

  it("a success clears the count", () => {
    const rig = freshRig();
    const limit = rig.config.pwtAttempts;
    for (let i = 1; i < limit; i++) expect(rig.tokens.usePwt(wrongPwt())).toBe(E_AUTH);
    expect(rig.tokens.usePwt(rig.pwt())).toBe(OK);
    for (let i = 1; i < limit; i++) expect(rig.tokens.usePwt(wrongPwt())).toBe(E_AUTH);
  });

  it("the count survives a power cut", () => {
    let rig = freshRig();
    const limit = rig.config.pwtAttempts;
    for (let i = 1; i < limit; i++) expect(rig.tokens.usePwt(wrongPwt())).toBe(E_AUTH);
    rig = rig.reboot(1000);
    expect(rig.tokens.usePwt(wrongPwt())).toBe(E_LOCKED);
  });

  it("an unreadable counter counts as exhausted", () => {
    const rig = freshRig();
    expect(rig.tokens.usePwt(wrongPwt())).toBe(E_AUTH);
    rig.records.broken = TokenRecord.PWT_ATTEMPTS;
    expect(rig.tokens.usePwt(rig.pwt())).toBe(E_LOCKED);
  });
});

describe("PT attempts", () => {
  it("the limit's failure drops the PT, and the image hears of it", () => {
    const rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    const limit = rig.config.ptAttempts;
    for (let i = 1; i < limit; i++) expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_AUTH);
    expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_LOCKED);
    expect(rig.events.ptDropped).toBe(1);
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);
    expect(rig.store.records.has(TokenRecord.PT)).toBe(false);
  });

  it("a success clears the count, and a new PT starts from zero", () => {
    const rig = freshRig();
    const a = phone(1);
    let pt = rig.issuePt(a);
    const limit = rig.config.ptAttempts;
    for (let i = 1; i < limit; i++) expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_AUTH);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    expect(rig.store.counter(TokenRecord.PT_ATTEMPTS)).toBe(0);
    for (let i = 1; i < limit; i++) expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_AUTH);
    pt = rig.issuePt(a);
    expect(rig.store.counter(TokenRecord.PT_ATTEMPTS)).toBe(0);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
  });

  it("an unreadable counter counts as exhausted: the right PT is refused and dropped", () => {
    const rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_AUTH);
    rig.records.broken = TokenRecord.PT_ATTEMPTS;
    expect(rig.tokens.checkPt(pt, a)).toBe(E_LOCKED);
    expect(rig.tokens.hasPt()).toBe(false);
  });

  it("an unreadable counter also refuses deletion", () => {
    const rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    expect(rig.tokens.checkPt(pt, phone(2))).toBe(E_AUTH);
    rig.records.broken = TokenRecord.PT_ATTEMPTS;
    expect(rig.tokens.deletePt(pt, a)).toBe(E_LOCKED);
  });
});
