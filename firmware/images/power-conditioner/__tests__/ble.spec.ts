// The phone over BLE (PROTOCOL.md §3, operation example 2): answered only while the
// screen offers it; the handshake shows the same code on both sides; AUTH opens a grant
// for the session; READ of CONNECTION never carries the device key; CHANGE and DELETE
// under the grant; CLOSE ends both; a malformed or forged frame changes nothing.
import * as board from "../../../board/index";
import { Link } from "../../../board/index";
import { OK, E_AUTH, E_MALFORMED, E_STATE } from "../../../core/errors";
import { Item } from "../../../modules/unique-info/index";
import { Ble } from "../ble";
import { fresh, lastSent, shown, expectHas, Phone, capacitiesValue, DIGITS, PARTNER } from "./rig";

function withPhone(): Phone {
  const r = fresh().installed();
  expect(r.authFrom(3)).toBe(OK);
  r.menu(2);
  const p = new Phone(r);
  expect(p.connect()).toBe(OK);
  return p;
}

describe("the phone over BLE", () => {
  test("nothing is answered while the screen does not offer the phone", () => {
    const r = fresh().installed();
    const p = new Phone(r);
    expect(p.connect()).toBe(E_STATE);
    const f = lastSent(Link.BLE);
    expect(f[0]).toBe(Ble.ERROR);
    expect(<i32><i8>f[1]).toBe(E_STATE);
  });

  test("the handshake: the PCS shows the code the app computed", () => {
    const r = fresh().installed();
    r.menu(2);
    const p = new Phone(r);
    expect(p.connect()).toBe(OK);
    expect(p.session.code.length).toBe(6);
    expect(shown(board.utf8("Code " + p.session.code))).toBeGreaterThan(0);
  });

  test("AUTH with the e-mailed code opens the grant; READ of the connection has no device key", () => {
    const p = withPhone();
    const a = p.auth(DIGITS);
    expect(<i32><i8>a[0]).toBe(OK);
    expect(a[1]).toBe(0x1f);
    expect(a[2]).toBe(2);   // uses left
    const c = p.read(<u8>Item.CONNECTION);
    expect(<i32><i8>c[1]).toBe(OK);
    expect(c.length).toBe(2 + 4 + 65);
    expect(c[2]).toBe(<u8>PARTNER);
  });

  test("CHANGE and DELETE under the grant are stored and reported as via ble", () => {
    const p = withPhone();
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    expect(p.change(<u8>Item.CAPACITIES, capacitiesValue(6000, 13500, 60000))).toBe(OK);
    expect(p.change(<u8>Item.PERSONAL, null)).toBe(OK);
    const r = p.rigOf();
    expect(r.pcs.unique.capacity(1)).toBe(13500);
    expect(r.pcs.unique.present(Item.PERSONAL)).toBe(false);
    const c = r.entriesOf("change");
    expectHas(c[0], '"item":"capacities","op":"set","by":"D101:3","via":"ble","cap":[6000,13500,60000]');
    expectHas(c[1], '"item":"personal","op":"delete","by":"D101:3","via":"ble"');
  });

  test("without AUTH a change is refused, and a malformed value changes nothing", () => {
    const p = withPhone();
    expect(p.change(<u8>Item.PERSONAL, null)).toBe(E_AUTH);
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    const bad = new Uint8Array(5);
    expect(p.change(<u8>Item.CAPACITIES, bad)).toBe(E_MALFORMED);
    expect(p.rigOf().pcs.unique.capacity(1)).toBe(9800);
  });

  test("CLOSE ends the session and the grant", () => {
    const p = withPhone();
    expect(<i32><i8>p.auth(DIGITS)[0]).toBe(OK);
    const r = p.rigOf();
    expect(r.pcs.auth.grant.isOpen()).toBe(true);
    r.pcs.onLink(Link.BLE, p.session.seal(Ble.CLOSE, new Uint8Array(0))!);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
    expect(r.pcs.ble.connected).toBe(false);
  });

  test("a frame altered on the air is refused and the next genuine one still works", () => {
    const p = withPhone();
    const r = p.rigOf();
    const d = board.utf8(DIGITS);
    const body = new Uint8Array(2 + d.length);
    body[0] = 1; body[1] = <u8>d.length; body.set(d, 2);
    const f = p.session.seal(Ble.AUTH, body)!;
    f[f.length - 1] ^= 1;
    expect(r.pcs.onLink(Link.BLE, f)).toBe(E_AUTH);
    expect(r.pcs.auth.grant.isOpen()).toBe(false);
    // The altered frame did not count as a try.
    expect(r.pcs.auth.triesLeft()).toBe(5);
  });

  test("the window closes after 5 minutes and the session with it", () => {
    const p = withPhone();
    const r = p.rigOf();
    r.wait(5 * 60_000 + 1);
    expect(r.pcs.ble.connected).toBe(false);
    expect(r.pcs.ble.open).toBe(false);
  });
});
