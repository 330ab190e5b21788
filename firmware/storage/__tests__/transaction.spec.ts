import { RecordStore } from "../record-store";
import { E_INVAL, E_RANGE, E_STATE, OK } from "../../core/errors";
import { flashErase, flashPageCount } from "../../board/index";

function bytes(n: i32, v: u8): Uint8Array { const b = new Uint8Array(n); b.fill(v); return b; }

/** A store on erased flash: every test starts from a new chip. */
function fresh(): RecordStore {
  for (let p = 0; p < flashPageCount(); p++) flashErase(p);
  const s = new RecordStore();
  expect(s.mount()).toBe(OK);
  return s;
}
function remount(): RecordStore {
  const s = new RecordStore();
  expect(s.mount()).toBe(OK);
  return s;
}

describe("record store transactions", () => {
  it("writes every change at commit, and they survive a remount", () => {
    const s = fresh();
    expect(s.put(1, bytes(4, 1))).toBe(OK);
    expect(s.put(2, bytes(4, 2))).toBe(OK);
    const t = s.begin();
    expect(t.put(1, bytes(6, 11))).toBe(OK);
    expect(t.remove(2)).toBe(OK);
    expect(t.put(3, bytes(8, 33))).toBe(OK);
    // Nothing is visible before the commit.
    expect(s.get(1)![0]).toBe(1);
    expect(s.has(2)).toBe(true);
    expect(s.has(3)).toBe(false);
    expect(t.commit()).toBe(OK);
    const r = remount();
    expect(r.get(1)!.length).toBe(6);
    expect(r.get(1)![0]).toBe(11);
    expect(r.has(2)).toBe(false);
    expect(r.get(3)![7]).toBe(33);
    expect(r.report.rolledForward).toBe(0);
    expect(r.report.scrubbed).toBe(0);
  });

  it("the last change of a key in one transaction wins", () => {
    const s = fresh();
    const t = s.begin();
    t.put(5, bytes(2, 1));
    t.remove(5);
    t.put(5, bytes(3, 7));
    expect(t.commit()).toBe(OK);
    expect(remount().get(5)!.length).toBe(3);
  });

  it("a refused change makes the whole transaction write nothing", () => {
    const s = fresh();
    expect(s.put(1, bytes(4, 1))).toBe(OK);
    const t = s.begin();
    t.put(1, bytes(4, 9));
    expect(t.put(0xffff, bytes(1, 1))).toBe(E_INVAL);
    expect(t.commit()).toBe(E_INVAL);
    expect(remount().get(1)![0]).toBe(1);
  });

  it("refuses a transaction larger than a page, writing nothing", () => {
    const s = fresh();
    const t = s.begin();
    t.put(1, bytes(2100, 1));
    t.put(2, bytes(2100, 2));
    expect(t.commit()).toBe(E_RANGE);
    const r = remount();
    expect(r.has(1)).toBe(false);
    expect(r.has(2)).toBe(false);
  });

  it("a transaction is committed once", () => {
    const s = fresh();
    const t = s.begin();
    t.put(1, bytes(1, 1));
    expect(t.commit()).toBe(OK);
    expect(t.commit()).toBe(E_STATE);
  });

  it("keeps values over 512 bytes, in and out of transactions", () => {
    const s = fresh();
    expect(s.put(40, bytes(3000, 4))).toBe(OK);
    const t = s.begin();
    t.put(41, bytes(1500, 5));
    t.put(42, bytes(1500, 6));
    expect(t.commit()).toBe(OK);
    const r = remount();
    expect(r.get(40)!.length).toBe(3000);
    expect(r.get(40)![2999]).toBe(4);
    expect(r.get(41)![1499]).toBe(5);
    expect(r.get(42)![0]).toBe(6);
  });

  it("transactions and page collection: many rounds in a small partition", () => {
    const s = fresh();
    for (let i = 0; i < 280; i++) {
      const t = s.begin();
      t.put(<u32>(i % 7), bytes(300, <u8>i));
      t.put(<u32>(100 + (i % 5)), bytes(200, <u8>i));
      expect(t.commit()).toBe(OK);
    }
    const r = remount();
    expect(r.count()).toBe(12);
    expect(r.get(6)![0]).toBe(<u8>(280 - 7 + 6));
    expect(r.get(104)![0]).toBe(<u8>(280 - 5 + 4));
  });
});
