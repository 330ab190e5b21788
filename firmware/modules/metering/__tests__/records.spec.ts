// What is stored and how the module reads it back: everything KEPT by a factory reset,
// a chunk altered in flash (its readings gone, the numbering going on), the lanes record
// lost (nothing handed: rseqs could repeat), and a store error while measuring.
import { E_IO, E_MALFORMED, E_TAMPER, OK } from "../../../core/errors";
import { doctorRecord, lastInFlash } from "../../../testing/flash";
import { putU32LE } from "../../../core/codecs/bytes";
import { MeteringRecord, Quality } from "../index";
import { DATA_C, HOUR, MINUTE, POWER_A, SECOND, T0, freshMeter, handAll } from "./rig";

@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

describe("metering: records", () => {
  it("keeps readings, lanes and rseqs through a factory reset", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);
    expect(m.outbox.count(POWER_A)).toBe(2);
    expect(m.store.factoryReset()).toBe(OK);
    const n = m.reboot(30 * MINUTE);
    expect(n.booted).toBe(OK);
    expect(n.metering.log.newest).toBe(3);   // 11:30 LATE at boot
    n.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(n.outbox.of(POWER_A)[3].startsWith("a001 4 ")).toBe(true);
    expect(n.outbox.count(DATA_C)).toBe(4);
  });

  it("a chunk that is not one is E_MALFORMED: its readings are gone, measuring and numbering go on", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);   // readings 1 (10:30) and 2 (11:00) in chunk 0
    const log = m.metering.log;
    const needle = new Uint8Array(4);
    putU32LE(needle, 0, log.endMin(2));
    const at = lastInFlash(needle);
    expect(at >= 0).toBe(true);
    // data: type | attributes | format | first u32 | count | reading 1 | reading 2
    const data = at - 2 - 6 - 17;
    doctorRecord(data, 2 + 5, 9);   // a count above PER_CHUNK
    const n = m.reboot(MINUTE);
    expect(n.booted).toBe(E_MALFORMED);
    expect(n.metering.log.has(1)).toBe(false);
    expect(n.metering.log.has(2)).toBe(false);
    n.runToWall(T0 + 11 * HOUR + 35 * MINUTE);
    expect(n.metering.log.newest).toBe(3);        // not 1 again: the lanes' marks say 2 were taken
    expect(n.metering.log.quality(3)).toBe(Quality.GAP);
    expect(n.outbox.of(POWER_A)[2].startsWith("a001 3 q2 | t=+690m")).toBe(true);
  });

  it("the lanes record altered in flash is E_TAMPER: nothing is handed", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);
    // the lanes record begins: format 1 | lost 0 | floor 1 | companies 2 | lanes 2 | A's code
    const needle = new Uint8Array(15);
    needle[0] = 1; needle[5] = 1; needle[9] = 2; needle[10] = 2; putU32LE(needle, 11, POWER_A);
    const at = lastInFlash(needle);
    expect(at >= 0).toBe(true);
    doctorRecord(at - 2, 2 + 11 + 4, 9);   // A's next rseq (3) → 9
    const n = m.reboot(MINUTE);
    expect(n.booted).toBe(E_TAMPER);
    expect(n.store.tamperedId).toBe(MeteringRecord.LANES);
    expect(n.metering.handOff(n.outbox)).toBe(E_TAMPER);
    n.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(n.metering.log.newest).toBe(4);
    expect(n.outbox.count(POWER_A)).toBe(2);
  });

  it("readings without their lanes record are not handed (E_MALFORMED); measuring goes on", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 11 * HOUR + 5 * MINUTE);
    expect(m.store.records.remove(MeteringRecord.LANES)).toBe(OK);
    const n = m.reboot(MINUTE);
    expect(n.booted).toBe(E_MALFORMED);
    expect(n.metering.handOff(n.outbox)).toBe(E_MALFORMED);
    expect(n.metering.confirmed(POWER_A)).toBe(E_MALFORMED);
    n.runToWall(T0 + 12 * HOUR + 5 * MINUTE);
    expect(n.metering.log.newest).toBe(4);
    expect(n.outbox.count(POWER_A)).toBe(2);
  });

  it("a measurement the store cannot write is taken again a minute later", () => {
    const m = freshMeter(T0 + 10 * HOUR + 20 * MINUTE);
    m.install();
    m.runToWall(T0 + 11 * HOUR - SECOND);
    flash_cut(1, 0);   // the flash fails from its next operation on
    m.runToWall(T0 + 11 * HOUR);
    flash_cut(0, 0);
    expect(m.metering.log.newest).toBe(1);
    m.runToWall(T0 + 11 * HOUR + MINUTE);
    expect(m.metering.log.newest).toBe(2);
    expect(<i64>m.metering.log.endMin(2) * MINUTE).toBe(T0 + 11 * HOUR);
    expect(handAll(m.metering, m.outbox)).toBe(2);
  });
});
