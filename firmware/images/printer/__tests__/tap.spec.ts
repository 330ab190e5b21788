// The tap answer by the printer's state (S19 / S21 / S116, PROTOCOL.md §2), BLE's CONNECT
// window, and NFC/BLE frames the printer refuses without changing anything.
import * as board from "../../../board/index";
import { Link } from "../../../board/index";
import { OK, E_AUTH, E_MALFORMED, E_NOTFOUND, E_STATE, E_UNSUPPORTED } from "../../../core/errors";
import { base64 } from "../../../core/codecs/base64";
import { decodeHandover } from "../../../modules/handover/index";
import { PWT_LEN, PT_LEN, TokenConfig } from "../../../modules/tokens/index";
import { Msg } from "../session";
import { Button } from "../printer";
import { Ble, CONNECT_WINDOW_MS, PAGES_LOW } from "../tap";
import { INK_LOW } from "../ink";
import { Answer, Phone, Rig, SECOND, fresh, lastSent, one, pwtOf, same, shown, svwtOf, token, wifi_calls } from "./rig";

/** A registered printer with `pages` pages (a free charge of them) and the SVWT `svwt`. */
function registered(pages: u32, svwt: Uint8Array | null): Rig {
  const rig = fresh();
  rig.onlineWithSt(token(1));
  if (pages > 0) expect(rig.command('{"cmd":2,"charge":1,"pages":' + pages.toString() + ',"kind":1,"cwt":"' + base64(token(9)) + '"}')).toBe(OK);
  if (svwt !== null) expect(rig.command('{"cmd":3,"svwt":"' + base64(svwt) + '"}')).toBe(OK);
  return rig;
}

function app(rig: Rig): string { return board.text(rig.tap().androidPackage!); }

describe("the tap answer (S19 judgement)", () => {
  it("registered with pages and ink: the group, the PWT and the print app", () => {
    const rig = registered(100, token(2));
    const h = rig.tap();
    expect(h.wifiDirect !== null).toBe(true);
    expect(pwtOf(h).length).toBe(PWT_LEN);
    expect(board.text(h.androidPackage!)).toBe("com.example.printer.print");
    expect(svwtOf(h).length).toBe(0);
    expect(h.uri === null).toBe(true);
  });

  it("fewer than 20 pages: the SVWT, the PWT, the recharge page and the management app; no group", () => {
    const rig = registered(PAGES_LOW - 1, token(2));
    const groups = wifi_calls(1);
    const h = rig.tap();
    expect(same(svwtOf(h), token(2))).toBe(true);
    expect(pwtOf(h).length).toBe(PWT_LEN);
    expect(board.text(h.uri!)).toBe("https://cloud.example/printer/recharge");
    expect(board.text(h.androidPackage!)).toBe("com.example.printer.manage");
    expect(h.wifiDirect === null).toBe(true);
    expect(wifi_calls(1)).toBe(groups);
  });

  it("exactly 20 pages is not low", () => {
    expect(app(registered(PAGES_LOW, null))).toBe("com.example.printer.print");
  });

  it("ink below 15 %: the SVWT, the exchange page and the management app; pages low wins over ink low", () => {
    const rig = registered(1000, token(2));
    while (rig.printer.ink.level >= INK_LOW) rig.printer.ink.printed(10);
    let h = rig.tap();
    expect(board.text(h.uri!)).toBe("https://cloud.example/printer/exchange");
    expect(same(svwtOf(h), token(2))).toBe(true);
    expect(pwtOf(h).length).toBe(PWT_LEN);
    expect(h.wifiDirect === null).toBe(true);
    const low = registered(5, null);
    while (low.printer.ink.level >= INK_LOW) low.printer.ink.printed(10);
    h = low.tap();
    expect(board.text(h.uri!)).toBe("https://cloud.example/printer/recharge");
    expect(svwtOf(h).length).toBe(0);                            // none held: the page and the PWT
    expect(pwtOf(h).length).toBe(PWT_LEN);
  });

  it("a phone whose PT idled out gets a new one over the LAN with the recharge answer's PWT, and its CHARGE is taken", () => {
    const rig = registered(PAGES_LOW - 1, token(2));
    const p = new Phone(rig);
    expect(p.connect(Link.LAN)).toBe(OK);
    p.pt = ptOf(p.send(Msg.PT_REQUEST, pwtOf(rig.tap())));
    rig.runTo(new TokenConfig().ptIdleMs + SECOND);
    expect(p.send(Msg.STATUS, p.pt).status).toBe(E_NOTFOUND);     // idled out
    const pwt = pwtOf(rig.tap());
    p.pt = ptOf(p.send(Msg.PT_REQUEST, pwt));
    expect(p.pt.length).toBe(PT_LEN);
    expect(p.send(Msg.CHARGE, chargeBody(p.pt, token(7, 32))).status).toBe(OK);
    const again = rig.tap();                                       // the PWT was used up: a new one
    expect(same(pwtOf(again), pwt)).toBe(false);
    expect(same(svwtOf(again), token(2))).toBe(true);
    expect(shown(pwt)).toBe(0);
  });

  it("a recharge answer is built again once its PWT's rotation is due, even before the rotation's TIMER event", () => {
    const rig = registered(PAGES_LOW - 1, token(2));
    const first = pwtOf(rig.tap());
    const period = new TokenConfig().pwtRotateMs;
    rig.runTo(period - SECOND);
    expect(same(pwtOf(rig.tap()), first)).toBe(true);            // the cached answer, still true
    rig.clock.now += SECOND; rig.clock.wall += SECOND;             // due, its TIMER not delivered yet
    const rotated = pwtOf(rig.tap());
    expect(rotated.length).toBe(PWT_LEN);
    expect(same(rotated, first)).toBe(false);
    const p = new Phone(rig);
    expect(p.connect(Link.LAN)).toBe(OK);
    expect(p.send(Msg.PT_REQUEST, first).status).toBe(E_AUTH);     // the old one is refused
    expect(ptOf(p.send(Msg.PT_REQUEST, rotated)).length).toBe(PT_LEN);
  });

  it("REPLACE_INK brings the ink back to 100 % and the print answer back", () => {
    const rig = registered(1000, null);
    while (rig.printer.ink.level >= INK_LOW) rig.printer.ink.printed(10);
    expect(rig.printer.onButton(Button.REPLACE_INK)).toBe(OK);
    expect(rig.printer.ink.level).toBe(100);
    expect(app(rig)).toBe("com.example.printer.print");
  });

  it("never carries the ST or the router key", () => {
    const rig = registered(100, token(2));
    rig.printer.onLink(Link.NFC, new Uint8Array(0));
    const b = lastSent(Link.NFC);
    expect(contains(b, token(1))).toBe(false);
    expect(contains(b, board.utf8("correct horse"))).toBe(false);
  });
});

describe("BLE and the CONNECT window", () => {
  it("READ_HANDOVER is refused (E_STATE) until CONNECT is pressed; then answered once with the NFC answer's bytes", () => {
    const rig = fresh();
    expect(rig.printer.onLink(Link.BLE, one(Ble.READ_HANDOVER))).toBe(E_STATE);
    let f = lastSent(Link.BLE);
    expect(f.length).toBe(2);
    expect(f[0]).toBe(Ble.ERROR);
    expect(<i32><i8>f[1]).toBe(E_STATE);
    rig.printer.onButton(Button.CONNECT);
    expect(rig.printer.onLink(Link.BLE, one(Ble.READ_HANDOVER))).toBe(OK);
    f = lastSent(Link.BLE);
    expect(f[0]).toBe(Ble.HANDOVER);
    const h = decodeHandover(f.subarray(1));
    expect(h.error).toBe(OK);
    expect(pwtOf(h).length).toBe(PWT_LEN);
    expect(rig.printer.onLink(Link.BLE, one(Ble.READ_HANDOVER))).toBe(E_STATE);   // reading closed it
  });

  it("the window closes after 60 s", () => {
    const rig = fresh();
    rig.printer.onButton(Button.CONNECT);
    rig.runTo(CONNECT_WINDOW_MS - SECOND);
    expect(rig.printer.tap.connectOpen).toBe(true);
    rig.runTo(CONNECT_WINDOW_MS);
    expect(rig.printer.onLink(Link.BLE, one(Ble.READ_HANDOVER))).toBe(E_STATE);
  });
});

describe("malformed NFC and BLE frames: an error code, no state change, no secret shown", () => {
  it("BLE: empty, unknown type, extra bytes are E_MALFORMED and do not use up the window", () => {
    const rig = fresh();
    rig.printer.onButton(Button.CONNECT);
    const groups = wifi_calls(1);
    const frames: Uint8Array[] = [new Uint8Array(0), one(0x02), one(0x81), new Uint8Array(2)];
    frames[3][0] = Ble.READ_HANDOVER;
    for (let i = 0; i < frames.length; i++) {
      expect(rig.printer.onLink(Link.BLE, frames[i])).toBe(E_MALFORMED);
      const f = lastSent(Link.BLE);
      expect(f[0]).toBe(Ble.ERROR);
      expect(<i32><i8>f[1]).toBe(E_MALFORMED);
    }
    expect(rig.printer.tap.connectOpen).toBe(true);
    expect(wifi_calls(1)).toBe(groups);
  });

  it("NFC: a phone writing NDEF gets the decoder's error, or E_UNSUPPORTED for a well-formed message; nothing is answered", () => {
    const rig = fresh();
    const junk = new Uint8Array(5);
    junk[0] = 0xd1; junk[1] = 9;
    expect(rig.printer.onLink(Link.NFC, junk)).toBe(E_MALFORMED);
    rig.tap();
    const answer = lastSent(Link.NFC);
    const pwt = pwtOf(decodeHandover(answer));
    expect(rig.printer.onLink(Link.NFC, answer)).toBe(E_UNSUPPORTED);   // well formed: the tag is read-only
    expect(same(lastSent(Link.NFC), answer)).toBe(true);
    expect(same(pwtOf(rig.tap()), pwt)).toBe(true);
    expect(shown(pwt)).toBe(0);
  });
});

/** The PT of a PT answer (empty when refused). */
function ptOf(a: Answer): Uint8Array {
  return a.type == Msg.PT && a.body.length == 1 + PT_LEN ? a.body.slice(1) : new Uint8Array(0);
}

function chargeBody(pt: Uint8Array, cwt: Uint8Array): Uint8Array {
  const b = new Uint8Array(PT_LEN + 1 + cwt.length);
  b.set(pt, 0);
  b[PT_LEN] = <u8>cwt.length;
  b.set(cwt, PT_LEN + 1);
  return b;
}

function contains(hay: Uint8Array, needle: Uint8Array): bool {
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let k = 0;
    while (k < needle.length && hay[i + k] == needle[k]) k++;
    if (k == needle.length) return true;
  }
  return false;
}
