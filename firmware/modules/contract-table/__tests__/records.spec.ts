// What the table keeps: the meter code set once, the table through resets, and a table
// that cannot be trusted refused (fail closed: no company receives anything).
import { E_INVAL, E_MALFORMED, E_NOTFOUND, E_RANGE, E_STATE, E_TAMPER, OK } from "../../../core/errors";
import { putU32LE } from "../../../core/codecs/bytes";
import { Attr, ValueType } from "../../credential-store/index";
import { Change, ContractRecord, DataType, IMMEDIATE, METER_CODE_MAX, Role } from "../index";
import { DATA_C, HOUR, MINUTE, POWER_A, POWER_B, T0, freshMeter } from "./rig";
import { doctorRecord, snapshotFlash } from "../../../testing/flash";


const METERING: u32 = DataType.TIME | DataType.POWER | DataType.ENERGY;

function code(s: string): Uint8Array { return Uint8Array.wrap(String.UTF8.encode(s)); }

describe("contract table: records", () => {
  it("sets the meter code once and reads it back after a power cycle", () => {
    let m = freshMeter();
    const out = new Uint8Array(METER_CODE_MAX);
    expect(m.table.meterCode(out)).toBe(E_NOTFOUND);
    expect(m.table.setMeterCode(code("0300111234567890123456"))).toBe(OK);
    expect(m.table.setMeterCode(code("0300111234567890123456"))).toBe(OK);     // the same again
    expect(m.table.setMeterCode(code("0300111234567890123457"))).toBe(E_STATE);
    expect(m.table.setMeterCode(new Uint8Array(0))).toBe(E_INVAL);
    expect(m.table.setMeterCode(new Uint8Array(METER_CODE_MAX + 1))).toBe(E_INVAL);
    m = m.reboot(MINUTE);
    expect(m.table.meterCode(out)).toBe(22);
    expect(String.UTF8.decode(out.subarray(0, 22).buffer.slice(0, 22))).toBe("0300111234567890123456");
    expect(m.table.meterCode(new Uint8Array(21))).toBe(E_RANGE);
  });

  it("keeps the table and the meter code through initialization and factory reset", () => {
    let m = freshMeter();
    expect(m.table.setMeterCode(code("M-1"))).toBe(OK);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
    expect(m.table.change(Role.CONTRACT, T0 + HOUR, POWER_B, METERING)).toBe(Change.SCHEDULED);
    const before = m.stored();
    expect(m.table.version).toBe(2);   // one per update
    expect(m.store.initialize()).toBe(OK);
    m = m.reboot(MINUTE);
    expect(m.store.factoryReset()).toBe(OK);
    m = m.reboot(MINUTE);
    expect(m.stored()).toBe(before);
    expect(m.table.code(Role.CONTRACT)).toBe(POWER_A);
    expect(m.table.pendingCount()).toBe(1);
    expect(m.table.version).toBe(2);
    expect(m.table.meterCode(new Uint8Array(8))).toBe(3);
  });

  it("refuses a table altered in flash (E_TAMPER): no company receives anything", () => {
    let m = freshMeter();
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
    expect(m.table.change(Role.PROVISION, IMMEDIATE, DATA_C, DataType.ENERGY)).toBe(Change.APPLIED);
    // The ACTIVE record's value: format 1 | version | A | scope | C | scope. Redirect the
    // contract to B.
    const v = new Uint8Array(8);
    putU32LE(v, 0, POWER_A);
    putU32LE(v, 4, METERING);
    const at = findLast(v);
    expect(at >= 0).toBe(true);
    const data = at - 5 - 2;                             // type | attributes | value | tag
    doctorRecord(data, 2 + 5, <u8>(POWER_B & 0xff));
    doctorRecord(data, 2 + 6, <u8>(POWER_B >> 8));
    m = m.reboot(MINUTE);
    expect(m.booted).toBe(E_TAMPER);
    expect(m.store.tamperedId).toBe(ContractRecord.ACTIVE);
    expect(m.table.code(Role.CONTRACT)).toBe(0);
    expect(m.table.mayReceive(POWER_B, DataType.TIME)).toBe(false);
    expect(m.table.mayReceive(DATA_C, DataType.ENERGY)).toBe(false);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(E_TAMPER);
  });

  it("refuses a table with one of its two records removed (E_MALFORMED)", () => {
    let m = freshMeter();
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
    expect(m.store.records.remove(ContractRecord.PENDING)).toBe(OK);
    m = m.reboot(MINUTE);
    expect(m.booted).toBe(E_MALFORMED);
    expect(m.table.mayReceive(POWER_A, DataType.TIME)).toBe(false);
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(E_MALFORMED);
  });

  it("refuses a pending record whose changes are out of time order (E_MALFORMED)", () => {
    let m = freshMeter();
    expect(m.table.change(Role.CONTRACT, IMMEDIATE, POWER_A, METERING)).toBe(Change.APPLIED);
    // A well-tagged record the table did not write: two changes, the later one first.
    const p = new Uint8Array(6 + 2 * 21);
    p[0] = 1;
    putU32LE(p, 1, 3);
    p[5] = 2;
    putChange(p, 0, 1, T0 + 2 * HOUR, POWER_B);
    putChange(p, 1, 2, T0 + HOUR, POWER_A);
    expect(m.store.put(ContractRecord.PENDING, ValueType.BYTES, Attr.PROTECTED, p)).toBe(OK);
    m = m.reboot(MINUTE);
    expect(m.booted).toBe(E_MALFORMED);
    expect(m.table.pendingCount()).toBe(0);
    expect(m.table.pendingId(0)).toBe(0);
    // In order, the same record is read.
    putChange(p, 0, 2, T0 + HOUR, POWER_A);
    putChange(p, 1, 1, T0 + 2 * HOUR, POWER_B);
    expect(m.store.put(ContractRecord.PENDING, ValueType.BYTES, Attr.PROTECTED, p)).toBe(OK);
    m = m.reboot(MINUTE);
    expect(m.booted).toBe(OK);
    expect(m.table.pendingCount()).toBe(2);
    expect(m.table.pendingCode(1)).toBe(POWER_B);
  });
});

/** Where `needle` last occurs in the flash (the newest copy of a record), or -1. */
function findLast(needle: Uint8Array): i32 {
  const all = snapshotFlash();
  for (let i = all.length - needle.length; i >= 0; i--) {
    let j = 0;
    while (j < needle.length && all[i + j] == needle[j]) j++;
    if (j == needle.length) return i;
  }
  return -1;
}


function putChange(p: Uint8Array, i: i32, id: u32, at: i64, code: u32): void {
  const o = 6 + i * 21;
  putU32LE(p, o, id);
  p[o + 4] = Role.CONTRACT;
  putU32LE(p, o + 5, <u32>at);
  putU32LE(p, o + 9, <u32>(at >>> 32));
  putU32LE(p, o + 13, code);
  putU32LE(p, o + 17, METERING);
}
