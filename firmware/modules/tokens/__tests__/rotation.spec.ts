// PWT rotation: hourly on its own grid, and at once when used; only the current PWT is accepted.
import { OK, E_AUTH } from "../../../core/errors";
import { PT_LEN } from "..";
import { HOUR, MINUTE, SECOND, copyOf, freshRig, phone, same } from "./rig";

describe("PWT rotation", () => {
  it("rotates every hour, each PWT new, and the image hears of each", () => {
    const rig = freshRig();
    const seen: Uint8Array[] = [rig.pwt()];
    const before = rig.events.rotated;
    for (let h = 1; h <= 3; h++) {
      rig.runTo(<i64>h * HOUR);
      const now = rig.pwt();
      for (let i = 0; i < seen.length; i++) expect(same(now, seen[i])).toBe(false);
      seen.push(now);
    }
    expect(rig.events.rotated - before).toBe(3);
  });

  it("a used PWT is replaced at once and only the new one is accepted", () => {
    const rig = freshRig();
    const first = rig.pwt();
    expect(rig.tokens.usePwt(first)).toBe(OK);
    const second = rig.pwt();
    expect(same(first, second)).toBe(false);
    expect(rig.tokens.usePwt(first)).toBe(E_AUTH);
    expect(rig.tokens.usePwt(second)).toBe(OK);
  });

  it("issuing a PT uses the PWT up", () => {
    const rig = freshRig();
    const p = rig.pwt();
    const out = new Uint8Array(PT_LEN);
    expect(rig.tokens.issuePt(p, phone(1), out)).toBe(PT_LEN);
    expect(same(rig.pwt(), p)).toBe(false);
    expect(rig.tokens.issuePt(p, phone(2), out)).toBe(E_AUTH);
  });

  it("a rotation after a use starts a full period", () => {
    const rig = freshRig();
    rig.runTo(30 * MINUTE);
    expect(rig.tokens.usePwt(rig.pwt())).toBe(OK);
    const p = copyOf(rig.pwt());
    rig.runTo(HOUR);                           // the old grid's time: no rotation
    expect(same(rig.pwt(), p)).toBe(true);
    rig.runTo(90 * MINUTE - SECOND);
    expect(same(rig.pwt(), p)).toBe(true);
    rig.runTo(90 * MINUTE);
    expect(same(rig.pwt(), p)).toBe(false);
  });
});
