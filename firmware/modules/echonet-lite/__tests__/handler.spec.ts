// The node's answers: which object answers, Get_SNA with the served values kept, Set of E5
// and 81 (SetC, SetI, refused), INF_REQ, INF announcements with their TIDs, ignored
// services, and a request whose answer would not fit.
import { OK } from "../../../core/errors";
import { Frame, Esv, MAX_FRAME, MAX_PROPERTIES, decodeFrame, NOT_HELD } from "..";
import { TestMeter, node, answer, answerBytes, fixedTime, hex, cat, toHex } from "./rig";

const TO_METER = "1081 0001 05FF01 028801";
const FROM_METER = "1081 0001 028801 05FF01";

function expectAnswer(got: Uint8Array, want: string): void { expect(toHex(got)).toBe(toHex(hex(want))); }

describe("the node's answers", () => {
  it("Get of several: all served is Get_Res; one failing keeps the others' values", () => {
    const m = new TestMeter();
    m.watts = 500;
    expectAnswer(answer(node(m), TO_METER + " 62 02 E700 E000"), FROM_METER + " 72 02 E704000001F4 E00400001234");
    m.watts = NOT_HELD;
    expectAnswer(answer(node(m), TO_METER + " 62 03 E700 E000 F000"), FROM_METER + " 52 03 E700 E00400001234 F000");
  });

  it("a Get whose property carries data fails that property", () => {
    expectAnswer(answer(node(new TestMeter()), TO_METER + " 62 01 E00100"), FROM_METER + " 52 01 E000");
  });

  it("instance 0 addresses every instance: the meter 1 answers as itself", () => {
    expectAnswer(answer(node(new TestMeter()), "1081 0001 05FF01 028800 62 01 E000"), FROM_METER + " 72 01 E00400001234");
    expectAnswer(answer(node(new TestMeter()), "1081 0001 05FF01 0EF000 62 01 D300"), "1081 0001 0EF001 05FF01 72 01 D303000001");
  });

  it("another object, another instance, a response or an INFC: no answer", () => {
    const n = node(new TestMeter());
    expect(answer(n, "1081 0001 05FF01 028802 62 01 E000").length).toBe(0);
    expect(answer(n, "1081 0001 05FF01 013001 62 01 8000").length).toBe(0);
    expect(answer(n, "1081 0001 05FF01 028801 72 01 E00400001234").length).toBe(0);
    expect(answer(n, "1081 0001 05FF01 028801 74 01 8001 30").length).toBe(0);
    expect(answer(n, "1081 0001 05FF01 028801 73 01 8001 30").length).toBe(0);
  });

  it("SetC E5 in range: Set_Res with PDC 0, stored through the provider", () => {
    const m = new TestMeter();
    expectAnswer(answer(node(m), TO_METER + " 61 01 E50107"), FROM_METER + " 71 01 E500");
    expect(m.day).toBe(7);
    expectAnswer(answer(node(m), TO_METER + " 61 01 E501FF"), FROM_METER + " 71 01 E500");
    expect(m.day).toBe(0xff);
    expectAnswer(answer(node(m), TO_METER + " 61 01 810108"), FROM_METER + " 71 01 8100");
    expect(m.where).toBe(8);
  });

  it("SetC refused (E5 100, two bytes, a read-only EPC, the provider says no): SetC_SNA echoing it, nothing stored", () => {
    const m = new TestMeter();
    m.day = 2;
    expectAnswer(answer(node(m), TO_METER + " 61 01 E50164"), FROM_METER + " 51 01 E50164");
    expectAnswer(answer(node(m), TO_METER + " 61 01 E5020001"), FROM_METER + " 51 01 E5020001");
    expectAnswer(answer(node(m), TO_METER + " 61 01 E70400000000"), FROM_METER + " 51 01 E70400000000");
    expectAnswer(answer(node(m), TO_METER + " 61 01 E500"), FROM_METER + " 51 01 E500");
    expect(m.sets).toBe(0);
    m.refuseSets = true;
    expectAnswer(answer(node(m), TO_METER + " 61 01 E50103"), FROM_METER + " 51 01 E50103");
    expect(m.day).toBe(2);
    // one accepted, one refused: the accepted one with PDC 0
    m.refuseSets = false;
    expectAnswer(answer(node(m), TO_METER + " 61 02 E50103 E00100"), FROM_METER + " 51 02 E500 E00100");
    expect(m.day).toBe(3);
  });

  it("SetI: no answer when accepted, SetI_SNA when refused; the node profile sets nothing", () => {
    const m = new TestMeter();
    expect(answer(node(m), TO_METER + " 60 01 E50105").length).toBe(0);
    expect(m.day).toBe(5);
    expectAnswer(answer(node(m), TO_METER + " 60 01 E50165"), FROM_METER + " 50 01 E50165");
    expectAnswer(answer(node(m), "1081 0001 05FF01 0EF001 61 01 800130"), "1081 0001 0EF001 05FF01 51 01 800130");
  });

  it("INF_REQ: INF (to the group) when served, INF_SNA (to the asker) when not", () => {
    const m = new TestMeter();
    const n = node(m);
    expectAnswer(answer(n, TO_METER + " 63 01 E000"), FROM_METER + " 73 01 E00400001234");
    expect(n.multicast).toBe(true);
    expectAnswer(answer(n, TO_METER + " 63 01 E700"), FROM_METER + " 53 01 E700");
    expect(n.multicast).toBe(false);
  });

  it("announcements: EA after a fixed time, TIDs counting up from the start-up INF", () => {
    const m = new TestMeter();
    m.fixed = fixedTime(2024, 1, 15, 10, 30, 0, 4660);
    const n = node(m);
    expect(n.announceInstances()).toBe(18);
    const len = n.announce(0xea);
    expectAnswer(n.out.buf.slice(0, len), "1081 0002 028801 0EF001 73 01 EA0B07E8010F0A1E0000001234");
    expect(n.announce(0xe7) < 0).toBe(true);                   // not in the INF map
    m.fixed = null;
    expect(n.announce(0xea) < 0).toBe(true);                   // not held: nothing sent, TID kept
    m.status = 0x31;
    const off = n.announce(0x80);
    expectAnswer(n.out.buf.slice(0, off), "1081 0003 028801 0EF001 73 01 8001 31");
  });

  it("a Get of MAX_PROPERTIES times E2 is answered within MAX_FRAME: what fits, then PDC 0", () => {
    const parts: Uint8Array[] = [hex(TO_METER + " 62 00")];
    parts[0][11] = <u8>MAX_PROPERTIES;
    for (let k = 0; k < MAX_PROPERTIES; k++) parts.push(hex("E200"));
    const n = node(new TestMeter());
    const got = answerBytes(n, cat(parts));
    expect(got.length).toBe(12 + 4 * 196 + 28 * 2);            // 852: within MAX_FRAME
    expect(got.length <= MAX_FRAME).toBe(true);
    const f = new Frame();
    expect(decodeFrame(got, got.length, f)).toBe(OK);
    expect(f.esv).toBe(Esv.GET_SNA);
    expect(f.count).toBe(MAX_PROPERTIES);
    let served = 0;
    for (let k = 0; k < f.count; k++) {
      expect(f.epc[k]).toBe(0xe2);
      if (f.pdc[k] == 194) served++; else expect(f.pdc[k]).toBe(0);
    }
    expect(served).toBe(4);
    // served ones first: the answer is what fits, in request order
    expect(f.pdc[3]).toBe(194);
    expect(f.pdc[4]).toBe(0);
  });
});
