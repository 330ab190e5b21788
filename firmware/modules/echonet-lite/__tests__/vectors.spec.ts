// The vectors of shared/reference/echonet-lite.md, byte-exact both ways: the node writes
// them from the meter's values, and the codec reads them back to their fields.
import { OK } from "../../../core/errors";
import { Frame, FrameWriter, Esv, Eoj, decodeFrame, encodeFrame } from "..";
import { TestMeter, node, answer, fixedTime, hex, same, toHex } from "./rig";

const GET_E7 = "1081 0001 05FF01 028801 62 01 E700";
const GET_RES_E7_500 = "1081 0001 028801 05FF01 72 01 E704000001F4";
const GET_E7_TID_1234 = "1081 1234 05FF01 028801 62 01 E700";
const GET_SNA_E7 = "1081 1234 028801 05FF01 52 01 E700";
const STARTUP_INF = "1081 0001 0EF001 0EF001 73 01 D50401028801";
const GET_RES_EA = "1081 0001 028801 05FF01 72 01 EA0B07E8010F0A1E0000001234";

function decoded(s: string): Frame {
  const f = new Frame();
  const b = hex(s);
  expect(decodeFrame(b, b.length, f)).toBe(OK);
  return f;
}

describe("the reference's vectors", () => {
  it("Get E7 from the controller: its fields, and its fields written to its 14 bytes", () => {
    const f = decoded(GET_E7);
    expect(f.tid).toBe(1);
    expect(f.seoj).toBe(Eoj.CONTROLLER);
    expect(f.deoj).toBe(Eoj.SMART_METER);
    expect(f.esv).toBe(Esv.GET);
    expect(f.count).toBe(1);
    expect(f.epc[0]).toBe(0xe7);
    expect(f.pdc[0]).toBe(0);
    const w = new FrameWriter();
    w.head(1, Eoj.CONTROLLER, Eoj.SMART_METER, Esv.GET);
    w.empty(0xe7);
    const n = w.finish();
    expect(n).toBe(14);
    expect(same(w.buf.slice(0, n), hex(GET_E7))).toBe(true);
  });

  it("Get_Res E7 = 500 W: the meter's answer, and the answer read back", () => {
    const m = new TestMeter();
    m.watts = 500;
    expect(toHex(answer(node(m), GET_E7))).toBe(toHex(hex(GET_RES_E7_500)));
    const f = decoded(GET_RES_E7_500);
    expect(f.esv).toBe(Esv.GET_RES);
    expect(f.seoj).toBe(Eoj.SMART_METER);
    expect(f.deoj).toBe(Eoj.CONTROLLER);
    expect(f.pdc[0]).toBe(4);
    const at = f.at[0];
    expect((<u32>f.bytes[at] << 24) | (<u32>f.bytes[at + 1] << 16) | (<u32>f.bytes[at + 2] << 8) | f.bytes[at + 3]).toBe(500);
  });

  it("Get_SNA when E7 is not held: TID 0x1234 echoed, E7 with PDC 0", () => {
    const m = new TestMeter();                                  // watts: NOT_HELD
    expect(toHex(answer(node(m), GET_E7_TID_1234))).toBe(toHex(hex(GET_SNA_E7)));
    const f = decoded(GET_SNA_E7);
    expect(f.tid).toBe(0x1234);
    expect(f.esv).toBe(Esv.GET_SNA);
  });

  it("the start-up instance-list INF: the first frame after boot, TID 1", () => {
    const n = node(new TestMeter());
    const len = n.announceInstances();
    expect(toHex(n.out.buf.slice(0, len))).toBe(toHex(hex(STARTUP_INF)));
    expect(n.multicast).toBe(true);
    expect(n.nextTid).toBe(2);
    const f = decoded(STARTUP_INF);
    expect(f.esv).toBe(Esv.INF);
    expect(f.seoj).toBe(Eoj.NODE_PROFILE);
    expect(f.epc[0]).toBe(0xd5);
    expect(f.pdc[0]).toBe(4);
  });

  it("EA 2024-01-15 10:30:00 with raw 4660: 11 bytes", () => {
    const m = new TestMeter();
    m.fixed = fixedTime(2024, 1, 15, 10, 30, 0, 4660);
    expect(toHex(answer(node(m), "1081 0001 05FF01 028801 62 01 EA00"))).toBe(toHex(hex(GET_RES_EA)));
    const f = decoded(GET_RES_EA);
    expect(f.pdc[0]).toBe(11);
    const w = new FrameWriter();
    const n = encodeFrame(f, w);
    expect(same(w.buf.slice(0, n), hex(GET_RES_EA))).toBe(true);
  });

  it("every vector decodes and is written again byte for byte", () => {
    const all = [GET_E7, GET_RES_E7_500, GET_E7_TID_1234, GET_SNA_E7, STARTUP_INF, GET_RES_EA];
    const w = new FrameWriter();
    for (let k = 0; k < all.length; k++) {
      const n = encodeFrame(decoded(all[k]), w);
      expect(same(w.buf.slice(0, n), hex(all[k]))).toBe(true);
    }
  });
});
