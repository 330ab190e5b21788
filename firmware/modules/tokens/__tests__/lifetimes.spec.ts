// Each token's lifetime at T-1 s, T and T+1 s, with T from the module's configuration.
import { OK, E_AUTH, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { CLOUD_MAX, PT_LEN, TokenRecord } from "..";
import { HOUR, MINUTE, SECOND, Rig, cloudToken, freshRig, phone, same } from "./rig";

/** A PWT read at 0, offered back at its rotation time T plus `offset`. */
function pwtOfferedAt(offset: i64): i32 {
  const rig = freshRig();
  const old = rig.pwt();
  rig.runTo(rig.config.pwtRotateMs + offset);
  return rig.tokens.usePwt(old);
}

/** A PT issued at 0 and not used since, checked at its idle time T plus `offset`. */
function ptCheckedAt(offset: i64): i32 {
  const rig = freshRig();
  const a = phone(1);
  const pt = rig.issuePt(a);
  rig.runTo(rig.config.ptIdleMs + offset);
  return rig.tokens.checkPt(pt, a);
}

function withSt(): Rig {
  const rig = freshRig();
  expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
  return rig;
}

function svwtPresentedAt(offset: i64): i32 {
  const rig = withSt();
  expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
  rig.runTo(rig.config.svwtLifetimeMs + offset);
  return rig.tokens.presentSvwt(new Uint8Array(CLOUD_MAX));
}

function cwtPresentedAt(offset: i64): i32 {
  const rig = freshRig();
  expect(rig.tokens.storeCwt(cloudToken(3))).toBe(OK);
  rig.runTo(rig.config.cwtLifetimeMs + offset);
  return rig.tokens.presentCwt(new Uint8Array(CLOUD_MAX));
}

describe("PWT lifetime (rotation period, 1 h by default)", () => {
  it("is accepted at T-1 s", () => { expect(pwtOfferedAt(-SECOND)).toBe(OK); });
  it("is refused at T", () => { expect(pwtOfferedAt(0)).toBe(E_AUTH); });
  it("is refused at T+1 s", () => { expect(pwtOfferedAt(SECOND)).toBe(E_AUTH); });
  it("the period is configurable", () => {
    const rig = freshRig();
    rig.tokens.config.pwtRotateMs = 10 * MINUTE;
    expect(rig.tokens.rotatePwt()).toBe(OK);
    const p = rig.pwt();
    rig.runTo(10 * MINUTE - SECOND);
    expect(same(rig.pwt(), p)).toBe(true);
    rig.runTo(10 * MINUTE);
    expect(same(rig.pwt(), p)).toBe(false);
  });
});

describe("PT lifetime (idle period, 30 min by default)", () => {
  it("is accepted at T-1 s", () => { expect(ptCheckedAt(-SECOND)).toBe(OK); });
  it("is dropped at T", () => { expect(ptCheckedAt(0)).toBe(E_NOTFOUND); });
  it("is dropped at T+1 s", () => { expect(ptCheckedAt(SECOND)).toBe(E_NOTFOUND); });

  it("idle counts from the last successful use, and the image hears of the drop", () => {
    const rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    rig.runTo(20 * MINUTE);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    rig.runTo(50 * MINUTE - SECOND);           // past the first 30 min, within 30 of the use
    expect(rig.tokens.hasPt()).toBe(true);
    expect(rig.events.ptDropped).toBe(0);
    rig.runTo(50 * MINUTE);
    expect(rig.tokens.hasPt()).toBe(false);
    expect(rig.events.ptDropped).toBe(1);
    expect(rig.store.records.has(TokenRecord.PT)).toBe(false);   // its bytes really go
  });

  it("a failed check does not extend it", () => {
    const rig = freshRig();
    const a = phone(1);
    rig.issuePt(a);
    rig.runTo(20 * MINUTE);
    expect(rig.tokens.checkPt(new Uint8Array(PT_LEN), a)).toBe(E_AUTH);
    rig.runTo(30 * MINUTE);
    expect(rig.tokens.hasPt()).toBe(false);
  });
});

describe("SVWT lifetime (24 h by default) and pre-fetch", () => {
  it("is presented at T-1 s", () => { expect(svwtPresentedAt(-SECOND)).toBe(24); });
  it("is gone at T", () => { expect(svwtPresentedAt(0)).toBe(E_NOTFOUND); });
  it("is gone at T+1 s", () => { expect(svwtPresentedAt(SECOND)).toBe(E_NOTFOUND); });

  it("an expired SVWT's record is erased and the image is told", () => {
    const rig = withSt();
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
    rig.runTo(rig.config.svwtLifetimeMs);
    expect(rig.store.records.has(TokenRecord.SVWT)).toBe(false);
    expect(rig.events.svwtExpired).toBe(1);
  });

  it("a stored ST asks for a SVWT at once, then every pre-fetch period", () => {
    const rig = withSt();
    rig.settle();
    expect(rig.events.prefetchDue).toBe(1);
    rig.runTo(6 * HOUR - SECOND);
    expect(rig.events.prefetchDue).toBe(1);
    rig.runTo(6 * HOUR);
    expect(rig.events.prefetchDue).toBe(2);
    rig.runTo(12 * HOUR + SECOND);
    expect(rig.events.prefetchDue).toBe(3);
  });

  it("a newer SVWT replaces the stored one and starts its own lifetime", () => {
    const rig = withSt();
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
    rig.runTo(6 * HOUR);
    expect(rig.tokens.storeSvwt(cloudToken(4))).toBe(OK);
    rig.runTo(24 * HOUR);
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentSvwt(out)).toBe(24);
    expect(same(out.subarray(0, 24), cloudToken(4))).toBe(true);
    rig.runTo(30 * HOUR);
    expect(rig.tokens.presentSvwt(out)).toBe(E_NOTFOUND);
  });
});

describe("CWT lifetime (24 h by default)", () => {
  it("is presented at T-1 s", () => { expect(cwtPresentedAt(-SECOND)).toBe(24); });
  it("is gone at T", () => { expect(cwtPresentedAt(0)).toBe(E_NOTFOUND); });
  it("is gone at T+1 s", () => { expect(cwtPresentedAt(SECOND)).toBe(E_NOTFOUND); });
  it("an expired CWT's record is erased and the image is told", () => {
    const rig = freshRig();
    expect(rig.tokens.storeCwt(cloudToken(3))).toBe(OK);
    rig.runTo(rig.config.cwtLifetimeMs);
    expect(rig.store.records.has(TokenRecord.CWT)).toBe(false);
    expect(rig.events.cwtExpired).toBe(1);
  });
});

describe("ST lifetime", () => {
  it("has no deadline: it authenticates the printer until the registration is dropped", () => {
    const rig = withSt();
    rig.runTo(400 * 24 * HOUR);
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentSt(out)).toBe(24);
    expect(same(out.subarray(0, 24), cloudToken(1))).toBe(true);
    expect(rig.tokens.dropSt()).toBe(OK);
    expect(rig.tokens.presentSt(out)).toBe(E_NOTFOUND);
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(E_STATE);
  });
});
