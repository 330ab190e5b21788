// The meter's outbox entries (PROTOCOL.md §3.1): compact in flash, flat JSON on the wire
// (up/history, and up/reply for command replies). Integers little-endian.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { JsonWriter } from "../../core/codecs/flat-json";
import { OutboxFormat, replyJson } from "../../modules/cloud-link/index";
import { ENTRY_BYTES } from "../../modules/supply-breaker/index";

export namespace Entry {
  export const REPLY: u8 = 1;
  export const READING: u8 = 2;
  export const TABLE: u8 = 3;
  export const ENDING: u8 = 4;
  export const SWITCHED: u8 = 5;
  export const SECURITY: u8 = 6;
  export const BREAKER: u8 = 7;
}

/** A reading's quality bits (PROTOCOL.md §3.1). */
export namespace Quality {
  export const LATE: u32 = 1;
  export const GAP: u32 = 2;
  export const SUPPLY_OFF: u32 = 4;
  export const FAULT: u32 = 8;
}

/** Which fields a reading entry carries (its company's scope at the reading's time). */
export namespace Field {
  export const T: u8 = 1;
  export const W: u8 = 2;
  export const WH: u8 = 4;
  export const D: u8 = 8;
}

/** co u32 | rseq u32 | q u8 | fields u8 | t i64 | w i32 | wh i64 | d u32: 34 bytes; the
 *  fields the bits do not name are zero and never reach the wire. */
export const READING_BYTES: i32 = 34;
/** version u32 | contract u32 | ctypes u32 | provision u32 | ptypes u32 | pending u8 | failure i8 */
export const TABLE_BYTES: i32 = 22;
/** co u32 | role u8 | at i64 | id u32 */
export const ENDING_BYTES: i32 = 17;
/** role u8 | from u32 | to u32 | at i64 | id u32 */
export const SWITCHED_BYTES: i32 = 21;
/** co u32 | role u8 */
export const SECURITY_BYTES: i32 = 5;

export function putI64(b: Uint8Array, off: i32, v: i64): void {
  putU32LE(b, off, <u32>v);
  putU32LE(b, off + 4, <u32>(v >> 32));
}

export function getI64(b: Uint8Array, off: i32): i64 {
  return <i64>((<u64>getU32LE(b, off + 4) << 32) | <u64>getU32LE(b, off));
}

export class MeterOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return kind == Entry.REPLY ? "reply" : "history"; }

  json(seq: u32, kind: u8, b: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    const n = b.length;
    if (kind == Entry.REPLY && replyJson(w, b)) return w.toString();
    if (kind == Entry.READING && n == READING_BYTES) {
      w.str("kind", "reading").num("co", getU32LE(b, 0)).num("rseq", getU32LE(b, 4)).num("q", b[8]);
      const f = b[9];
      if ((f & Field.T) != 0) w.num("t", getI64(b, 10));
      if ((f & Field.W) != 0) w.num("w", <i32>getU32LE(b, 18));
      if ((f & Field.WH) != 0) w.num("wh", getI64(b, 22));
      if ((f & Field.D) != 0) w.num("d", getU32LE(b, 30));
      return w.toString();
    }
    if (kind == Entry.TABLE && n == TABLE_BYTES) {
      return w.str("kind", "table").num("version", getU32LE(b, 0)).num("contract", getU32LE(b, 4))
        .num("ctypes", getU32LE(b, 8)).num("provision", getU32LE(b, 12)).num("ptypes", getU32LE(b, 16))
        .num("pending", b[20]).num("failure", <i8>b[21]).toString();
    }
    if (kind == Entry.ENDING && n == ENDING_BYTES) {
      return w.str("kind", "ending").num("co", getU32LE(b, 0)).num("role", b[4]).num("at", getI64(b, 5))
        .num("id", getU32LE(b, 13)).toString();
    }
    if (kind == Entry.SWITCHED && n == SWITCHED_BYTES) {
      return w.str("kind", "switched").num("role", b[0]).num("from", getU32LE(b, 1)).num("to", getU32LE(b, 5))
        .num("at", getI64(b, 9)).num("id", getU32LE(b, 17)).toString();
    }
    if (kind == Entry.SECURITY && n == SECURITY_BYTES) {
      return w.str("kind", "security").num("co", getU32LE(b, 0)).num("role", b[4]).toString();
    }
    if (kind == Entry.BREAKER && n == ENTRY_BYTES) {
      // supply-breaker's entry: seq u32 | UTC ms i64 | from u8 | to u8 | reason u8
      return w.str("kind", "breaker").num("bseq", getU32LE(b, 0)).num("from", b[12]).num("to", b[13])
        .num("reason", b[14]).num("t", getI64(b, 4)).toString();
    }
    return w.str("kind", "unknown").toString();
  }
}
