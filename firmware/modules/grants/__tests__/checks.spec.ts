// The checks of an OPERATE (PROTOCOL.md §2.1): slots, time, replay, binding, the maker's
// signature, this lock, grant types.
import { OK, E_AUTH, E_STATE } from "../../../core/errors";
import { GrantsConfig, Reason } from "..";
import { Claim, HOUR, MAKER, OTHER_PHONE, PHONE, SECOND, STRANGER, T0, freshRig, grantBlob, operateFields } from "./rig";

function roomy(): GrantsConfig { const c = new GrantsConfig(); c.lockoutAfter = 1000; return c; }

describe("slots", () => {
  it("open at the start, never a second before, and are over at the end", () => {
    const start = T0 + HOUR, end = T0 + 2 * HOUR;
    const c = new Claim(7);
    c.slots = [start, end];
    const g = grantBlob(c);
    const rig = freshRig(roomy());
    rig.wait(HOUR - SECOND);                                   // T - 1 s
    let d = rig.operate(g);
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.OUTSIDE_SCHEDULE);
    expect(d.grantId).toBe(7);
    rig.wait(SECOND);                                          // T
    expect(rig.operate(g).status).toBe(OK);
    rig.wait(SECOND);                                          // T + 1 s
    expect(rig.operate(g).status).toBe(OK);
    rig.runTo(rig.clock.now + HOUR - 2 * SECOND);              // end - 1 s
    expect(rig.operate(g).status).toBe(OK);
    rig.wait(SECOND);                                          // end
    expect(rig.operate(g).reason).toBe(Reason.OUTSIDE_SCHEDULE);
    rig.wait(SECOND);                                          // end + 1 s
    expect(rig.operate(g).reason).toBe(Reason.OUTSIDE_SCHEDULE);
  });

  it("open inside any one of several schedules", () => {
    const c = new Claim(8);
    c.slots = [T0 - 2 * HOUR, T0 - HOUR, T0 + HOUR, T0 + 2 * HOUR];
    const rig = freshRig(roomy());
    expect(rig.operate(grantBlob(c)).reason).toBe(Reason.OUTSIDE_SCHEDULE);
    rig.wait(HOUR);
    expect(rig.operate(grantBlob(c)).status).toBe(OK);
  });

  it("a grant with no schedule is denied", () => {
    const c = new Claim(9);
    c.slots = [];
    const d = freshRig().operate(grantBlob(c));
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.NO_SCHEDULE);
  });
});

describe("time", () => {
  it("unknown before any answer and after a power cut: every grant denied", () => {
    let rig = freshRig(null, false);
    expect(rig.grants.clock.known()).toBe(false);
    let d = rig.operate(grantBlob(new Claim(1)));
    expect(d.status).toBe(E_STATE);
    expect(d.reason).toBe(Reason.NO_TIME);
    expect(rig.setTime(T0)).toBe(OK);
    expect(rig.operate(grantBlob(new Claim(1))).status).toBe(OK);
    rig = rig.reboot(SECOND);
    expect(rig.grants.clock.nowUtcMs()).toBe(-1);
    expect(rig.operate(grantBlob(new Claim(1))).reason).toBe(Reason.NO_TIME);
    expect(rig.setTime(T0 + 2 * SECOND)).toBe(OK);
    expect(rig.operate(grantBlob(new Claim(1))).status).toBe(OK);
  });
});

describe("replay and binding", () => {
  it("one OPERATE per challenge: the same challenge twice, and one of an ended session, are replays", () => {
    const rig = freshRig();
    const g = grantBlob(new Claim(3));
    const fields = operateFields(g, PHONE, rig.grants.challenge(), 1);
    expect(rig.grants.operate(fields).status).toBe(OK);
    let d = rig.grants.operate(fields);
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.REPLAYED);
    const ended = operateFields(g, PHONE, rig.grants.challenge(), 1);
    rig.grants.endSession();
    expect(rig.grants.operate(ended).reason).toBe(Reason.REPLAYED);
    // A captured OPERATE against a newer challenge proves nothing about that one.
    const old = operateFields(g, PHONE, rig.grants.challenge(), 2);
    rig.grants.challenge();
    expect(rig.grants.operate(old).reason).toBe(Reason.NOT_BOUND);
  });

  it("another phone presenting a grant it copied is not bound", () => {
    const d = freshRig().operate(grantBlob(new Claim(4)), OTHER_PHONE);
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.NOT_BOUND);
  });

  it("a proof for the other action does not serve", () => {
    const rig = freshRig();
    const g = grantBlob(new Claim(4));
    const f = operateFields(g, PHONE, rig.grants.challenge(), 1);
    f[0] = 2;
    expect(rig.grants.operate(f).reason).toBe(Reason.NOT_BOUND);
  });
});

describe("the maker's grant for this lock", () => {
  it("refuses another lock's grant", () => {
    const c = new Claim(5);
    c.serial = "LK-0002";
    expect(freshRig().operate(grantBlob(c)).reason).toBe(Reason.OTHER_LOCK);
  });
  it("refuses a grant signed by another key, and any altered byte", () => {
    const rig = freshRig(roomy());
    expect(rig.operate(grantBlob(new Claim(6), STRANGER)).reason).toBe(Reason.BAD_SIGNATURE);
    const g = grantBlob(new Claim(6), MAKER);
    for (let i = 3; i < g.length; i += 7) {
      const bad = g.slice(0);
      bad[i] ^= 0x01;
      const d = rig.operate(bad);
      expect(d.status).not.toBe(OK);
    }
    // An altered schedule byte that still parses: the signature catches it.
    const alt = g.slice(0);
    alt[3 + 4 + 8 + 6 + 8] ^= 0x10;   // the end's low byte
    expect(rig.operate(alt).reason).toBe(Reason.BAD_SIGNATURE);
    expect(rig.operate(g).status).toBe(OK);
  });
});

describe("grant types", () => {
  it("a disposable grant serves once, also across a power cut", () => {
    const c = new Claim(10);
    c.type = 2;
    const g = grantBlob(c);
    let rig = freshRig();
    expect(rig.operate(g).status).toBe(OK);
    expect(rig.operate(g).reason).toBe(Reason.USED);
    rig = rig.reboot(SECOND);
    expect(rig.setTime(T0 + 5 * SECOND)).toBe(OK);
    const d = rig.operate(g);
    expect(d.status).toBe(E_AUTH);
    expect(d.reason).toBe(Reason.USED);
  });

  it("an expiring grant ends its timeout after its first use, across a power cut", () => {
    const c = new Claim(11);
    c.type = 3;
    c.timeoutS = 60;
    const g = grantBlob(c);
    let rig = freshRig();
    rig.wait(10 * SECOND);
    expect(rig.operate(g).status).toBe(OK);                     // first use at T0 + 10 s
    rig = rig.reboot(SECOND);
    expect(rig.setTime(T0 + 69 * SECOND)).toBe(OK);
    expect(rig.operate(g).status).toBe(OK);
    rig.wait(SECOND);                                           // first use + 60 s
    expect(rig.operate(g).reason).toBe(Reason.EXPIRED);
  });

  it("a full table of first uses refuses a new one", () => {
    const cfg = new GrantsConfig();
    cfg.usesCapacity = 2;
    const rig = freshRig(cfg);
    for (let id: u32 = 20; id < 22; id++) {
      const c = new Claim(id);
      c.type = 2;
      expect(rig.operate(grantBlob(c)).status).toBe(OK);
    }
    const c = new Claim(22);
    c.type = 2;
    expect(rig.operate(grantBlob(c)).reason).toBe(Reason.FULL);
    // Once their schedules are over, their entries make room.
    const later = new Claim(23);
    later.type = 2;
    later.slots = [T0 + 2 * HOUR, T0 + 3 * HOUR];
    rig.wait(2 * HOUR);
    expect(rig.setTime(T0 + 2 * HOUR)).toBe(OK);
    expect(rig.operate(grantBlob(later)).status).toBe(OK);
  });
});
