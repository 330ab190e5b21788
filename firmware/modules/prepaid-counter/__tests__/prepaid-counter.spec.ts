// The prepaid counter as the printer's user and the cloud rely on it: every charge applied
// once however often and in whatever order it arrives, a job larger than the balance
// refused with the balance unchanged, and all of it the same after a power cycle or a reset.
import { ChargeKind, MIRROR_BYTES, Prepaid, PrepaidRecord, WINDOW } from "../index";
import { OK, E_BUSY, E_INVAL, E_MALFORMED, E_RANGE, E_TAMPER } from "../../../core/errors";
import { getU32LE, putU32LE } from "../../../core/codecs/bytes";
import { LAST_COMMAND } from "../../cloud-link/commands";
import { doctorRecord, findInFlash, freshDevice, pokeByte } from "./device";

const PAID = ChargeKind.PAID;
const FREE = ChargeKind.FREE;

describe("prepaid counter: charges", () => {
  it("starts empty", () => {
    const d = freshDevice();
    expect(d.opened).toBe(OK);
    expect(d.counter.balance).toBe(0);
    expect(d.counter.version).toBe(0);
    expect(d.counter.debit(1)).toBe(Prepaid.SHORT);
  });

  it("applies a repeated charge once, also after a power cycle", () => {
    const d = freshDevice();
    let tried = 0, applied = 0;
    for (let i = 0; i < 5; i++) {
      tried++;
      const rc = d.counter.charge(1, 100, FREE);
      if (rc == Prepaid.APPLIED) applied++;
      else expect(rc).toBe(Prepaid.USED);
    }
    d.reboot();
    for (let i = 0; i < 5; i++) {
      tried++;
      expect(d.counter.charge(1, 100, FREE)).toBe(Prepaid.USED);
    }
    expect(tried).toBe(10);
    expect(applied).toBe(1);
    expect(d.counter.balance).toBe(100);
    expect(d.counter.version).toBe(1);
  });

  it("applies reordered and duplicated charges each once", () => {
    const d = freshDevice();
    // Ids 1..8 (amount = 10 × id), delivered out of order and each three times.
    const order: u32[] = [5, 3, 5, 8, 1, 2, 3, 7, 4, 6, 8, 1, 2, 6, 7, 4, 5, 4, 3, 2, 1, 6, 7, 8];
    let applied = 0, used = 0;
    for (let i = 0; i < order.length; i++) {
      const rc = d.counter.charge(order[i], 10 * order[i], PAID);
      if (rc == Prepaid.APPLIED) applied++;
      else { expect(rc).toBe(Prepaid.USED); used++; }
    }
    expect(applied).toBe(8);
    expect(used).toBe(16);
    expect(d.counter.balance).toBe(360);
    d.reboot();
    expect(d.counter.balance).toBe(360);
    expect(d.counter.version).toBe(8);
    for (let id: u32 = 1; id <= 8; id++) expect(d.counter.charge(id, 10 * id, PAID)).toBe(Prepaid.USED);
  });

  it("refuses an id older than the oldest remembered as OLD, a remembered one as USED", () => {
    const d = freshDevice();
    // Ids 2..WINDOW+1 fill the window; id 1 never came and is now older than all of them.
    for (let id: u32 = 2; id <= <u32>WINDOW + 1; id++) expect(d.counter.charge(id, 1, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(1, 1, PAID)).toBe(Prepaid.OLD);
    // One more forgets id 2, which becomes the floor: OLD from now on; 3 is still USED.
    expect(d.counter.charge(<u32>WINDOW + 2, 1, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.applied.floor).toBe(2);
    expect(d.counter.charge(2, 1, PAID)).toBe(Prepaid.OLD);
    expect(d.counter.charge(3, 1, PAID)).toBe(Prepaid.USED);
    // A later id than all is new even with a gap (ids skipped by the cloud are not owed).
    expect(d.counter.charge(100, 1, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(3, 1, PAID)).toBe(Prepaid.OLD);
    d.reboot();
    expect(d.counter.balance).toBe(<u32>WINDOW + 2);
    expect(d.counter.charge(3, 1, PAID)).toBe(Prepaid.OLD);
    expect(d.counter.charge(4, 1, PAID)).toBe(Prepaid.USED);
    expect(d.counter.charge(100, 1, PAID)).toBe(Prepaid.USED);
  });

  it("refuses malformed charges and changes nothing", () => {
    const d = freshDevice();
    expect(d.counter.charge(0, 10, PAID)).toBe(E_INVAL);
    expect(d.counter.charge(1, 0, PAID)).toBe(E_INVAL);
    expect(d.counter.charge(1, 10, 0)).toBe(E_INVAL);
    expect(d.counter.charge(1, 10, 3)).toBe(E_INVAL);
    expect(d.counter.version).toBe(0);
    expect(d.store.records.has(PrepaidRecord.COUNTER)).toBe(false);
    // The id was not used up by the refusals.
    expect(d.counter.charge(1, 10, PAID)).toBe(Prepaid.APPLIED);
  });

  it("refuses a charge that would overflow the balance, unchanged and its id still unused", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, u32.MAX_VALUE - 5, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(2, 6, PAID)).toBe(E_RANGE);
    expect(d.counter.balance).toBe(u32.MAX_VALUE - 5);
    expect(d.counter.charge(2, 5, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.balance).toBe(u32.MAX_VALUE);
    const m = freshDevice(1000);
    expect(m.counter.charge(1, 900, FREE)).toBe(Prepaid.APPLIED);
    expect(m.counter.charge(2, 101, PAID)).toBe(E_RANGE);
    expect(m.counter.debit(1)).toBe(OK);
    expect(m.counter.charge(2, 101, PAID)).toBe(Prepaid.APPLIED);
    expect(m.counter.balance).toBe(1000);
    m.reboot();
    expect(m.counter.balance).toBe(1000);
  });

  it("tells a free charge from a paid one in what it records", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 50, FREE)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(2, 200, PAID)).toBe(Prepaid.APPLIED);
    d.reboot();
    expect(d.counter.applied.kindOf(1)).toBe(FREE);
    expect(d.counter.applied.kindOf(2)).toBe(PAID);
    expect(d.counter.freeTotal).toBe(50);
    expect(d.counter.paidTotal).toBe(200);
  });
});

describe("prepaid counter: debits", () => {
  it("refuses a job larger than the balance, balance and version unchanged", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 10, FREE)).toBe(Prepaid.APPLIED);
    expect(d.counter.debit(11)).toBe(Prepaid.SHORT);
    expect(d.counter.balance).toBe(10);
    expect(d.counter.version).toBe(1);
    d.reboot();
    expect(d.counter.balance).toBe(10);
    expect(d.counter.debit(0)).toBe(E_INVAL);
    expect(d.counter.debit(4)).toBe(OK);
    expect(d.counter.debit(6)).toBe(OK);
    expect(d.counter.balance).toBe(0);
    expect(d.counter.debit(1)).toBe(Prepaid.SHORT);
    d.reboot();
    expect(d.counter.balance).toBe(0);
    expect(d.counter.debitedTotal).toBe(10);
    expect(d.counter.version).toBe(3);
  });
});

describe("prepaid counter: power cycles and resets", () => {
  it("reopens with the same state and the same mirror", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 30, FREE)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(4, 70, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.debit(12)).toBe(OK);
    const before = new Uint8Array(MIRROR_BYTES);
    expect(d.counter.mirror(before)).toBe(MIRROR_BYTES);
    d.reboot();
    expect(d.opened).toBe(OK);
    const after = new Uint8Array(MIRROR_BYTES);
    expect(d.counter.mirror(after)).toBe(MIRROR_BYTES);
    for (let i = 0; i < MIRROR_BYTES; i++) expect(after[i]).toBe(before[i]);
    expect(getU32LE(after, 1)).toBe(3);     // version
    expect(getU32LE(after, 5)).toBe(88);    // balance
    expect(getU32LE(after, 37)).toBe(4);    // highest applied id
    expect(d.counter.mirror(new Uint8Array(MIRROR_BYTES - 1))).toBe(E_RANGE);
  });

  it("keeps the balance and the applied ids through initialization and factory reset", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 40, FREE)).toBe(Prepaid.APPLIED);
    expect(d.counter.debit(5)).toBe(OK);
    expect(d.store.initialize()).toBe(OK);
    d.reboot();
    expect(d.counter.balance).toBe(35);
    expect(d.store.factoryReset()).toBe(OK);
    d.reboot();
    expect(d.counter.balance).toBe(35);
    // A charge replayed after the reset is still known: no second application.
    expect(d.counter.charge(1, 40, FREE)).toBe(Prepaid.USED);
    expect(d.counter.version).toBe(2);
  });

  it("commits a charge together with a command's replay floor", () => {
    const d = freshDevice();
    const t = d.store.begin();
    expect(t.putU32(LAST_COMMAND, 7, 0)).toBe(OK);
    expect(d.counter.stageCharge(t, 1, 25, PAID)).toBe(Prepaid.APPLIED);
    expect(d.counter.charge(2, 1, PAID)).toBe(E_BUSY);   // one change at a time while staged
    expect(d.counter.adopt(t.commit())).toBe(OK);
    expect(d.counter.balance).toBe(25);
    d.reboot();
    expect(d.counter.balance).toBe(25);
    expect(d.store.getU32(LAST_COMMAND)).toBe(7);
    const u = d.store.begin();
    expect(d.counter.stageCharge(u, 1, 25, PAID)).toBe(Prepaid.USED);
    u.discard();
  });
});

describe("prepaid counter: a counter that cannot be read fails closed", () => {
  it("refuses charges and debits when its record was altered in flash", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 20, PAID)).toBe(Prepaid.APPLIED);
    // The stored counter: format, version 1, balance 20; raise the balance to 0xF0.
    const v = new Uint8Array(9);
    v[0] = 1;
    putU32LE(v, 1, 1);
    putU32LE(v, 5, 20);
    const at = findInFlash(v);
    expect(at >= 0).toBe(true);
    doctorRecord(at - 2, 2 + 5, 0xf0);   // the data is type | attributes | value | tag
    d.reboot();
    expect(d.opened).toBe(E_TAMPER);
    expect(d.store.tamperedId).toBe(PrepaidRecord.COUNTER);
    expect(d.counter.balance).toBe(0);
    expect(d.counter.debit(1)).toBe(E_TAMPER);
    expect(d.counter.charge(2, 5, PAID)).toBe(E_TAMPER);
  });

  it("refuses a counter whose record the flash lost (data CRC broken)", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 20, PAID)).toBe(Prepaid.APPLIED);
    const v = new Uint8Array(9);
    v[0] = 1;
    putU32LE(v, 1, 1);
    putU32LE(v, 5, 20);
    const at = findInFlash(v);
    expect(at >= 0).toBe(true);
    pokeByte(at + 5, 0xf0);   // the record store scrubs it at mount: the applied ids stay alone
    d.reboot();
    expect(d.opened).toBe(E_MALFORMED);
    expect(d.counter.balance).toBe(0);
    expect(d.counter.charge(1, 20, PAID)).toBe(E_MALFORMED);
  });

  it("refuses a counter whose applied ids were removed", () => {
    const d = freshDevice();
    expect(d.counter.charge(1, 20, PAID)).toBe(Prepaid.APPLIED);
    expect(d.store.records.remove(PrepaidRecord.APPLIED)).toBe(OK);
    d.reboot();
    expect(d.opened).toBe(E_MALFORMED);
    expect(d.counter.charge(1, 20, PAID)).toBe(E_MALFORMED);
  });
});
