// Reads a flash image written by the firmware's record store (firmware/storage/FORMAT.md)
// without running the firmware: an independent decoder, used by the fault harness as its
// oracle and by engineers to look inside a board's flash (npm run flash:inspect).

export const PAGE_SIZE = 4096;
const PAGE_MAGIC = 0x31765352;
const PAGE_HEADER = 16;
const REC_HEADER = 20;

export type RecordState = "committed" | "torn" | "scrubbed";

export interface FlashRecord {
  page: number;
  addr: number;
  state: RecordState;
  key: number;
  seq: number;
  tombstone: boolean;
  /** Written as a member of a transaction (valid once the transaction's commit record is). */
  inTransaction: boolean;
  /** A transaction's commit record (key 0xFFFF): data = first member seq u32, members u32. */
  commit: boolean;
  data: Uint8Array;
  dataCrcOk: boolean;
}

export interface FlashPage {
  page: number;
  inUse: boolean;
  freeing: boolean;
  seq: number;
  records: FlashRecord[];
}

const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

export function readPages(image: Uint8Array, pageSize = PAGE_SIZE): FlashPage[] {
  const pages: FlashPage[] = [];
  for (let p = 0; p * pageSize < image.length; p++) {
    const pg = image.subarray(p * pageSize, (p + 1) * pageSize);
    const ok = u32(pg, 0) === PAGE_MAGIC && u32(pg, 8) === crc32(pg.subarray(0, 8));
    const page: FlashPage = { page: p, inUse: ok, freeing: ok && pg[12] === 0xfe, seq: ok ? u32(pg, 4) : 0, records: [] };
    pages.push(page);
    if (!ok) continue;
    let off = PAGE_HEADER;
    while (off + REC_HEADER <= pageSize) {
      const h = pg.subarray(off, off + REC_HEADER);
      if (h[0] === 0xff) break;
      if (u32(h, 12) !== crc32(h.subarray(1, 12))) {
        // A claim whose header never completed is one header long (FORMAT.md); anything
        // else unreadable ends the page.
        if (h[0] === 0xfe) { off += REC_HEADER; continue; }
        break;
      }
      const len = u16(h, 8);
      const size = REC_HEADER + ((len + 3) & ~3);
      if (off + size > pageSize) break;
      const data = pg.slice(off + REC_HEADER, off + REC_HEADER + len);
      page.records.push({
        page: p, addr: p * pageSize + off,
        state: h[0] === 0xfc ? "committed" : h[0] === 0x00 ? "scrubbed" : "torn",
        key: u16(h, 2), seq: u32(h, 4), tombstone: (h[1] & 1) !== 0,
        inTransaction: (h[1] & 2) !== 0, commit: u16(h, 2) === 0xffff && (h[1] & 4) !== 0,
        data, dataCrcOk: crc32(data) === u32(h, 16),
      });
      off += size;
    }
  }
  return pages;
}

/** Whether mount takes the record as a value: committed, or a claimed member of a
 *  transaction whose commit record is committed (mount completes it). */
function counts(r: FlashRecord, commits: FlashRecord[]): boolean {
  if (!r.dataCrcOk || r.key === 0xffff) return false;
  if (r.state === "committed") return true;
  if (r.state !== "torn" || !r.inTransaction) return false;
  return commits.some((c) => r.seq >= u32(c.data, 0) && r.seq - u32(c.data, 0) < u32(c.data, 4));
}

/** The store's logical content: each key's newest committed, intact, non-removed value. */
export function readRecords(image: Uint8Array, pageSize = PAGE_SIZE): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const [k, r] of liveRecords(readPages(image, pageSize))) out.set(k, r.data);
  return out;
}

/** Each key's record that mount takes as its value (newest committed, intact, not a
 *  removal), from pages readPages() read. */
export function liveRecords(pages: FlashPage[]): Map<number, FlashRecord> {
  const newest = new Map<number, FlashRecord>();
  const commits = pages.flatMap((p) => p.records).filter((r) => r.commit && r.state === "committed" && r.dataCrcOk && r.data.length === 8);
  for (const pg of pages) {
    for (const r of pg.records) {
      if (!counts(r, commits)) continue;
      const cur = newest.get(r.key);
      if (!cur || r.seq > cur.seq) newest.set(r.key, r);
    }
  }
  for (const [k, r] of newest) if (r.tombstone) newest.delete(k);
  return newest;
}

/** Offsets where `needle` occurs anywhere in the image (headers, padding, free space). */
export function findBytes(image: Uint8Array, needle: Uint8Array): number[] {
  const hits: number[] = [];
  if (needle.length === 0) return hits;
  outer: for (let i = 0; i + needle.length <= image.length; i++) {
    for (let j = 0; j < needle.length; j++) if (image[i + j] !== needle[j]) continue outer;
    hits.push(i);
  }
  return hits;
}
