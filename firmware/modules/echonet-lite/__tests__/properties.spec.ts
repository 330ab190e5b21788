// The node profile's and the meter's properties as the node writes them, the property
// maps in both forms (APPENDIX, Appendix 1), and every meter value checked against its
// encoding before it goes out.
import { FrameWriter, writePropertyMap, NOT_HELD, NOT_MEASURED, SLOTS } from "..";
import { TestMeter, node, answer, fixedTime, hex, toHex } from "./rig";

const TO_METER = "1081 0001 05FF01 028801";
const TO_NODE = "1081 0001 05FF01 0EF001";
const FROM_METER = "1081 0001 028801 05FF01";
const FROM_NODE = "1081 0001 0EF001 05FF01";

function get(m: TestMeter, to: string, epc: string): string { return toHex(answer(node(m), to + " 62 01 " + epc + "00")); }
function res(from: string, epcAndValue: string): string { return toHex(hex(from + " 72 01 " + epcAndValue)); }
function sna(from: string, epc: string): string { return toHex(hex(from + " 52 01 " + epc + "00")); }
function map(epcs: StaticArray<u8>): string {
  const w = new FrameWriter();
  writePropertyMap(epcs, w);
  return toHex(w.buf.slice(0, w.len));
}

describe("property maps", () => {
  it("under 16 properties: the count, then the EPCs as listed", () => {
    expect(map([])).toBe("00");
    expect(map([0x80, 0xd5])).toBe("0280D5");
    const fifteen: StaticArray<u8> = [0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e];
    expect(map(fifteen)).toBe("0F808182838485868788898A8B8C8D8E");
  });

  it("16 or more: the count, then byte 1 + (EPC & 0x0F) with bit (EPC >> 4) - 8", () => {
    const sixteen: StaticArray<u8> = [0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f];
    expect(map(sixteen)).toBe("1001010101010101010101010101010101");
    // the corners: 0x80 is bit 0 of byte 1, 0xFF bit 7 of byte 16, 0xF0 bit 7 of byte 1
    const corners: StaticArray<u8> = [0xf0, 0x80, 0xff, 0x9d, 0xe7, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0x81, 0x91, 0xa1, 0xb1, 0xc1];
    expect(map(corners)).toBe("10" + "FF" + "1F" + "0000000000" + "40" + "0000000000" + "02" + "00" + "80");
  });

  it("the meter's Get map (16 properties) in the bitmap form, worked out by hand", () => {
    // 80 81 82 88 8A 9D 9E 9F D3 D7 E0 E1 E2 E5 E7 EA
    expect(get(new TestMeter(), TO_METER, "9F")).toBe(res(FROM_METER, "9F11 10 41414120 00400060 01004100 00020202"));
    expect(get(new TestMeter(), TO_METER, "9E")).toBe(res(FROM_METER, "9E03 0281E5"));
    expect(get(new TestMeter(), TO_METER, "9D")).toBe(res(FROM_METER, "9D05 04808188EA"));
  });
});

describe("the node profile 0x0EF001", () => {
  it("answers each of its properties", () => {
    const m = new TestMeter();
    expect(get(m, TO_NODE, "80")).toBe(res(FROM_NODE, "8001 30"));
    expect(get(m, TO_NODE, "82")).toBe(res(FROM_NODE, "8204 010D0100"));
    expect(get(m, TO_NODE, "83")).toBe(res(FROM_NODE, "8311 FE00000B 0102030405060708090A0B0C0D"));
    expect(get(m, TO_NODE, "8A")).toBe(res(FROM_NODE, "8A03 00000B"));
    expect(get(m, TO_NODE, "9D")).toBe(res(FROM_NODE, "9D03 0280D5"));
    expect(get(m, TO_NODE, "9E")).toBe(res(FROM_NODE, "9E01 00"));
    expect(get(m, TO_NODE, "9F")).toBe(res(FROM_NODE, "9F0C 0B8082838A9D9E9FD3D4D6D7"));
    expect(get(m, TO_NODE, "D3")).toBe(res(FROM_NODE, "D303 000001"));
    expect(get(m, TO_NODE, "D4")).toBe(res(FROM_NODE, "D402 0002"));
    expect(get(m, TO_NODE, "D6")).toBe(res(FROM_NODE, "D604 01028801"));
    expect(get(m, TO_NODE, "D7")).toBe(res(FROM_NODE, "D703 010288"));
  });

  it("D5 is announced, not read: a Get fails, an INF_REQ is answered with INF", () => {
    expect(get(new TestMeter(), TO_NODE, "D5")).toBe(sna(FROM_NODE, "D5"));
    const n = node(new TestMeter());
    expect(toHex(answer(n, TO_NODE + " 63 01 D500"))).toBe(toHex(hex(FROM_NODE + " 73 01 D504 01028801")));
    expect(n.multicast).toBe(true);
  });
});

describe("the meter 0x028801", () => {
  it("answers the super-class properties", () => {
    const m = new TestMeter();
    expect(get(m, TO_METER, "80")).toBe(res(FROM_METER, "8001 30"));
    expect(get(m, TO_METER, "81")).toBe(res(FROM_METER, "8101 00"));
    expect(get(m, TO_METER, "82")).toBe(res(FROM_METER, "8204 00005200"));
    expect(get(m, TO_METER, "88")).toBe(res(FROM_METER, "8801 42"));
    expect(get(m, TO_METER, "8A")).toBe(res(FROM_METER, "8A03 00000B"));
  });

  it("answers D3, D7, E0, E1, E5, E7 in their encodings", () => {
    const m = new TestMeter();
    expect(get(m, TO_METER, "D3")).toBe(res(FROM_METER, "D304 00000001"));
    expect(get(m, TO_METER, "D7")).toBe(res(FROM_METER, "D701 06"));
    expect(get(m, TO_METER, "E0")).toBe(res(FROM_METER, "E004 00001234"));
    expect(get(m, TO_METER, "E1")).toBe(res(FROM_METER, "E101 01"));
    expect(get(m, TO_METER, "E5")).toBe(res(FROM_METER, "E501 00"));
    m.watts = -1500;                                           // power flowing back: int32
    expect(get(m, TO_METER, "E7")).toBe(res(FROM_METER, "E704 FFFFFA24"));
    m.watts = 0x7ffffffe;                                      // no data is a value
    expect(get(m, TO_METER, "E7")).toBe(res(FROM_METER, "E704 7FFFFFFE"));
    m.kwh = NOT_MEASURED;
    expect(get(m, TO_METER, "E0")).toBe(res(FROM_METER, "E004 FFFFFFFE"));
    m.kwh = 99_999_999;
    expect(get(m, TO_METER, "E0")).toBe(res(FROM_METER, "E004 05F5E0FF"));
  });

  it("E2: day and 48 half hours, 194 bytes, missing slots FFFFFFFE", () => {
    const m = new TestMeter();
    m.day = 1;
    let expected = "E2C2 0001";
    for (let k = 0; k < SLOTS; k++) {
      m.slots[k] = k == 47 ? NOT_MEASURED : <u32>(k * 10);
      const w = new FrameWriter(); w.u32(m.slots[k]);
      expected += toHex(w.buf.slice(0, 4));
    }
    expect(get(m, TO_METER, "E2")).toBe(res(FROM_METER, expected));
  });

  it("a value outside its encoding is not sent: that property fails", () => {
    const cases: string[] = [];
    const m = new TestMeter();
    m.kwh = 100_000_000; cases.push(get(m, TO_METER, "E0")); m.kwh = 4660;
    m.unitCode = 0x05; cases.push(get(m, TO_METER, "E1")); m.unitCode = 0x0e; cases.push(get(m, TO_METER, "E1"));
    m.coeff = 1_000_000; cases.push(get(m, TO_METER, "D3")); m.coeff = NOT_HELD; cases.push(get(m, TO_METER, "D3"));
    m.digitCount = 0; cases.push(get(m, TO_METER, "D7")); m.digitCount = 9; cases.push(get(m, TO_METER, "D7"));
    m.day = 100; cases.push(get(m, TO_METER, "E5"));
    m.watts = 0x80000000; cases.push(get(m, TO_METER, "E7"));
    m.status = 0x32; cases.push(get(m, TO_METER, "80"));
    m.fault = 0x40; cases.push(get(m, TO_METER, "88"));
    const epcs = ["E0", "E1", "E1", "D3", "D3", "D7", "D7", "E5", "E7", "80", "88"];
    for (let k = 0; k < cases.length; k++) expect(cases[k]).toBe(sna(FROM_METER, epcs[k]));
    // the unit codes that are valid
    const units: u8[] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d];
    for (let k = 0; k < units.length; k++) {
      m.unitCode = units[k];
      const code = new Uint8Array(1); code[0] = units[k];
      expect(get(m, TO_METER, "E1")).toBe(res(FROM_METER, "E101 " + toHex(code)));
    }
  });

  it("EA only on :00 or :30 with 0 s, on a real date", () => {
    const m = new TestMeter();
    m.fixed = fixedTime(2024, 1, 15, 10, 0, 0, 1);
    expect(get(m, TO_METER, "EA")).toBe(res(FROM_METER, "EA0B 07E8010F0A0000 00000001"));
    m.fixed = fixedTime(2024, 2, 29, 23, 30, 0, NOT_MEASURED);
    expect(get(m, TO_METER, "EA")).toBe(res(FROM_METER, "EA0B 07E8021D171E00 FFFFFFFE"));
    const bad = [fixedTime(2024, 1, 15, 10, 15, 0, 1), fixedTime(2024, 1, 15, 10, 30, 1, 1), fixedTime(2023, 2, 29, 0, 0, 0, 1),
      fixedTime(2024, 13, 1, 0, 0, 0, 1), fixedTime(2024, 1, 15, 24, 0, 0, 1), fixedTime(2024, 1, 15, 10, 30, 0, 100_000_000)];
    for (let k = 0; k < bad.length; k++) {
      m.fixed = bad[k];
      expect(get(m, TO_METER, "EA")).toBe(sna(FROM_METER, "EA"));
    }
    m.fixed = null;
    expect(get(m, TO_METER, "EA")).toBe(sna(FROM_METER, "EA"));
  });

  it("E2 with a slot over 99,999,999 or a day over 99 fails, as does one not held", () => {
    const m = new TestMeter();
    m.slots[3] = 100_000_000;
    expect(get(m, TO_METER, "E2")).toBe(sna(FROM_METER, "E2"));
    m.slots[3] = 0; m.day = 100;
    expect(get(m, TO_METER, "E2")).toBe(sna(FROM_METER, "E2"));
    m.day = 0; m.historyHeld = false;
    expect(get(m, TO_METER, "E2")).toBe(sna(FROM_METER, "E2"));
  });
});
