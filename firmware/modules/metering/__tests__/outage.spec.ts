// Two days with an outbox that refuses for twenty hours (the broker away long enough for
// cloud-link's outbox to fill) and power cuts every seven hours, some of them spanning a
// boundary: each company gets every reading it owns exactly once in rseq order (1, 2, 3 …
// with no gap), none lost, repeats only of the same rseq with the same content.
import { E_NOSPACE } from "../../../core/errors";
import { Role } from "../../contract-table/index";
import { A_TYPES, DATA_C, HOUR, MINUTE, Meter, POWER_A, POWER_B, T0, freshMeter, handAll } from "./rig";

/** Company `code`'s lines with repeats dropped; fails when a repeat differs or rseqs skip. */
function distinct(m: Meter, code: u32): string[] {
  const ls = m.outbox.of(code);
  const out: string[] = [];
  for (let i = 0; i < ls.length; i++) {
    const rseq = I32.parseInt(ls[i].split(" ")[1]);
    if (rseq <= out.length) { expect(ls[i]).toBe(out[rseq - 1]); continue; }
    expect(rseq).toBe(out.length + 1);
    out.push(ls[i]);
  }
  return out;
}

/** The slot end (minutes after T0) in a line. */
function minute(l: string): i32 {
  const at = l.indexOf("t=+");
  return I32.parseInt(l.substring(at + 3, l.indexOf("m", at)));
}

describe("metering: a 48-hour outage with power cuts", () => {
  it("delivers every reading once per company, in order, none lost", () => {
    let m = freshMeter(T0 + 20 * MINUTE);
    m.install();
    expect(m.metering.confirmed(POWER_B)).toBe(0);
    // A hands over to B at 30:00, and B back to A at 40:00.
    expect(m.table.change(Role.CONTRACT, T0 + 30 * HOUR, POWER_B, A_TYPES)).toBe(1);
    expect(m.table.change(Role.CONTRACT, T0 + 40 * HOUR, POWER_A, A_TYPES)).toBe(1);
    let wall = T0 + 20 * MINUTE;
    const end = T0 + 48 * HOUR + 5 * MINUTE;
    let cuts = 0;
    while (wall < end) {
      const hour = (wall - T0) / HOUR;
      m.outbox.failWith = hour >= 10 && hour < 30 ? E_NOSPACE : 0;
      m.outbox.room = m.outbox.failWith != 0 ? 0 : -1;
      const next = wall + 7 * HOUR < end ? wall + 7 * HOUR : end;
      m.runToWall(next);
      wall = next;
      if (wall >= end) break;
      // off 40 minutes: a boundary passes in most of them (LATE, sometimes GAP)
      m = m.reboot(40 * MINUTE);
      wall += 40 * MINUTE;
      cuts++;
      handAll(m.metering, m.outbox);   // the image hands off at boot
    }
    m.outbox.failWith = 0;
    m.outbox.room = -1;
    handAll(m.metering, m.outbox);
    const a = distinct(m, POWER_A), b = distinct(m, POWER_B), c = distinct(m, DATA_C);
    const taken = <i32>m.metering.log.newest;
    expect(m.metering.lost()).toBe(0);
    // C (data provision all along) has every reading; A and B split them at 30:00 and 40:00.
    expect(c.length).toBe(taken);
    expect(a.length + b.length).toBe(taken);
    for (let i = 1; i < c.length; i++) expect(minute(c[i])).toBeGreaterThan(minute(c[i - 1]));
    for (let i = 0; i < b.length; i++) {
      expect(minute(b[i])).toBeGreaterThan(30 * 60);
      expect(minute(b[i])).toBeLessThanOrEqual(40 * 60);
    }
    for (let i = 0; i < a.length; i++) expect(minute(a[i]) <= 30 * 60 || minute(a[i]) > 40 * 60).toBe(true);
    log<string>("48 h, " + cuts.toString() + " power cuts, outbox refusing 20 h: " + taken.toString() + " readings; A "
      + a.length.toString() + ", B " + b.length.toString() + ", C " + c.length.toString() + " distinct, 0 lost, "
      + (m.outbox.lines.length - a.length - b.length - c.length).toString() + " repeats");
  });
});
