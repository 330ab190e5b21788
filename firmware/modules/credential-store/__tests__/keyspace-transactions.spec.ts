// The credential store over an image's keyspace: resets erase by reset class (not by an
// id's high byte), undeclared ids are refused, and transactions change several records
// (secret and protected ones too) all-or-nothing.
import { RecordStore } from "../../../storage/record-store";
import { KeyRange, Keyspace, ResetClass } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../index";
import { Attr, MAX_VALUE, RecordId, ValueType } from "../ids";
import { OK, E_INVAL, E_NOTFOUND, E_RANGE, E_STATE } from "../../../core/errors";
import { putU32LE } from "../../../core/codecs/bytes";
import { flashErase, flashPageCount, flashPageSize, flashRead, utf8 } from "../../../board/index";

/** An appliance whose ranges do not follow the high byte: 0x0500.. is erased by
 *  initialization, 0x0520.. kept by every reset. */
function keyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, [
    new KeyRange("onboarding", 0x0200, 0x0202, ResetClass.INITIALIZATION),
    new KeyRange("settings", 0x0300, 0x03ff, ResetClass.FACTORY_RESET),
    new KeyRange("meter: session", 0x0500, 0x0510, ResetClass.INITIALIZATION),
    new KeyRange("meter: calibration", 0x0520, 0x052f, ResetClass.KEPT),
  ]]);
}
function fresh(): CredentialStore {
  for (let p = 0; p < flashPageCount(); p++) expect(flashErase(p)).toBe(OK);
  return reopen();
}
function reopen(): CredentialStore {
  const c = new CredentialStore(new RecordStore(), keyspace());
  expect(c.open()).toBe(OK);
  return c;
}
function inFlash(needle: Uint8Array): i32 {
  const size = flashPageSize() * flashPageCount();
  const all = new Uint8Array(size);
  flashRead(0, all, 0, size);
  let n = 0;
  for (let i = 0; i + needle.length <= size; i++) {
    let j = 0;
    while (j < needle.length && all[i + j] == needle[j]) j++;
    if (j == needle.length) n++;
  }
  return n;
}
function table(n: i32, seed: u8): Uint8Array {
  const t = new Uint8Array(n);
  for (let i = 0; i < n; i++) t[i] = <u8>(seed + i * 7);
  return t;
}

describe("credential store keyspace", () => {
  it("refuses ids that no range declares, and writes nothing", () => {
    const c = fresh();
    expect(c.putU32(0x0260, 1, 0)).toBe(E_RANGE);
    expect(c.putU32(0x1000, 1, 0)).toBe(E_RANGE);
    expect(c.erase(0x1000)).toBe(E_RANGE);
    expect(c.records.has(0x0260)).toBe(false);
    expect(c.putU32(0x0505, 1, 0)).toBe(OK);
  });

  it("initialization erases the INITIALIZATION class wherever its ranges lie", () => {
    const c = fresh();
    expect(c.provisionFactory("SN-KS-1")).toBe(OK);
    expect(c.setRegistration("dev-ks", utf8("password-ks"))).toBe(OK);
    expect(c.putString(0x0505, "session", Attr.SECRET)).toBe(OK);
    expect(c.putString(0x0525, "calibration", 0)).toBe(OK);
    expect(c.putString(0x0301, "bath 41C", 0)).toBe(OK);
    expect(c.initialize()).toBe(OK);
    const r = reopen();
    expect(r.registered()).toBe(false);
    expect(r.records.has(0x0505)).toBe(false);
    expect(r.getString(0x0525)!).toBe("calibration");
    expect(r.getString(0x0301)!).toBe("bath 41C");
    expect(r.serial()!).toBe("SN-KS-1");
  });

  it("factory reset erases all but what is KEPT", () => {
    const c = fresh();
    expect(c.provisionFactory("SN-KS-2")).toBe(OK);
    expect(c.putString(0x0525, "calibration", 0)).toBe(OK);
    expect(c.putString(0x0301, "bath 41C", 0)).toBe(OK);
    expect(c.putU32(0x0505, 7, 0)).toBe(OK);
    // A record no range declares, as other firmware may have left it.
    expect(c.records.put(0x0900, utf8("left over"))).toBe(OK);
    expect(c.factoryReset()).toBe(OK);
    const r = reopen();
    expect(r.records.has(0x0301)).toBe(false);
    expect(r.records.has(0x0505)).toBe(false);
    expect(r.records.has(0x0900)).toBe(false);
    expect(r.getString(0x0525)!).toBe("calibration");
    expect(r.serial()!).toBe("SN-KS-2");
  });

  it("finishes an erase intent written by older firmware at the next open", () => {
    const c = fresh();
    expect(c.setRegistration("dev-old", utf8("password-old"))).toBe(OK);
    expect(c.putString(0x0301, "bath 41C", 0)).toBe(OK);
    const b = new Uint8Array(4);
    putU32LE(b, 0, 0x04);   // "initialization" as the high-byte classes wrote it
    expect(c.records.put(RecordId.ERASE_INTENT, b)).toBe(OK);
    const r = reopen();
    expect(r.registered()).toBe(false);
    expect(r.getString(0x0301)!).toBe("bath 41C");
    expect(r.records.has(RecordId.ERASE_INTENT)).toBe(false);
  });
});

describe("credential store transactions", () => {
  it("writes plain, secret and protected records together", () => {
    const c = fresh();
    const t = c.begin();
    expect(t.putU32(0x0302, 17, 0)).toBe(OK);
    expect(t.putString(0x0311, "Hanako Yamada", Attr.SECRET)).toBe(OK);
    expect(t.putString(0x0320, "site 4711", Attr.PROTECTED)).toBe(OK);
    expect(c.records.has(0x0302)).toBe(false);
    expect(t.commit()).toBe(OK);
    const r = reopen();
    expect(r.getU32(0x0302)).toBe(17);
    expect(r.getString(0x0311)!).toBe("Hanako Yamada");
    expect(r.getString(0x0320)!).toBe("site 4711");
    expect(inFlash(utf8("Hanako"))).toBe(0);
  });

  it("a refused change refuses the whole transaction", () => {
    const c = fresh();
    expect(c.provisionFactory("SN-TX")).toBe(OK);
    expect(c.putU32(0x0302, 1, 0)).toBe(OK);
    const t = c.begin();
    t.putU32(0x0302, 2, 0);
    expect(t.putU32(0x0260, 1, 0)).toBe(E_RANGE);
    expect(t.commit()).toBe(E_RANGE);
    const u = c.begin();
    u.putU32(0x0302, 3, 0);
    expect(u.putString(RecordId.SERIAL, "SN-FORGED", 0)).toBe(E_STATE);
    expect(u.erase(RecordId.SERIAL)).toBe(E_INVAL);
    expect(u.commit()).toBe(E_STATE);
    expect(reopen().getU32(0x0302)).toBe(1);
  });

  it("erases a secret in a transaction: its bytes are gone", () => {
    const c = fresh();
    expect(c.putString(0x0311, "Kq7vR2mpLx9Zs4", 0)).toBe(OK);
    expect(inFlash(utf8("Kq7vR2"))).toBe(1);
    const t = c.begin();
    t.erase(0x0311);
    t.putU32(0x0302, 5, 0);
    expect(t.commit()).toBe(OK);
    const r = reopen();
    expect(r.get(0x0311) === null).toBe(true);
    expect(r.lastError).toBe(E_NOTFOUND);
    expect(inFlash(utf8("Kq7vR2"))).toBe(0);
  });

  it("keeps values larger than 512 bytes, sealed ones too", () => {
    const c = fresh();
    const big = table(MAX_VALUE, 3);
    expect(c.put(0x0350, ValueType.BYTES, Attr.SECRET, big)).toBe(OK);
    const t = c.begin();
    t.put(0x0351, ValueType.BYTES, Attr.PROTECTED, table(1500, 9));
    t.putU32(0x0302, 2, 0);
    expect(t.commit()).toBe(OK);
    const r = reopen();
    expect(r.getTyped(0x0350, ValueType.BYTES)!).toStrictEqual(big);
    expect(r.getTyped(0x0351, ValueType.BYTES)!).toStrictEqual(table(1500, 9));
    expect(c.put(0x0352, ValueType.BYTES, 0, table(MAX_VALUE + 1, 1))).toBe(E_RANGE);
  });
});

describe("credential store refuses an image whose keyspace overlaps", () => {
  it("does not open when two modules claim one id", () => {
    const ks = new Keyspace([CREDENTIAL_KEYS, [
      new KeyRange("onboarding", 0x0200, 0x0202, ResetClass.INITIALIZATION),
      new KeyRange("careless", 0x0202, 0x0210, ResetClass.FACTORY_RESET),
    ]]);
    const c = new CredentialStore(new RecordStore(), ks);
    expect(c.open()).toBe(E_INVAL);
  });
});
