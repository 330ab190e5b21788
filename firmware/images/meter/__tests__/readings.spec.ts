// Readings end to end in the image (PROTOCOL.md §3.1): each company gets its readings as
// `reading` entries, numbered from 1, with only its scope's values; nothing before its
// confirmation; the switch instant; an outage with power cuts loses and repeats nothing.
import { OK } from "../../../core/errors";
import { Entry } from "../outbox-entries";
import { Rig, fresh, expectHas, load, KANTO, GREEN, DATA_CO, MINUTE, HOUR, T0 } from "./rig";

/** 10:30 UTC on T0's day (T0 is 10:07). */
const B1030: i64 = T0 + 23 * MINUTE;

/** Kanto (contract: TIME, ENERGY, HISTORY) and Data Co (provision: TIME, POWER), both confirmed. */
function twoCompanies(): Rig {
  const r = fresh().installed();
  expect(r.command(KANTO, '"change":0,"at":-1,"to":40961,"types":13')).toBe(OK);
  expect(r.command(DATA_CO, '"change":1,"at":-1,"to":49155,"types":3')).toBe(OK);
  expect(r.command(KANTO, '"confirm":13')).toBe(0);
  expect(r.command(DATA_CO, '"confirm":3')).toBe(0);
  return r;
}

/** Company `co`'s reading entries the head-end got so far (acknowledged or not), in seq order. */
function readingsOf(r: Rig, co: u32): string[] {
  r.collect();
  const seqs = r.seen.keys().sort(), out: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    const e = r.seen.get(seqs[i]);
    if (e.includes('"kind":"reading"') && e.includes('"co":' + co.toString() + ",")) out.push(e);
  }
  return out;
}

/** The text after "rseq" (what must be the same when a reading is handed again). */
function content(e: string): string { return e.substr(e.indexOf('"co"')); }

function rseqOf(e: string): i32 {
  const at = e.indexOf('"rseq":') + 7;
  return I32.parseInt(e.substring(at, e.indexOf(",", at)));
}

/** Company `co` got rseq 1..n each at least once, a repeat always the same reading: n. */
function expectLossless(r: Rig, co: u32): i32 {
  const got = readingsOf(r, co);
  const first = new Map<i32, string>();
  let n = 0;
  for (let i = 0; i < got.length; i++) {
    const q = rseqOf(got[i]);
    if (first.has(q)) expect(content(got[i])).toBe(first.get(q));
    else { first.set(q, content(got[i])); if (q > n) n = q; }
  }
  for (let q = 1; q <= n; q++) expect(first.has(q)).toBe(true);
  return n;
}

describe("readings", () => {
  it("the first at the next :00/:30, one per company, each with its scope's values only", () => {
    const r = twoCompanies();
    load(500, 10_000);
    r.runToUtc(B1030 - MINUTE);
    expect(r.entriesOf("reading").length).toBe(0);
    r.runToUtc(B1030 + 5 * MINUTE);
    const k = readingsOf(r, KANTO), d = readingsOf(r, DATA_CO);
    expect(k.length).toBe(1);
    expect(d.length).toBe(1);
    expectHas(k[0], '"rseq":1,"q":0,"t":' + B1030.toString() + ',"wh":10000,"d":0');
    expect(k[0].includes('"w":')).toBe(false);
    expectHas(d[0], '"rseq":1,"q":0,"t":' + B1030.toString() + ',"w":500}');
  });

  it("a type outside a company's scope never appears in anything published, over a day", () => {
    const r = twoCompanies();
    for (let h = 0; h < 48; h++) {
      load(300 + h, 10_000 + <i64>h * 150);
      r.runToUtc(B1030 + <i64>h * 30 * MINUTE + MINUTE);
      if (h % 6 == 5) r.ackAll();
    }
    const k = readingsOf(r, KANTO), d = readingsOf(r, DATA_CO);
    for (let i = 0; i < k.length; i++) expect(k[i].includes('"w":')).toBe(false);
    for (let i = 0; i < d.length; i++) expect(d[i].includes('"wh"') || d[i].includes('"d":')).toBe(false);
    // The register went up 150 Wh a slot: Kanto's `d`.
    expectHas(k[k.length - 1], '"d":150');
  });

  it("a company that has not confirmed gets nothing until it does; then everything, from rseq 1", () => {
    const r = fresh().installed();
    expect(r.command(GREEN, '"change":0,"at":-1,"to":45058,"types":13')).toBe(OK);
    load(100, 1000);
    r.runToUtc(B1030 + 61 * MINUTE);
    expect(readingsOf(r, GREEN).length).toBe(0);
    expect(r.command(GREEN, '"confirm":13')).toBe(0);
    const g = readingsOf(r, GREEN);
    expect(g.length).toBe(3);
    expectHas(g[0], '"rseq":1');
    expectHas(g[2], '"rseq":3');
  });

  it("the switch at T: the reading ending at T is the old company's, the next the new one's", () => {
    const r = twoCompanies();
    const T = B1030 + 30 * MINUTE;                     // 11:00
    expect(r.command(GREEN, '"change":0,"at":' + T.toString() + ',"to":45058,"types":13')).toBeGreaterThan(0);
    expect(r.command(GREEN, '"confirm":13')).toBe(0);
    load(100, 1000);
    r.runToUtc(T + 31 * MINUTE);                        // 10:30, 11:00, 11:30 taken
    const k = readingsOf(r, KANTO), g = readingsOf(r, GREEN);
    expect(k.length).toBe(2);
    expectHas(k[1], '"t":' + T.toString());
    expect(g.length).toBe(1);
    expectHas(g[0], '"rseq":1,"q":0,"t":' + (T + 30 * MINUTE).toString());
  });

  it("48 hours without the head-end, with power cuts: every reading once per company, in order", () => {
    let r = twoCompanies();
    r.ackAll();
    let wh: i64 = 50_000;
    for (let h = 0; h < 96; h++) {
      wh += 200;
      load(400, wh);
      if (h % 16 == 7) {
        r = r.reboot(40 * MINUTE);                       // off across a boundary: one LATE reading
        load(400, wh);
        r.runToUtc(r.clock.wall + MINUTE);
      } else r.runToUtc(B1030 + <i64>h * 30 * MINUTE + MINUTE);
    }
    r.online();
    for (let i = 0; i < 40; i++) { r.runTo(r.clock.now + MINUTE); r.ackAll(); }
    // The head-end saw every entry (acknowledged); count what was handed per company.
    expect(r.meter.metering.lost()).toBe(0);
    const readings = <i32>r.meter.metering.log.newest;
    expect(readings).toBeGreaterThan(80);
    expect(expectLossless(r, KANTO)).toBe(readings);
    expect(expectLossless(r, DATA_CO)).toBe(readings);
  });

  it("a full outbox refuses the table report without counting a loss; it goes in once the head-end makes room", () => {
    const r = twoCompanies();
    r.ackAll();
    r.ackAll();                                          // the set-up's last reports too
    expect(r.entries()).toBe("");
    // Everything the outbox takes from a producer that keeps its own copy (as readings are).
    const filler = new Uint8Array(200), crumb = new Uint8Array(1);
    while (r.meter.cloud.offer(Entry.READING, filler) == OK) {}
    while (r.meter.cloud.offer(Entry.READING, crumb) == OK) {}     // the newest chunk's last bytes
    // Green's scheduled change: its `ending` entry goes into the room kept for reports, the
    // table report is refused for room and stays owed.
    expect(r.command(GREEN, '"change":0,"at":' + (T0 + 2 * HOUR).toString() + ',"to":45058,"types":13')).toBeGreaterThan(0);
    expect(r.entriesOf("ending").length).toBe(1);
    expect(r.entriesOf("table").length).toBe(0);
    expect(r.meter.cloud.outbox.dropped).toBe(0);
    r.ackAll();                                          // room again: the owed report goes in
    const tables = r.entriesOf("table");
    expect(tables.length).toBe(1);
    expect(tables[0].includes('"pending":1')).toBe(true);
    expect(r.meter.cloud.outbox.dropped).toBe(0);
  });
});
