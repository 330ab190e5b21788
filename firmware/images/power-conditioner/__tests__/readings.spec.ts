// Readings to the partner (PROTOCOL.md §4.1): every 30 minutes a `reading` entry with the
// three channels, the site id and capacities in force, and a MAC under the device key that
// the partner can check; the identifiers in force when handed (readings before a site
// change carry the old site); a new partner's readings numbered from 1; a tampered SITE
// holds the readings back, raises the alarm and is reported once.
import * as board from "../../../board/index";
import { OK } from "../../../core/errors";
import { Item } from "../../../modules/unique-info/index";
import { findInFlash, doctorRecord } from "../../../testing/flash";
import { Entry, MAC_AT, SITE_AT, CAP_AT, hex } from "../outbox-entries";
import { fresh, sunny, expectHas, shown, Phone, Rig, connection, siteValue, DIGITS, MAINTENANCE_DIGITS, MINUTE, T0, SERIAL, SITE,
  PARTNER, PARTNER_KEY, NEW_PARTNER, NEW_PARTNER_KEY } from "./rig";

/** 10:30 UTC on T0's day (T0 is 10:07). */
const B1030: i64 = T0 + 23 * MINUTE;

function readingBodies(r: Rig): Uint8Array[] {
  const o = r.pcs.cloud.outbox, out: Uint8Array[] = [];
  for (let seq = r.pcs.cloud.acked + 1; seq <= o.last; seq++) {
    const e = o.entry(seq);
    if (e !== null && e.kind == Entry.READING) out.push(e.body);
  }
  return out;
}

/** HMAC-SHA-256(device key, "pcs-reading-v1" ‖ serial ‖ co … e ‖ site len ‖ site ‖ cap),
 *  computed here from the protocol's words, not the image's code. */
function expectedMac(deviceKey: Uint8Array, b: Uint8Array): Uint8Array {
  const label = board.utf8("pcs-reading-v1"), serial = board.utf8(SERIAL);
  const siteLen = <i32>b[SITE_AT];
  const m = new Uint8Array(label.length + serial.length + 41 + 1 + siteLen + 12);
  let i = 0;
  m.set(label, i); i += label.length;
  m.set(serial, i); i += serial.length;
  for (let k = 0; k < 41; k++) m[i++] = b[k];
  m[i++] = <u8>siteLen;
  for (let k = 0; k < siteLen; k++) m[i++] = b[SITE_AT + 1 + k];
  for (let k = 0; k < 12; k++) m[i++] = b[CAP_AT + k];
  return board.hmacSha256(deviceKey, m);
}

function deviceKeyOf(conn: Uint8Array): Uint8Array { return conn.subarray(69, 101); }

describe("readings to the partner", () => {
  test("each half hour a reading carries the three channels, the site, the capacities and a MAC the partner can check", () => {
    const r = fresh().installed();
    r.runTo(r.clock.now + 23 * MINUTE + 1000);            // 10:30: the first reading (slot Wh 0)
    sunny(3000, 600, 0, 1500);
    r.runTo(r.clock.now + 30 * MINUTE);                    // 11:00
    const e = r.entriesOf("reading");
    expect(e.length).toBe(2);
    expectHas(e[1], '"co":53505,"rseq":2,"q":0,"t":' + (B1030 + 30 * MINUTE).toString());
    expectHas(e[1], '"pv":1500,"ch":375,"dis":0,"e":[11500,2375,1000],"site":"GS-2026-0042","cap":[5500,9800,40000]');
    const bodies = readingBodies(r);
    const mac = expectedMac(deviceKeyOf(connection(PARTNER, PARTNER_KEY, 7)), bodies[1]);
    expectHas(e[1], '"mac":"' + hex(mac, 0, 32) + '"');
    // The device key is never on the wire nor on a screen.
    expect(r.everything().includes(hex(deviceKeyOf(connection(PARTNER, PARTNER_KEY, 7)), 0, 32))).toBe(false);
  });

  test("readings measured before a site change are handed with the old site, the next ones with the new", () => {
    const r = fresh().installed();
    r.runTo(r.clock.now + 53 * MINUTE + 1000);            // 10:30 and 11:00, each handed at once
    expect(r.authFrom(1)).toBe(OK);
    r.menu(2);
    const p = new Phone(r);
    expect(p.connect()).toBe(OK);
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    expect(p.change(<u8>Item.SITE, siteValue("GS-2027-0001"))).toBe(OK);
    r.runTo(r.clock.now + 30 * MINUTE);                    // 11:30
    const e = r.entriesOf("reading");
    expect(e.length).toBe(3);
    expectHas(e[1], '"rseq":2');
    expectHas(e[1], '"site":"' + SITE + '"');
    expectHas(e[2], '"rseq":3');
    expectHas(e[2], '"site":"GS-2027-0001"');
  });

  test("ownership passes: after the new connection the readings go to the new partner, numbered from 1, under its key", () => {
    const r = fresh().installed();
    r.runTo(r.clock.now + 23 * MINUTE + 1000);
    expect(r.authFrom(1)).toBe(OK);
    r.menu(2);
    const p = new Phone(r);
    expect(p.connect()).toBe(OK);
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    const conn = connection(NEW_PARTNER, NEW_PARTNER_KEY, 40);
    expect(p.change(<u8>Item.CONNECTION, conn)).toBe(OK);
    expectHas(r.entriesOf("change")[0], '"item":"connection","op":"set","by":"D101:1","via":"ble","to":53762');
    r.runTo(r.clock.now + 30 * MINUTE);
    const e = r.entriesOf("reading");
    expect(e.length).toBe(2);
    expectHas(e[0], '"co":53505,"rseq":1');
    expectHas(e[1], '"co":53762,"rseq":1');
    const bodies = readingBodies(r);
    expectHas(e[1], '"mac":"' + hex(expectedMac(deviceKeyOf(conn), bodies[1]), 0, 32) + '"');
    // The change entry names the new partner, never its device key.
    expect(r.everything().includes(hex(deviceKeyOf(conn), 0, 32))).toBe(false);
  });

  test("a tampered site id holds the readings back, shows the alarm and is reported once", () => {
    let r = fresh().installed();
    // A programmer clip changes the first character of the SITE record (type, attrs, len,
    // then the id: PROTECTED keeps it in clear under its tag) and fixes the CRC.
    const at = findInFlash(board.utf8(SITE));
    expect(at).toBeGreaterThan(0);
    doctorRecord(at - 3, 3, 0x58);
    r = r.reboot(0);
    r.online();
    expect(r.pcs.unique.tampered).toBe(1 << Item.SITE);
    r.runTo(r.clock.now + 30 * MINUTE);
    r.runTo(r.clock.now + 30 * MINUTE);
    expect(r.entriesOf("reading").length).toBe(0);
    const t = r.entriesOf("tamper");
    expect(t.length).toBe(1);
    expectHas(t[0], '"item":"site"');
    expect(shown(board.utf8("TAMPER: site - data refused"))).toBeGreaterThan(0);
    expectHas(r.pcs.stateJson(), '"tamper":4');
  });

  test("a new partner written while the site id is deleted gets every value once the site is back", () => {
    const r = fresh().installed();
    r.runTo(r.clock.now + 23 * MINUTE + 1000);
    r.menu(2);
    const p = new Phone(r);
    expect(p.connect()).toBe(OK);
    expect(<i32><i8>p.auth(MAINTENANCE_DIGITS, 2)[0]).toBe(OK);
    expect(p.change(<u8>Item.SITE, null)).toBe(OK);
    expect(p.change(<u8>Item.CONNECTION, connection(NEW_PARTNER, NEW_PARTNER_KEY, 40))).toBe(OK);
    expect(p.change(<u8>Item.SITE, siteValue("GS-2027-0001"))).toBe(OK);
    sunny(2500, 400, 100, 900);
    r.runTo(r.clock.now + 30 * MINUTE);
    const e = r.entriesOf("reading");
    expect(e.length).toBe(2);
    expectHas(e[1], '"co":53762,"rseq":1');
    expectHas(e[1], '"pv":900,"ch":225,"dis":0,"e":[10900,2225,1000],"site":"GS-2027-0001","cap":[5500,9800,40000]');
  });
});
