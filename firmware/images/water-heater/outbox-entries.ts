// The water heater's outbox entries (PROTOCOL.md §2): compact in flash, flat JSON on the
// wire. History: event u8 | value i16 LE | t 48-bit LE (wall ms, all ones = unknown),
// 9 bytes. Reply: the cloud link's command reply (modules/cloud-link/commands.ts).
import { getU16LE, getU32LE, putU16LE, putU32LE } from "../../core/codecs/bytes";
import { JsonWriter } from "../../core/codecs/flat-json";
import { OutboxFormat, replyJson } from "../../modules/cloud-link/index";
import { SETTING_NAMES } from "./heater";

export const HISTORY: u8 = 1;
export const REPLY: u8 = 2;

/** History events: the settings by index, then the operations' own events. */
const EXTRA_EVENTS: string[] = ["bath_ready"];
const T_UNKNOWN: u64 = 0xffffffffffff;

function eventName(code: i32): string {
  if (code < SETTING_NAMES.length) return SETTING_NAMES[code];
  const i = code - SETTING_NAMES.length;
  return i < EXTRA_EVENTS.length ? EXTRA_EVENTS[i] : "unknown";
}

function eventCode(name: string): i32 {
  const i = SETTING_NAMES.indexOf(name);
  if (i >= 0) return i;
  const j = EXTRA_EVENTS.indexOf(name);
  return j >= 0 ? SETTING_NAMES.length + j : 255;
}

export function historyEntry(event: string, value: i32, wallMs: i64): Uint8Array {
  const b = new Uint8Array(9);
  b[0] = <u8>eventCode(event);
  putU16LE(b, 1, <u32>(<u16><i16>value));
  const t: u64 = wallMs < 0 ? T_UNKNOWN : <u64>wallMs & T_UNKNOWN;
  putU32LE(b, 3, <u32>t);
  putU16LE(b, 7, <u32>(t >> 32));
  return b;
}

export class HeaterOutboxFormat extends OutboxFormat {
  topicKind(kind: u8): string { return kind == REPLY ? "reply" : "history"; }

  json(seq: u32, kind: u8, body: Uint8Array): string {
    const w = new JsonWriter().num("seq", seq);
    if (kind == REPLY && replyJson(w, body)) return w.toString();
    if (kind == HISTORY && body.length == 9) {
      const t: u64 = <u64>getU32LE(body, 3) | (<u64>getU16LE(body, 7) << 32);
      return w.str("event", eventName(body[0])).num("value", <i16><u16>getU16LE(body, 1))
        .num("t", t == T_UNKNOWN ? -1 : <i64>t).toString();
    }
    return w.str("event", "unknown").num("value", 0).num("t", -1).toString();
  }
}
