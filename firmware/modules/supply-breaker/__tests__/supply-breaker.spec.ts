// The breaker as the resident, the utility and a service technician rely on it: a new
// meter keeps the supply off until a matching confirmation, a security error opens it and
// only a local press after a matching confirmation closes it again, every transition is
// logged with its time and handed to the outbox, and all of it holds across power cycles.
import { Breaker, BreakerConfig, BreakerReason, BreakerRecord, BreakerState, DEFAULT_LOG, ENTRY_BYTES } from "../index";
import { OK, E_INVAL, E_MALFORMED, E_STATE, E_TAMPER } from "../../../core/errors";
import { getU32LE } from "../../../core/codecs/bytes";
import { Meter, T0, doctorRecord, freshMeter, lastInFlash } from "./device";

@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const DISCONNECTED = BreakerState.DISCONNECTED;
const CONNECTED = BreakerState.CONNECTED;
const READY = BreakerState.READY_FOR_RECONNECTION;

/** Checks the newest log entry. */
function newest(m: Meter, seq: u32, from: u8, to: u8, reason: u8, time: i64): void {
  const log = m.breaker.log;
  const i = log.count - 1;
  expect(log.seqAt(i)).toBe(seq);
  expect(log.fromAt(i)).toBe(from);
  expect(log.toAt(i)).toBe(to);
  expect(log.reasonAt(i)).toBe(reason);
  expect(log.timeAt(i)).toBe(time);
}

/** A meter connected by its first resident's confirmation (seq 1). */
function connectedMeter(): Meter {
  const m = freshMeter();
  expect(m.breaker.confirmed()).toBe(Breaker.DONE);
  return m;
}

/** A meter opened by a security error (seq 2). */
function trippedMeter(): Meter {
  const m = connectedMeter();
  m.clock.wall = T0 + 60000;
  expect(m.breaker.securityError()).toBe(Breaker.DONE);
  return m;
}

describe("supply breaker: a new resident", () => {
  it("a new meter keeps the supply off and writes nothing", () => {
    const m = freshMeter();
    expect(m.opened).toBe(OK);
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.breaker.reason).toBe(BreakerReason.NEW_RESIDENT);
    expect(m.pin()).toBe(0);
    expect(m.breaker.log.count).toBe(0);
    expect(m.store.records.has(BreakerRecord.LOG)).toBe(false);
    m.reboot(1);
    expect(m.pin()).toBe(0);
  });

  it("a matching confirmation closes the breaker at once, with its time", () => {
    const m = freshMeter();
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.state).toBe(CONNECTED);
    expect(m.pin()).toBe(1);
    newest(m, 1, DISCONNECTED, CONNECTED, BreakerReason.CONFIRMED, T0);
    // A second confirmation changes nothing and writes nothing.
    expect(m.breaker.confirmed()).toBe(Breaker.UNCHANGED);
    expect(m.breaker.log.count).toBe(1);
    m.reboot();
    expect(m.opened).toBe(OK);
    expect(m.breaker.state).toBe(CONNECTED);
    expect(m.pin()).toBe(1);
    newest(m, 1, DISCONNECTED, CONNECTED, BreakerReason.CONFIRMED, T0);
  });

  it("with newResidentNeedsPress, the confirmation readies it and the press closes it", () => {
    const c = new BreakerConfig();
    c.newResidentNeedsPress = true;
    const m = freshMeter(c);
    expect(m.breaker.press()).toBe(E_STATE);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.state).toBe(READY);
    expect(m.pin()).toBe(0);
    m.clock.wall = T0 + 5000;
    expect(m.breaker.press()).toBe(Breaker.DONE);
    expect(m.pin()).toBe(1);
    newest(m, 2, READY, CONNECTED, BreakerReason.PRESS, T0 + 5000);
  });

  it("a press does not close a new meter", () => {
    const m = freshMeter();
    expect(m.breaker.press()).toBe(E_STATE);
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.pin()).toBe(0);
    expect(m.breaker.log.count).toBe(0);
  });

  it("a move-out opens it for the next resident, whose confirmation closes it", () => {
    const m = connectedMeter();
    m.clock.wall = T0 + 1000;
    expect(m.breaker.awaitNewResident()).toBe(Breaker.DONE);
    expect(m.pin()).toBe(0);
    newest(m, 2, CONNECTED, DISCONNECTED, BreakerReason.NEW_RESIDENT, T0 + 1000);
    expect(m.breaker.awaitNewResident()).toBe(Breaker.UNCHANGED);
    expect(m.breaker.press()).toBe(E_STATE);
    m.reboot();
    expect(m.pin()).toBe(0);
    m.clock.wall = T0 + 2000;
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.pin()).toBe(1);
    newest(m, 3, DISCONNECTED, CONNECTED, BreakerReason.CONFIRMED, T0 + 2000);
  });
});

describe("supply breaker: a security error", () => {
  it("opens the breaker, with reason SECURITY", () => {
    const m = trippedMeter();
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.breaker.reason).toBe(BreakerReason.SECURITY);
    expect(m.pin()).toBe(0);
    newest(m, 2, CONNECTED, DISCONNECTED, BreakerReason.SECURITY, T0 + 60000);
    // Repeated mismatches change nothing and wear no flash.
    expect(m.breaker.securityError()).toBe(Breaker.UNCHANGED);
    expect(m.breaker.log.count).toBe(2);
  });

  it("needs a matching confirmation and then a local press to reconnect", () => {
    const m = trippedMeter();
    expect(m.breaker.press()).toBe(E_STATE);
    expect(m.pin()).toBe(0);
    m.clock.wall = T0 + 120000;
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.state).toBe(READY);
    expect(m.pin()).toBe(0);
    newest(m, 3, DISCONNECTED, READY, BreakerReason.CONFIRMED, T0 + 120000);
    expect(m.breaker.confirmed()).toBe(Breaker.UNCHANGED);
    // READY survives a power cycle, still open.
    m.reboot(1);
    expect(m.breaker.state).toBe(READY);
    expect(m.pin()).toBe(0);
    m.clock.wall = T0 + 180000;
    expect(m.breaker.press()).toBe(Breaker.DONE);
    expect(m.breaker.state).toBe(CONNECTED);
    expect(m.pin()).toBe(1);
    newest(m, 4, READY, CONNECTED, BreakerReason.PRESS, T0 + 180000);
    expect(m.breaker.press()).toBe(E_STATE);
  });

  it("a move-out cannot stand in for the press", () => {
    const m = trippedMeter();
    expect(m.breaker.awaitNewResident()).toBe(E_STATE);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.awaitNewResident()).toBe(E_STATE);
    expect(m.breaker.state).toBe(READY);
    expect(m.breaker.log.count).toBe(3);
  });

  it("a mismatch while ready opens it again; while waiting for a new resident, it then needs a press", () => {
    const m = trippedMeter();
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.securityError()).toBe(Breaker.DONE);
    newest(m, 4, READY, DISCONNECTED, BreakerReason.SECURITY, T0 + 60000);
    expect(m.breaker.press()).toBe(E_STATE);

    const n = freshMeter();
    expect(n.breaker.securityError()).toBe(Breaker.DONE);
    newest(n, 1, DISCONNECTED, DISCONNECTED, BreakerReason.SECURITY, T0);
    expect(n.breaker.confirmed()).toBe(Breaker.DONE);
    expect(n.breaker.state).toBe(READY);
    expect(n.pin()).toBe(0);
  });

  it("logs -1 as the time while the board does not know it", () => {
    const m = connectedMeter();
    m.clock.wall = -1;
    expect(m.breaker.securityError()).toBe(Breaker.DONE);
    newest(m, 2, CONNECTED, DISCONNECTED, BreakerReason.SECURITY, -1);
    m.reboot();
    newest(m, 2, CONNECTED, DISCONNECTED, BreakerReason.SECURITY, -1);
  });
});

describe("supply breaker: a write that fails", () => {
  it("closing: nothing changes, the supply stays off", () => {
    const m = trippedMeter();
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    flash_cut(1, 0);   // the flash takes nothing from now on
    expect(m.breaker.press()).toBeLessThan(0);
    expect(m.breaker.state).toBe(READY);
    expect(m.pin()).toBe(0);
    expect(m.breaker.log.count).toBe(3);
    flash_cut(0, 0);
    expect(m.breaker.press()).toBe(Breaker.DONE);
    expect(m.pin()).toBe(1);
  });

  it("opening: the supply goes off anyway; the next boot follows what is stored", () => {
    const m = connectedMeter();
    flash_cut(1, 0);
    expect(m.breaker.securityError()).toBeLessThan(0);
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.breaker.reason).toBe(BreakerReason.SECURITY);
    expect(m.pin()).toBe(0);
    expect(m.breaker.log.count).toBe(1);
    // Still open in RAM: a confirmation now needs the press, as after any security error.
    expect(m.breaker.press()).toBe(E_STATE);
    flash_cut(0, 0);
    m.reboot();
    expect(m.breaker.state).toBe(CONNECTED);
    expect(m.pin()).toBe(1);
  });
});

describe("supply breaker: the log", () => {
  it("keeps the last N in order, across power cycles", () => {
    const c = new BreakerConfig();
    c.logSize = 4;
    const m = freshMeter(c);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);   // seq 1
    for (let k = 0; k < 3; k++) {                        // seqs 2..10
      m.clock.wall += 1000;
      expect(m.breaker.securityError()).toBe(Breaker.DONE);
      m.clock.wall += 1000;
      expect(m.breaker.confirmed()).toBe(Breaker.DONE);
      m.clock.wall += 1000;
      expect(m.breaker.press()).toBe(Breaker.DONE);
    }
    for (let r = 0; r < 2; r++) {
      const log = m.breaker.log;
      expect(log.count).toBe(4);
      expect(log.oldestSeq()).toBe(7);
      expect(log.newestSeq()).toBe(10);
      for (let i = 0; i < 4; i++) {
        expect(log.seqAt(i)).toBe(7 + <u32>i);
        expect(log.timeAt(i)).toBe(T0 + 6000 + <i64>i * 1000);
      }
      expect(log.reasonAt(0)).toBe(BreakerReason.PRESS);
      expect(log.reasonAt(1)).toBe(BreakerReason.SECURITY);
      expect(log.reasonAt(2)).toBe(BreakerReason.CONFIRMED);
      expect(log.reasonAt(3)).toBe(BreakerReason.PRESS);
      m.reboot();
    }
  });

  it("holds 32 by default, and a log kept longer by other firmware is read to its newest", () => {
    const m = connectedMeter();
    for (let k = 0; k < 20; k++) {
      expect(m.breaker.securityError()).toBe(Breaker.DONE);
      expect(m.breaker.confirmed()).toBe(Breaker.DONE);
      expect(m.breaker.press()).toBe(Breaker.DONE);
    }
    expect(m.breaker.log.count).toBe(DEFAULT_LOG);
    expect(m.breaker.log.newestSeq()).toBe(61);
    const c = new BreakerConfig();
    c.logSize = 5;
    m.config = c;
    m.reboot();
    expect(m.opened).toBe(OK);
    expect(m.breaker.log.count).toBe(5);
    expect(m.breaker.log.oldestSeq()).toBe(57);
    expect(m.breaker.state).toBe(CONNECTED);
    expect(m.breaker.securityError()).toBe(Breaker.DONE);
    m.config = new BreakerConfig();
    m.reboot();
    expect(m.breaker.log.count).toBe(5);
    expect(m.breaker.log.newestSeq()).toBe(62);
  });

  it("hands every entry to the outbox once, oldest first, and again after a reset of the mark", () => {
    const m = trippedMeter();
    expect(m.breaker.unreported()).toBe(0);
    const out = new Uint8Array(ENTRY_BYTES);
    let handed = 0;
    for (let i = m.breaker.unreported(); i >= 0; i = m.breaker.unreported()) {
      m.breaker.log.write(i, out, 0);
      expect(getU32LE(out, 0)).toBe(<u32>i + 1);
      expect(out[13]).toBe(m.breaker.log.toAt(i));
      expect(m.breaker.reported(getU32LE(out, 0))).toBe(OK);
      handed++;
    }
    expect(handed).toBe(2);
    expect(m.breaker.reported(2)).toBe(Breaker.UNCHANGED);
    expect(m.breaker.reported(3)).toBe(E_INVAL);
    m.reboot();
    expect(m.breaker.unreported()).toBe(-1);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.unreported()).toBe(2);
    // An initialization erases the mark with the outbox: the whole log is handed again
    // (the receiver drops the seqs it has).
    expect(m.store.initialize()).toBe(OK);
    expect(m.breaker.open()).toBe(OK);
    expect(m.breaker.unreported()).toBe(0);
    expect(m.breaker.state).toBe(READY);
  });

  it("counts entries that left the log before they were handed", () => {
    const c = new BreakerConfig();
    c.logSize = 2;
    const m = freshMeter(c);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.reported(1)).toBe(OK);
    expect(m.breaker.securityError()).toBe(Breaker.DONE);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.press()).toBe(Breaker.DONE);
    expect(m.breaker.lostReports()).toBe(1);   // seq 2
    expect(m.breaker.log.seqAt(m.breaker.unreported())).toBe(3);
  });
});

describe("supply breaker: resets and a log it cannot trust", () => {
  it("keeps its state by factory reset", () => {
    const m = trippedMeter();
    expect(m.store.factoryReset()).toBe(OK);
    m.reboot(1);
    expect(m.opened).toBe(OK);
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.breaker.reason).toBe(BreakerReason.SECURITY);
    expect(m.pin()).toBe(0);
    expect(m.breaker.confirmed()).toBe(Breaker.DONE);
    expect(m.breaker.state).toBe(READY);
  });

  it("stays open when the log was altered in flash (E_TAMPER)", () => {
    const m = trippedMeter();
    // The newest entry (seq 2) says CONNECTED → DISCONNECTED; make it say → CONNECTED.
    const v = new Uint8Array(ENTRY_BYTES);
    m.breaker.log.write(1, v, 0);
    const at = lastInFlash(v);
    expect(at >= 0).toBe(true);
    // The record's data is type | attributes | value | tag; the entry's `to` is byte 13.
    const logStart = at - 2 - 15;
    doctorRecord(logStart - 2, 2 + 2 + 15 + 13, CONNECTED);
    m.reboot(1);
    expect(m.opened).toBe(E_TAMPER);
    expect(m.store.tamperedId).toBe(BreakerRecord.LOG);
    expect(m.breaker.state).toBe(DISCONNECTED);
    expect(m.pin()).toBe(0);
    expect(m.breaker.confirmed()).toBe(E_TAMPER);
    expect(m.breaker.press()).toBe(E_TAMPER);
    expect(m.breaker.securityError()).toBe(E_TAMPER);
    expect(m.pin()).toBe(0);
  });

  it("stays open when the flash lost the log (not a new meter)", () => {
    const m = connectedMeter();
    expect(m.store.records.remove(BreakerRecord.LOG)).toBe(OK);
    m.reboot(1);
    expect(m.opened).toBe(E_MALFORMED);
    expect(m.pin()).toBe(0);
    expect(m.breaker.confirmed()).toBe(E_MALFORMED);
    expect(m.pin()).toBe(0);
  });
});
