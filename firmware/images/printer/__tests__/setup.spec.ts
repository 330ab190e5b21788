// Setting the printer up by touch (S19-S61 up to the registration): the tap's group, the
// session on it, a wrong router key and the retry, the PT against the PWT read by touch,
// the registration over the LAN.
import * as board from "../../../board/index";
import { Link } from "../../../board/index";
import { OK, E_AUTH, E_LOCKED, E_MALFORMED, E_NOTFOUND, E_STATE, E_UNSUPPORTED } from "../../../core/errors";
import { concat, putU16BE, slice } from "../../../core/codecs/bytes";
import { SessionConfig, Role, commitment, NONCE_LEN } from "../../../modules/secure-session/index";
import { withString } from "../../../core/codecs/fields";
import { PT_LEN, PWT_LEN } from "../../../modules/tokens/index";
import { Msg, MAX_REFUSED } from "../session";
import { Router, GROUP_WINDOW_MS } from "../wifi";
import { SetUp } from "../requests";
import {
  Answer, DEVICE_ID, Phone, Rig, SECOND, SERIAL, fresh, lastSent, lastWifi, one, pwtOf, routerNdef, same, shown, wifi_calls,
} from "./rig";

/** A phone that tapped and joined the group: its session on Wi-Fi Direct is open. */
function tapped(rig: Rig): Phone {
  const h = rig.tap();
  expect(h.wifiDirect !== null).toBe(true);
  const p = new Phone(rig);
  expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);
  return p;
}

function ptOf(a: Answer): Uint8Array {
  expect(a.type).toBe(Msg.PT);
  expect(a.status).toBe(OK);
  expect(a.body.length).toBe(1 + PT_LEN);
  return a.body.subarray(1);
}

function printOrder(pwt: Uint8Array, pages: u32): Uint8Array {
  const b = new Uint8Array(PWT_LEN + 2);
  b.set(pwt, 0);
  putU16BE(b, PWT_LEN, pages);
  return b;
}

describe("set-up by touch", () => {
  it("a tap of an unconfigured printer starts the group and answers its credentials, the PWT and the management app", () => {
    const rig = fresh();
    const groupsBefore = wifi_calls(1);
    const h = rig.tap();
    expect(wifi_calls(1)).toBe(groupsBefore + 1);
    const g = h.wifiDirect!;
    expect(board.text(g.ssid).startsWith("DIRECT-")).toBe(true);
    expect(board.text(g.ssid).endsWith("-Printer")).toBe(true);
    expect(g.passphrase.length).toBe(16);
    expect(same(g.passphrase, rig.printer.wifi.groupPass)).toBe(true);
    expect(pwtOf(h).length).toBe(PWT_LEN);
    expect(board.text(h.androidPackage!)).toBe("com.example.printer.manage");
    expect(h.uri === null).toBe(true);
    // the group's passphrase and the PWT reach only the tapping phone
    expect(shown(g.passphrase)).toBe(0);
    expect(shown(pwtOf(h))).toBe(0);
  });

  it("the group ends 120 s after the last tap or frame on it, and only then", () => {
    const rig = fresh();
    rig.tap();
    rig.runTo(GROUP_WINDOW_MS - SECOND);
    const p = new Phone(rig);
    expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);            // a frame restarts the window
    rig.runTo(2 * GROUP_WINDOW_MS - 2 * SECOND);
    expect(rig.printer.wifi.groupRunning).toBe(true);
    rig.runTo(2 * GROUP_WINDOW_MS);
    expect(rig.printer.wifi.groupRunning).toBe(false);
    expect(lastWifi(1).length).toBe(2);                      // wifi_group with empty ssid and pass
    expect(rig.printer.onLink(Link.WIFI_DIRECT, one(Msg.NONCE_REQUEST))).toBe(E_STATE);
  });

  it("HELLO_REPLY says unconfigured and the serial", () => {
    const rig = fresh();
    const p = tapped(rig);
    expect(p.helloState).toBe(SetUp.UNCONFIGURED);
    expect(p.serial).toBe(SERIAL);
  });

  it("a wrong router key is answered -6 and nothing is stored; ROUTER again with the right key joins, stores it and ends the group", () => {
    const rig = fresh();
    const p = tapped(rig);
    expect(p.send(Msg.ROUTER, routerNdef("HomeNet", "wrong key!")).type).toBe(0);   // answered when the radio is
    expect(rig.printer.wifi.state).toBe(Router.JOINING);
    const join = lastWifi(0);
    expect(join[0]).toBe(7);
    rig.wifi(E_AUTH);
    let r = p.read(lastSent(Link.WIFI_DIRECT));
    expect(r.type).toBe(Msg.ROUTER_RESULT);
    expect(r.status).toBe(E_AUTH);
    expect(rig.printer.wifi.configured).toBe(false);
    expect(rig.printer.wifi.groupRunning).toBe(true);
    expect(p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse")).type).toBe(0);
    rig.wifi(1);
    r = p.read(lastSent(Link.WIFI_DIRECT));
    expect(r.type).toBe(Msg.ROUTER_RESULT);
    expect(r.status).toBe(OK);
    expect(rig.printer.wifi.configured).toBe(true);
    expect(rig.printer.wifi.joined).toBe(true);
    expect(rig.printer.wifi.groupRunning).toBe(false);      // S29
    expect(shown(board.utf8("correct horse"))).toBe(0);
    expect(shown(board.utf8("wrong key!"))).toBe(0);
  });

  it("a second ROUTER while a join is under way is answered busy (-3)", () => {
    const rig = fresh();
    const p = tapped(rig);
    p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    const r = p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    expect(r.type).toBe(Msg.ROUTER_RESULT);
    expect(r.status).toBe(E_STATE);
  });

  it("a join the router never answers ends after 20 s as no such network", () => {
    const rig = fresh();
    const p = tapped(rig);
    p.send(Msg.ROUTER, routerNdef("Elsewhere", "correct horse"));
    rig.runTo(20 * SECOND);
    const r = p.read(lastSent(Link.WIFI_DIRECT));
    expect(r.status).toBe(E_NOTFOUND);
    expect(rig.printer.wifi.configured).toBe(false);
  });

  it("stored router credentials are joined at the next boot", () => {
    let rig = fresh();
    const p = tapped(rig);
    p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    rig.wifi(1);
    const joins = wifi_calls(0);
    rig = rig.reboot(1000);
    expect(wifi_calls(0)).toBe(joins + 1);
    const j = lastWifi(0);
    expect(j[0]).toBe(7);
    expect(rig.printer.wifi.state).toBe(Router.JOINING);
  });
});

describe("the PT against the PWT read by touch", () => {
  it("PT_REQUEST with the PWT gives a PT bound to this phone; the PWT is used up and a new one is current", () => {
    const rig = fresh();
    const h = rig.tap();
    const pwt = pwtOf(h);
    const p = new Phone(rig);
    expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);
    const pt = ptOf(p.send(Msg.PT_REQUEST, pwt));
    expect(shown(pt)).toBe(0);
    const again = p.send(Msg.PT_REQUEST, pwt);                // a replay of the used PWT
    expect(again.type).toBe(Msg.ERROR);
    expect(again.status).toBe(E_AUTH);
    expect(same(pwtOf(rig.tap()), pwt)).toBe(false);          // rotated after use
    const s = p.send(Msg.STATUS, pt);
    expect(s.type).toBe(Msg.STATUS_REPLY);
    expect(s.status).toBe(OK);
  });

  it("another phone cannot use the PT", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const pt = ptOf(p.send(Msg.PT_REQUEST, pwtOf(h)));
    const q = new Phone(rig);
    expect(q.connect(Link.WIFI_DIRECT)).toBe(OK);
    const r = q.send(Msg.STATUS, pt);
    expect(r.type).toBe(Msg.ERROR);
    expect(r.status).toBe(E_AUTH);
    expect(q.send(Msg.PT_DELETE, pt).status).toBe(E_AUTH);
    expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);            // the owner, in a new session
    expect(p.send(Msg.STATUS, pt).status).toBe(OK);
  });

  it("PT_DELETE by its phone deletes it: the PT is refused afterwards", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const pt = ptOf(p.send(Msg.PT_REQUEST, pwtOf(h)));
    const d = p.send(Msg.PT_DELETE, pt);
    expect(d.type).toBe(Msg.REPLY);
    expect(d.status).toBe(OK);
    expect(rig.printer.tokens.hasPt()).toBe(false);
    const r = p.send(Msg.STATUS, pt);
    expect(r.type).toBe(Msg.ERROR);
    expect(r.status).toBe(E_NOTFOUND);
  });
});

describe("registration over the LAN", () => {
  it("REGISTER with the PT stores the device id and password; the cloud link connects; a resend is answered OK; another id is refused", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const pt = ptOf(p.send(Msg.PT_REQUEST, pwtOf(h)));
    p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    rig.wifi(1);
    expect(p.connect(Link.LAN)).toBe(OK);
    expect(p.helloState).toBe(SetUp.ON_ROUTER);
    const password = "a-password-of-24-bytes!!";
    const body = withString(withString(pt, DEVICE_ID), password);
    let r = p.send(Msg.REGISTER, body);
    expect(r.type).toBe(Msg.REPLY);
    expect(r.status).toBe(OK);
    expect(rig.store.registrationDeviceId()).toBe(DEVICE_ID);
    expect(rig.printer.cloud.deviceId).toBe(DEVICE_ID);      // connecting
    expect(shown(board.utf8(password))).toBe(0);
    r = p.send(Msg.REGISTER, body);
    expect(r.status).toBe(OK);
    r = p.send(Msg.REGISTER, withString(withString(pt, "another-id"), password));
    expect(r.status).toBe(E_STATE);
    expect(rig.store.registrationDeviceId()).toBe(DEVICE_ID);
  });

  it("REGISTER is refused on Wi-Fi Direct, and a short password is malformed", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const pt = ptOf(p.send(Msg.PT_REQUEST, pwtOf(h)));
    expect(p.send(Msg.REGISTER, withString(withString(pt, DEVICE_ID), "0123456789abcdef")).status).toBe(E_UNSUPPORTED);
    p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    rig.wifi(1);
    p.connect(Link.LAN);
    expect(p.send(Msg.REGISTER, withString(withString(pt, DEVICE_ID), "short")).status).toBe(E_MALFORMED);
    expect(rig.store.registered()).toBe(false);
  });
});

describe("refused frames", () => {
  it("every refusal is a plain ERROR and changes nothing; the fifth closes the session", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const pwt = pwtOf(h);
    for (let i = 1; i < MAX_REFUSED; i++) {
      const r = p.send(Msg.STATUS, new Uint8Array(3));
      expect(r.type).toBe(Msg.ERROR);
      expect(r.status).toBe(E_MALFORMED);
    }
    const last = p.send(0x7e, new Uint8Array(0));
    expect(last.status).toBe(E_LOCKED);
    expect(p.session.isOpen).toBe(true);                      // the phone's side; the printer's is gone
    const after = p.send(Msg.PT_REQUEST, pwt);
    expect(after.type).toBe(Msg.ERROR);
    expect(after.status).toBe(E_STATE);
    expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);             // a new session
    expect(ptOf(p.send(Msg.PT_REQUEST, pwt)).length).toBe(PT_LEN);   // the PWT was untouched
  });

  it("a frame altered in flight or replayed is refused (E_AUTH) and the next in order still opens", () => {
    const rig = fresh();
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const f = p.session.seal(Msg.PT_REQUEST, pwtOf(h))!;
    const bad = concat(new Uint8Array(0), f);
    bad[bad.length - 1] ^= 1;
    expect(p.sendRaw(bad).status).toBe(E_AUTH);
    expect(ptOf(p.sendRaw(f)).length).toBe(PT_LEN);
    expect(p.sendRaw(f).status).toBe(E_AUTH);                 // replayed
  });

  it("HELLO with a key that does not match the commitment is refused", () => {
    const rig = fresh();
    rig.tap();
    const p = new Phone(rig), q = new Phone(rig);
    const cfg = new SessionConfig("printer-wfd-v1", Link.WIFI_DIRECT, Role.INITIATOR);
    rig.printer.onLink(Link.WIFI_DIRECT, concat(one(Msg.NONCE_REQUEST), commitment(cfg.binding, p.pub)));
    const nonce = slice(lastSent(Link.WIFI_DIRECT), 1, NONCE_LEN);
    expect(rig.printer.onLink(Link.WIFI_DIRECT, concat(concat(one(Msg.HELLO), q.pub), nonce))).toBe(E_AUTH);
    const e = lastSent(Link.WIFI_DIRECT);
    expect(e.length).toBe(2);
    expect(e[0]).toBe(Msg.ERROR);
  });
});

describe("print orders", () => {
  it("a print order with a PWT another phone already used is refused and nothing is debited", () => {
    const rig = fresh();
    const h = rig.tap();
    const pwt = pwtOf(h);
    const a = new Phone(rig), b = new Phone(rig);
    a.connect(Link.WIFI_DIRECT);
    const r = a.send(Msg.PRINT, printOrder(pwt, 1));
    expect(r.type).toBe(Msg.PRINTED);
    expect(r.status).toBe(3);                                 // SHORT: no pages yet
    b.connect(Link.WIFI_DIRECT);
    const s = b.send(Msg.PRINT, printOrder(pwt, 1));
    expect(s.type).toBe(Msg.ERROR);
    expect(s.status).toBe(E_AUTH);
  });

  it("0 pages, 501 pages and a short frame are malformed and keep the PWT", () => {
    const rig = fresh();
    const pwt = pwtOf(rig.tap());
    const a = new Phone(rig);
    a.connect(Link.WIFI_DIRECT);
    expect(a.send(Msg.PRINT, printOrder(pwt, 0)).status).toBe(E_MALFORMED);
    expect(a.send(Msg.PRINT, printOrder(pwt, 501)).status).toBe(E_MALFORMED);
    expect(a.send(Msg.PRINT, pwt).status).toBe(E_MALFORMED);
    expect(same(pwtOf(rig.tap()), pwt)).toBe(true);
  });
});
