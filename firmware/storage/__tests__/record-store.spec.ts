import { RecordStore } from "../record-store";
import { E_INVAL, E_RANGE, OK } from "../../core/errors";
import { flashErase, flashPageCount, flashPageSize, flashRead, flashWrite } from "../../board/index";

function bytes(n: i32, v: u8): Uint8Array { const b = new Uint8Array(n); b.fill(v); return b; }

describe("record store", () => {
  it("keeps the newest value of each key across a remount", () => {
    const s = new RecordStore();
    expect(s.mount()).toBe(OK);
    expect(s.put(7, bytes(10, 1))).toBe(OK);
    expect(s.put(7, bytes(12, 2))).toBe(OK);
    expect(s.put(8, bytes(3, 3))).toBe(OK);
    const t = new RecordStore();
    expect(t.mount()).toBe(OK);
    const v = t.get(7)!;
    expect(v.length).toBe(12);
    expect(v[11]).toBe(2);
    expect(t.get(8)![0]).toBe(3);
  });

  it("forgets a removed key, across a remount too", () => {
    const s = new RecordStore();
    s.mount();
    s.put(9, bytes(5, 9));
    expect(s.remove(9)).toBe(OK);
    expect(s.has(9)).toBe(false);
    const t = new RecordStore();
    t.mount();
    expect(t.get(9)).toBeNull();
  });

  it("refuses the reserved key and values larger than a page", () => {
    const s = new RecordStore();
    s.mount();
    expect(s.put(0xffff, bytes(1, 1))).toBe(E_INVAL);
    expect(s.put(3, bytes(5000, 1))).toBe(E_RANGE);
    expect(s.has(3)).toBe(false);
  });

  it("collects pages so that many updates fit in a small partition", () => {
    const s = new RecordStore();
    s.mount();
    for (let i = 0; i < 2000; i++) {
      expect(s.put(<u32>(i % 20), bytes(100, <u8>i))).toBe(OK);
    }
    const t = new RecordStore();
    t.mount();
    for (let k = 0; k < 20; k++) {
      const last = 2000 - 20 + k;
      expect(t.get(<u32>k)![0]).toBe(<u8>last);
    }
    expect(t.count()).toBe(20);
  });
});

describe("record store mount on blank flash", () => {
  it("finds a single stray byte anywhere in a free page and erases the page", () => {
    const offsets: i32[] = [0, 7, 63, 64, 1023, 1024, 2047, 3000, 4095];
    for (let k = 0; k < offsets.length; k++) {
      for (let p = 0; p < flashPageCount(); p++) flashErase(p);
      const stray = new Uint8Array(1);
      stray[0] = 0xfe;   // one bit cleared: an erase or header write cut short
      expect(flashWrite(5 * flashPageSize() + offsets[k], stray, 0, 1)).toBe(OK);
      const s = new RecordStore();
      expect(s.mount()).toBe(OK);
      expect(s.report.erasedPages).toBe(1);
      const b = new Uint8Array(1);
      flashRead(5 * flashPageSize() + offsets[k], b, 0, 1);
      expect(b[0]).toBe(0xff);
    }
  });

  it("leaves blank pages alone", () => {
    for (let p = 0; p < flashPageCount(); p++) flashErase(p);
    const s = new RecordStore();
    expect(s.mount()).toBe(OK);
    expect(s.report.erasedPages).toBe(0);
  });
});
