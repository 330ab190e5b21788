// The low-voltage smart electric energy meter, class 0x0288 (ECHONET MRA v1.3.1): what the
// image supplies (MeterProvider) and the encoding rules each value is checked against
// before it goes out. A value outside its encoding is not sent: the property fails (SNA).

/** A provider's answer for a property it does not hold (a Get of it fails: Get_SNA). */
export const NOT_HELD: i64 = -0x100000000;
/** E0, E2, EA: the energy was not measured. */
export const NOT_MEASURED: u32 = 0xfffffffe;
/** E7: no data. */
export const NO_POWER_DATA: i32 = 0x7ffffffe;
export const MAX_ENERGY: u32 = 99_999_999;
export const MAX_COEFFICIENT: i64 = 999_999;
export const SLOTS: i32 = 48;                  // E2: half hours from 00:00 to 23:30
export const HISTORY_BYTES: i32 = 2 + 4 * SLOTS;
export const FIXED_TIME_BYTES: i32 = 11;
export const OPERATING: u8 = 0x30;
export const NOT_OPERATING: u8 = 0x31;
export const FAULT: u8 = 0x41;
export const NO_FAULT: u8 = 0x42;
/** E5 "no day selected". */
export const NO_HISTORY_DAY: u8 = 0xff;

/** E2: cumulative energy for each half hour of `day` days back. */
export class History {
  day: u32 = 0;
  slots: StaticArray<u32> = new StaticArray<u32>(SLOTS);
}

/** EA: the cumulative energy at the last fixed time (:00 or :30), in the meter's time. */
export class FixedTimeEnergy {
  year: u32 = 0; month: u32 = 0; day: u32 = 0;
  hour: u32 = 0; minute: u32 = 0; second: u32 = 0;
  energy: u32 = 0;
}

/** What the meter image implements. Each getter answers NOT_HELD (or false) when it has
 *  no value, and these defaults hold nothing; the module checks every value's range. */
export class MeterProvider {
  /** 80: OPERATING or NOT_OPERATING. */
  operationStatus(): i64 { return NOT_HELD; }
  /** 81: installation location code (one byte). */
  location(): i64 { return NOT_HELD; }
  /** 81 Set: stores the code; false refuses it (SNA). */
  setLocation(code: u8): bool { return false; }
  /** 88: FAULT or NO_FAULT. */
  faultStatus(): i64 { return NOT_HELD; }
  /** D3: coefficient 0..999,999 (a meter without one answers NOT_HELD; readers take 1). */
  coefficient(): i64 { return NOT_HELD; }
  /** D7: number of effective digits 1..8. */
  digits(): i64 { return NOT_HELD; }
  /** E0: cumulative energy, normal direction, 0..99,999,999 or NOT_MEASURED. */
  energy(): i64 { return NOT_HELD; }
  /** E1: unit code of E0, E2, EA. */
  unit(): i64 { return NOT_HELD; }
  /** E2: fills h for the day E5 selects; false when not held. */
  history(h: History): bool { return false; }
  /** E5: days back for E2, 0..99 or NO_HISTORY_DAY. */
  historyDay(): i64 { return NOT_HELD; }
  /** E5 Set (already checked: 0..99 or 0xFF): stores it; false refuses it. */
  setHistoryDay(day: u8): bool { return false; }
  /** E7: instantaneous power in W (int32), or NO_POWER_DATA. */
  power(): i64 { return NOT_HELD; }
  /** EA: fills r; false when not held. */
  fixedTimeEnergy(r: FixedTimeEnergy): bool { return false; }
}

/** E1's codes: 1, 0.1, 0.01, 0.001, 0.0001, 10, 100, 1000, 10000 kWh. */
export function validUnit(code: i64): bool {
  return (code >= 0 && code <= 4) || (code >= 0x0a && code <= 0x0d);
}

export function validEnergy(v: i64): bool { return (v >= 0 && v <= <i64>MAX_ENERGY) || v == <i64>NOT_MEASURED; }

export function validHistoryDay(v: i64): bool { return (v >= 0 && v <= 99) || v == <i64>NO_HISTORY_DAY; }

function daysIn(year: u32, month: u32): u32 {
  if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
  return (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
}

/** EA's time is a real date on :00 or :30 with 0 s; its energy as E0's. */
export function validFixedTime(r: FixedTimeEnergy): bool {
  if (r.year < 1 || r.year > 9999 || r.month < 1 || r.month > 12) return false;
  if (r.day < 1 || r.day > daysIn(r.year, r.month) || r.hour > 23) return false;
  if ((r.minute != 0 && r.minute != 30) || r.second != 0) return false;
  return validEnergy(<i64>r.energy);
}

export function validHistory(h: History): bool {
  if (h.day > 99) return false;
  for (let k = 0; k < SLOTS; k++) if (!validEnergy(<i64>unchecked(h.slots[k]))) return false;
  return true;
}
