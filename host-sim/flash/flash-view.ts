// What the page's flash view (and flash:inspect) shows of a board's flash image: each
// record by name, owner, type and reset class, its value unless it is a secret (sealed,
// or SECRET in its module's README: "•••", never its bytes), scrubbed records as
// scrubbed, and each page's fill and wear.
import type { FlashPageView, FlashRecordView, FlashView } from "../web/messages.ts";
import { PAGE_SIZE, liveRecords, readPages, type FlashRecord } from "./record-store-image.ts";
import { credentialView } from "./credential-record.ts";
import { COMMIT_KEY, describeKey } from "./record-names.ts";

export const SECRET_SHOWN = "•••";
const PAGE_HEADER = 16, REC_HEADER = 20;
/** Longest value shown (hex or text); the rest is summed up in its size. */
const SHOWN_BYTES = 48;

const RESET_WORDS = { KEPT: "kept", INITIALIZATION: "initialization", FACTORY_RESET: "factory reset", none: "none" } as const;

/** One record as the views list it: what it is, and what may be shown of it. */
export function recordView(r: FlashRecord, image: string | undefined, live: boolean): FlashRecordView {
  const d = describeKey(r.key, image);
  const state: FlashRecordView["state"] = r.state === "scrubbed" ? "scrubbed" : !r.dataCrcOk ? "bad-crc" : "live";
  const cred = state === "live" && live ? credentialView(r.key, r.data) : null;
  const secret = d.secret || cred?.form === "sealed";
  const form = cred && cred.form !== "clear" ? `, ${cred.form}` : "";
  const type = `${d.type || cred?.type || "bytes"}${form}`;
  let value = "";
  if (state === "live" && live) value = secret ? SECRET_SHOWN : showValue(cred ? cred.value ?? new Uint8Array(0) : r.data, cred?.type);
  return { key: r.key, name: d.name, owner: d.owner, type, resetClass: RESET_WORDS[d.reset], size: r.data.length, value, secret, state };
}

/** The flash view of one device: its records (live ones, scrubbed ones, unreadable ones;
 *  neither replaced copies awaiting their scrub nor the store's commit records) and pages. */
export function flashView(device: string, flash: Uint8Array, o: { image?: string; erasesPerPage?: readonly number[] } = {}): FlashView {
  const pages = readPages(flash);
  const live = liveRecords(pages);
  const records: FlashRecordView[] = [];
  const pageViews: FlashPageView[] = [];
  for (const p of pages) {
    let used = p.inUse ? PAGE_HEADER : 0;
    for (const r of p.records) {
      used = r.addr - p.page * PAGE_SIZE + REC_HEADER + ((r.data.length + 3) & ~3);
      if (r.key === COMMIT_KEY || r.tombstone) continue;
      const isLive = r.state !== "scrubbed" && r.dataCrcOk && live.get(r.key) === r;
      if (r.state === "scrubbed" || !r.dataCrcOk || isLive) records.push(recordView(r, o.image, isLive));
    }
    pageViews.push({ index: p.page, eraseCount: o.erasesPerPage?.[p.page] ?? 0, usedBytes: used, sizeBytes: PAGE_SIZE });
  }
  records.sort((a, b) => a.key - b.key || Number(a.state !== "live") - Number(b.state !== "live"));
  return { device, pages: pageViews, records };
}

/** A value as text when it reads as text, a number for u32 and counters, else hex. */
function showValue(v: Uint8Array, type?: string): string {
  if ((type === "u32" || type === "counter") && v.length === 4) return String((v[0] | (v[1] << 8) | (v[2] << 16) | (v[3] << 24)) >>> 0);
  const printable = v.length > 0 && v.every((b) => b >= 0x20 && b < 0x7f);
  const shown = v.subarray(0, SHOWN_BYTES);
  const more = v.length > SHOWN_BYTES ? ` … (${v.length} B)` : "";
  return printable ? Buffer.from(shown).toString("latin1") + more : Buffer.from(shown).toString("hex") + more;
}
