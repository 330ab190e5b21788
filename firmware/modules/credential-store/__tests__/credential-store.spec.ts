import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../credential-store";
import { Attr, RecordId, ValueType } from "../ids";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_NOTFOUND, E_STATE, E_TAMPER, E_TYPE } from "../../../core/errors";
import { utf8 } from "../../../board/index";

function fresh(): CredentialStore {
  const c = new CredentialStore(new RecordStore());
  expect(c.open()).toBe(OK);
  return c;
}
function reopen(): CredentialStore { return fresh(); }

describe("credential store", () => {
  it("provisions factory identity once", () => {
    const c = fresh();
    expect(c.factoryReset()).toBe(OK);
    if (c.serial() === null) expect(c.provisionFactory("SN-0001")).toBe(OK);
    expect(c.provisionFactory("SN-0002")).toBe(E_STATE);
    expect(c.putString(RecordId.SERIAL, "SN-9", 0)).toBe(E_STATE);
    expect(reopen().serial()!).toBe("SN-0001");
  });

  it("stores typed records and refuses the wrong type", () => {
    const c = fresh();
    expect(c.putU32(0x0301, 42, 0)).toBe(OK);
    expect(reopen().getU32(0x0301)).toBe(42);
    expect(c.getString(0x0301)).toBeNull();
    expect(c.lastError).toBe(E_TYPE);
    expect(c.get(0x0399) === null).toBe(true);
    expect(c.lastError).toBe(E_NOTFOUND);
    expect(c.put(0x7f02, ValueType.BYTES, 0, new Uint8Array(1))).toBe(E_INVAL);
    expect(c.put(0x0302, 9, 0, new Uint8Array(1))).toBe(E_INVAL);
  });

  it("verifies a registration password with a persistent attempt limit", () => {
    const c = fresh();
    expect(c.setRegistration("dev-1", utf8("correct horse"))).toBe(OK);
    expect(c.verifyRegistrationPassword(utf8("wrong one"), 3)).toBe(E_AUTH);
    expect(c.verifyRegistrationPassword(utf8("wrong two"), 3)).toBe(E_AUTH);
    const again = reopen();
    expect(again.counter(RecordId.REGISTRATION_ATTEMPTS)).toBe(2);
    expect(again.verifyRegistrationPassword(utf8("correct horse"), 3)).toBe(OK);
    expect(again.counter(RecordId.REGISTRATION_ATTEMPTS)).toBe(0);
    for (let i = 0; i < 3; i++) again.verifyRegistrationPassword(utf8("nope nope"), 3);
    expect(reopen().verifyRegistrationPassword(utf8("correct horse"), 3)).toBe(E_LOCKED);
  });

  it("initialization erases the registration and keeps user data", () => {
    const c = fresh();
    c.setRegistration("dev-2", utf8("password-2"));
    c.putString(0x0310, "bath 41C", 0);
    expect(c.initialize()).toBe(OK);
    const r = reopen();
    expect(r.registered()).toBe(false);
    expect(r.getString(0x0310)!).toBe("bath 41C");
    expect(r.verifyRegistrationPassword(utf8("password-2"), 5)).toBe(E_NOTFOUND);
  });

  it("factory reset erases user data and keeps factory identity", () => {
    const c = fresh();
    c.putString(0x0311, "name", Attr.SECRET);
    expect(c.factoryReset()).toBe(OK);
    const r = reopen();
    expect(r.get(0x0311) === null).toBe(true);
    expect(r.serial()!).toBe("SN-0001");
  });

  it("protects records with a tag under the device key", () => {
    const c = fresh();
    expect(c.putString(0x0320, "owner: A. Tanaka", Attr.PROTECTED)).toBe(OK);
    expect(c.getString(0x0320)!).toBe("owner: A. Tanaka");
    expect(c.tamperedId).toBe(0);
  });

  it("refuses oversize values", () => {
    const c = fresh();
    expect(c.put(0x0330, ValueType.BYTES, 0, new Uint8Array(513))).toBeLessThan(0);
    expect(c.get(0x0330) === null).toBe(true);
    expect(c.lastError).toBe(E_NOTFOUND);
    expect(E_TAMPER).toBe(-9);
  });
});
