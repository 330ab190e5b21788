// UTC calendar arithmetic for the panel and ECHONET Lite's EA (the meter's slots are
// aligned to :00/:30 UTC, PROTOCOL.md §5): days since 1970 to a civil date and back, by
// the proleptic Gregorian calendar's 400-year cycle.

export const MINUTE_MS: i64 = 60_000;
export const SLOT_MS: i64 = 30 * MINUTE_MS;
export const DAY_MS: i64 = 86_400_000;

export class CivilTime {
  year: u32 = 0; month: u32 = 0; day: u32 = 0;
  hour: u32 = 0; minute: u32 = 0; second: u32 = 0;
}

/** Fills `c` with the UTC date and time of `ms` (ms ≥ 0). */
export function civil(ms: i64, c: CivilTime): void {
  const days = ms / DAY_MS, rest = ms % DAY_MS;
  c.hour = <u32>(rest / 3_600_000);
  c.minute = <u32>(rest / 60_000 % 60);
  c.second = <u32>(rest / 1000 % 60);
  // Days counted from 0000-03-01, so that a leap day ends its year.
  const z = days + 719_468;
  const era = z / 146_097;
  const doe = z - era * 146_097;
  const yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  c.day = <u32>(doy - (153 * mp + 2) / 5 + 1);
  c.month = <u32>(mp < 10 ? mp + 3 : mp - 9);
  c.year = <u32>(yoe + era * 400 + (c.month <= 2 ? 1 : 0));
}

/** The first :00/:30 strictly after `ms`. */
export function nextSlot(ms: i64): i64 { return (ms / SLOT_MS + 1) * SLOT_MS; }
