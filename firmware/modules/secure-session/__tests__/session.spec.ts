import { SecureSession, SessionConfig, Role, deriveKeys, shortAuthString, commitment } from "../session";
import { Link, utf8 } from "../../../board/index";

function filled(n: i32, v: u8): Uint8Array { const b = new Uint8Array(n); b.fill(v); return b; }
function pair(label: string): SecureSession[] {
  const keys = deriveKeys(label, filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
  const device = new SecureSession(new SessionConfig(label, Link.BLE, Role.RESPONDER));
  const phone = new SecureSession(new SessionConfig(label, Link.BLE, Role.INITIATOR));
  device.use(keys);
  phone.use(deriveKeys(label, filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3)));
  return [device, phone];
}

describe("secure session", () => {
  it("the short authentication string is six digits that depend on the label and the key", () => {
    const a = shortAuthString("wh-lan-v2", filled(32, 1));
    expect(a.length).toBe(6);
    for (let i = 0; i < 6; i++) expect(a.charCodeAt(i) >= 0x30 && a.charCodeAt(i) <= 0x39).toBe(true);
    expect(shortAuthString("wh-lan-v2", filled(32, 1))).toBe(a);
    expect(shortAuthString("lock-ble-v1", filled(32, 1)) == a).toBe(false);
    expect(shortAuthString("wh-lan-v2", filled(32, 2)) == a).toBe(false);
  });

  it("both sides derive the same code; a swapped key gives a different one", () => {
    const k1 = deriveKeys("x", filled(32, 7), filled(65, 1), filled(65, 2), filled(16, 3));
    const k2 = deriveKeys("x", filled(32, 7), filled(65, 2), filled(65, 1), filled(16, 3));
    expect(k1.key.length).toBe(16);
    expect(k1.code == k2.code).toBe(false);
  });

  it("frames go both ways in order; a replay, a reflection or another label is refused", () => {
    const p = pair("printer-wfd-v1");
    const device = p[0], phone = p[1];
    const f1 = phone.seal(0x02, utf8("hello"));
    const body = device.openFrame(f1);
    expect(body !== null).toBe(true);
    expect(body!.length).toBe(5);
    expect(device.openFrame(f1) === null).toBe(true);          // replayed
    const back = device.seal(0x82, utf8("ok"));
    expect(device.openFrame(back) === null).toBe(true);        // our own frame reflected
    expect(phone.openFrame(back) !== null).toBe(true);
    const other = pair("lock-ble-v1")[1];
    expect(device.openFrame(other.seal(0x02, utf8("x"))) === null).toBe(true);
  });

  // The handshake itself (offer/accept/begin/complete) needs the board's ECDH, which the
  // unit-test board does not offer yet: test/water-heater-lan.test.ts drives it on both
  // hosts with a phone.
  it("close wipes the key and the code", () => {
    const device = pair("x")[0];
    expect(device.isOpen).toBe(true);
    device.close();
    expect(device.isOpen).toBe(false);
    expect(device.code).toBe("");
    expect(device.openFrame(filled(30, 0)) === null).toBe(true);
    expect(commitment("a", filled(65, 1)).length).toBe(32);
  });
});
