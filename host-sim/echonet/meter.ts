// The values a HEMS reads from a low-voltage smart electric energy meter (class 0x0288)
// and the node profile, after ECHONET's MRA v1.3.1, and the property-map format of the
// APPENDIX (Detailed Requirements for ECHONET Device Objects), Appendix 1. Each decoder
// answers null for an EDT that is not exactly its encoding.
export const NOT_MEASURED = 0xfffffffe;
export const NO_POWER_DATA = 0x7ffffffe;
export const MAX_ENERGY = 99_999_999;
export const SLOTS = 48;

/** E1 unit codes, in kWh per count. */
export const UNIT_KWH: ReadonlyMap<number, number> = new Map([
  [0x00, 1], [0x01, 0.1], [0x02, 0.01], [0x03, 0.001], [0x04, 0.0001],
  [0x0a, 10], [0x0b, 100], [0x0c, 1000], [0x0d, 10000],
]);

const u32 = (b: Uint8Array, i: number) => (b[i] << 24 >>> 0) + (b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);
const energyOrNull = (v: number) => (v === NOT_MEASURED ? null : v);
const validEnergy = (v: number) => v <= MAX_ENERGY || v === NOT_MEASURED;

/** E7: W (int32); null for "no data" (7FFFFFFE). */
export function decodePower(edt: Uint8Array): number | null | undefined {
  if (edt.length !== 4) return undefined;
  const v = u32(edt, 0) | 0;
  return v === NO_POWER_DATA ? null : v;
}

/** E0 (and one E2 slot): the raw count, null when not measured; undefined when invalid. */
export function decodeEnergy(edt: Uint8Array): number | null | undefined {
  if (edt.length !== 4) return undefined;
  const v = u32(edt, 0);
  return validEnergy(v) ? energyOrNull(v) : undefined;
}

/** E1: kWh per count; undefined for a code outside the set. */
export function decodeUnit(edt: Uint8Array): number | undefined {
  return edt.length === 1 ? UNIT_KWH.get(edt[0]) : undefined;
}

/** D3: the coefficient 0..999,999 (a meter without D3 counts as 1). */
export function decodeCoefficient(edt: Uint8Array): number | undefined {
  if (edt.length !== 4) return undefined;
  const v = u32(edt, 0);
  return v <= 999_999 ? v : undefined;
}

/** kWh of a raw E0/E2/EA count. */
export const kWh = (raw: number, unitKwh: number, coefficient = 1) => raw * coefficient * unitKwh;

export interface History { day: number; slots: (number | null)[] }

/** E2: days back, then 48 half-hour counts (null where missing). */
export function decodeHistory(edt: Uint8Array): History | undefined {
  if (edt.length !== 2 + 4 * SLOTS) return undefined;
  const day = edt[0] << 8 | edt[1];
  if (day > 99) return undefined;
  const slots: (number | null)[] = [];
  for (let k = 0; k < SLOTS; k++) {
    const v = u32(edt, 2 + 4 * k);
    if (!validEnergy(v)) return undefined;
    slots.push(energyOrNull(v));
  }
  return { day, slots };
}

/** E5: days back 0..99, or 0xFF. */
export function encodeHistoryDay(day: number): Uint8Array | undefined {
  return (Number.isInteger(day) && day >= 0 && day <= 99) || day === 0xff ? Uint8Array.of(day) : undefined;
}

export interface FixedTimeEnergy { year: number; month: number; day: number; hour: number; minute: number; second: number; energy: number | null }

/** EA: the fixed time (on :00 or :30, 0 s) and the count then. */
export function decodeFixedTime(edt: Uint8Array): FixedTimeEnergy | undefined {
  if (edt.length !== 11) return undefined;
  const r = { year: edt[0] << 8 | edt[1], month: edt[2], day: edt[3], hour: edt[4], minute: edt[5], second: edt[6] };
  const days = new Date(Date.UTC(r.year, r.month, 0)).getUTCDate();
  if (r.year < 1 || r.month < 1 || r.month > 12 || r.day < 1 || r.day > days || r.hour > 23) return undefined;
  if ((r.minute !== 0 && r.minute !== 30) || r.second !== 0) return undefined;
  const v = u32(edt, 7);
  return validEnergy(v) ? { ...r, energy: energyOrNull(v) } : undefined;
}

/** 9D/9E/9F: the EPCs of a property map, in either form. */
export function decodePropertyMap(edt: Uint8Array): number[] | undefined {
  if (edt.length < 1) return undefined;
  const n = edt[0];
  if (n < 16) return edt.length === 1 + n ? [...edt.subarray(1)] : undefined;
  if (edt.length !== 17) return undefined;
  const epcs: number[] = [];
  for (let bit = 0; bit < 8; bit++) {
    for (let low = 0; low < 16; low++) if (edt[1 + low] & (1 << bit)) epcs.push(0x80 + (bit << 4) + low);
  }
  return epcs.length === n ? epcs : undefined;
}

/** A property map of EPCs 0x80..0xFF: listed under 16, the bitmap from 16. */
export function encodePropertyMap(epcs: number[]): Uint8Array {
  if (epcs.length < 16) return Uint8Array.of(epcs.length, ...epcs);
  const b = new Uint8Array(17);
  b[0] = epcs.length;
  for (const e of epcs) b[1 + (e & 0x0f)] |= 1 << ((e >> 4) - 8);
  return b;
}

/** D5/D6: the EOJs of an instance list. */
export function decodeInstanceList(edt: Uint8Array): number[] | undefined {
  if (edt.length < 1 || edt.length !== 1 + 3 * edt[0]) return undefined;
  const eojs: number[] = [];
  for (let k = 0; k < edt[0]; k++) eojs.push(edt[1 + 3 * k] << 16 | edt[2 + 3 * k] << 8 | edt[3 + 3 * k]);
  return eojs;
}
