// HISTORY's day totals (PROTOCOL.md §1): at the UTC day's end the day's PV, charge and
// discharge Wh are appended from the metering log; a PCS that was off over midnight
// appends the day at boot; a day is never appended twice.
import { OK } from "../../../core/errors";
import { getU32LE } from "../../../core/codecs/bytes";
import { Item } from "../../../modules/unique-info/index";
import { fresh, sunny, Rig, MINUTE, HOUR, T0 } from "./rig";

const DAY: i64 = 24 * HOUR;
/** T0's UTC day number, and the device time of the next midnight (T0 is 10:07). */
const DAY0: u32 = <u32>(T0 / DAY);
const TO_MIDNIGHT: i64 = (<i64>DAY0 + 1) * DAY - T0;

function history(r: Rig): Uint8Array {
  const v = r.pcs.unique.read(Item.HISTORY);
  return v === null ? new Uint8Array(0) : v;
}

/** The registers grow by 500 Wh PV, 125 Wh charge every half hour from 10:30 to 24:00. */
function day(r: Rig): void {
  let wh: i64 = 0;
  for (let t: i64 = 23 * MINUTE; t <= TO_MIDNIGHT; t += 30 * MINUTE) {
    r.runTo(t - 1);
    sunny(2000, 500, 0, wh);
    r.runTo(t + 1000);
    wh += 500;
  }
}

describe("usage history", () => {
  test("the day's totals are appended after its end", () => {
    const r = fresh().installed();
    day(r);
    r.runTo(TO_MIDNIGHT + 2 * MINUTE);
    const h = history(r);
    expect(h.length).toBe(17);
    expect(h[0]).toBe(1);
    expect(getU32LE(h, 1)).toBe(DAY0);
    // 28 slots end in the day (10:30 .. 24:00); the first has no register before it.
    expect(getU32LE(h, 5)).toBe(27 * 500);
    expect(getU32LE(h, 9)).toBe(27 * 125);
    expect(getU32LE(h, 13)).toBe(0);
  });

  test("off over midnight: the day is appended at boot, once", () => {
    let r = fresh().installed();
    day(r);
    r.runTo(TO_MIDNIGHT + 10 * 1000);        // the 00:00 reading is in; the day end (00:01) not yet
    r = r.reboot(3 * HOUR);
    expect(history(r)[0]).toBe(1);
    expect(getU32LE(history(r), 1)).toBe(DAY0);
    r = r.reboot(0);
    expect(history(r)[0]).toBe(1);
    expect(r.pcs.unique.appendHistoryDay(DAY0, 1, 2, 3)).toBe(OK);
  });
});
