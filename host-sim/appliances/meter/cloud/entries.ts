// Bounded shape checks of the meter's outbox entries and live answers (PROTOCOL.md §3.1):
// each gives the typed entry or a reason (the entry is then skipped, keeping its place).
import { bad, ok, type Checked } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import type {
  BreakerEntry, BreakerState, EndingEntry, ReadPayload, ReadingEntry, ReadingValues, RoleCode, SecurityEntry,
  SwitchedEntry, TableEntry,
} from "./types.ts";

type Entry = FlatPayload & { seq: number };
const U32 = 0xffffffff;
const I32_MIN = -0x80000000, I32_MAX = 0x7fffffff;

const int = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
/** UTC ms, or -1 where the protocol allows "without wall time". */
const time = (v: unknown, allowNone: boolean): v is number => int(v, allowNone ? -1 : 0, Number.MAX_SAFE_INTEGER);
const role = (v: unknown): v is RoleCode => v === 0 || v === 1;
const breaker = (v: unknown): v is BreakerState => v === 0 || v === 1 || v === 2;

/** The reading values present, each in its range; a reason for the first bad one. */
function values(p: FlatPayload): Checked<ReadingValues> {
  const out: ReadingValues = {};
  if (p.t !== undefined) { if (!time(p.t, false)) return bad("t: UTC ms"); out.t = p.t; }
  if (p.w !== undefined) { if (!int(p.w, I32_MIN, I32_MAX)) return bad("w: an i32 (W)"); out.w = p.w; }
  if (p.wh !== undefined) { if (!int(p.wh, 0, Number.MAX_SAFE_INTEGER)) return bad("wh: Wh, 0 or more"); out.wh = p.wh; }
  if (p.d !== undefined) { if (!int(p.d, 0, Number.MAX_SAFE_INTEGER)) return bad("d: Wh, 0 or more"); out.d = p.d; }
  return ok(out);
}

export function checkReading(e: Entry): Checked<ReadingEntry> {
  if (!int(e.co, 1, U32)) return bad("reading: co is not a company code");
  if (!int(e.rseq, 1, Number.MAX_SAFE_INTEGER)) return bad("reading: rseq 1 or more");
  if (!int(e.q, 0, 15)) return bad("reading: q quality bits 0..15");
  const v = values(e);
  if (!v.ok) return bad(`reading: ${v.error}`);
  return ok({ seq: e.seq, kind: "reading", co: e.co, rseq: e.rseq, q: e.q, ...v.value });
}

export function checkTable(e: Entry): Checked<TableEntry> {
  const { version, contract, ctypes, provision, ptypes, pending, failure } = e;
  if (!int(version, 0, U32)) return bad("table: version");
  if (!int(contract, 0, U32) || !int(provision, 0, U32)) return bad("table: company codes");
  if (!int(ctypes, 0, 15) || !int(ptypes, 0, 15)) return bad("table: types are DataType bits");
  if (!int(pending, 0, 16)) return bad("table: pending 0..16");
  if (!int(failure, -128, 127)) return bad("table: failure");
  return ok({ seq: e.seq, kind: "table", version, contract, ctypes, provision, ptypes, pending, failure });
}

export function checkEnding(e: Entry): Checked<EndingEntry> {
  if (!int(e.co, 1, U32) || !role(e.role) || !time(e.at, true) || !int(e.id, 0, U32)) return bad("ending: co, role, at, id");
  return ok({ seq: e.seq, kind: "ending", co: e.co, role: e.role, at: e.at, id: e.id });
}

export function checkSwitched(e: Entry): Checked<SwitchedEntry> {
  if (!role(e.role) || !int(e.from, 0, U32) || !int(e.to, 0, U32) || !time(e.at, true) || !int(e.id, 0, U32)) return bad("switched: role, from, to, at, id");
  return ok({ seq: e.seq, kind: "switched", role: e.role, from: e.from, to: e.to, at: e.at, id: e.id });
}

export function checkSecurity(e: Entry): Checked<SecurityEntry> {
  if (!int(e.co, 1, U32) || !(role(e.role) || e.role === 255)) return bad("security: co, role (0, 1 or 255)");
  return ok({ seq: e.seq, kind: "security", co: e.co, role: e.role });
}

export function checkBreaker(e: Entry): Checked<BreakerEntry> {
  if (!int(e.bseq, 0, U32) || !breaker(e.from) || !breaker(e.to) || !int(e.reason, 0, 255) || !time(e.t, true)) return bad("breaker: bseq, from, to, reason, t");
  return ok({ seq: e.seq, kind: "breaker", bseq: e.bseq, from: e.from, to: e.to, reason: e.reason, t: e.t });
}

export function checkRead(p: FlatPayload): Checked<ReadPayload> {
  if (!int(p.cmd, 1, Number.MAX_SAFE_INTEGER) || !int(p.co, 1, U32)) return bad("read: cmd, co");
  if (p.q !== undefined && !int(p.q, 0, 15)) return bad("read: q");
  const v = values(p);
  if (!v.ok) return bad(`read: ${v.error}`);
  return ok({ cmd: p.cmd, co: p.co, ...(p.q !== undefined ? { q: p.q } : {}), ...v.value });
}
