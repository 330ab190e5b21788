import { OK } from "../../../core/errors";
import { Claim, MAKER, OTHER_PHONE, PHONE, SERIAL, freshRig, grantBlob, operateFields, revocationBlob, timeBlob } from "./rig";
// The heap, board calls and flash operations of each call of grants, for its README's
// cost table: run with scripts/spec-heap (its config.js says how).
@external("testing", "probe_begin") declare function probe_begin(): void;
@external("testing", "probe_end") declare function probe_end(p: usize, n: i32): void;
function end(label: string): void { probe_end(changetype<usize>(label), label.length); }

describe("probe", () => {
  it("measures", () => {
    let rig = freshRig();
    const c4 = new Claim(4);
    c4.slots = [1_795_860_000_000, 1_795_863_600_000, 1_795_870_000_000, 1_795_873_600_000,
      1_795_880_000_000, 1_795_883_600_000, 1_795_890_000_000, 1_795_893_600_000];
    const g = grantBlob(c4);
    const d = new Claim(5);
    d.type = 2;
    const gd = grantBlob(d);
    const ok = operateFields(g, PHONE, rig.grants.challenge(), 1);
    probe_begin(); expect(rig.grants.operate(ok).status).toBe(OK); end("operate granted (scheduled, 4 schedules)");
    const bad = operateFields(g, OTHER_PHONE, rig.grants.challenge(), 1);
    probe_begin(); rig.grants.operate(bad); end("operate denied not-bound");
    const ok2 = operateFields(g, PHONE, rig.grants.challenge(), 1);
    probe_begin(); expect(rig.grants.operate(ok2).status).toBe(OK); end("operate granted after a failure (counter reset)");
    const dis = operateFields(gd, PHONE, rig.grants.challenge(), 1);
    probe_begin(); expect(rig.grants.operate(dis).status).toBe(OK); end("operate granted, disposable (first use written, read back)");
    probe_begin(); rig.grants.challenge(); end("challenge");
    const rev = revocationBlob(MAKER, SERIAL, 1, [9, 10, 11]);
    probe_begin(); expect(rig.grants.receiveRevocations(rev)).toBe(OK); end("receiveRevocations (3 ids)");
    const t = timeBlob(MAKER, SERIAL, rig.grants.clock.request(), 1_795_861_000_000);
    probe_begin(); expect(rig.grants.clock.receive(t)).toBe(OK); end("clock.receive");
    probe_begin(); rig = rig.reboot(); end("boot: store open, scheduler, grants");
  });
});
