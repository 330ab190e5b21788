// Who gets which reading: a reading at boundary T belongs to the company in effect at its
// last instant (T − 1 ms), across scheduled and immediate switches, a power cut spanning
// the switch, abolition, a company that comes back (its rseq goes on), and scopes.
import { OK } from "../../../core/errors";
import { DataType, IMMEDIATE, Role } from "../../contract-table/index";
import { MeteringConfig } from "../index";
import {
  A_TYPES, C_TYPES, DATA_C, HOUR, MINUTE, Meter, Outbox, POWER_A, POWER_B, SECOND, T0, freshMeter,
} from "./rig";

/** The slot ends (minutes after T0) of what company `code` received, in order. */
function times(o: Outbox, code: u32): string {
  const ls = o.of(code);
  let s = "";
  for (let i = 0; i < ls.length; i++) {
    const at = ls[i].indexOf("t=+");
    s += (i > 0 ? "," : "") + ls[i].substring(at + 3, ls[i].indexOf("m", at));
  }
  return s;
}

/** The rseqs company `code` received, in order. */
function rseqs(o: Outbox, code: u32): string {
  const ls = o.of(code);
  let s = "";
  for (let i = 0; i < ls.length; i++) s += (i > 0 ? "," : "") + ls[i].split(" ")[1];
  return s;
}

/** From 10:20: A and C installed and confirmed, B confirmed ahead of its switch. */
function meter(): Meter {
  const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
  m.install();
  expect(m.metering.confirmed(POWER_B)).toBe(OK);
  return m;
}

describe("metering: lanes", () => {
  it("a switch at T − 1 s gives the T reading to the new company", () => {
    const m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR - SECOND, POWER_B, A_TYPES);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630");
    expect(times(m.outbox, POWER_B)).toBe("660,690,720");
    expect(rseqs(m.outbox, POWER_B)).toBe("1,2,3");
  });

  it("a switch at T gives the T reading to the old company", () => {
    const m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, A_TYPES);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660");
    expect(rseqs(m.outbox, POWER_A)).toBe("1,2");
    expect(times(m.outbox, POWER_B)).toBe("690,720");
    expect(m.metering.laneCount()).toBe(2);   // A's lane left once its last reading went
  });

  it("a switch at T + 1 s gives the T reading to the old company", () => {
    const m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR + SECOND, POWER_B, A_TYPES);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660");
    expect(times(m.outbox, POWER_B)).toBe("690,720");
  });

  it("the data company keeps its readings through the contract's switch", () => {
    const m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, A_TYPES);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, DATA_C)).toBe("630,660,690,720");
    expect(rseqs(m.outbox, DATA_C)).toBe("1,2,3,4");
  });

  it("an immediate switch mid-slot: the slot ending after it is the new company's", () => {
    const m = meter();
    m.runToWall(T0 + 11 * HOUR + 10 * MINUTE);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_B, A_TYPES)).toBe(OK);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660");
    expect(times(m.outbox, POWER_B)).toBe("690,720");
  });

  it("a power cut spanning T: the switch applies at boot and the LATE reading after T is the new company's", () => {
    let m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, A_TYPES);
    m.runToWall(T0 + 10 * HOUR + 50 * MINUTE);
    m = m.reboot(50 * MINUTE);   // 10:50 → 11:40: 11:00 (the switch) and 11:30 passed
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630");
    expect(times(m.outbox, POWER_B)).toBe("690,720");   // 11:30 LATE GAP (its slot ends after T)
    expect(m.outbox.of(POWER_B)[0].split(" ")[2]).toBe("q3");
  });

  it("a power cut spanning a switch after the boundary: the LATE reading is the old company's", () => {
    let m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR + 5 * MINUTE, POWER_B, A_TYPES);
    m.runToWall(T0 + 10 * HOUR + 50 * MINUTE);
    m = m.reboot(20 * MINUTE);   // 10:50 → 11:10: 11:00 and the switch at 11:05 passed
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660");
    expect(m.outbox.of(POWER_A)[1].split(" ")[2]).toBe("q1");
    expect(times(m.outbox, POWER_B)).toBe("690,720");
  });

  it("abolition: the company gets the readings up to it, then nothing", () => {
    const m = meter();
    m.table.abolish(Role.PROVISION, T0 + 11 * HOUR);
    m.runToWall(T0 + 13 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, DATA_C)).toBe("630,660");
    expect(m.metering.laneCount()).toBe(1);   // only A's
    expect(m.metering.laneCode(0)).toBe(POWER_A);
  });

  it("a company that comes back goes on with its rseq", () => {
    const m = meter();
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, A_TYPES);
    m.table.change(Role.CONTRACT, T0 + 12 * HOUR, POWER_A, A_TYPES);
    m.runToWall(T0 + 13 * HOUR + 5 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660,750,780");
    expect(rseqs(m.outbox, POWER_A)).toBe("1,2,3,4");
    expect(rseqs(m.outbox, POWER_B)).toBe("1,2");
    // and after a power cycle too
    const n = m.reboot(HOUR);
    n.runToWall(T0 + 14 * HOUR + 35 * MINUTE);
    expect(rseqs(n.outbox, POWER_A)).toBe("1,2,3,4,5,6");   // 14:00 (LATE GAP) and 14:30
  });

  it("a type outside a company's scope never reaches the sink; disjoint scopes stay disjoint", () => {
    const m = meter();
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);
    // A narrows its scope to TIME and ENERGY from 11:30 (same company, new types)
    expect(m.table.change(Role.CONTRACT, T0 + 11 * HOUR + 30 * MINUTE, POWER_A, DataType.TIME | DataType.ENERGY)).toBe(1);
    m.runToWall(T0 + 12 * HOUR + 35 * MINUTE);
    const a = m.outbox.of(POWER_A), c = m.outbox.of(DATA_C);
    expect(a.length).toBe(5);
    for (let i = 0; i < a.length; i++) {
      expect(a[i].includes(" w=")).toBe(false);
      expect(a[i].includes(" wh=")).toBe(true);
      expect(a[i].includes(" d=")).toBe(i < 3);   // 10:30, 11:00, 11:30 were measured in the old scope
    }
    expect(rseqs(m.outbox, POWER_A)).toBe("1,2,3,4,5");
    expect(c.length).toBe(5);
    for (let i = 0; i < c.length; i++) {
      expect(c[i].includes(" w=720")).toBe(true);
      expect(c[i].includes(" wh=")).toBe(false);
      expect(c[i].includes(" d=")).toBe(false);
    }
  });

  it("a switch whose event was lost (a power cut after the table's commit) is followed from the table", () => {
    const m = meter();
    m.forwarder.metering = null;   // the image never hears of the switch
    m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, DataType.TIME);
    m.runToWall(T0 + 11 * HOUR + 35 * MINUTE);
    expect(times(m.outbox, POWER_A)).toBe("630,660");
    expect(times(m.outbox, POWER_B)).toBe("690");
    expect(m.outbox.of(POWER_B)[0]).toBe("b002 1 q0 | t=+690m");
  });
});
