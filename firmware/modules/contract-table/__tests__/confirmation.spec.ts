// The fourth embodiment's confirmation: a company's server confirms its data before a
// switch or a transmission; a mismatch is a security error, reported to the image (which
// opens the breaker for an electricity company), and nothing is switched.
import { OK } from "../../../core/errors";
import { Change, Confirm, DataType, IMMEDIATE, Role } from "../index";
import { DATA_C, HOUR, MINUTE, POWER_A, POWER_B, T0, freshMeter, Meter } from "./rig";

const CONTRACT = Role.CONTRACT;
const PROVISION = Role.PROVISION;
const METERING: u32 = DataType.TIME | DataType.POWER | DataType.ENERGY;

function contracted(): Meter {
  const m = freshMeter();
  expect(m.table.change(CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
  expect(m.table.change(PROVISION, IMMEDIATE, DATA_C, DataType.ENERGY)).toBe(Change.APPLIED);
  return m;
}

describe("contract table: confirmation", () => {
  it("matches the company data in effect and that of a pending change", () => {
    const m = contracted();
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, DataType.ENERGY)).toBe(Change.SCHEDULED);
    const before = m.stored();
    expect(m.table.confirm(POWER_A, METERING)).toBe(Confirm.MATCH);
    expect(m.table.confirm(DATA_C, DataType.ENERGY)).toBe(Confirm.MATCH);
    expect(m.table.confirm(POWER_B, DataType.ENERGY)).toBe(Confirm.MATCH);   // before its switch
    expect(m.events.errors).toBe(0);
    expect(m.stored()).toBe(before);
    m.runToWall(T0 + HOUR);
    expect(m.table.confirm(POWER_B, DataType.ENERGY)).toBe(Confirm.MATCH);
  });

  it("reports other types from the company in effect as a security error, its role given", () => {
    const m = contracted();
    const before = m.stored();
    expect(m.table.confirm(POWER_A, DataType.ENERGY)).toBe(Confirm.MISMATCH);   // a subset is not the data
    expect(m.events.last()).toBe("security 0 a001");                            // an electricity company
    expect(m.table.confirm(DATA_C, DataType.ENERGY | DataType.HISTORY)).toBe(Confirm.MISMATCH);
    expect(m.events.last()).toBe("security 1 c003");
    expect(m.events.errors).toBe(2);
    // The company in effect stays: the table is unchanged.
    expect(m.stored()).toBe(before);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);
  });

  it("reports a company the table does not know, with no role", () => {
    const m = contracted();
    const before = m.stored();
    expect(m.table.confirm(POWER_B, METERING)).toBe(Confirm.MISMATCH);
    expect(m.events.lastErrorRole).toBe(Role.NONE);
    expect(m.table.confirm(0, 0)).toBe(Confirm.MISMATCH);
    expect(m.stored()).toBe(before);
  });

  it("does not switch to a company whose confirmation did not match", () => {
    let m = contracted();
    expect(m.table.change(CONTRACT, T0 + HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    expect(m.table.change(CONTRACT, T0 + 2 * HOUR, POWER_B, DataType.ENERGY)).toBe(Change.SCHEDULED);
    expect(m.table.change(PROVISION, T0 + HOUR, DATA_C, DataType.TIME)).toBe(Change.SCHEDULED);
    // B's server claims a scope neither change holds.
    expect(m.table.confirm(POWER_B, DataType.HISTORY)).toBe(Confirm.MISMATCH);
    expect(m.events.last()).toBe("security 0 b002");
    expect(m.table.lastDropped).toBe(2);
    expect(m.table.pendingCount()).toBe(1);   // C's own change stays
    m = m.reboot(MINUTE);
    m.runToWall(T0 + 3 * HOUR);
    expect(m.table.code(CONTRACT)).toBe(POWER_A);   // the previous company's supply goes on
    expect(m.table.types(PROVISION)).toBe(DataType.TIME);
    expect(m.events.lines.length).toBe(1);
    expect(m.events.lines[0].startsWith("switch 1 c003>c003")).toBe(true);
  });

  it("confirms nothing while the table cannot be read", () => {
    const m = contracted();
    m.table.failure = -1;   // as boot() leaves it for a table it cannot trust
    expect(m.table.confirm(POWER_A, METERING)).toBe(Confirm.MISMATCH);
    expect(m.table.mayReceive(POWER_A, DataType.TIME)).toBe(false);
    expect(m.table.code(CONTRACT)).toBe(0);
    expect(m.table.change(CONTRACT, IMMEDIATE, POWER_B, METERING)).toBe(-1);
    expect(m.table.cancel(1)).toBe(-1);
    m.table.failure = OK;
  });
});
