// The printer's cloud commands (PROTOCOL.md §4): the ST, the SVWT and its exchange, charges
// applied exactly once, and what goes to the cloud (hello, state, mirror, fetches).
import { Link } from "../../../board/index";
import { OK, E_INVAL, E_STATE } from "../../../core/errors";
import { base64 } from "../../../core/codecs/base64";
import { CLOUD_MAX, PT_LEN } from "../../../modules/tokens/index";
import { Msg } from "../session";
import { Entry, PrinterOutboxFormat } from "../outbox-entries";
import { Rig, Phone, fresh, lastPublished, mqtt_published, pwtOf, same, shown, token } from "./rig";

function charge(cmd: i32, id: i32, pages: i32, kind: i32, cwt: Uint8Array): string {
  return '{"cmd":' + cmd.toString() + ',"charge":' + id.toString() + ',"pages":' + pages.toString()
    + ',"kind":' + kind.toString() + ',"cwt":"' + base64(cwt) + '"}';
}

/** The newest outbox entry of `kind`, as the cloud gets it ("" when there is none). */
function newest(rig: Rig, kind: u8): string {
  const o = rig.printer.cloud.outbox;
  for (let seq = o.last; seq >= o.first && seq > 0; seq--) {
    const e = o.entry(seq);
    if (e !== null && e.kind == kind) return new PrinterOutboxFormat().json(seq, kind, e.body);
  }
  return "";
}

/** A phone holding a PT: the printer needs pages for its tap to offer the PWT. */
function phoneWithPt(rig: Rig): Uint8Array {
  const h = rig.tap();
  const p = new Phone(rig);
  expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);
  phone = p;
  return p.send(Msg.PT_REQUEST, pwtOf(h)).body.subarray(1);
}
let phone: Phone | null = null;

describe("server token", () => {
  it("the ST command stores the ST; the state then says registered; it is never shown", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.printer.tokens.hasSt()).toBe(true);
    expect(rig.printer.stateJson()).toBe('{"pages":0,"ink":100,"registered":1}');
    expect(shown(token(1))).toBe(0);
  });

  it("the same command again (resent after hello until replied) is answered again and changes nothing", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.command('{"cmd":1,"st":"' + base64(token(1)) + '"}')).toBe(OK);
    expect(rig.command('{"cmd":2,"st":"' + base64(token(1)) + '"}')).toBe(OK);   // the same ST under a new number
    expect(rig.command('{"cmd":3,"st":"' + base64(token(5)) + '"}')).toBe(E_STATE);   // another ST: one is held
  });

  it("a token that is not canonical base64 or outside 16..64 bytes is refused and stores nothing", () => {
    const rig = fresh();
    rig.registered();
    rig.printer.cloud.start(false);
    rig.storeRouter();
    rig.online();
    expect(rig.command('{"cmd":1,"st":"AAAA"}')).toBe(E_INVAL);
    expect(rig.command('{"cmd":2,"st":"' + base64(token(1)) + '="}')).toBe(E_INVAL);
    expect(rig.command('{"cmd":3,"st":"' + base64(token(1, CLOUD_MAX + 1)) + '"}')).toBe(E_INVAL);
    expect(rig.printer.tokens.hasSt()).toBe(false);
  });

  it("with the ST the printer fetches a SVWT: up/svwt carries the ST", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.runTo(1);                                               // the pre-fetch deadline, due at once
    expect(lastPublished()).toBe('{"st":"' + base64(token(1)) + '"}');
  });
});

describe("service one-time token", () => {
  it("a svwt command stores it; the exchanged command deletes it, and a second report changes nothing", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.command('{"cmd":2,"svwt":"' + base64(token(2)) + '"}')).toBe(OK);
    expect(rig.printer.hasSvwt()).toBe(true);
    expect(rig.command('{"cmd":3,"exchanged":"' + base64(token(2)) + '"}')).toBe(OK);
    expect(rig.printer.hasSvwt()).toBe(false);
    expect(rig.command('{"cmd":4,"exchanged":"' + base64(token(2)) + '"}')).toBe(OK);
    expect(rig.command('{"cmd":5,"svwt":"' + base64(token(2)) + '"}')).toBe(E_STATE);   // the exchanged one, replayed
    expect(rig.printer.hasSvwt()).toBe(false);
  });

  it("SVWT_GET answers it to the management app; without one, -5 and a fetch", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command(charge(2, 1, 100, 1, token(3)));
    const pt = phoneWithPt(rig);
    const p = phone!;
    const published = mqtt_published();
    let r = p.send(Msg.SVWT_GET, pt);
    expect(r.type).toBe(Msg.SVWT);
    expect(r.status).toBe(-5);
    expect(mqtt_published()).toBe(published + 1);
    expect(lastPublished()).toBe('{"st":"' + base64(token(1)) + '"}');
    rig.command('{"cmd":3,"svwt":"' + base64(token(2)) + '"}');
    r = p.send(Msg.SVWT_GET, pt);
    expect(r.status).toBe(OK);
    expect(same(r.body.subarray(1), token(2))).toBe(true);
    expect(shown(token(2))).toBe(0);
  });
});

describe("charges: exactly once", () => {
  it("a charge command adds its pages once; the same command replayed and the same charge under a new number add nothing", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.command(charge(2, 1, 2000, 1, token(3)))).toBe(OK);
    expect(rig.printer.pages.balance).toBe(2000);
    expect(rig.printer.pages.freeTotal).toBe(2000);
    expect(rig.command(charge(2, 1, 2000, 1, token(3)))).toBe(OK);      // the same command: answered as then
    expect(rig.command(charge(3, 1, 2000, 1, token(3)))).toBe(1);       // USED
    expect(rig.printer.pages.balance).toBe(2000);
    expect(rig.command(charge(4, 2, 500, 2, token(4)))).toBe(OK);
    expect(rig.printer.pages.balance).toBe(2500);
    expect(rig.printer.pages.paidTotal).toBe(500);
  });

  it("a charge survives a power cut and is not applied again after it", () => {
    let rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.command(charge(2, 1, 300, 2, token(3)))).toBe(OK);
    rig = rig.reboot(5000);
    expect(rig.printer.pages.balance).toBe(300);
    rig.wifi(1);
    rig.online();
    expect(rig.command(charge(2, 1, 300, 2, token(3)))).toBe(OK);
    expect(rig.command(charge(3, 1, 300, 2, token(3)))).toBe(1);
    expect(rig.printer.pages.balance).toBe(300);
  });

  it("a charge with a bad kind, no pages or no CWT is refused and adds nothing", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    expect(rig.command(charge(2, 1, 300, 3, token(3)))).toBe(E_INVAL);
    expect(rig.command(charge(3, 1, 0, 2, token(3)))).toBe(E_INVAL);
    expect(rig.command('{"cmd":4,"charge":1,"pages":300,"kind":2}')).toBe(E_INVAL);
    expect(rig.printer.pages.balance).toBe(0);
  });

  it("CHARGE passes the CWT to the cloud once with the ST; the charge command consumes it", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command(charge(2, 1, 100, 1, token(3)));
    const pt = phoneWithPt(rig);
    const p = phone!;
    const cwt = token(7, 32);
    const body = new Uint8Array(PT_LEN + 1 + cwt.length);
    body.set(pt, 0);
    body[PT_LEN] = <u8>cwt.length;
    body.set(cwt, PT_LEN + 1);
    let r = p.send(Msg.CHARGE, body);
    expect(r.type).toBe(Msg.CHARGE_ACK);
    expect(r.status).toBe(OK);
    expect(lastPublished()).toBe('{"st":"' + base64(token(1)) + '","cwt":"' + base64(cwt) + '"}');
    r = p.send(Msg.CHARGE, body);                              // pending: a second one waits
    expect(r.status).toBe(E_STATE);
    expect(rig.command(charge(3, 2, 2000, 2, cwt))).toBe(OK);
    expect(rig.printer.pages.balance).toBe(2100);
    expect(p.send(Msg.CHARGE, body).status).toBe(E_STATE);      // consumed: refused as a replay
    expect(shown(cwt)).toBe(0);
  });

  it("after every charge and every connect the mirror goes to the outbox", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command(charge(2, 1, 40, 2, token(3)));
    let j = newest(rig, Entry.MIRROR);
    expect(j.includes('"kind":"mirror"')).toBe(true);
    expect(j.includes('"balance":40')).toBe(true);
    expect(j.includes('"paid":40')).toBe(true);
    expect(j.includes('"high":1')).toBe(true);
    const version = rig.printer.pages.version;
    const seq = rig.printer.cloud.outbox.last;
    rig.printer.onMqttState(0);
    rig.online();
    expect(rig.printer.cloud.outbox.last).toBe(seq + 1);         // the mirror again, same version
    j = newest(rig, Entry.MIRROR);
    expect(j.includes('"version":' + version.toString())).toBe(true);
  });
});

describe("printing", () => {
  it("a print order debits its pages, reports printed and the mirror, and uses ink", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command(charge(2, 1, 100, 1, token(3)));
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const order = new Uint8Array(10);
    order.set(pwtOf(h), 0);
    order[9] = 30;
    const r = p.send(Msg.PRINT, order);
    expect(r.type).toBe(Msg.PRINTED);
    expect(r.status).toBe(OK);
    expect(r.body[4]).toBe(70);
    expect(rig.printer.pages.balance).toBe(70);
    expect(rig.printer.ink.level).toBe(97);
    expect(newest(rig, Entry.MIRROR).includes('"balance":70')).toBe(true);
    expect(newest(rig, Entry.PRINTED).includes('"kind":"printed","pages":30')).toBe(true);
    expect(rig.printer.stateJson()).toBe('{"pages":70,"ink":97,"registered":1}');
  });

  it("an order larger than the balance is refused SHORT and the balance stays", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command(charge(2, 1, 20, 1, token(3)));
    const h = rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    const order = new Uint8Array(10);
    order.set(pwtOf(h), 0);
    order[9] = 21;
    const r = p.send(Msg.PRINT, order);
    expect(r.status).toBe(3);
    expect(r.body[4]).toBe(20);
    expect(rig.printer.pages.balance).toBe(20);
  });
});
