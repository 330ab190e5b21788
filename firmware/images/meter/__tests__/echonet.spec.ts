// ECHONET Lite over UDP (PROTOCOL.md §5): the port bound with the group, the start-up
// INF, answers to the asker on 3610, EA after each :00/:30, E2 from the log, E5 stored,
// a malformed datagram answered by nothing. Byte-exact frames.
import { OK, E_IO, E_MALFORMED } from "../../../core/errors";
import { Channel } from "../../../board/index";
import { DataType, Role } from "../../../modules/contract-table/index";
import { fresh, hex, toHex, lastDatagram, udp_sent, udp_last_addr, udp_last_port, load, meter_set, HEMS, MINUTE, HOUR, T0 } from "./rig";

const GROUP: i32 = <i32>0xe0001700;
const GET = "1081 0001 05FF01 028801 62";
const RES = "1081 0001 028801 05FF01";

/** The last datagram is an INF from the meter to the node profiles of the group, of this
 *  one property (EPC, PDC, EDT in hex), whatever its TID. */
function expectInf(property: string): void {
  expect(udp_last_addr()).toBe(GROUP);
  expect(toHex(lastDatagram()).substr(8)).toBe(toHex(hex("028801 0EF001 73 01 " + property)));
}

function expectSent(to: i32, frame: string): void {
  expect(udp_last_addr()).toBe(to);
  expect(udp_last_port()).toBe(3610);
  expect(toHex(lastDatagram())).toBe(toHex(hex(frame)));
}

describe("ECHONET Lite", () => {
  it("announces its instance list to 224.0.23.0 at boot", () => {
    fresh();
    expectSent(GROUP, "1081 0001 0EF001 0EF001 73 01 D5 04 01 028801");
  });

  it("answers a Get of E7 and E0 to the asker, with the load's values (E0 modulo 10^8)", () => {
    const r = fresh();
    load(1234, 12_345_678_901);
    expect(r.datagram(hex(GET + " 02 E700 E000"))).toBe(OK);
    expectSent(HEMS, RES + " 72 02 E704000004D2 E00402B90135");   // 45,678,901 Wh
  });

  it("Get_SNA for an unknown EPC; D3, D7, E1 as PROTOCOL.md says", () => {
    const r = fresh();
    expect(r.datagram(hex(GET + " 04 D300 D700 E100 F000"))).toBe(OK);
    expectSent(HEMS, "1081 0001 028801 05FF01 52 04 D30400000001 D70108 E10103 F000");
  });

  it("EA goes to the group after each :00/:30 measurement; E2 holds the day's registers", () => {
    const r = fresh();
    load(500, 4660);
    r.runToUtc(T0 + 23 * MINUTE + MINUTE);                  // 10:30 taken
    // EA: 2026-09-22 10:30:00, 4,660 Wh
    expectSent(GROUP, "1081 0002 028801 0EF001 73 01 EA0B 07EA 09 16 0A 1E 00 00001234");
    load(500, 4760);
    r.runToUtc(T0 + 53 * MINUTE + MINUTE);                  // 11:00 taken
    expect(r.datagram(hex(GET + " 01 E200"))).toBe(OK);
    const a = lastDatagram();
    expect(a.length).toBe(14 + 194);
    expect(toHex(a.subarray(0, 14))).toBe(toHex(hex(RES + " 72 01 E2C2")));
    expect(toHex(a.subarray(14, 16))).toBe("0000");        // day 0: today
    // Slot 21 (10:30) and 22 (11:00): the registers; slot 0 (00:00): none.
    expect(toHex(a.subarray(16, 20))).toBe("FFFFFFFE");
    expect(toHex(a.subarray(16 + 21 * 4, 16 + 23 * 4))).toBe("0000123400001298");
  });

  it("E5 set by the HEMS is kept across a reboot", () => {
    const r = fresh();
    expect(r.datagram(hex("1081 0002 05FF01 028801 61 01 E50101"))).toBe(OK);
    expectSent(HEMS, "1081 0002 028801 05FF01 71 01 E500");
    const re = r.reboot(HOUR);
    expect(re.datagram(hex(GET + " 01 E500"))).toBe(OK);
    expectSent(HEMS, RES + " 72 01 E50101");
  });

  it("81 set by the HEMS is announced to the group after the answer; set again to the same, it is not", () => {
    const r = fresh();
    const sent = udp_sent();
    expect(r.datagram(hex("1081 0003 05FF01 028801 61 01 810108"))).toBe(OK);
    expect(udp_sent()).toBe(sent + 2);
    expectInf("810108");
    expect(r.datagram(hex("1081 0004 05FF01 028801 61 01 810108"))).toBe(OK);
    expect(udp_sent()).toBe(sent + 3);
    expectSent(HEMS, "1081 0004 028801 05FF01 71 01 8100");
  });

  it("88 is announced after the measurement at which the front end failed, and again when it recovers", () => {
    const r = fresh();
    load(500, 4660);
    r.runToUtc(T0 + 24 * MINUTE);                           // 10:30 measured
    const before = udp_sent();
    meter_set(Channel.IMPORT, E_IO, 0, 0);
    r.runToUtc(T0 + 54 * MINUTE);                           // 11:00: no EA (not held), 88 fault
    expect(udp_sent()).toBe(before + 1);
    expectInf("880141");
    load(500, 4700);
    r.runToUtc(T0 + 84 * MINUTE);                           // 11:30: EA, then 88 no fault
    expect(udp_sent()).toBe(before + 3);
    expectInf("880142");
    r.runToUtc(T0 + 114 * MINUTE);                          // 12:00: EA only
    expect(udp_sent()).toBe(before + 4);
  });

  it("a malformed datagram is answered by nothing", () => {
    const r = fresh();
    const before = udp_sent();
    expect(r.datagram(hex("1081 0001 05FF01 028801 62 01 E7"))).toBe(OK);
    expect(r.datagram(hex("1082 0001 05FF01 028801 62 01 E700"))).toBe(OK);
    expect(r.datagram(hex("1081 0001 05FF01 028801 62 00"))).toBe(OK);
    expect(r.meter.onUdp(HEMS, hex("0E"))).toBe(E_MALFORMED);
    expect(udp_sent()).toBe(before);
  });

  it("the LAN has no data scope: the customer's HEMS reads what no company may (PROTOCOL.md §5)", () => {
    const r = fresh().installed();
    expect(r.command(0xc003, '"change":1,"at":-1,"to":49155,"types":1')).toBe(OK);
    load(700, 1);
    expect(r.datagram(hex(GET + " 01 E700"))).toBe(OK);
    expectSent(HEMS, RES + " 72 01 E704000002BC");
  });
});
