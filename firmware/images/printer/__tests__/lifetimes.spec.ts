// Each token's lifetime at T-1 s, T and T+1 s, seen through the printer's own frames (the
// tap answer, the session's requests), with T from the token module's defaults.
import { Link } from "../../../board/index";
import { OK, E_AUTH, E_NOTFOUND, E_STATE } from "../../../core/errors";
import { base64 } from "../../../core/codecs/base64";
import { TokenConfig, PT_LEN } from "../../../modules/tokens/index";
import { Msg } from "../session";
import { Phone, Rig, SECOND, MINUTE, fresh, pwtOf, same, svwtOf, token } from "./rig";

const CONFIG = new TokenConfig();

/** A registered printer online with 100 pages (so that a tap offers the PWT). */
function ready(): Rig {
  const rig = fresh();
  rig.onlineWithSt(token(1));
  expect(rig.command('{"cmd":2,"charge":1,"pages":100,"kind":1,"cwt":"' + base64(token(9)) + '"}')).toBe(OK);
  return rig;
}

/** A phone with a LAN session and a PT got with the PWT of a tap. */
function lanPhone(rig: Rig): Phone {
  const pwt = pwtOf(rig.tap());
  const p = new Phone(rig);
  expect(p.connect(Link.LAN)).toBe(OK);
  const a = p.send(Msg.PT_REQUEST, pwt);
  expect(a.type).toBe(Msg.PT);
  p.pt = a.body.slice(1);
  return p;
}

/** PT_REQUEST with the PWT a tap showed at 0, offered at its rotation time + `offset`. */
function pwtAt(offset: i64): i32 {
  const rig = fresh();
  const pwt = pwtOf(rig.tap());
  rig.runTo(CONFIG.pwtRotateMs + offset);
  rig.tap();                                         // the group again (its window is long over)
  const p = new Phone(rig);
  expect(p.connect(Link.WIFI_DIRECT)).toBe(OK);
  const a = p.send(Msg.PT_REQUEST, pwt);
  return a.type == Msg.PT ? OK : a.status;
}

/** STATUS with a PT issued at 0 and not used since, at its idle time + `offset`. */
function ptAt(offset: i64): i32 {
  const rig = ready();
  const p = lanPhone(rig);
  rig.runTo(CONFIG.ptIdleMs + offset);
  const a = p.send(Msg.STATUS, p.pt);
  return a.type == Msg.STATUS_REPLY ? OK : a.status;
}

/** Whether a tap of a printer short of pages carries the SVWT that came at 0. */
function svwtTappedAt(offset: i64): bool {
  const rig = fresh();
  rig.onlineWithSt(token(1));
  expect(rig.command('{"cmd":2,"svwt":"' + base64(token(2)) + '"}')).toBe(OK);
  rig.runTo(CONFIG.svwtLifetimeMs + offset);
  return same(svwtOf(rig.tap()), token(2));
}

/** A second CHARGE (another CWT) while the first, presented at 0, is pending: refused
 *  until the first one's lifetime is over. The PT is kept alive by a STATUS every 20 min. */
function secondChargeAt(offset: i64): i32 {
  const rig = ready();
  const p = lanPhone(rig);
  expect(p.send(Msg.CHARGE, chargeBody(p.pt, token(7, 32))).status).toBe(OK);
  const end = CONFIG.cwtLifetimeMs + offset;
  for (let t: i64 = 20 * MINUTE; t < end; t += 20 * MINUTE) {
    rig.runTo(t);
    expect(p.send(Msg.STATUS, p.pt).type).toBe(Msg.STATUS_REPLY);
  }
  rig.runTo(end);
  return p.send(Msg.CHARGE, chargeBody(p.pt, token(8, 32))).status;
}

function chargeBody(pt: Uint8Array, cwt: Uint8Array): Uint8Array {
  const b = new Uint8Array(PT_LEN + 1 + cwt.length);
  b.set(pt, 0);
  b[PT_LEN] = <u8>cwt.length;
  b.set(cwt, PT_LEN + 1);
  return b;
}

describe("PWT (rotation, 1 h)", () => {
  it("is accepted at T-1 s", () => { expect(pwtAt(-SECOND)).toBe(OK); });
  it("is refused at T", () => { expect(pwtAt(0)).toBe(E_AUTH); });
  it("is refused at T+1 s", () => { expect(pwtAt(SECOND)).toBe(E_AUTH); });
});

describe("PT (idle, 30 min)", () => {
  it("is accepted at T-1 s", () => { expect(ptAt(-SECOND)).toBe(OK); });
  it("is gone at T", () => { expect(ptAt(0)).toBe(E_NOTFOUND); });
  it("is gone at T+1 s", () => { expect(ptAt(SECOND)).toBe(E_NOTFOUND); });
});

describe("SVWT (lifetime, 24 h)", () => {
  it("is in the tap answer at T-1 s", () => { expect(svwtTappedAt(-SECOND)).toBe(true); });
  it("is gone at T", () => { expect(svwtTappedAt(0)).toBe(false); });
  it("is gone at T+1 s", () => { expect(svwtTappedAt(SECOND)).toBe(false); });
});

describe("CWT (lifetime, 24 h)", () => {
  it("still pending at T-1 s: another charge waits", () => { expect(secondChargeAt(-SECOND)).toBe(E_STATE); });
  it("dropped at T: another charge is taken", () => { expect(secondChargeAt(0)).toBe(OK); });
  it("dropped at T+1 s", () => { expect(secondChargeAt(SECOND)).toBe(OK); });
});
