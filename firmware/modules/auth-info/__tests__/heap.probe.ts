import * as board from "../../../board/index";
import { OK } from "../../../core/errors";
import { Item } from "../../unique-info/index";
import { Claim, DIGITS, OTHER_DIGITS, MAINTENANCE_DIGITS, PARTNER, PARTNER_KEY, freshRig, information, siteValue } from "./rig";
// The heap, board calls and flash operations of each call of unique-info and auth-info,
// for their READMEs' cost tables: run with scripts/spec-heap (its config.js says how).
@external("testing", "probe_begin") declare function probe_begin(): void;
@external("testing", "probe_end") declare function probe_end(p: usize, n: i32): void;
/** The label is passed as the string it is (UTF-16): nothing allocated inside the bracket. */
function end(label: string): void { probe_end(changetype<usize>(label), label.length); }

describe("probe", () => {
  it("measures", () => {
    let rig = freshRig();
    for (let d: u32 = 1; d <= 31; d++) rig.unique.appendHistoryDay(20000 + d, 1, 2, 3);
    rig = rig.reboot();
    const blob = information(PARTNER_KEY, new Claim(PARTNER, 1));
    const blob2 = information(PARTNER_KEY, new Claim(PARTNER, 3));
    const digits = board.utf8(DIGITS), wrong = board.utf8(OTHER_DIGITS), maint = board.utf8(MAINTENANCE_DIGITS);
    const site = siteValue("GS-2027-0100");
    probe_begin(); expect(rig.auth.receive(blob, 0)).toBe(OK); end("receive (stored)");
    probe_begin(); rig.auth.check(1, wrong, 1); end("check server-issued, mismatch");
    probe_begin(); expect(rig.auth.check(1, digits, 1)).toBe(OK); end("check server-issued, match");
    probe_begin(); expect(rig.auth.check(2, maint, 1)).toBe(OK); end("check maintenance, match");
    probe_begin(); rig.auth.check(2, wrong, 1); end("check maintenance, mismatch");
    probe_begin(); expect(rig.unique.change(rig.auth.grant, Item.SITE, site)).toBe(OK); end("change SITE");
    probe_begin(); rig.unique.partnerCode(); rig.unique.site(); rig.unique.capacity(0); end("identifiers, read after a change");
    probe_begin(); rig.unique.partnerCode(); rig.unique.site(); rig.unique.capacity(0); end("identifiers, cached");
    probe_begin(); rig.unique.deviceKey(); end("deviceKey");
    probe_begin(); rig.unique.readForLink(Item.CONNECTION); end("readForLink CONNECTION");
    probe_begin(); expect(rig.unique.appendHistoryDay(20040, 1, 2, 3)).toBe(OK); end("appendHistoryDay (31 days kept)");
    probe_begin(); expect(rig.unique.delete(rig.auth.grant, Item.PERSONAL)).toBe(OK); end("delete PERSONAL");
    probe_begin(); rig = rig.reboot(); end("boot: store open, scheduler, unique-info, auth-info");
    probe_begin(); rig.unique.boot(); end("unique.boot (4 items, 31 history days)");
    probe_begin(); rig.auth.boot(); end("auth.boot (information held, maintenance)");
    probe_begin(); expect(rig.auth.receive(information(PARTNER_KEY, new Claim(PARTNER, 2)), 0)).toBe(OK); end("receive, a page collection included");
  });
});
