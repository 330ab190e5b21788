// A command acts before its replay floor commits (commands.ts): power is cut at every
// flash operation of a command, before it, 3 bytes into it and after it; the meter boots
// on what landed, the head-end sends the same command again (same number: it had no
// reply), and the command must have taken effect exactly once: never lost behind a floor
// that moved without it, never doubled.
import { OK } from "../../../core/errors";
import { Role } from "../../../modules/contract-table/index";
import { BreakerState } from "../../../modules/supply-breaker/index";
import { restoreFlash, snapshotFlash } from "../../../testing/flash";
import { Rig, TestClock, fresh, KANTO, GREEN, HOUR, T0 } from "./rig";

@external("testing", "flash_ops") declare function flash_ops(): i32;
@external("testing", "flash_cut") declare function flash_cut(at: i32, keep: i32): void;

const KEEPS: i32[] = [0, 3, 1 << 20];
const T: i64 = T0 + 2 * HOUR;
const CHANGE = '{"cmd":3,"co":45058,"change":0,"at":1790078820000,"to":45058,"types":13}';
const CONFIRM = '{"cmd":3,"co":40961,"confirm":13}';

/** Installed, online, Kanto in effect (not yet confirmed): commands 1 and 2 applied. */
function setUp(): Rig {
  const r = fresh().installed();
  expect(r.command(KANTO, '"change":0,"at":-1,"to":40961,"types":13')).toBe(OK);
  expect(r.command(KANTO, '"read":0')).toBe(OK);
  return r;
}

function send(r: Rig, json: string): i32 {
  return r.meter.onMqttMessage("devices/meter-dev-1/down", Uint8Array.wrap(String.UTF8.encode(json)));
}

function boot(flash: Uint8Array, wall: i64): Rig {
  restoreFlash(flash);
  const c = new TestClock();
  c.wall = wall;
  const r = new Rig(c);
  r.online();
  return r;
}

/** Sweeps `json`; `check` says whether the command's effect is there exactly once. */
function sweep(json: string, scheduled: bool): i32 {
  const base = setUp();
  const wall = base.clock.wall;
  const before = snapshotFlash();
  const o = flash_ops();
  expect(send(base, json)).toBeGreaterThanOrEqual(0);
  const ops = flash_ops() - o;
  let cuts = 0;
  for (let i = 1; i <= ops; i++) {
    for (let k = 0; k < KEEPS.length; k++) {
      restoreFlash(before);
      const r0 = boot(before, wall);
      flash_cut(i, KEEPS[k]);
      send(r0, json);
      flash_cut(0, 0);
      cuts++;
      const after = snapshotFlash();
      const r = boot(after, wall);
      expect(send(r, json)).toBeGreaterThanOrEqual(0);       // answered (again, or for the first time)
      if (scheduled) {
        expect(r.meter.table.pendingCount()).toBe(1);
        expect(r.meter.table.pendingCode(0)).toBe(GREEN);
        expect(r.meter.table.pendingAt(0)).toBe(T);
      } else {
        expect(r.meter.breaker.state).toBe(BreakerState.CONNECTED);
        expect(r.meter.breaker.log.newestSeq()).toBe(1);           // closed once, not twice
      }
      expect(r.meter.table.code(Role.CONTRACT)).toBe(KANTO);
    }
  }
  log("command " + (scheduled ? "change (scheduled)" : "confirm (new resident)") + ": " + ops.toString() + " flash operations, " + cuts.toString() + " cuts: applied exactly once after each");
  return cuts;
}

describe("a power cut during a command", () => {
  it("a scheduled change: pending once, whatever the cut", () => {
    expect(sweep(CHANGE, true)).toBeGreaterThan(0);
  });

  it("a confirmation that closes a new resident's breaker: closed once, whatever the cut", () => {
    expect(sweep(CONFIRM, false)).toBeGreaterThan(0);
  });
});
