// A device that starts the pairing (initiator) and one that answers (responder) run
// against each other in this instance on the real board (ECDH P-256, AES-GCM, HMAC from
// node's crypto), exchanging exactly the frames they produce. A man in the middle is two
// more sessions relaying between them.
import { SecureSession, SessionConfig, Role, deriveKeys, shortAuthString, commitment, NONCE_LEN, PUBLIC_LEN } from "../session";
import { Link, utf8 } from "../../../board/index";
import { OK, E_AUTH, E_INVAL, E_MALFORMED, E_STATE } from "../../../core/errors";
import { slice } from "../../../core/codecs/bytes";

function filled(n: i32, v: u8): Uint8Array { const b = new Uint8Array(n); b.fill(v); return b; }
function copy(b: Uint8Array): Uint8Array { return slice(b, 0, b.length); }
function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
function text(b: Uint8Array | null): string { return b === null ? "<refused>" : String.UTF8.decode(b.buffer); }

function initiator(label: string, link: i32 = Link.BLE): SecureSession { return new SecureSession(new SessionConfig(label, link, Role.INITIATOR)); }
function responder(label: string, link: i32 = Link.BLE): SecureSession { return new SecureSession(new SessionConfig(label, link, Role.RESPONDER)); }

/** The three handshake messages, as the two sides would send them. */
class Handshake {
  commit: Uint8Array = new Uint8Array(0);
  nonce: Uint8Array = new Uint8Array(0);
  responderPublic: Uint8Array = new Uint8Array(0);
  initiatorPublic: Uint8Array = new Uint8Array(0);
  completeRc: i32 = -100;
  acceptRc: i32 = -100;
}

/** Runs a handshake; the messages are copies, so a test can tamper with them. */
function handshake(i: SecureSession, r: SecureSession): Handshake {
  const h = new Handshake();
  h.commit = copy(i.begin());
  r.offer(copy(h.commit));
  h.nonce = copy(r.nonce);
  h.responderPublic = copy(r.ownPublic);
  h.completeRc = i.complete(copy(h.responderPublic), copy(h.nonce));
  h.initiatorPublic = copy(i.ownPublic);
  h.acceptRc = r.accept(copy(h.initiatorPublic), copy(h.nonce));
  return h;
}

function paired(label: string): SecureSession[] {
  const i = initiator(label), r = responder(label);
  const h = handshake(i, r);
  expect(h.completeRc).toBe(OK);
  expect(h.acceptRc).toBe(OK);
  return [i, r];
}

function isSixDigits(code: string): bool {
  if (code.length != 6) return false;
  for (let k = 0; k < 6; k++) if (code.charCodeAt(k) < 0x30 || code.charCodeAt(k) > 0x39) return false;
  return true;
}

describe("secure session: handshake between an initiator and a responder", () => {
  it("both sides agree on the key and show the same six-digit code", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    const h = handshake(i, r);
    expect(h.completeRc).toBe(OK);
    expect(h.acceptRc).toBe(OK);
    expect(h.commit.length).toBe(32);
    expect(h.nonce.length).toBe(NONCE_LEN);
    expect(h.responderPublic.length).toBe(PUBLIC_LEN);
    expect(i.isOpen && r.isOpen).toBe(true);
    expect(isSixDigits(i.code)).toBe(true);
    expect(i.code).toBe(r.code);
    // Same key: each side opens what the other sealed.
    expect(text(r.openFrame(i.seal(0x02, utf8("from the initiator"))!))).toBe("from the initiator");
    expect(text(i.openFrame(r.seal(0x82, utf8("from the responder"))!))).toBe("from the responder");
  });

  it("every pairing draws fresh keys: a second one shows another code and cannot read the first's frames", () => {
    const a = paired("lock-ble-v1"), b = paired("lock-ble-v1");
    expect(a[0].code == b[0].code).toBe(false);
    expect(b[1].openFrame(a[0].seal(0x02, utf8("x"))!) === null).toBe(true);
    expect(b[1].refusal).toBe(E_AUTH);
  });

  it("the private key is used once: a second complete, or one before begin, is refused", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    expect(i.complete(filled(PUBLIC_LEN, 4), filled(NONCE_LEN, 1))).toBe(E_STATE);
    const h = handshake(i, r);
    expect(h.completeRc).toBe(OK);
    expect(i.complete(h.responderPublic, h.nonce)).toBe(E_STATE);
    expect(r.accept(h.initiatorPublic, h.nonce)).toBe(E_AUTH);     // the offer is spent too
    expect(i.code).toBe(r.code);
  });

  it("each role's calls are refused on the other role", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    r.begin();
    expect(r.complete(filled(PUBLIC_LEN, 4), filled(NONCE_LEN, 1))).toBe(E_STATE);
    i.offer(filled(32, 1));
    expect(i.accept(i.ownPublic, i.nonce)).toBe(E_STATE);
    expect(i.isOpen || r.isOpen).toBe(false);
  });

  it("a malformed or forged answer to the initiator is refused and the real answer still completes", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    r.offer(i.begin());
    const nonce = copy(r.nonce), key = copy(r.ownPublic);
    expect(i.complete(key, slice(nonce, 0, NONCE_LEN - 1))).toBe(E_INVAL);
    expect(i.complete(slice(key, 0, PUBLIC_LEN - 1), nonce)).toBe(E_INVAL);
    const notAPoint = filled(PUBLIC_LEN, 0);
    notAPoint[0] = 0x04;
    expect(i.complete(notAPoint, nonce)).toBe(E_INVAL);
    expect(i.isOpen).toBe(false);
    expect(i.complete(key, nonce)).toBe(OK);
    expect(r.accept(copy(i.ownPublic), nonce)).toBe(OK);
    expect(i.code).toBe(r.code);
  });

  it("the responder refuses a reveal with another nonce or a key it was not committed to, and the real one still completes", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    r.offer(i.begin());
    const nonce = copy(r.nonce);
    expect(i.complete(copy(r.ownPublic), nonce)).toBe(OK);
    const stale = copy(nonce);
    stale[0] ^= 1;
    expect(r.accept(copy(i.ownPublic), stale)).toBe(E_AUTH);
    const other = initiator("lock-ble-v1");
    other.begin();
    expect(r.accept(copy(other.ownPublic), nonce)).toBe(E_AUTH);
    expect(r.isOpen).toBe(false);
    expect(r.accept(copy(i.ownPublic), nonce)).toBe(OK);
    expect(i.code).toBe(r.code);
  });

  it("a new offer replaces the old one: the earlier nonce no longer completes", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    const commit = copy(i.begin());
    r.offer(commit);
    const oldNonce = copy(r.nonce);
    r.offer(commit);
    expect(i.complete(copy(r.ownPublic), copy(r.nonce))).toBe(OK);
    expect(r.accept(copy(i.ownPublic), oldNonce)).toBe(E_AUTH);
  });
});

describe("secure session: frames", () => {
  it("sealed frames pass both ways in order", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    for (let n = 0; n < 3; n++) {
      const a = i.seal(0x02, utf8("ask " + n.toString()))!;
      const b = i.seal(0x03, utf8("more " + n.toString()))!;
      expect(text(r.openFrame(a))).toBe("ask " + n.toString());
      expect(text(r.openFrame(b))).toBe("more " + n.toString());
      expect(text(i.openFrame(r.seal(0x82, utf8("answer " + n.toString()))!))).toBe("answer " + n.toString());
      expect(r.refusal).toBe(OK);
    }
  });

  it("a replayed frame is refused and changes nothing", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    const first = i.seal(0x02, utf8("one"))!;
    const second = i.seal(0x02, utf8("two"))!;
    expect(text(r.openFrame(first))).toBe("one");
    expect(r.openFrame(first) === null).toBe(true);
    expect(r.refusal).toBe(E_AUTH);
    expect(text(r.openFrame(second))).toBe("two");
  });

  it("a reordered frame is refused; the frames then still open in order", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    const first = i.seal(0x02, utf8("one"))!;
    const second = i.seal(0x02, utf8("two"))!;
    expect(r.openFrame(second) === null).toBe(true);
    expect(r.refusal).toBe(E_AUTH);
    expect(text(r.openFrame(first))).toBe("one");
    expect(text(r.openFrame(second))).toBe("two");
  });

  it("a frame reflected back to its sender is refused on both roles", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    const fromR = r.seal(0x82, utf8("to the initiator"))!;
    expect(r.openFrame(fromR) === null).toBe(true);
    expect(r.refusal).toBe(E_AUTH);
    const fromI = i.seal(0x02, utf8("to the responder"))!;
    expect(i.openFrame(fromI) === null).toBe(true);
    expect(i.refusal).toBe(E_AUTH);
    expect(text(i.openFrame(fromR))).toBe("to the initiator");
    expect(text(r.openFrame(fromI))).toBe("to the responder");
  });

  it("a flipped bit anywhere (type, counter, body, tag) is refused and changes nothing", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    const frame = i.seal(0x02, utf8("set 42"))!;
    const places: i32[] = [0, 1, 4, 5, 10, frame.length - 16, frame.length - 1];
    for (let k = 0; k < places.length; k++) {
      const bad = copy(frame);
      bad[places[k]] ^= 0x01;
      expect(r.openFrame(bad) === null).toBe(true);
      expect(r.refusal).toBe(E_AUTH);
    }
    expect(r.openFrame(slice(frame, 0, 20)) === null).toBe(true);    // cut short of a tag
    expect(r.refusal).toBe(E_MALFORMED);
    expect(text(r.openFrame(frame))).toBe("set 42");
  });

  it("without a session nothing is sealed, sent or opened, and nothing traps", () => {
    const i = initiator("printer-wfd-v1");
    expect(i.seal(0x02, utf8("x")) === null).toBe(true);
    expect(i.send(0x02, utf8("x"))).toBe(E_STATE);
    expect(i.openFrame(filled(30, 0)) === null).toBe(true);
    expect(i.refusal).toBe(E_STATE);
  });

  it("close wipes the key and the code; later frames are refused", () => {
    const p = paired("printer-wfd-v1");
    const i = p[0], r = p[1];
    const late = i.seal(0x02, utf8("late"))!;
    r.close();
    expect(r.isOpen).toBe(false);
    expect(r.code).toBe("");
    expect(r.openFrame(late) === null).toBe(true);
    expect(r.refusal).toBe(E_STATE);
  });
});

describe("secure session: no cross-protocol use", () => {
  it("the code depends on the label and the key", () => {
    const a = shortAuthString("wh-lan-v2", filled(32, 1));
    expect(isSixDigits(a)).toBe(true);
    expect(shortAuthString("wh-lan-v2", filled(32, 1))).toBe(a);
    expect(shortAuthString("lock-ble-v1", filled(32, 1)) == a).toBe(false);
    expect(shortAuthString("wh-lan-v2", filled(32, 2)) == a).toBe(false);
  });

  it("the same secret under two labels gives other keys and codes", () => {
    const a = deriveKeys("lock-ble-v1", filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
    const b = deriveKeys("lock-ble-v2", filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
    expect(a.key.length).toBe(16);
    expect(same(a.key, b.key)).toBe(false);
    expect(a.code == b.code).toBe(false);
    const swapped = deriveKeys("lock-ble-v1", filled(32, 7), filled(65, 2), filled(65, 1), filled(16, 3));
    expect(same(a.key, swapped.key) || a.code == swapped.code).toBe(false);
  });

  it("a handshake across labels is refused at the reveal", () => {
    const h = handshake(initiator("lock-ble-v1"), responder("printer-wfd-v1"));
    expect(h.completeRc).toBe(OK);
    expect(h.acceptRc).toBe(E_AUTH);
  });

  it("the link is bound too: one label on two links commits and derives differently", () => {
    const ble = new SessionConfig("pair-v1", Link.BLE), wfd = new SessionConfig("pair-v1", Link.WIFI_DIRECT);
    expect(ble.binding == wfd.binding).toBe(false);
    expect(same(commitment(ble.binding, filled(65, 1)), commitment(wfd.binding, filled(65, 1)))).toBe(false);
    const a = deriveKeys(ble.binding, filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
    const b = deriveKeys(wfd.binding, filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
    expect(same(a.key, b.key) || a.code == b.code).toBe(false);
    const h = handshake(initiator("pair-v1", Link.BLE), responder("pair-v1", Link.WIFI_DIRECT));
    expect(h.acceptRc).toBe(E_AUTH);
  });

  it("LAN sessions bind the label alone, as the water heater's phones expect (PROTOCOL.md §1)", () => {
    expect(new SessionConfig("wh-lan-v2", Link.LAN).binding).toBe("wh-lan-v2");
    const h = handshake(initiator("wh-lan-v2", Link.LAN), responder("wh-lan-v2", Link.LAN));
    expect(same(h.commit, commitment("wh-lan-v2", h.initiatorPublic))).toBe(true);
    expect(h.acceptRc).toBe(OK);
  });
});

describe("secure session: a man in the middle", () => {
  it("who swaps both keys ends with two different codes on the two screens", () => {
    const phone = initiator("lock-ble-v1"), lock = responder("lock-ble-v1");
    const toPhone = responder("lock-ble-v1"), toLock = initiator("lock-ble-v1");
    // The phone's commitment goes to the attacker, who commits its own key to the lock.
    toPhone.offer(phone.begin());
    lock.offer(toLock.begin());
    expect(toLock.complete(copy(lock.ownPublic), copy(lock.nonce))).toBe(OK);
    expect(phone.complete(copy(toPhone.ownPublic), copy(toPhone.nonce))).toBe(OK);
    expect(toPhone.accept(copy(phone.ownPublic), copy(toPhone.nonce))).toBe(OK);
    expect(lock.accept(copy(toLock.ownPublic), copy(lock.nonce))).toBe(OK);
    expect(phone.code).toBe(toPhone.code);
    expect(lock.code).toBe(toLock.code);
    expect(phone.code == lock.code).toBe(false);     // the user sees the difference
    expect(lock.openFrame(phone.seal(0x02, utf8("x"))!) === null).toBe(true);
  });

  it("who swaps the responder's key alone leaves the initiator with another code and key", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    r.offer(i.begin());
    const attacker = responder("lock-ble-v1");
    attacker.offer(filled(32, 0));
    expect(i.complete(copy(attacker.ownPublic), copy(r.nonce))).toBe(OK);
    expect(r.accept(copy(i.ownPublic), copy(r.nonce))).toBe(OK);
    expect(i.code == r.code).toBe(false);
    expect(r.openFrame(i.seal(0x02, utf8("x"))!) === null).toBe(true);
  });

  it("who swaps the initiator's revealed key alone is refused by the commitment", () => {
    const i = initiator("lock-ble-v1"), r = responder("lock-ble-v1");
    r.offer(i.begin());
    const nonce = copy(r.nonce);
    expect(i.complete(copy(r.ownPublic), nonce)).toBe(OK);
    const attacker = initiator("lock-ble-v1");
    attacker.begin();
    expect(r.accept(copy(attacker.ownPublic), nonce)).toBe(E_AUTH);
    expect(r.isOpen).toBe(false);
  });
});
