// The lock's outbox entries (PROTOCOL.md §3.2): compact in flash, flat JSON on the wire
// (up/history; up/reply for command replies). The key server keeps each once per seq: the
// lock's event log. Integers little-endian.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { JsonWriter } from "../../core/codecs/flat-json";
import { OutboxFormat, replyJson } from "../../modules/cloud-link/index";
import { Action, reasonName } from "../../modules/grants/index";

export namespace Entry {
  export const REPLY: u8 = 1;
  export const ACCESS: u8 = 2;
  export const BOLT: u8 = 3;
  export const DOOR: u8 = 4;
}

/** grant u32 | action u8 | granted u8 | reason u8 | t i64 (lock time, -1 unknown) */
export const ACCESS_BYTES: i32 = 15;
/** state u8 (1 locked) | by u8 */
export const BOLT_BYTES: i32 = 2;
/** state u8 (1 open) */
export const DOOR_BYTES: i32 = 1;

/** Who moved the bolt. */
export namespace By {
  export const GRANT: u8 = 0;
  export const OWNER: u8 = 1;
  export const AUTO: u8 = 2;
}

const BY_NAMES: string[] = ["grant", "owner", "auto"];

export function actionName(action: i32): string {
  return action == Action.UNLOCK ? "unlock" : action == Action.LOCK ? "lock" : "unknown";
}

export function putI64(b: Uint8Array, off: i32, v: i64): void {
  putU32LE(b, off, <u32>v);
  putU32LE(b, off + 4, <u32>(v >> 32));
}

export function getI64(b: Uint8Array, off: i32): i64 {
  return <i64>((<u64>getU32LE(b, off + 4) << 32) | <u64>getU32LE(b, off));
}

export function accessEntry(grant: u32, action: i32, granted: bool, reason: i32, t: i64): Uint8Array {
  const b = new Uint8Array(ACCESS_BYTES);
  putU32LE(b, 0, grant);
  b[4] = <u8>action;
  b[5] = granted ? 1 : 0;
  b[6] = <u8>reason;
  putI64(b, 7, t);
  return b;
}

export class LockOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return kind == Entry.REPLY ? "reply" : "history"; }

  json(seq: u32, kind: u8, b: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    const n = b.length;
    if (kind == Entry.REPLY && replyJson(w, b)) return w.toString();
    if (kind == Entry.ACCESS && n == ACCESS_BYTES) {
      return w.str("kind", "access").num("grant", getU32LE(b, 0)).str("action", actionName(b[4]))
        .str("result", b[5] != 0 ? "granted" : "denied").str("reason", reasonName(b[6])).num("t", getI64(b, 7)).toString();
    }
    if (kind == Entry.BOLT && n == BOLT_BYTES) {
      const by = <i32>b[1];
      return w.str("kind", "bolt").str("state", b[0] != 0 ? "locked" : "unlocked")
        .str("by", by < BY_NAMES.length ? unchecked(BY_NAMES[by]) : "unknown").toString();
    }
    if (kind == Entry.DOOR && n == DOOR_BYTES) return w.str("kind", "door").str("state", b[0] != 0 ? "open" : "closed").toString();
    return w.str("kind", "unknown").toString();
  }
}
