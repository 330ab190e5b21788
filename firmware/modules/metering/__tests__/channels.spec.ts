// Three channels per reading, as the power conditioner meters them (PV, CHARGE,
// DISCHARGE) for its one contract partner: each channel's power, register and slot Wh at
// every boundary, stored as chunk format 2 and read back byte for byte; a channel that
// fails faults the whole reading; the hand-off gives every channel, to the partner in
// force at the slot's last instant; a recipient that cannot be trusted holds the readings
// back; a power cut at every flash operation of a measurement and of a hand-off.
import { E_IO, E_MALFORMED, E_NOTFOUND, E_TAMPER, OK } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { getU32LE } from "../../../core/codecs/bytes";
import { eraseFlash, restoreFlash, snapshotFlash } from "../../../testing/flash";
import { Role } from "../../contract-table/index";
import { ValueType } from "../../credential-store/index";
import { MeteringConfig, MeteringRecord, Quality } from "../index";
import { HOUR, MINUTE, SECOND, T0, TestClock } from "./rig";
import {
  CHARGE_SLOT, CHARGE_W, Conditioner, DISCHARGE_SLOT, DISCHARGE_W, NEW_PARTNER, PARTNER, PV_SLOT, PV_W, Sink, chargeAt,
  config3, dischargeAt, feed, freshConditioner, handAll3, pvAt,
} from "./conditioner";

@external("testing", "meter_set") declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;
@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

/** How much of the cut write lands: none, a few bytes (a torn header), all of it. */
const KEEPS: i32[] = [0, 3, 1 << 20];

/** The partner's line for a reading on time at `end` with rseq `rseq`, slot Wh `slots` of the profile's. */
function onTime(co: u32, rseq: i32, end: i64, slots: u32): string {
  return co.toString(16) + " " + rseq.toString() + " q0 | t=+" + ((end - T0) / MINUTE).toString() + "m"
    + " pv=" + PV_W.toString() + "/" + pvAt(end).toString() + "/" + (slots * PV_SLOT).toString()
    + " ch=" + CHARGE_W.toString() + "/" + chargeAt(end).toString() + "/" + (slots * CHARGE_SLOT).toString()
    + " dis=" + DISCHARGE_W.toString() + "/" + dischargeAt(end).toString() + "/" + (slots * DISCHARGE_SLOT).toString();
}

/** A boot at wall time `wall` with `config` on what the flash holds now. */
function bootWith(clock: TestClock, wall: i64, config: MeteringConfig): Conditioner {
  clock.now = 0;
  clock.wall = wall;
  clock.timerAt = -1;
  return new Conditioner(clock, new Sink(), config, PARTNER);
}

describe("metering: three channels (the power conditioner)", () => {
  it("measures every channel at each boundary and stores them as chunk format 2", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 5 * MINUTE);
    d.runToWall(T0 + 11 * HOUR);
    const log = d.metering.log;
    expect(log.channels).toBe(3);
    expect(log.newest).toBe(2);                                   // 10:30 and 11:00
    expect(<i64>log.endMin(2) * MINUTE).toBe(T0 + 11 * HOUR);
    expect(log.powerAt(2, 0)).toBe(PV_W);
    expect(log.powerAt(2, 1)).toBe(CHARGE_W);
    expect(log.powerAt(2, 2)).toBe(DISCHARGE_W);
    expect(<i64>log.energyAt(2, 0)).toBe(pvAt(T0 + 11 * HOUR));
    expect(<i64>log.energyAt(2, 1)).toBe(chargeAt(T0 + 11 * HOUR));
    expect(<i64>log.energyAt(2, 2)).toBe(dischargeAt(T0 + 11 * HOUR));
    expect(log.slotWhAt(1, 0)).toBe(0);                           // the first reading: no register before it
    expect(log.slotWhAt(2, 0)).toBe(PV_SLOT);
    expect(log.slotWhAt(2, 1)).toBe(CHARGE_SLOT);
    expect(log.slotWhAt(2, 2)).toBe(DISCHARGE_SLOT);
    expect(log.power(2)).toBe(PV_W);                              // channel 0 through the one-channel names
    // format 2 | first mseq 1 | count 2 | channels 3 | 2 × 41 bytes
    const v = d.store.getTyped(MeteringRecord.FIRST_CHUNK, ValueType.BYTES)!;
    expect(v.length).toBe(7 + 2 * 41);
    expect(v[0]).toBe(2);
    expect(v[5]).toBe(2);
    expect(v[6]).toBe(3);
    // Reading 2: end minutes | PV power, register, slot | quality | CHARGE ... | DISCHARGE ...
    const r = 7 + 41;
    expect(<i64>getU32LE(v, r) * MINUTE).toBe(T0 + 11 * HOUR);
    expect(<i32>getU32LE(v, r + 4)).toBe(PV_W);
    expect(<i64>getU32LE(v, r + 8)).toBe(pvAt(T0 + 11 * HOUR));
    expect(getU32LE(v, r + 12)).toBe(PV_SLOT);
    expect(v[r + 16]).toBe(0);
    expect(<i32>getU32LE(v, r + 17)).toBe(CHARGE_W);
    expect(<i64>getU32LE(v, r + 21)).toBe(chargeAt(T0 + 11 * HOUR));
    expect(getU32LE(v, r + 25)).toBe(CHARGE_SLOT);
    expect(<i32>getU32LE(v, r + 29)).toBe(DISCHARGE_W);
    expect(<i64>getU32LE(v, r + 33)).toBe(dischargeAt(T0 + 11 * HOUR));
    expect(getU32LE(v, r + 37)).toBe(DISCHARGE_SLOT);
    // A power cycle reads the same log back.
    const before = d.logLines();
    const n = d.rebootAt(T0 + 11 * HOUR + 10 * MINUTE);
    expect(n.booted).toBe(OK);
    expect(n.logLines()).toBe(before);
    n.runToWall(T0 + 12 * HOUR);
    expect(n.metering.log.slotWhAt(4, 1)).toBe(CHARGE_SLOT);    // across the cycle, every channel's slot
  });

  it("a channel that fails faults the whole reading, and the next slot's Wh covers both", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 25 * MINUTE);
    d.runToWall(T0 + 10 * HOUR + 59 * MINUTE);
    d.load = false;
    feed(T0 + 11 * HOUR);
    meter_set(Channel.CHARGE, E_IO, 0, 0);                        // the charge channel's front end fails
    d.runToWall(T0 + 11 * HOUR);
    d.load = true;
    d.runToWall(T0 + 11 * HOUR + 30 * MINUTE);
    const log = d.metering.log;
    expect(log.newest).toBe(3);
    expect(log.quality(2)).toBe(Quality.FAULT);
    for (let c = 0; c < 3; c++) {
      expect(log.powerAt(2, c)).toBe(0);
      expect(log.slotWhAt(2, c)).toBe(0);
      expect(log.energyAt(2, c)).toBe(log.energyAt(1, c));        // every register carried
    }
    expect(log.quality(3)).toBe(0);
    expect(log.slotWhAt(3, 0)).toBe(2 * PV_SLOT);
    expect(log.slotWhAt(3, 1)).toBe(2 * CHARGE_SLOT);
    expect(log.slotWhAt(3, 2)).toBe(2 * DISCHARGE_SLOT);
    // The partner gets the FAULT reading with its time only.
    expect(handAll3(d.metering, d.sink)).toBe(3);
    expect(d.sink.lines[1]).toBe("d101 2 q8 | t=+660m pv=0/0/0 ch=0/0/0 dis=0/0/0");
    expect(d.sink.lines[2]).toBe(onTime(PARTNER, 3, T0 + 11 * HOUR + 30 * MINUTE, 2));
  });

  it("a channel the board does not meter gives FAULT readings", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 25 * MINUTE);
    meter_set(Channel.DISCHARGE, E_NOTFOUND, 0, 0);               // the board meters no such channel
    d.load = false;
    d.runToWall(T0 + 10 * HOUR + 30 * MINUTE);
    expect(d.metering.log.quality(1)).toBe(Quality.FAULT);
  });

  it("hands nothing while the partner is blocked, then every channel, rseq from 1", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 5 * MINUTE);
    const other = new Sink();
    expect(d.metering.securityError(PARTNER)).toBe(OK);            // blocked: nothing goes
    d.runToWall(T0 + 11 * HOUR);
    expect(handAll3(d.metering, other)).toBe(0);
    expect(d.metering.confirmed(PARTNER)).toBe(OK);
    expect(handAll3(d.metering, d.sink)).toBe(2);
    expect(d.sink.lines[0]).toBe(onTime(PARTNER, 1, T0 + 10 * HOUR + 30 * MINUTE, 0));
    expect(d.sink.lines[1]).toBe(onTime(PARTNER, 2, T0 + 11 * HOUR, 1));
    expect(handAll3(d.metering, d.sink)).toBe(0);                 // each once
  });

  it("a partner change: readings up to it stay the old partner's, later ones the new one's from rseq 1", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 5 * MINUTE);
    d.runToWall(T0 + 10 * HOUR + 30 * MINUTE);
    expect(handAll3(d.metering, d.sink)).toBe(1);                 // 10:30 handed before the change
    d.runToWall(T0 + 11 * HOUR + 10 * MINUTE);                    // 11:00 measured, not yet handed
    // Ownership passes at 11:10: the image changes its connection and tells the module.
    d.recipient.company = NEW_PARTNER;
    expect(d.metering.onSwitched(Role.CONTRACT, PARTNER, NEW_PARTNER, d.clock.wall)).toBe(OK);
    expect(d.metering.confirmed(NEW_PARTNER)).toBe(OK);
    d.runToWall(T0 + 12 * HOUR);
    expect(handAll3(d.metering, d.sink)).toBe(3);
    expect(d.sink.lines[1]).toBe(onTime(PARTNER, 2, T0 + 11 * HOUR, 1));          // the old partner's, after the change
    expect(d.sink.lines[2]).toBe(onTime(NEW_PARTNER, 1, T0 + 11 * HOUR + 30 * MINUTE, 1));
    expect(d.sink.lines[3]).toBe(onTime(NEW_PARTNER, 2, T0 + 12 * HOUR, 1));
    expect(d.metering.laneCount()).toBe(1);                       // the old lane left once handed
  });

  it("installed at 10:10: readings before belong to nobody, the 10:30 one is the partner's", () => {
    eraseFlash();
    const clock = new TestClock();
    clock.wall = T0 + 9 * HOUR + 45 * MINUTE;
    const d = new Conditioner(clock, new Sink(), config3(), 0);   // no connection yet
    d.runToWall(T0 + 10 * HOUR + 10 * MINUTE);                    // 10:00 measured
    d.recipient.company = PARTNER;                                // INSTALL stored the connection
    expect(d.metering.onSwitched(Role.CONTRACT, 0, PARTNER, d.clock.wall)).toBe(OK);
    expect(d.metering.confirmed(PARTNER)).toBe(OK);
    d.runToWall(T0 + 11 * HOUR);
    expect(handAll3(d.metering, d.sink)).toBe(2);
    expect(d.sink.lines[0]).toBe(onTime(PARTNER, 1, T0 + 10 * HOUR + 30 * MINUTE, 1));
    expect(d.sink.lines[1]).toBe(onTime(PARTNER, 2, T0 + 11 * HOUR, 1));
  });

  it("a recipient that cannot be trusted holds the readings back; none is lost or repeated", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 5 * MINUTE);
    d.runToWall(T0 + 10 * HOUR + 30 * MINUTE);
    d.recipient.failure = E_TAMPER;                               // the connection failed its check
    d.runToWall(T0 + 12 * HOUR);
    expect(d.metering.handOff(d.sink)).toBe(E_TAMPER);
    expect(d.sink.lines.length).toBe(0);
    expect(d.metering.laneCount()).toBe(1);                       // the partner's lane stays open
    d.recipient.failure = OK;                                     // a guarded change repaired it
    expect(handAll3(d.metering, d.sink)).toBe(4);
    expect(d.sink.lines[3]).toBe(onTime(PARTNER, 4, T0 + 12 * HOUR, 1));
    expect(d.metering.lost()).toBe(0);
  });

  it("refuses chunks of another channel count (fail closed), both ways", () => {
    const d = freshConditioner(T0 + 10 * HOUR + 5 * MINUTE);
    d.runToWall(T0 + 11 * HOUR);
    const flash = snapshotFlash();
    const at = T0 + 11 * HOUR + 10 * MINUTE;
    const one = bootWith(d.clock, at, new MeteringConfig());      // a one-channel build on three-channel chunks
    expect(one.booted).toBe(E_MALFORMED);
    expect(one.metering.log.has(2)).toBe(false);
    restoreFlash(flash);
    expect(bootWith(d.clock, at, config3()).logLines()).toBe(d.logLines());
    // A three-channel build on one-channel chunks.
    eraseFlash();
    const m = bootWith(d.clock, T0 + 10 * HOUR + 5 * MINUTE, new MeteringConfig());
    m.runToWall(T0 + 11 * HOUR);
    expect(m.metering.log.newest).toBe(2);
    expect(m.store.getTyped(MeteringRecord.FIRST_CHUNK, ValueType.BYTES)![0]).toBe(1);
    expect(bootWith(d.clock, at, config3()).booted).toBe(E_MALFORMED);
  });
});

/** The measurement at `at` from the state in `flash` (booted a second before), swept: power
 *  cut at every flash operation, before it, 3 bytes into it and after it. Returns the
 *  operations; `counts[0]` cuts, `counts[1]` of them durable at the cut. */
function sweepMeasurement(flash: Uint8Array, at: i64, counts: i32[]): i32 {
  const clock = new TestClock();
  const before = at - SECOND;
  restoreFlash(flash);
  clock.wall = before;
  let d = new Conditioner(clock, new Sink(), config3(), PARTNER, false);   // the board's values stay as set
  const old = d.logLines();
  const ops0 = flash_ops();
  d.runToWall(at);
  const n = flash_ops() - ops0;
  const fresh = d.logLines();
  expect(fresh == old).toBe(false);
  for (let op = 1; op <= n; op++) {
    for (let k = 0; k < KEEPS.length; k++) {
      restoreFlash(flash);
      d = d.rebootAt(before);
      flash_cut(op, KEEPS[k]);
      d.runToWall(at);
      flash_cut(0, 0);
      counts[0]++;
      // The next boot, before it knows the wall time: the old log or the new one.
      clock.wallKnown = false;
      d = d.rebootAt(at);
      const now = d.logLines();
      expect(now == old || now == fresh).toBe(true);
      if (now == fresh) counts[1]++;
      // Once it knows the time, the reading the cut swallowed is taken (on time).
      clock.wallKnown = true;
      d.wait(20 * SECOND);
      expect(d.logLines()).toBe(fresh);
    }
  }
  return n;
}

describe("metering: three channels, power cut at every flash write", () => {
  it("a measurement is the old log or the new one, and a swallowed one is taken at boot", () => {
    const d = freshConditioner(T0 + 8 * HOUR + 20 * MINUTE);
    d.runToWall(T0 + 11 * HOUR - SECOND);                         // 5 readings: the chunk holds them
    feed(T0 + 11 * HOUR);                                         // what the board measures from now on
    const counts: i32[] = [0, 0];
    const n = sweepMeasurement(snapshotFlash(), T0 + 11 * HOUR, counts);
    expect(counts[1]).toBeGreaterThan(0);
    expect(counts[1]).toBeLessThan(counts[0]);
    log<string>("3 channels, measurement: " + n.toString() + " flash operations; " + counts[0].toString() + " cuts, "
      + counts[1].toString() + " durable at the cut, the rest taken at the next boot");
  });

  it("a hand-off hands each reading once or twice with the same rseq and content, never loses one", () => {
    const d = freshConditioner(T0 + 8 * HOUR + 20 * MINUTE);
    d.runToWall(T0 + 10 * HOUR + 35 * MINUTE);                    // 5 readings, none handed
    const flash = snapshotFlash();
    const wall = d.clock.wall;
    const ref = new Sink();
    let b = d.rebootAt(wall);
    const ops0 = flash_ops();
    expect(handAll3(b.metering, ref)).toBe(5);
    const n = flash_ops() - ops0;
    let cuts = 0, twice = 0;
    for (let op = 1; op <= n; op++) {
      for (let k = 0; k < KEEPS.length; k++) {
        restoreFlash(flash);
        const sink = new Sink();
        b = b.rebootAt(wall);
        flash_cut(op, KEEPS[k]);
        handAll3(b.metering, sink);
        flash_cut(0, 0);
        cuts++;
        b = b.rebootAt(wall);
        handAll3(b.metering, sink);
        // The reference's lines, in order, each at most once more right after itself.
        const got = sink.lines;
        let i = 0;
        for (let j = 0; j < ref.lines.length; j++) {
          expect(got[i]).toBe(ref.lines[j]);
          i++;
          if (i < got.length && got[i] == ref.lines[j]) { i++; twice++; }
        }
        expect(i).toBe(got.length);
      }
    }
    expect(twice).toBeGreaterThan(0);
    log<string>("3 channels, hand-off of 5 readings: " + n.toString() + " flash operations; " + cuts.toString()
      + " cuts, " + twice.toString() + " handed twice (same rseq and content), none lost");
  });
});
