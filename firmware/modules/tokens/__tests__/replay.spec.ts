// A replay of every token is refused: a used PWT, a deleted or replaced PT, a second ST,
// an exchanged SVWT, a presented or consumed CWT.
import { OK, E_AUTH, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { CLOUD_MAX, PT_LEN } from "..";
import { cloudToken, freshRig, phone, same } from "./rig";

describe("replays are refused", () => {
  it("PWT: a used one is refused for PT and for a print order", () => {
    const rig = freshRig();
    const p = rig.pwt();
    rig.issuePt(phone(1));
    expect(rig.tokens.usePwt(p)).toBe(E_AUTH);
    expect(rig.tokens.issuePt(p, phone(1), new Uint8Array(PT_LEN))).toBe(E_AUTH);
  });

  it("PT: a deleted one, and one replaced by a newer PT", () => {
    const rig = freshRig();
    const a = phone(1), b = phone(2);
    const old = rig.issuePt(a);
    const newer = rig.issuePt(b);
    expect(rig.tokens.checkPt(old, a)).toBe(E_AUTH);
    expect(rig.tokens.checkPt(newer, b)).toBe(OK);
    expect(rig.tokens.deletePt(newer, b)).toBe(OK);
    expect(rig.tokens.checkPt(newer, b)).toBe(E_NOTFOUND);
    expect(rig.tokens.deletePt(newer, b)).toBe(E_NOTFOUND);
  });

  it("ST: a replayed registration answer does not replace the stored ST", () => {
    const rig = freshRig();
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
    expect(rig.tokens.storeSt(cloudToken(9))).toBe(E_STATE);
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(E_STATE);
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentSt(out)).toBe(24);
    expect(same(out.subarray(0, 24), cloudToken(1))).toBe(true);
  });

  it("SVWT: deleted on exchange, then neither presented, stored again nor exchanged again", () => {
    const rig = freshRig();
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
    rig.settle();
    const before = rig.events.prefetchDue;
    const svwt = cloudToken(2);
    expect(rig.tokens.storeSvwt(svwt)).toBe(OK);
    expect(rig.tokens.svwtExchanged(cloudToken(3))).toBe(E_AUTH);   // another SVWT: nothing changes
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentSvwt(out)).toBe(24);
    expect(rig.tokens.svwtExchanged(svwt)).toBe(OK);
    expect(rig.tokens.presentSvwt(out)).toBe(E_NOTFOUND);
    expect(rig.tokens.svwtExchanged(svwt)).toBe(E_NOTFOUND);
    expect(rig.tokens.storeSvwt(svwt)).toBe(E_STATE);
    rig.settle();                                   // a fresh one is asked for at once
    expect(rig.events.prefetchDue).toBe(before + 1);
    expect(rig.tokens.storeSvwt(cloudToken(4))).toBe(OK);
    expect(rig.tokens.presentSvwt(out)).toBe(24);
  });

  it("CWT: presented once, consumed once, never stored again", () => {
    const rig = freshRig();
    const cwt = cloudToken(5, 32);
    expect(rig.tokens.storeCwt(cwt)).toBe(OK);
    expect(rig.tokens.storeCwt(cloudToken(6))).toBe(E_STATE);   // one charge at a time
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentCwt(out)).toBe(32);
    expect(same(out.subarray(0, 32), cwt)).toBe(true);
    expect(rig.tokens.presentCwt(out)).toBe(E_STATE);
    expect(rig.tokens.consumeCwt(cloudToken(6, 32))).toBe(E_AUTH);
    expect(rig.tokens.consumeCwt(cwt)).toBe(OK);
    expect(rig.tokens.consumeCwt(cwt)).toBe(E_NOTFOUND);
    expect(rig.tokens.presentCwt(out)).toBe(E_NOTFOUND);
    expect(rig.tokens.storeCwt(cwt)).toBe(E_STATE);
    expect(rig.tokens.storeCwt(cloudToken(6))).toBe(OK);
  });
});
