// Device-link messages (boards/DEVICE-LINK.md) as typed values: encoders for what the
// controller sends, one decoder for everything a board sends back.
import type { BoardEvent, BoardOutput, BoardTime, FlashStats, MeterSample } from "../device/types.ts";
import { Channel } from "../board/abi-constants.ts";
import { type Frame } from "./codec.ts";
import { Reader, Writer } from "./bytes.ts";

/** An EVENT frame spends 21 of its 4096 payload bytes on time, kind and arg. */
export const MAX_EVENT_PAYLOAD = 4096 - 21;

export const LINK_VERSION = 1;

/** Controller -> board. */
export const ToBoard = { HELLO: 0x01, BOOT: 0x02, EVENT: 0x03, FLASH_READ: 0x04, QUIT: 0x05, STATS: 0x06, METER: 0x07 } as const;

/** Board -> controller. */
export const FromBoard = {
  READY: 0x41, FLASH_DATA: 0x44, STATS: 0x46,
  LOG: 0x50, DISPLAY: 0x51, GPIO: 0x52, LINK_SEND: 0x53, TIMER_SET: 0x54, TIMER_CANCEL: 0x55,
  MQTT_CONNECT: 0x56, MQTT_SUBSCRIBE: 0x57, MQTT_PUBLISH: 0x58, MQTT_DISCONNECT: 0x59,
  WIFI_JOIN: 0x5a, WIFI_GROUP: 0x5b, UDP_BIND: 0x5c, UDP_SEND: 0x5d,
  ERROR: 0x7c, POWER_CUT: 0x7d, PANIC: 0x7e, DONE: 0x7f,
} as const;

export interface OutFrame { type: number; payload: Uint8Array }

export const hello = (version = LINK_VERSION): OutFrame =>
  ({ type: ToBoard.HELLO, payload: new Writer().u16(version).done() });
export const boot = (time: BoardTime): OutFrame =>
  ({ type: ToBoard.BOOT, payload: new Writer().i64(time.nowMs).i64(time.wallMs).done() });
export const event = (time: BoardTime, ev: BoardEvent): OutFrame => ({
  type: ToBoard.EVENT,
  payload: new Writer().i64(time.nowMs).i64(time.wallMs).u8(ev.kind).i32(ev.arg)
    .bytes(ev.payload ?? new Uint8Array(0)).done(),
});
export const flashRead = (addr: number, len: number): OutFrame =>
  ({ type: ToBoard.FLASH_READ, payload: new Writer().u32(addr).u16(len).done() });
/** (ABI v1.3) What measure() reads from the next call on: u8 count, then per channel from
 *  0 i32 status, i32 power W, i64 energy Wh; channels past count are E_NOTFOUND. */
export const meter = (samples: readonly MeterSample[]): OutFrame => {
  // Channels past the ABI's are never read (the TS board ignores them too); the board
  // refuses a count above its channel count.
  const known = samples.slice(0, Channel.COUNT);
  const w = new Writer().u8(known.length);
  for (const s of known) w.i32(s.status).i32(s.powerW).i64(Math.trunc(s.energyWh));
  return { type: ToBoard.METER, payload: w.done() };
};
export const quit = (): OutFrame => ({ type: ToBoard.QUIT, payload: new Uint8Array(0) });
export const stats = (): OutFrame => ({ type: ToBoard.STATS, payload: new Uint8Array(0) });

/** Everything a board can send. Panic and power cut are also BoardOutputs (they end a
 *  call's trace), so they carry one. */
export type BoardMessage =
  | { m: "output"; output: BoardOutput }
  | { m: "ready"; linkVersion: number; abiVersion: number; image: string }
  | { m: "done"; result: number }
  | { m: "power_cut"; output: Extract<BoardOutput, { t: "power_cut" }> }
  | { m: "panic"; output: Extract<BoardOutput, { t: "panic" }> }
  | { m: "error"; code: number; text: string }
  | { m: "stats"; stats: FlashStats }
  | { m: "flash_data"; data: Uint8Array };

const name = (type: number) =>
  Object.entries(FromBoard).find(([, v]) => v === type)?.[0] ?? `0x${type.toString(16)}`;

export function decodeBoardFrame(f: Frame): BoardMessage {
  const r = new Reader(f.payload, name(f.type));
  const output = (o: BoardOutput): BoardMessage => ({ m: "output", output: o });
  switch (f.type) {
    case FromBoard.READY: return { m: "ready", linkVersion: r.u16(), abiVersion: r.u16(), image: r.text() };
    case FromBoard.FLASH_DATA: return { m: "flash_data", data: r.rest() };
    case FromBoard.STATS: {
      const ops = r.u32(), pages = r.u16();
      const erasesPerPage: number[] = [];
      for (let i = 0; i < pages; i++) erasesPerPage.push(r.u32());
      return { m: "stats", stats: { ops, erasesPerPage } };
    }
    case FromBoard.LOG: return output({ t: "log", level: r.u8(), text: r.text() });
    case FromBoard.DISPLAY: return output({ t: "display", text: r.text() });
    case FromBoard.GPIO: return output({ t: "gpio", pin: r.u8(), level: r.u8() });
    case FromBoard.LINK_SEND: return output({ t: "link", link: r.u8(), data: r.rest() });
    case FromBoard.TIMER_SET: return output({ t: "timer_set", id: r.u8(), delayMs: r.i32() });
    case FromBoard.TIMER_CANCEL: return output({ t: "timer_cancel", id: r.u8() });
    case FromBoard.MQTT_CONNECT: {
      const client = r.text(r.u16()), user = r.text(r.u16()), pass = r.bytes(r.u16());
      return output({ t: "mqtt_connect", client, user, pass });
    }
    case FromBoard.MQTT_SUBSCRIBE: return output({ t: "mqtt_subscribe", pid: r.u16(), qos: r.u8(), topic: r.text() });
    case FromBoard.MQTT_PUBLISH: {
      const pid = r.u16(), qos = r.u8(), retain = r.u8() !== 0, topic = r.text(r.u16());
      return output({ t: "mqtt_publish", pid, qos, retain, topic, payload: r.rest() });
    }
    case FromBoard.MQTT_DISCONNECT: return output({ t: "mqtt_disconnect" });
    case FromBoard.WIFI_JOIN: {
      const ssid = r.bytes(r.u8()), key = r.bytes(r.u8());
      return output({ t: "wifi_join", ssid, key });
    }
    case FromBoard.WIFI_GROUP: {
      const ssid = r.bytes(r.u8()), pass = r.bytes(r.u8());
      return output({ t: "wifi_group", ssid, pass });
    }
    case FromBoard.UDP_BIND: return output({ t: "udp_bind", port: r.u16(), group: r.u32() });
    case FromBoard.UDP_SEND: {
      const addr = r.u32(), port = r.u16();
      return output({ t: "udp_send", addr, port, data: r.rest() });
    }
    case FromBoard.ERROR: return { m: "error", code: r.i32(), text: r.text() };
    case FromBoard.POWER_CUT: return { m: "power_cut", output: { t: "power_cut", op: r.u32() } };
    case FromBoard.PANIC: {
      const line = r.i32(), col = r.i32();
      return { m: "panic", output: { t: "panic", line, col, text: r.text() } };
    }
    case FromBoard.DONE: return { m: "done", result: r.i32() };
    default: throw new Error(`board sent unknown frame type 0x${f.type.toString(16)}`);
  }
}

/** The board-side encoding of an output (what the posix host sends); the inverse of
 *  decodeBoardFrame, used by tests and by anything that stands in for a board. */
export function encodeOutput(o: BoardOutput): OutFrame {
  const w = new Writer();
  const enc = new TextEncoder();
  switch (o.t) {
    case "log": return { type: FromBoard.LOG, payload: w.u8(o.level).bytes(enc.encode(o.text)).done() };
    case "display": return { type: FromBoard.DISPLAY, payload: w.bytes(enc.encode(o.text)).done() };
    case "gpio": return { type: FromBoard.GPIO, payload: w.u8(o.pin).u8(o.level).done() };
    case "link": return { type: FromBoard.LINK_SEND, payload: w.u8(o.link).bytes(o.data).done() };
    case "timer_set": return { type: FromBoard.TIMER_SET, payload: w.u8(o.id).i32(o.delayMs).done() };
    case "timer_cancel": return { type: FromBoard.TIMER_CANCEL, payload: w.u8(o.id).done() };
    case "mqtt_connect": {
      const c = enc.encode(o.client), u = enc.encode(o.user);
      return { type: FromBoard.MQTT_CONNECT, payload: w.u16(c.length).bytes(c).u16(u.length).bytes(u).u16(o.pass.length).bytes(o.pass).done() };
    }
    case "mqtt_subscribe": return { type: FromBoard.MQTT_SUBSCRIBE, payload: w.u16(o.pid).u8(o.qos).bytes(enc.encode(o.topic)).done() };
    case "mqtt_publish": {
      const t = enc.encode(o.topic);
      return { type: FromBoard.MQTT_PUBLISH, payload: w.u16(o.pid).u8(o.qos).u8(o.retain ? 1 : 0).u16(t.length).bytes(t).bytes(o.payload).done() };
    }
    case "mqtt_disconnect": return { type: FromBoard.MQTT_DISCONNECT, payload: w.done() };
    case "wifi_join": return { type: FromBoard.WIFI_JOIN, payload: w.u8(o.ssid.length).bytes(o.ssid).u8(o.key.length).bytes(o.key).done() };
    case "wifi_group": return { type: FromBoard.WIFI_GROUP, payload: w.u8(o.ssid.length).bytes(o.ssid).u8(o.pass.length).bytes(o.pass).done() };
    case "udp_bind": return { type: FromBoard.UDP_BIND, payload: w.u16(o.port).u32(o.group).done() };
    case "udp_send": return { type: FromBoard.UDP_SEND, payload: w.u32(o.addr).u16(o.port).bytes(o.data).done() };
    case "panic": return { type: FromBoard.PANIC, payload: w.i32(o.line).i32(o.col).bytes(enc.encode(o.text)).done() };
    case "power_cut": return { type: FromBoard.POWER_CUT, payload: w.u32(o.op).done() };
  }
}
