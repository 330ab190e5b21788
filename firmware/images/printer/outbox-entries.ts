// The printer's outbox entries (PROTOCOL.md §4): compact in flash, flat JSON on the wire
// (up/history and up/reply). Mirror: the prepaid counter's 41-byte mirror; ink: level u8;
// printed: pages u32 LE; reply: the cloud link's command reply.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { JsonWriter } from "../../core/codecs/flat-json";
import { OutboxFormat, replyJson } from "../../modules/cloud-link/index";
import { MIRROR_BYTES } from "../../modules/prepaid-counter/index";

export namespace Entry {
  export const MIRROR: u8 = 1;
  export const REPLY: u8 = 2;
  export const INK: u8 = 3;
  export const PRINTED: u8 = 4;
}

export function printedEntry(pages: u32): Uint8Array {
  const b = new Uint8Array(4);
  putU32LE(b, 0, pages);
  return b;
}

export function inkEntry(level: i32): Uint8Array {
  const b = new Uint8Array(1);
  b[0] = <u8>level;
  return b;
}

export class PrinterOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return kind == Entry.REPLY ? "reply" : "history"; }

  json(seq: u32, kind: u8, body: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    if (kind == Entry.REPLY && replyJson(w, body)) return w.toString();
    if (kind == Entry.MIRROR && body.length == MIRROR_BYTES) {
      // format u8 | version u32 | balance u32 | free u64 | paid u64 | debited u64 | floor u32 | high u32 (LE)
      return w.str("kind", "mirror").num("version", getU32LE(body, 1)).num("balance", getU32LE(body, 5))
        .num("free", u64At(body, 9)).num("paid", u64At(body, 17)).num("debited", u64At(body, 25))
        .num("floor", getU32LE(body, 33)).num("high", getU32LE(body, 37)).toString();
    }
    if (kind == Entry.INK && body.length == 1) return w.str("kind", "ink").num("level", body[0]).toString();
    if (kind == Entry.PRINTED && body.length == 4) return w.str("kind", "printed").num("pages", getU32LE(body, 0)).toString();
    return w.str("kind", "unknown").toString();
  }
}

/** A u64 LE field as JSON takes it (page totals stay far below 2^53). */
function u64At(b: Uint8Array, off: i32): i64 {
  return <i64>((<u64>getU32LE(b, off + 4) << 32) | <u64>getU32LE(b, off));
}
