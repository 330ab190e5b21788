// Measurements: aligned to the interval in UTC, one per boundary, a LATE (and GAP) reading
// for boundaries passed while the meter was off, nothing without wall time, the log's
// bound, FAULT and SUPPLY_OFF.
import { E_IO, OK } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { MeteringConfig, Quality } from "../index";
import { E0_WH, HOUR, LOAD_W, MINUTE, SECOND, SLOT_WH, T0, freshMeter, registerAt } from "./rig";

@external("testing", "meter_set") declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;

describe("metering: measurements", () => {
  it("aligns to :00/:30 UTC: a boot at 10:07 measures first at 10:30, then once per boundary", () => {
    const m = freshMeter(T0 + 10 * HOUR + 7 * MINUTE);
    const log = m.metering.log;
    expect(log.newest).toBe(0);
    m.runToWall(T0 + 10 * HOUR + 30 * MINUTE - SECOND);
    expect(log.newest).toBe(0);
    m.runToWall(T0 + 10 * HOUR + 30 * MINUTE);
    expect(log.newest).toBe(1);
    expect(m.metering.latestEnd()).toBe(T0 + 10 * HOUR + 30 * MINUTE);
    expect(log.quality(1)).toBe(0);
    expect(log.power(1)).toBe(LOAD_W);
    expect(<i64>log.energy(1)).toBe(registerAt(T0 + 10 * HOUR + 30 * MINUTE));
    expect(log.slotWh(1)).toBe(0);   // no register before it
    m.runToWall(T0 + 14 * HOUR + 10 * MINUTE);
    expect(log.newest).toBe(8);      // 11:00 … 14:00
    for (let k: u32 = 2; k <= 8; k++) {
      expect(<i64>log.endMin(k) * MINUTE).toBe(T0 + 10 * HOUR + 30 * MINUTE * <i64>k);
      expect(log.slotWh(k)).toBe(SLOT_WH);
      expect(log.quality(k)).toBe(0);
    }
    expect(m.events.measured).toBe(8);
  });

  it("a 15-minute interval measures at :00/:15/:30/:45", () => {
    const config = new MeteringConfig();
    config.intervalMin = 15;
    const m = freshMeter(T0 + 10 * HOUR + 7 * MINUTE, config);
    m.runToWall(T0 + 11 * HOUR + 1 * MINUTE);
    expect(m.metering.log.newest).toBe(4);
    expect(<i64>m.metering.log.endMin(1) * MINUTE).toBe(T0 + 10 * HOUR + 15 * MINUTE);
    expect(m.metering.log.slotWh(2)).toBe(SLOT_WH / 2);
  });

  it("a boundary passed while off gives one LATE reading at boot; several give one LATE GAP covering them", () => {
    let m = freshMeter(T0 + 9 * HOUR + 50 * MINUTE);
    m.runToWall(T0 + 10 * HOUR + 5 * MINUTE);
    expect(m.metering.log.newest).toBe(1);   // 10:00
    // off from 10:05 to 10:40: the 10:30 boundary passed
    m = m.reboot(35 * MINUTE);
    const log = m.metering.log;
    expect(log.newest).toBe(2);
    expect(<i64>log.endMin(2) * MINUTE).toBe(T0 + 10 * HOUR + 30 * MINUTE);
    expect(log.quality(2)).toBe(Quality.LATE);
    // the register is read at boot (10:40): the slot energy is what was used since 10:00
    expect(<i64>log.energy(2)).toBe(registerAt(T0 + 10 * HOUR + 40 * MINUTE));
    // off from 10:40 to 14:12: 11:00 … 14:00 passed, one reading for 14:00 covers them
    m = m.reboot(3 * HOUR + 32 * MINUTE);
    expect(m.metering.log.newest).toBe(3);
    expect(<i64>m.metering.log.endMin(3) * MINUTE).toBe(T0 + 14 * HOUR);
    expect(m.metering.log.quality(3)).toBe(Quality.LATE | Quality.GAP);
    expect(<i64>m.metering.log.slotWh(3)).toBe(registerAt(T0 + 14 * HOUR + 12 * MINUTE) - registerAt(T0 + 10 * HOUR + 40 * MINUTE));
    // and on from there on time
    m.runToWall(T0 + 14 * HOUR + 30 * MINUTE);
    expect(m.metering.log.newest).toBe(4);
    expect(m.metering.log.quality(4)).toBe(0);
  });

  it("a reboot without missing a boundary takes no extra reading", () => {
    let m = freshMeter(T0 + 9 * HOUR + 50 * MINUTE);
    m.runToWall(T0 + 10 * HOUR + 5 * MINUTE);
    m = m.reboot(10 * MINUTE);
    expect(m.metering.log.newest).toBe(1);
    m.runToWall(T0 + 10 * HOUR + 31 * MINUTE);
    expect(m.metering.log.newest).toBe(2);
    expect(m.metering.log.quality(2)).toBe(0);
  });

  it("measures nothing without wall time, and starts once the board knows it", () => {
    const m = freshMeter(T0 + 9 * HOUR + 50 * MINUTE);
    m.clock.wallKnown = false;
    m.reboot(0);
    const n = m.reboot(0);
    n.runTo(5 * HOUR);
    expect(n.metering.log.newest).toBe(0);
    n.clock.wallKnown = true;
    const at = n.clock.wall;
    n.runTo(n.clock.now + 20 * SECOND);   // the scheduler looks again within WALL_POLL_MS
    expect(n.metering.log.newest).toBe(0);   // a new meter starts at the next boundary
    n.runToWall((at / (30 * MINUTE) + 1) * 30 * MINUTE);
    expect(n.metering.log.newest).toBe(1);
  });

  it("after an outage without wall time the first boundary known is LATE", () => {
    let m = freshMeter(T0 + 9 * HOUR + 50 * MINUTE);
    m.runToWall(T0 + 10 * HOUR + 5 * MINUTE);
    m.clock.wallKnown = false;
    m = m.reboot(HOUR);   // 11:05, but the board does not know it
    expect(m.metering.log.newest).toBe(1);
    m.wait(10 * MINUTE);
    expect(m.metering.log.newest).toBe(1);
    m.clock.wallKnown = true;
    m.wait(20 * SECOND);
    expect(m.metering.log.newest).toBe(2);
    expect(<i64>m.metering.log.endMin(2) * MINUTE).toBe(T0 + 11 * HOUR);
    expect(m.metering.log.quality(2)).toBe(Quality.LATE | Quality.GAP);
  });

  it("a failing front end gives FAULT readings that carry the register, an open breaker SUPPLY_OFF", () => {
    const m = freshMeter(T0 + 9 * HOUR + 50 * MINUTE);
    m.runToWall(T0 + 10 * HOUR + 5 * MINUTE);
    m.load = false;
    meter_set(Channel.IMPORT, E_IO, 0, 0);
    m.runToWall(T0 + 10 * HOUR + 35 * MINUTE);
    const log = m.metering.log;
    expect(log.quality(2)).toBe(Quality.FAULT);
    expect(log.energy(2)).toBe(log.energy(1));
    expect(m.metering.registerAt(T0 + 10 * HOUR + 30 * MINUTE)).toBe(-1);
    m.load = true;
    m.source.breakerOpen = true;
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);
    expect(log.quality(3)).toBe(Quality.SUPPLY_OFF);
    expect(log.slotWh(3)).toBe(2 * SLOT_WH);   // from the last good register
    expect(m.metering.registerAt(T0 + 11 * HOUR)).toBe(registerAt(T0 + 11 * HOUR));
  });

  it("keeps exactly the last logSize readings, across power cycles", () => {
    const config = new MeteringConfig();
    config.logSize = 20;
    let m = freshMeter(T0, config);
    m.runToWall(T0 + 30 * HOUR + MINUTE);   // 61 readings: 0:00 … 30:00
    expect(m.metering.log.newest).toBe(61);
    m = m.reboot(MINUTE);
    const log = m.metering.log;
    expect(log.newest).toBe(61);
    expect(log.oldest).toBe(42);
    for (let k: u32 = 40; k <= 61; k++) expect(log.has(k)).toBe(k >= 42);
    for (let k: u32 = 42; k <= 61; k++) expect(<i64>log.endMin(k) * MINUTE).toBe(T0 + 30 * MINUTE * <i64>(k - 1));
    expect(m.metering.registerAt(T0 + 30 * HOUR)).toBe(E0_WH + 30 * <i64>LOAD_W);
    expect(m.metering.registerAt(T0 + 20 * HOUR)).toBe(-1);   // out of the log
    expect(m.metering.lost()).toBe(0);   // no company owned them
  });
});
