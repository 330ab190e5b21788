import { RecordStore } from "../../../storage/record-store";
import { CredentialStore } from "../../credential-store/index";
import { Outbox, GAP, MAX_CHUNKS, CHUNK_BYTES } from "../outbox";
import { OK, E_NOSPACE } from "../../../core/errors";
import { getU32LE } from "../../../core/codecs/bytes";
import { Keyspace } from "../../../storage/keyspace";
import { KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { KEYS as CLOUD_LINK_KEYS } from "../index";

/** The flash is shared by the specs of one file: each test starts from a factory reset,
 *  which erases the registration class and with it the outbox. */
function store(): CredentialStore {
  const c = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, CLOUD_LINK_KEYS]));
  expect(c.open()).toBe(OK);
  return c;
}
function fresh(): Outbox {
  expect(store().factoryReset()).toBe(OK);
  const o = new Outbox(store());
  o.load();
  return o;
}
function reopen(): Outbox { const o = new Outbox(store()); o.load(); return o; }
function body(i: i32, n: i32 = 9): Uint8Array { const b = new Uint8Array(n); b[0] = <u8>i; b[n - 1] = <u8>(i >> 8); return b; }

describe("outbox", () => {
  it("numbers messages from 1 and keeps them across a reboot until acknowledged", () => {
    const o = fresh();
    expect(o.append(1, body(10))).toBe(1);
    expect(o.append(2, body(11, 5))).toBe(2);
    expect(o.append(1, body(12))).toBe(3);
    const r = reopen();
    expect(r.last).toBe(3);
    expect(r.first).toBe(1);
    const e = r.entry(2)!;
    expect(e.kind).toBe(2);
    expect(e.body.length).toBe(5);
    expect(e.body[0]).toBe(11);
    expect(r.entry(4) === null).toBe(true);
  });

  it("an acknowledgement removes whole chunks only after the floor moved, and numbering goes on", () => {
    const o = fresh();
    for (let i = 0; i < 3; i++) o.append(1, body(i));
    expect(o.acknowledge(2)).toBe(OK);      // part of a chunk: nothing leaves flash yet
    expect(reopen().first).toBe(1);
    expect(o.acknowledge(3)).toBe(OK);
    const r = reopen();
    expect(r.chunkCount).toBe(0);
    expect(r.floor).toBe(3);
    expect(r.append(1, body(9))).toBe(4);
  });

  it("holds more than a day at one history entry a minute, then reports what it dropped as a gap", () => {
    const o = fresh();
    let n = 0;
    while (o.append(1, body(n)) > 0) n++;
    const perChunk = CHUNK_BYTES / 11;
    expect(n).toBe(MAX_CHUNKS * perChunk);
    expect(n).toBeGreaterThanOrEqual(1440);
    expect(o.dropped).toBe(1);
    expect(o.append(1, body(0))).toBe(<i64>E_NOSPACE);
    expect(reopen().dropped).toBe(2);         // the count survives a reboot
    expect(o.acknowledge(<u32>perChunk)).toBe(OK);
    const seq = o.append(1, body(1));
    expect(seq).toBe(<i64>(n + 2));           // after the gap entry
    const gap = o.entry(<u32>(n + 1))!;
    expect(gap.kind).toBe(GAP);
    expect(getU32LE(gap.body, 0)).toBe(2);
    expect(reopen().dropped).toBe(0);
  });

  it("an offered message is refused, not dropped, once it would leave fewer than the reserve free; the reserve still takes appends", () => {
    const o = fresh();
    const reserve = 8;
    let n = 0;
    while (o.offer(3, body(n), reserve) > 0) n++;
    const perChunk = CHUNK_BYTES / 11;
    expect(n).toBe((MAX_CHUNKS - reserve) * perChunk);
    expect(o.offer(3, body(0), reserve)).toBe(<i64>E_NOSPACE);
    expect(o.dropped).toBe(0);                // nothing lost: the producer offers it again
    expect(reopen().dropped).toBe(0);
    let m = 0;
    while (o.append(1, body(m)) > 0) m++;     // replies and reports still fit
    expect(m).toBe(reserve * perChunk);
    expect(o.dropped).toBe(1);                // an append beyond everything is a loss
    expect(o.acknowledge(<u32>(2 * perChunk))).toBe(OK);
    expect(o.offer(3, body(1), reserve)).toBe(<i64>E_NOSPACE); // the gap comes first, and still no room past the reserve
    expect(o.dropped).toBe(1);
  });
});
