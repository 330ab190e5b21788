// The contract table as a meter's user and its companies rely on it: a change switches at
// its time to the second (T−1 s, T, T+1 s), several queue and apply in time order, a
// newer one at the same time supersedes, a cancelled one is dropped, an immediate one (or
// one whose time has passed) is in effect at once and never reported as scheduled, a
// switching time passed while the meter was off applies at boot, abolition stops delivery.
import { E_INVAL, E_NOSPACE, E_NOTFOUND, OK } from "../../../core/errors";
import { Change, DataType, IMMEDIATE, MAX_PENDING, Role } from "../index";
import { DATA_C, DAY, HOUR, MINUTE, POWER_A, POWER_B, SECOND, T0, freshMeter, Meter } from "./rig";

const CONTRACT = Role.CONTRACT;
const PROVISION = Role.PROVISION;
const METERING: u32 = DataType.TIME | DataType.POWER | DataType.ENERGY;

/** A meter contracted with A (TIME, POWER, ENERGY), providing C with ENERGY. */
function contracted(): Meter {
  const m = freshMeter();
  expect(m.table.change(CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
  expect(m.table.change(PROVISION, IMMEDIATE, DATA_C, DataType.ENERGY)).toBe(Change.APPLIED);
  return m;
}

describe("contract table: a scheduled switch", () => {
  it("switches at T, not at T−1 s, and stays switched at T+1 s", () => {
    const m = contracted();
    const T = T0 + HOUR;
    expect(m.table.change(CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const id = m.table.lastId;
    expect(m.events.last()).toBe("end 0 a001 +3600s #" + id.toString());   // A hears of its end
    m.runToWall(T - SECOND);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
    expect(m.table.mayReceive(POWER_A, DataType.ENERGY)).toBe(true);
    expect(m.table.mayReceive(POWER_B, DataType.ENERGY)).toBe(false);
    expect(m.table.pendingCount()).toBe(1);
    expect(m.events.switched).toBe(2);
    m.runToWall(T);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.table.mayReceive(POWER_A, DataType.ENERGY)).toBe(false);
    expect(m.table.mayReceive(POWER_B, DataType.ENERGY)).toBe(true);
    expect(m.table.pendingCount()).toBe(0);
    expect(m.events.last()).toBe("switch 0 a001>b002 #" + id.toString());
    m.runToWall(T + SECOND);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.events.switched).toBe(3);
    // The data provision was not touched.
    expect(m.table.code(PROVISION)).toBe(DATA_C);
    m.reboot(MINUTE);
    const again = m.reboot(MINUTE);
    expect(again.table.code(CONTRACT)).toBe(POWER_B);
    expect(again.events.switched).toBe(0);   // nothing applied twice
  });

  it("reads as switched from T even before the TIMER event is delivered", () => {
    const m = contracted();
    const T = T0 + HOUR;
    expect(m.table.change(CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
    // The clock jumps past T without the timer being delivered.
    m.clock.wall = T;
    m.clock.now = HOUR;
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.table.types(CONTRACT)).toBe(METERING);
    expect(m.table.pendingCount()).toBe(0);
    m.runTo(HOUR);
    expect(m.events.last().startsWith("switch 0 a001>b002")).toBe(true);
  });

  it("applies a switching time passed while the meter was off at boot", () => {
    let m = contracted();
    const T = T0 + HOUR;
    expect(m.table.change(CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
    m.runToWall(T - MINUTE);
    m = m.reboot(2 * MINUTE);   // off from T−1 min to T+1 min
    expect(m.booted).toBe(OK);
    expect(m.events.last().startsWith("switch 0 a001>b002")).toBe(true);   // inside boot()
    expect(m.events.switched).toBe(1);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    m.runTo(DAY);
    expect(m.events.switched).toBe(1);
    m = m.reboot(MINUTE);
    expect(m.events.switched).toBe(0);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
  });

  it("waits for the wall time at a boot without it, then switches", () => {
    let m = contracted();
    const T = T0 + HOUR;
    expect(m.table.change(CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
    m.clock.wallKnown = false;
    m = m.reboot(2 * HOUR);
    expect(m.booted).toBe(OK);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);   // cannot tell yet: the stored table
    m.wait(MINUTE);
    expect(m.events.switched).toBe(0);
    m.clock.wallKnown = true;
    m.wait(MINUTE);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.events.switched).toBe(1);
  });
});

describe("contract table: several changes", () => {
  it("queues changes stored in any order and applies them in time order", () => {
    const m = contracted();
    // A weekly schedule's start: B at +2 h, A again at +3 h, B at +1 h stored last.
    expect(m.table.change(CONTRACT, T0 + 2 * HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const b2 = m.table.lastId;
    expect(m.table.change(CONTRACT, T0 + 3 * HOUR, POWER_A, METERING)).toBe(Change.SCHEDULED);
    const a3 = m.table.lastId;
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, DataType.ENERGY)).toBe(Change.SCHEDULED);
    const b1 = m.table.lastId;
    expect(m.table.pendingCount()).toBe(3);
    expect(m.table.pendingId(0)).toBe(b1);
    expect(m.table.pendingId(1)).toBe(b2);
    expect(m.table.pendingId(2)).toBe(a3);
    expect(m.table.pendingAt(0)).toBe(T0 + HOUR);
    m.runToWall(T0 + HOUR);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.table.types(CONTRACT)).toBe(DataType.ENERGY);
    m.runToWall(T0 + 2 * HOUR);
    expect(m.table.types(CONTRACT)).toBe(METERING);    // B again, its types from the 2 h change
    m.runToWall(T0 + 3 * HOUR);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
    const n = m.events.lines.length;
    expect(m.events.lines[n - 3]).toBe("switch 0 a001>b002 #" + b1.toString());
    expect(m.events.lines[n - 2]).toBe("switch 0 b002>b002 #" + b2.toString());
    expect(m.events.lines[n - 1]).toBe("switch 0 b002>a001 #" + a3.toString());
  });

  it("applies several changes passed while off in time order, in one boot", () => {
    let m = contracted();
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    expect(m.table.change(PROVISION, T0 + 90 * MINUTE, POWER_B, DataType.HISTORY)).toBe(Change.SCHEDULED);
    expect(m.table.change(CONTRACT, T0 + 2 * HOUR, POWER_A, METERING)).toBe(Change.SCHEDULED);
    expect(m.table.change(CONTRACT, T0 + 5 * HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    m = m.reboot(3 * HOUR);
    expect(m.events.lines.length).toBe(3);
    expect(m.events.lines[0].startsWith("switch 0 a001>b002")).toBe(true);
    expect(m.events.lines[1].startsWith("switch 1 c003>b002")).toBe(true);
    expect(m.events.lines[2].startsWith("switch 0 b002>a001")).toBe(true);
    expect(m.table.pendingCount()).toBe(1);
    m.runToWall(T0 + 5 * HOUR);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
  });

  it("tells each old company of its scheduled end, the one in effect just before", () => {
    const m = contracted();
    expect(m.table.change(CONTRACT, T0 + 2 * HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    expect(m.events.last()).toBe("end 0 a001 +7200s #" + m.table.lastId.toString());
    expect(m.table.change(CONTRACT, T0 + 3 * HOUR, POWER_A, METERING)).toBe(Change.SCHEDULED);
    expect(m.events.last()).toBe("end 0 b002 +10800s #" + m.table.lastId.toString());
    expect(m.table.change(PROVISION, T0 + HOUR, 0, 0)).toBe(Change.SCHEDULED);   // abolition
    expect(m.events.last()).toBe("end 1 c003 +3600s #" + m.table.lastId.toString());
    // The same company with another scope: no end to tell.
    const n = m.events.ends;
    expect(m.table.change(CONTRACT, T0 + 4 * HOUR, POWER_A, DataType.ENERGY)).toBe(Change.SCHEDULED);
    expect(m.events.ends).toBe(n);
  });

  it("lets a newer change at the same time supersede the older one", () => {
    let m = contracted();
    const T = T0 + HOUR;
    expect(m.table.change(CONTRACT, T, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const older = m.table.lastId;
    expect(m.table.change(CONTRACT, T, POWER_B, DataType.ENERGY)).toBe(Change.SCHEDULED);
    expect(m.table.lastSuperseded).toBe(older);
    const newer = m.table.lastId;
    // The other role at the same time is a change of its own, not an overlap.
    expect(m.table.change(PROVISION, T, POWER_B, DataType.HISTORY)).toBe(Change.SCHEDULED);
    expect(m.table.lastSuperseded).toBe(0);
    expect(m.table.pendingCount()).toBe(2);
    expect(m.table.cancel(older)).toBe(E_NOTFOUND);
    m = m.reboot(MINUTE);
    expect(m.table.pendingCount()).toBe(2);
    m.runToWall(T);
    expect(m.table.types(CONTRACT)).toBe(DataType.ENERGY);
    expect(m.table.code(PROVISION)).toBe(POWER_B);
    expect(m.events.lines[0]).toBe("switch 0 a001>b002 #" + newer.toString());
  });

  it("drops a cancelled change, also across a power cycle", () => {
    let m = contracted();
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const b = m.table.lastId;
    expect(m.table.change(CONTRACT, T0 + 2 * HOUR, POWER_A, DataType.ENERGY)).toBe(Change.SCHEDULED);
    expect(m.table.cancel(b)).toBe(OK);
    expect(m.table.cancel(b)).toBe(E_NOTFOUND);
    expect(m.table.cancel(999)).toBe(E_NOTFOUND);
    expect(m.table.pendingCount()).toBe(1);
    m = m.reboot(MINUTE);
    m.runToWall(T0 + HOUR + MINUTE);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
    expect(m.events.switched).toBe(0);
    m.runToWall(T0 + 2 * HOUR);
    expect(m.table.types(CONTRACT)).toBe(DataType.ENERGY);
    expect(m.events.switched).toBe(1);
    // A change in effect can no longer be cancelled.
    expect(m.table.change(CONTRACT, T0 + 3 * HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const late = m.table.lastId;
    m.runToWall(T0 + 3 * HOUR);
    expect(m.table.cancel(late)).toBe(E_NOTFOUND);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
  });

  it("refuses more than MAX_PENDING pending changes, the table unchanged", () => {
    const m = contracted();
    for (let i = 1; i <= MAX_PENDING; i++) {
      expect(m.table.change(CONTRACT, T0 + <i64>i * HOUR, i % 2 == 0 ? POWER_A : POWER_B, METERING)).toBe(Change.SCHEDULED);
    }
    const before = m.stored();
    expect(m.table.change(PROVISION, T0 + DAY, DATA_C, DataType.TIME)).toBe(E_NOSPACE);
    expect(m.stored()).toBe(before);
    // Superseding one still fits; and once one applied there is room again.
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_A, METERING)).toBe(Change.SCHEDULED);
    m.runToWall(T0 + HOUR);
    expect(m.table.change(PROVISION, T0 + DAY, DATA_C, DataType.TIME)).toBe(Change.SCHEDULED);
  });
});

describe("contract table: immediate changes", () => {
  it("applies an immediate change or one whose time has come at once, never as scheduled", () => {
    const m = contracted();
    const ends = m.events.ends;
    expect(m.table.change(CONTRACT, IMMEDIATE, POWER_B, METERING)).toBe(Change.APPLIED);
    expect(m.table.lastId).toBe(0);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
    expect(m.events.last().startsWith("switch 0 a001>b002")).toBe(true);
    expect(m.table.change(CONTRACT, T0, POWER_A, METERING)).toBe(Change.APPLIED);          // now
    expect(m.table.change(PROVISION, T0 - DAY, POWER_A, DataType.HISTORY)).toBe(Change.APPLIED);  // past
    expect(m.table.pendingCount()).toBe(0);
    expect(m.events.ends).toBe(ends);
    expect(m.table.code(PROVISION)).toBe(POWER_A);
    // Pending changes stay: an immediate card switch now does not cancel the schedule.
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    expect(m.table.change(CONTRACT, IMMEDIATE, DATA_C, DataType.ENERGY)).toBe(Change.APPLIED);
    expect(m.table.pendingCount()).toBe(1);
    const again = m.reboot(MINUTE);
    expect(again.table.code(CONTRACT)).toBe(DATA_C);
    again.runToWall(T0 + HOUR);
    expect(again.table.code(CONTRACT)).toBe(POWER_B);
  });

  it("applies an immediate change while the board has no wall time", () => {
    const m = freshMeter();
    m.clock.wallKnown = false;
    expect(m.table.change(CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
    // A dated one is kept until the time is known.
    expect(m.table.change(CONTRACT, T0 - HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
    m.clock.wallKnown = true;
    m.wait(20 * SECOND);
    expect(m.table.code(CONTRACT)).toBe(POWER_B);
  });

  it("refuses bad changes and changes nothing", () => {
    const m = contracted();
    const before = m.stored();
    expect(m.table.change(2, IMMEDIATE, POWER_B, METERING)).toBe(E_INVAL);          // no such role
    expect(m.table.change(CONTRACT, IMMEDIATE, POWER_B, 0)).toBe(E_INVAL);          // empty scope
    expect(m.table.change(CONTRACT, IMMEDIATE, POWER_B, 1 << 9)).toBe(E_INVAL);     // unknown type
    expect(m.table.change(CONTRACT, IMMEDIATE, 0, DataType.TIME)).toBe(E_INVAL);    // no company, a scope
    expect(m.table.change(CONTRACT, -5, POWER_B, METERING)).toBe(E_INVAL);          // a time before 1970
    expect(m.stored()).toBe(before);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
  });
});

describe("contract table: abolition", () => {
  it("stops delivery to the abolished company at its time", () => {
    let m = contracted();
    expect(m.table.abolish(PROVISION, T0 + HOUR)).toBe(Change.SCHEDULED);
    expect(m.events.last().startsWith("end 1 c003 +3600s")).toBe(true);
    m.runToWall(T0 + HOUR - SECOND);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY)).toBe(true);
    m.runToWall(T0 + HOUR);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY)).toBe(false);
    expect(m.table.code(PROVISION)).toBe(0);
    expect(m.table.types(PROVISION)).toBe(0);
    expect(m.events.last().startsWith("switch 1 c003>0")).toBe(true);
    m = m.reboot(MINUTE);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY)).toBe(false);
    expect(m.table.mayReceive(POWER_A, DataType.ENERGY)).toBe(true);   // the contract goes on
    expect(m.table.abolish(CONTRACT, IMMEDIATE)).toBe(Change.APPLIED);
    expect(m.table.mayReceive(POWER_A, DataType.TIME)).toBe(false);
  });
});

describe("contract table: data scopes", () => {
  it("lets each company receive only its own types", () => {
    const m = contracted();
    expect(m.table.mayReceive(POWER_A, DataType.TIME | DataType.ENERGY)).toBe(true);
    expect(m.table.mayReceive(POWER_A, DataType.HISTORY)).toBe(false);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY)).toBe(true);
    expect(m.table.mayReceive(DATA_C, DataType.POWER)).toBe(false);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY | DataType.TIME)).toBe(false);
    expect(m.table.mayReceive(POWER_B, DataType.TIME)).toBe(false);
    expect(m.table.mayReceive(0, DataType.TIME)).toBe(false);
  });
});
