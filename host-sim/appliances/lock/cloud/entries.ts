// Bounded shape checks of the lock's outbox entries (PROTOCOL.md §3.2): the typed entry or
// a reason (the entry is then skipped, keeping its place in the sequence).
import { bad, ok, type Checked } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import { REASON_NAMES, type AccessEntry, type BoltEntry, type DoorEntry, type ReasonName } from "./types.ts";

type Entry = FlatPayload & { seq: number };
const oneOf = <T extends string>(list: readonly T[]) => (v: unknown): v is T => typeof v === "string" && (list as readonly string[]).includes(v);
const isReason = oneOf<ReasonName>(REASON_NAMES);
const isAction = oneOf(["unlock", "lock"] as const), isResult = oneOf(["granted", "denied"] as const);
const isBolt = oneOf(["locked", "unlocked"] as const), isBy = oneOf(["grant", "owner", "auto"] as const), isDoor = oneOf(["open", "closed"] as const);
const int = (v: unknown, min: number, max: number): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;

export function checkAccess(e: Entry): Checked<AccessEntry> {
  const { grant, action, result, reason, t } = e;
  if (!int(grant, 0, 0xffffffff)) return bad("access: grant u32");
  if (!isAction(action)) return bad("access: action unlock or lock");
  if (!isResult(result)) return bad("access: result granted or denied");
  if (!isReason(reason) || (result === "granted") !== (reason === "none")) return bad("access: reason a §2.1 name, none exactly when granted");
  if (!int(t, -1, Number.MAX_SAFE_INTEGER)) return bad("access: t UTC ms or -1");
  return ok({ seq: e.seq, kind: "access", grant, action, result, reason, t });
}

export function checkBolt(e: Entry): Checked<BoltEntry> {
  if (!isBolt(e.state)) return bad("bolt: state locked or unlocked");
  if (!isBy(e.by)) return bad("bolt: by grant, owner or auto");
  return ok({ seq: e.seq, kind: "bolt", state: e.state, by: e.by });
}

export function checkDoor(e: Entry): Checked<DoorEntry> {
  if (!isDoor(e.state)) return bad("door: state open or closed");
  return ok({ seq: e.seq, kind: "door", state: e.state });
}
