// Hand-off: nothing before a company confirmed, nothing while a security error blocks it,
// a sink that refuses (the outbox full) stops it without losing or repeating anything,
// readings pushed out of the log unhanded are counted, and a batch per call.
import { E_NOSPACE, OK } from "../../../core/errors";
import { IMMEDIATE, Role } from "../../contract-table/index";
import { HandOff, MeteringConfig } from "../index";
import { A_TYPES, DATA_C, HOUR, MINUTE, POWER_A, POWER_B, T0, freshMeter, handAll } from "./rig";

function rseqs(lines: string[]): string {
  let s = "";
  for (let i = 0; i < lines.length; i++) s += (i > 0 ? "," : "") + lines[i].split(" ")[1];
  return s;
}

describe("metering: hand-off", () => {
  it("hands nothing to a company before its confirmation, then everything it owns", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, A_TYPES)).toBe(OK);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(m.events.transmissions).toBe(4);
    expect(m.outbox.lines.length).toBe(0);
    expect(m.metering.mayHand(POWER_A)).toBe(false);
    expect(m.metering.confirmed(POWER_A)).toBe(OK);
    expect(handAll(m.metering, m.outbox)).toBe(4);
    expect(rseqs(m.outbox.of(POWER_A))).toBe("1,2,3,4");
    expect(handAll(m.metering, m.outbox)).toBe(0);
  });

  it("a confirmation while the change is still pending counts", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install(false);
    expect(m.table.change(Role.CONTRACT, T0 + 11 * HOUR, POWER_B, A_TYPES)).toBe(1);
    expect(m.metering.confirmed(POWER_B)).toBe(OK);
    expect(m.metering.nextRseq(POWER_B)).toBe(1);
    m.runToWall(T0 + 11 * HOUR + 35 * MINUTE);
    expect(m.outbox.count(POWER_B)).toBe(1);
  });

  it("a security error blocks the company until a later match; nothing is lost", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 10 * HOUR + 35 * MINUTE);
    expect(m.outbox.count(POWER_A)).toBe(1);
    expect(m.metering.securityError(POWER_A)).toBe(OK);
    m.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(m.outbox.count(POWER_A)).toBe(1);
    expect(m.outbox.count(DATA_C)).toBe(4);   // the other company is not held up
    // still blocked after a power cycle
    const n = m.reboot(MINUTE);
    expect(handAll(n.metering, n.outbox)).toBe(0);
    expect(n.metering.confirmed(POWER_A)).toBe(OK);
    expect(handAll(n.metering, n.outbox)).toBe(3);
    expect(rseqs(n.outbox.of(POWER_A))).toBe("1,2,3,4");
  });

  it("a sink that refuses stops the hand-off; the rest goes at the next transmission, once", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.outbox.room = 3;
    m.outbox.failWith = E_NOSPACE;
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);   // 10:30 (A, C), 11:00 (A, then C refused)
    expect(m.outbox.lines.length).toBe(3);
    expect(m.metering.handOff(m.outbox)).toBe(E_NOSPACE);
    m.outbox.room = -1;
    m.runToWall(T0 + 11 * HOUR + 35 * MINUTE);
    expect(rseqs(m.outbox.of(POWER_A))).toBe("1,2,3");
    expect(rseqs(m.outbox.of(DATA_C))).toBe("1,2,3");
  });

  it("hands at most a batch per call and says MORE", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, A_TYPES)).toBe(OK);
    m.runToWall(T0 + 16 * HOUR + 5 * MINUTE);   // 12 readings for A, unconfirmed
    expect(m.metering.confirmed(POWER_A)).toBe(OK);
    expect(m.metering.handOff(m.outbox, 5)).toBe(5 | HandOff.MORE);
    expect(m.metering.handOff(m.outbox, 5)).toBe(5 | HandOff.MORE);
    expect(m.metering.handOff(m.outbox, 5)).toBe(2);
    expect(rseqs(m.outbox.of(POWER_A))).toBe("1,2,3,4,5,6,7,8,9,10,11,12");
  });

  it("counts readings that left the log before they were handed (lost), never silently", () => {
    const config = new MeteringConfig();
    config.logSize = 8;
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE, config);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, A_TYPES)).toBe(OK);
    m.runToWall(T0 + 15 * HOUR + 5 * MINUTE);   // 10 readings 10:30 … 15:00, unconfirmed
    expect(m.metering.log.newest).toBe(10);
    expect(m.metering.lost()).toBe(2);
    const n = m.reboot(MINUTE);
    expect(n.metering.lost()).toBe(2);
    expect(n.metering.confirmed(POWER_A)).toBe(OK);
    expect(handAll(n.metering, n.outbox)).toBe(8);
    const a = n.outbox.of(POWER_A);
    expect(a[0].includes("t=+690m")).toBe(true);   // 11:30: 10:30 and 11:00 are the lost ones
    expect(rseqs(a)).toBe("1,2,3,4,5,6,7,8");
  });
});
