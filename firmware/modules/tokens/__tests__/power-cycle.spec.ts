// A power cut: a new store on the same flash, a new scheduler and ladder. What must
// survive does; a lifetime missed while off ends once; a token whose end cannot be known
// is refused or dropped, never kept for ever.
import { OK, E_AUTH, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { CLOUD_MAX, TokenRecord } from "..";
import { HOUR, MINUTE, SECOND, cloudToken, copyOf, freshRig, phone, same } from "./rig";
import { WALL_POLL_MS } from "../../scheduler/index";

describe("reopen after a power cycle", () => {
  it("keeps the PWT, PT, ST, SVWT, a presented CWT and what was spent", () => {
    let rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    const pwt = copyOf(rig.pwt());
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
    expect(rig.tokens.svwtExchanged(cloudToken(2))).toBe(OK);
    expect(rig.tokens.storeSvwt(cloudToken(3))).toBe(OK);
    expect(rig.tokens.storeCwt(cloudToken(4))).toBe(OK);
    const out = new Uint8Array(CLOUD_MAX);
    expect(rig.tokens.presentCwt(out)).toBe(24);
    rig.runTo(MINUTE);

    rig = rig.reboot(MINUTE);
    expect(same(rig.pwt(), pwt)).toBe(true);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    expect(rig.tokens.presentSt(out)).toBe(24);
    expect(same(out.subarray(0, 24), cloudToken(1))).toBe(true);
    expect(rig.tokens.presentSvwt(out)).toBe(24);
    expect(same(out.subarray(0, 24), cloudToken(3))).toBe(true);
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(E_STATE);   // still known as exchanged
    expect(rig.tokens.presentCwt(out)).toBe(E_STATE);            // still presented
    expect(rig.tokens.usePwt(pwt)).toBe(OK);
  });

  it("a PT's idle time runs on while the printer is off", () => {
    let rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    rig.runTo(5 * MINUTE);
    rig = rig.reboot(10 * MINUTE);             // 15 min of its 30 gone
    rig.runTo(15 * MINUTE - SECOND);
    expect(rig.tokens.hasPt()).toBe(true);
    rig.runTo(15 * MINUTE);
    expect(rig.tokens.hasPt()).toBe(false);
    expect(rig.events.ptDropped).toBe(1);
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);
  });

  it("lifetimes missed while off end once, and are refused before the first TIMER event", () => {
    let rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    const pwt = copyOf(rig.pwt());
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
    expect(rig.tokens.storeCwt(cloudToken(3))).toBe(OK);
    rig = rig.reboot(48 * HOUR);
    const out = new Uint8Array(CLOUD_MAX);
    // Before the TIMER event that delivers the missed deadlines:
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);
    expect(rig.tokens.presentSvwt(out)).toBe(E_NOTFOUND);
    expect(rig.tokens.presentCwt(out)).toBe(E_NOTFOUND);
    expect(rig.tokens.usePwt(pwt)).toBe(E_AUTH);             // replaced at boot
    expect(rig.events.rotated).toBe(1);
    rig.settle();
    expect(rig.events.ptDropped).toBe(1);
    expect(rig.events.svwtExpired).toBe(1);
    expect(rig.events.cwtExpired).toBe(1);
    expect(rig.events.rotated).toBe(1);                        // not again for the missed hour
    expect(rig.store.records.has(TokenRecord.PT)).toBe(false);
    expect(rig.store.records.has(TokenRecord.SVWT)).toBe(false);
    expect(rig.store.records.has(TokenRecord.CWT)).toBe(false);
    rig.runTo(HOUR - SECOND);
    expect(rig.events.ptDropped + rig.events.svwtExpired + rig.events.cwtExpired).toBe(3);
    expect(rig.events.rotated).toBe(1);
    rig.runTo(HOUR);
    expect(rig.events.rotated).toBe(2);
  });

  it("without wall time a PT lives in RAM only: dropped by a power cut", () => {
    let rig = freshRig();
    rig.clock.wallKnown = false;
    const a = phone(1);
    const pt = rig.issuePt(a);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
    rig = rig.reboot(SECOND);
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);
    expect(rig.store.records.has(TokenRecord.PT)).toBe(false);
    expect(rig.tokens.currentPwt(new Uint8Array(8))).toBe(8);
  });

  it("a persisted lifetime is refused while the board has no wall time, and counts again once it has", () => {
    let rig = freshRig();
    const a = phone(1);
    const pt = rig.issuePt(a);
    rig.clock.wallKnown = false;
    rig = rig.reboot(MINUTE);
    expect(rig.tokens.checkPt(pt, a)).toBe(E_NOTFOUND);     // its end is unknown: refused
    expect(rig.tokens.currentPwt(new Uint8Array(8))).toBe(8);  // a fresh PWT all the same
    rig.clock.wallKnown = true;
    rig.runTo(WALL_POLL_MS);
    expect(rig.tokens.checkPt(pt, a)).toBe(OK);
  });

  it("initialization erases every token and counter", () => {
    let rig = freshRig();
    rig.issuePt(phone(1));
    expect(rig.tokens.usePwt(new Uint8Array(8))).not.toBe(OK);
    expect(rig.tokens.storeSt(cloudToken(1))).toBe(OK);
    expect(rig.tokens.storeSvwt(cloudToken(2))).toBe(OK);
    expect(rig.tokens.storeCwt(cloudToken(3))).toBe(OK);
    expect(rig.store.initialize()).toBe(OK);
    const keys = rig.store.records.keys();
    for (let i = 0; i < keys.length; i++) expect(keys[i] >= 0x0500 && keys[i] <= 0x053f).toBe(false);
    rig = rig.reboot(SECOND);
    expect(rig.tokens.hasPt()).toBe(false);
    expect(rig.tokens.hasSt()).toBe(false);
    expect(rig.tokens.currentPwt(new Uint8Array(8))).toBe(8);
  });
});
