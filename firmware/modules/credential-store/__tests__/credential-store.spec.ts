import { RecordStore } from "../../../storage/record-store";
import { PAGE_HEADER, PAGE_MAGIC, REC_COMMITTED, REC_FREE, REC_HEADER, recordSize } from "../../../storage/layout";
import { CredentialStore, READ_INTO_SLACK } from "../credential-store";
import { devkitKeyspace } from "../../../images/devkit/keys";
import { Attr, MAX_VALUE, RecordId, ValueType } from "../ids";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_NOTFOUND, E_RANGE, E_STATE, E_TAMPER, E_TYPE } from "../../../core/errors";
import { getU16LE, getU32LE, putU32LE } from "../../../core/codecs/bytes";
import { crc32 } from "../../../core/crc32";
import { flashErase, flashPageCount, flashPageSize, flashRead, hmacSha256, text, utf8 } from "../../../board/index";

// The unit-test board's testing module (host-sim/board/unit-test-board.ts): overwrites flash bytes outright, as a programmer clip would.
@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

/** A store on erased flash: every test starts from a new chip. */
function fresh(): CredentialStore {
  for (let p = 0; p < flashPageCount(); p++) expect(flashErase(p)).toBe(OK);
  return reopen();
}
/** The same flash after a power cycle. */
function reopen(): CredentialStore {
  const c = new CredentialStore(new RecordStore(), devkitKeyspace());
  expect(c.open()).toBe(OK);
  return c;
}

/** Flash address of the data of `key`'s newest committed record (FORMAT.md), or -1. */
function recordData(key: u32): i32 {
  const ps = flashPageSize();
  const h = new Uint8Array(REC_HEADER);
  let found = -1, seq: u32 = 0;
  for (let p = 0; p < flashPageCount(); p++) {
    flashRead(p * ps, h, 0, 4);
    if (getU32LE(h, 0) != PAGE_MAGIC) continue;
    let off = PAGE_HEADER;
    while (off + REC_HEADER <= ps) {
      flashRead(p * ps + off, h, 0, REC_HEADER);
      if (h[0] == REC_FREE) break;
      if (h[0] == REC_COMMITTED && getU16LE(h, 2) == key && getU32LE(h, 4) >= seq) {
        seq = getU32LE(h, 4);
        found = p * ps + off + REC_HEADER;
      }
      off += recordSize(<i32>getU16LE(h, 8));
    }
  }
  return found;
}

/** Flips one bit of a stored record's byte `at` and fixes the record's data CRC, so the
 *  record store still reads it as intact: only the credential store can notice. */
function doctor(key: u32, at: i32): void {
  const data = recordData(key);
  expect(data).toBeGreaterThan(0);
  const h = new Uint8Array(REC_HEADER);
  flashRead(data - REC_HEADER, h, 0, REC_HEADER);
  const len = <i32>getU16LE(h, 8);
  const d = new Uint8Array(len);
  flashRead(data, d, 0, len);
  d[at] ^= 0x04;
  putU32LE(h, 16, crc32(d, 0, len));
  expect(flash_poke(data, d.dataStart, len)).toBe(OK);
  expect(flash_poke(data - REC_HEADER + 16, h.dataStart + 16, 4)).toBe(OK);
}

/** Occurrences of `needle` anywhere in the flash. */
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

/** A record as firmware before key slots stored it: type ‖ attrs ‖ value, in clear. */
function legacy(type: u8, attrs: u8, value: Uint8Array): Uint8Array {
  const r = new Uint8Array(2 + value.length);
  r[0] = type;
  r[1] = attrs;
  r.set(value, 2);
  return r;
}

describe("credential store", () => {
  it("provisions factory identity once", () => {
    const c = fresh();
    expect(c.serial() === null).toBe(true);
    expect(c.provisionFactory("SN-0001")).toBe(OK);
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

  it("reads a value into the caller's buffer as getTyped reads it", () => {
    const c = fresh();
    const value = new Uint8Array(300);
    for (let i = 0; i < value.length; i++) value[i] = <u8>(i * 7);
    expect(c.put(0x0301, ValueType.BYTES, 0, value)).toBe(OK);
    expect(c.putString(0x0302, "owner: A. Tanaka", Attr.PROTECTED)).toBe(OK);
    const out = new Uint8Array(300 + READ_INTO_SLACK);
    expect(c.readInto(0x0301, ValueType.BYTES, out)).toBe(300);
    for (let i = 0; i < value.length; i++) expect(out[i]).toBe(value[i]);
    // A protected record is checked first, then copied.
    expect(c.readInto(0x0302, ValueType.STRING, out)).toBe(16);
    expect(text(out.subarray(0, 16))).toBe("owner: A. Tanaka");
    expect(c.readInto(0x0301, ValueType.STRING, out)).toBe(E_TYPE);
    expect(c.lastError).toBe(E_TYPE);
    expect(c.readInto(0x0399, ValueType.BYTES, out)).toBe(E_NOTFOUND);
    expect(c.lastError).toBe(E_NOTFOUND);
    // Too short for the value and its header: refused, nothing written past the end.
    const short = new Uint8Array(300);
    expect(c.readInto(0x0301, ValueType.BYTES, short)).toBe(E_RANGE);
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
    expect(c.setRegistration("dev-2", utf8("password-2"))).toBe(OK);
    expect(c.putString(0x0310, "bath 41C", 0)).toBe(OK);
    expect(c.initialize()).toBe(OK);
    const r = reopen();
    expect(r.registered()).toBe(false);
    expect(r.getString(0x0310)!).toBe("bath 41C");
    expect(r.verifyRegistrationPassword(utf8("password-2"), 5)).toBe(E_NOTFOUND);
  });

  it("factory reset erases user data and keeps factory identity", () => {
    const c = fresh();
    expect(c.provisionFactory("SN-0003")).toBe(OK);
    expect(c.putString(0x0311, "name", Attr.SECRET)).toBe(OK);
    expect(c.factoryReset()).toBe(OK);
    const r = reopen();
    expect(r.get(0x0311) === null).toBe(true);
    expect(r.lastError).toBe(E_NOTFOUND);
    expect(r.serial()!).toBe("SN-0003");
  });

  it("seals secrets: no byte run of the value in flash, and it reads back", () => {
    const c = fresh();
    expect(c.setRegistration("dev-3f9a1c", utf8("Kq7vR2mpLx9Zs4"))).toBe(OK);
    const r = reopen();
    expect(r.registrationDeviceId()!).toBe("dev-3f9a1c");
    expect(utf8("Kq7vR2mpLx9Zs4")).toStrictEqual(r.registrationPassword()!);
    expect(inFlash(utf8("Kq7vR2"))).toBe(0);
    expect(inFlash(utf8("dev-3f"))).toBe(0);
    // The control: a value stored without SECRET is found, so the scan can find things.
    expect(r.putString(0x0312, "Kq7vR2 in clear", 0)).toBe(OK);
    expect(inFlash(utf8("Kq7vR2"))).toBe(1);
  });

  it("protects records with a tag under a key-slot key", () => {
    const c = fresh();
    expect(c.putString(0x0320, "owner: A. Tanaka", Attr.PROTECTED)).toBe(OK);
    expect(reopen().getString(0x0320)!).toBe("owner: A. Tanaka");
    expect(c.tamperedId).toBe(0);
  });

  it("a doctored protected record is E_TAMPER", () => {
    const c = fresh();
    expect(c.putString(0x0320, "owner: A. Tanaka", Attr.PROTECTED)).toBe(OK);
    doctor(0x0320, 2 + 6);   // the "A" of the value
    const r = reopen();
    expect(r.getString(0x0320)).toBeNull();
    expect(r.lastError).toBe(E_TAMPER);
    expect(r.tamperedId).toBe(0x0320);
  });

  it("a doctored sealed record is E_TAMPER", () => {
    const c = fresh();
    expect(c.putString(0x0311, "Owner: Hanako Yamada", Attr.SECRET)).toBe(OK);
    doctor(0x0311, 2 + 12 + 3);   // a ciphertext byte
    const r = reopen();
    expect(r.getString(0x0311)).toBeNull();
    expect(r.lastError).toBe(E_TAMPER);
    expect(r.tamperedId).toBe(0x0311);
  });

  it("a sealed record moved to another id does not open", () => {
    const c = fresh();
    expect(c.putString(0x0311, "secret one", Attr.SECRET)).toBe(OK);
    expect(c.putString(0x0313, "secret two", Attr.SECRET)).toBe(OK);
    // Copy 0x0311's stored bytes over 0x0313's (same length), CRC and all.
    const from = recordData(0x0311), to = recordData(0x0313);
    const h = new Uint8Array(REC_HEADER);
    flashRead(from - REC_HEADER, h, 0, REC_HEADER);
    const len = <i32>getU16LE(h, 8);
    const d = new Uint8Array(len + 4);
    flashRead(from, d, 0, len);
    expect(flash_poke(to, d.dataStart, len)).toBe(OK);
    expect(flash_poke(to - REC_HEADER + 16, h.dataStart + 16, 4)).toBe(OK);
    const r = reopen();
    expect(r.getString(0x0311)!).toBe("secret one");
    expect(r.getString(0x0313)).toBeNull();
    expect(r.lastError).toBe(E_TAMPER);
  });

  it("flash from firmware before key slots: secrets get sealed, protected records re-tagged, the old key goes", () => {
    fresh();
    // What that firmware wrote: a device key in a record, secrets in clear, and a protected
    // record tagged under the device key (type, attrs, value, HMAC(key, id ‖ type ‖ attrs ‖ value)).
    const rs = new RecordStore();
    expect(rs.mount()).toBe(OK);
    const key = new Uint8Array(32);
    key.fill(0x5a);
    expect(rs.put(RecordId.LEGACY_DEVICE_KEY, legacy(ValueType.BYTES, Attr.SECRET, key))).toBe(OK);
    expect(rs.put(RecordId.SERIAL, legacy(ValueType.STRING, 0, utf8("SN-LEGACY")))).toBe(OK);
    const reg = new Uint8Array(1 + 6 + 14);
    reg[0] = 6;
    reg.set(utf8("dev-9z"), 1);
    reg.set(utf8("Wq3Lp8Xr2Mv7Nc"), 7);
    expect(rs.put(RecordId.REGISTRATION, legacy(ValueType.BYTES, Attr.SECRET, reg))).toBe(OK);
    const prot = legacy(ValueType.STRING, Attr.PROTECTED, utf8("site 4711"));
    const msg = new Uint8Array(2 + prot.length);
    msg[0] = 0x03; msg[1] = 0x20;
    msg.set(prot, 2);
    const withTag = new Uint8Array(prot.length + 32);
    withTag.set(prot, 0);
    withTag.set(hmacSha256(key, msg), prot.length);
    expect(rs.put(0x0320, withTag)).toBe(OK);
    expect(inFlash(utf8("Wq3Lp8"))).toBe(1);
    expect(inFlash(key)).toBe(1);

    const c = reopen();
    expect(c.registrationDeviceId()!).toBe("dev-9z");
    expect(utf8("Wq3Lp8Xr2Mv7Nc")).toStrictEqual(c.registrationPassword()!);
    expect(c.getString(0x0320)!).toBe("site 4711");
    expect(c.serial()!).toBe("SN-LEGACY");
    expect(c.tamperedId).toBe(0);
    expect(c.records.has(RecordId.LEGACY_DEVICE_KEY)).toBe(false);
    expect(inFlash(utf8("Wq3Lp8"))).toBe(0);
    expect(inFlash(utf8("dev-9z"))).toBe(0);
    expect(inFlash(key)).toBe(0);
  });

  it("refuses oversize values", () => {
    const c = fresh();
    expect(c.put(0x0330, ValueType.BYTES, 0, new Uint8Array(MAX_VALUE + 1))).toBe(E_RANGE);
    expect(c.get(0x0330) === null).toBe(true);
    expect(c.lastError).toBe(E_NOTFOUND);
  });
});
