// Attempt counters fail closed: a counter that exists but cannot be read counts as
// exhausted, never as 0. Each case uses its own counter id on this file's fresh flash.
import { RecordStore } from "../../../storage/record-store";
import { CredentialStore, EXHAUSTED } from "../credential-store";
import { Attr, RecordId, ValueType } from "../ids";
import { OK, E_LOCKED } from "../../../core/errors";
import { utf8 } from "../../../board/index";
import { devkitKeyspace } from "../../../images/devkit/keys";

/** A record store whose reads of one key fail, as a flash read error or bit rot would. */
class UnreadableKey extends RecordStore {
  broken: u32 = 0;
  get(key: u32): Uint8Array | null { return key == this.broken ? null : super.get(key); }
}

function open(records: RecordStore): CredentialStore {
  const c = new CredentialStore(records, devkitKeyspace());
  expect(c.open()).toBe(OK);
  if (c.serial() === null) expect(c.provisionFactory("SN-CTR")).toBe(OK);
  return c;
}

describe("attempt counters fail closed", () => {
  it("a counter never written is 0 and counts up", () => {
    const c = open(new RecordStore());
    expect(c.counter(0x0340)).toBe(0);
    expect(c.countAttempt(0x0340)).toBe(1);
    expect(c.counter(0x0340)).toBe(1);
  });

  it("a counter whose bytes cannot be read counts as exhausted", () => {
    const records = new UnreadableKey();
    const c = open(records);
    expect(c.countAttempt(0x0341)).toBe(1);
    records.broken = 0x0341;
    expect(c.counter(0x0341)).toBe(EXHAUSTED);
    expect(c.countAttempt(0x0341)).toBe(EXHAUSTED);
  });

  it("a counter of the wrong type or size counts as exhausted", () => {
    const c = open(new RecordStore());
    expect(c.putU32(0x0342, 0, 0)).toBe(OK);
    expect(c.counter(0x0342)).toBe(EXHAUSTED);
    expect(c.put(0x0343, ValueType.COUNTER, 0, new Uint8Array(3))).toBe(OK);
    expect(c.counter(0x0343)).toBe(EXHAUSTED);
  });

  it("a tampered counter counts as exhausted", () => {
    const records = new RecordStore();
    const c = open(records);
    const one = new Uint8Array(4);
    one[0] = 1;
    expect(c.put(0x0344, ValueType.COUNTER, Attr.PROTECTED, one)).toBe(OK);
    expect(c.counter(0x0344)).toBe(1);
    // Someone with the flash rewrites the count to 0 but cannot make a valid tag.
    const raw = records.get(0x0344)!;
    raw[2] = 0;
    expect(records.put(0x0344, raw)).toBe(OK);
    expect(c.counter(0x0344)).toBe(EXHAUSTED);
  });

  it("an unreadable password-attempt counter locks the password check", () => {
    const records = new UnreadableKey();
    const c = open(records);
    expect(c.setRegistration("dev-ctr", utf8("correct horse"))).toBe(OK);
    expect(c.verifyRegistrationPassword(utf8("wrong"), 5)).toBe(-6);
    records.broken = RecordId.REGISTRATION_ATTEMPTS;
    expect(c.verifyRegistrationPassword(utf8("correct horse"), 5)).toBe(E_LOCKED);
    records.broken = 0;
    expect(c.counter(RecordId.REGISTRATION_ATTEMPTS)).toBe(1);
  });
});
