// Bounded shape checks of the PCS's outbox entries (PROTOCOL.md §4.1): each gives the typed
// entry or a reason (the entry is then skipped, keeping its place in the sequence).
import { bad, ok, type Checked } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import {
  ITEM_NAMES, type AuthEntry, type AuthEventName, type ChangeEntry, type ItemName, type ReadingEntry, type RefusalReason,
  type TamperEntry, type Triple, type Via,
} from "./types.ts";

type Entry = FlatPayload & { seq: number };
const U32 = 0xffffffff;

const int = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
const oneOf = <T extends string>(list: readonly T[]) => (v: unknown): v is T => typeof v === "string" && (list as readonly string[]).includes(v);

const VIAS: readonly Via[] = ["cloud", "panel", "ble"];
const EVENTS: readonly AuthEventName[] = ["stored", "refused", "match", "mismatch", "expired", "used-up", "locked"];
const REASONS: readonly RefusalReason[] = ["malformed", "other-device", "unknown-issuer", "bad-signature", "replayed", "no-time"];
const isVia = oneOf(VIAS), isEvent = oneOf(EVENTS), isReason = oneOf(REASONS), isItem = oneOf<ItemName>(ITEM_NAMES);
/** SITE's value (§1): 1..20 of 0-9 A-Z -. */
export const isSite = (v: unknown): v is string => typeof v === "string" && /^[0-9A-Z-]{1,20}$/.test(v);
/** `D101:7` (issuer hex, serial) or `maintenance`. */
const isBy = (v: unknown): v is string => v === "maintenance" || (typeof v === "string" && /^[0-9A-F]{1,8}:[0-9]{1,10}$/.test(v));

/** Three u32s (a reading's channels or capacities). */
const triple = (v: unknown): v is Triple => Array.isArray(v) && v.length === 3 && v.every((n) => int(n, 0, U32));

export function checkReading(e: Entry): Checked<ReadingEntry> {
  const { co, rseq, q, t, pv, ch, dis, site, mac } = e;
  if (!int(co, 1, U32)) return bad("reading: co is not a partner code");
  if (!int(rseq, 1, U32)) return bad("reading: rseq 1..2^32-1");
  if (!int(q, 0, 15)) return bad("reading: q quality bits 0..15");
  if (!int(t, 0, Number.MAX_SAFE_INTEGER)) return bad("reading: t UTC ms");
  if (!int(pv, 0, U32) || !int(ch, 0, U32) || !int(dis, 0, U32)) return bad("reading: pv, ch, dis u32 Wh");
  if (!triple(e.e)) return bad("reading: e three u32 registers");
  if (!isSite(site)) return bad("reading: site 1..20 of 0-9 A-Z -");
  if (!triple(e.cap)) return bad("reading: cap three u32 capacities");
  if (typeof mac !== "string" || !/^[0-9a-fA-F]{64}$/.test(mac)) return bad("reading: mac 64 hex digits");
  return ok({ seq: e.seq, kind: "reading", co, rseq, q, t, pv, ch, dis, e: [...e.e], site, cap: [...e.cap], mac: mac.toLowerCase() });
}

export function checkAuth(e: Entry): Checked<AuthEntry> {
  const { event, issuer, serial, via, reason } = e;
  if (!isEvent(event)) return bad(`auth: event one of ${EVENTS.join(", ")}`);
  if (!int(issuer, 0, U32) || !int(serial, 0, U32)) return bad("auth: issuer and serial u32");
  if (!isVia(via)) return bad("auth: via cloud, panel or ble");
  if (event === "refused" ? !isReason(reason) : reason !== undefined) return bad("auth: a reason with refused and only then");
  return ok({ seq: e.seq, kind: "auth", event, issuer, serial, via, ...(reason !== undefined ? { reason: reason as RefusalReason } : {}) });
}

export function checkChange(e: Entry): Checked<ChangeEntry> {
  const { item, op, by, via, site, cap, to } = e;
  if (!isItem(item)) return bad(`change: item one of ${ITEM_NAMES.join(", ")}`);
  if (op !== "set" && op !== "delete") return bad("change: op set or delete");
  if (!isBy(by)) return bad("change: by issuer:serial or maintenance");
  if (!isVia(via)) return bad("change: via cloud, panel or ble");
  const out: ChangeEntry = { seq: e.seq, kind: "change", item, op, by, via };
  const set = op === "set";
  if (set && item === "site") {
    if (!isSite(site)) return bad("change: site set carries the new site");
    out.site = site;
  } else if (site !== undefined) return bad("change: site only with a site set");
  if (set && item === "capacities") {
    if (!triple(cap)) return bad("change: capacities set carries cap, three u32");
    out.cap = [...cap];
  } else if (cap !== undefined) return bad("change: cap only with a capacities set");
  if (set && item === "connection") {
    if (!int(to, 1, U32)) return bad("change: connection set carries to, the new partner");
    out.to = to;
  } else if (to !== undefined) return bad("change: to only with a connection set");
  return ok(out);
}

export function checkTamper(e: Entry): Checked<TamperEntry> {
  if (!isItem(e.item)) return bad(`tamper: item one of ${ITEM_NAMES.join(", ")}`);
  return ok({ seq: e.seq, kind: "tamper", item: e.item });
}
