// Device-link framing and messages (boards/DEVICE-LINK.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { crc16 } from "../host-sim/link/crc16.ts";
import { encodeFrame, FrameDecoder, MAX_PAYLOAD } from "../host-sim/link/codec.ts";
import { decodeBoardFrame, encodeOutput, event, FromBoard } from "../host-sim/link/messages.ts";
import type { BoardOutput } from "../host-sim/device/types.ts";

const ascii = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => {
  const r = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { r.set(p, o); o += p.length; }
  return r;
};

test("CRC-16/CCITT-FALSE check value of 123456789 is 0x29B1", () => {
  assert.equal(crc16(ascii("123456789")), 0x29b1);
});

test("frame layout: sync, type, BE length, payload, BE CRC over type+length+payload", () => {
  const f = encodeFrame(0x51, ascii("hi"));
  assert.deepEqual([...f.subarray(0, 7)], [0xb0, 0xa1, 0x51, 0x00, 0x02, 0x68, 0x69]);
  const crc = crc16(f.subarray(2, 7));
  assert.deepEqual([...f.subarray(7)], [crc >> 8, crc & 0xff]);
});

test("round trip, including empty and maximum payloads, split at every byte", () => {
  const frames = [encodeFrame(0x7f, new Uint8Array(0)), encodeFrame(0x50, ascii("\x02hello")),
    encodeFrame(0x44, new Uint8Array(MAX_PAYLOAD).map((_, i) => i))];
  const stream = cat(...frames);
  const d = new FrameDecoder();
  const got = [];
  for (let i = 0; i < stream.length; i += 7) got.push(...d.push(stream.subarray(i, i + 7)));
  assert.equal(got.length, 3);
  assert.deepEqual(got.map((f) => f.type), [0x7f, 0x50, 0x44]);
  assert.equal(got[2].payload.length, MAX_PAYLOAD);
  assert.equal(got[2].payload[300], 300 & 0xff);
  assert.equal(d.dropped, 0);
  assert.throws(() => encodeFrame(1, new Uint8Array(MAX_PAYLOAD + 1)), /exceeds/);
});

test("resync after garbage, including stray sync bytes", () => {
  const d = new FrameDecoder();
  const garbage = Uint8Array.of(0x00, 0xb0, 0x13, 0xb0, 0xa1);
  const got = d.push(cat(garbage, encodeFrame(0x51, ascii("ok"))));
  assert.equal(got.length, 1);
  assert.equal(new TextDecoder().decode(got[0].payload), "ok");
});

test("a corrupted frame costs that frame only", () => {
  const bad = encodeFrame(0x51, ascii("one"));
  bad[6] ^= 0x01;
  const lost = encodeFrame(0x51, ascii("two")).subarray(1); // first byte lost on the line
  const got = new FrameDecoder().push(cat(bad, lost, encodeFrame(0x51, ascii("three"))));
  assert.deepEqual(got.map((f) => new TextDecoder().decode(f.payload)), ["three"]);
});

test("an oversize length is treated as noise, not waited for", () => {
  const d = new FrameDecoder();
  const got = d.push(cat(Uint8Array.of(0xb0, 0xa1, 0x51, 0xff, 0xff), encodeFrame(0x7f, Uint8Array.of(0, 0, 0, 5))));
  assert.equal(got.length, 1);
  assert.deepEqual(decodeBoardFrame(got[0]), { m: "done", result: 5 });
});

test("every BoardOutput survives board encoding and controller decoding", () => {
  const outs: BoardOutput[] = [
    { t: "log", level: 3, text: "héllo" }, { t: "display", text: "Title\nline" },
    { t: "gpio", pin: 4, level: 1 }, { t: "link", link: 2, data: Uint8Array.of(1, 2, 3) },
    { t: "timer_set", id: 15, delayMs: 2_000_000_000 }, { t: "timer_cancel", id: 0 },
    { t: "mqtt_connect", client: "c", user: "u", pass: Uint8Array.of(0, 255) },
    { t: "mqtt_subscribe", pid: 65535, qos: 1, topic: "a/b" },
    { t: "mqtt_publish", pid: 7, qos: 1, retain: true, topic: "t", payload: Uint8Array.of(9) },
    { t: "mqtt_disconnect" },
    { t: "wifi_join", ssid: new TextEncoder().encode("home"), key: new TextEncoder().encode("correct horse") },
    { t: "wifi_join", ssid: new Uint8Array(0), key: new Uint8Array(0) },
    { t: "wifi_group", ssid: new TextEncoder().encode("DIRECT-ab-Printer"), pass: new Uint8Array(63).fill(0x41) },
  ];
  for (const o of outs) {
    const f = encodeOutput(o);
    assert.deepEqual(decodeBoardFrame(f), { m: "output", output: o });
  }
  assert.deepEqual(decodeBoardFrame(encodeOutput({ t: "panic", line: -1, col: 2, text: "x" })),
    { m: "panic", output: { t: "panic", line: -1, col: 2, text: "x" } });
  assert.deepEqual(decodeBoardFrame(encodeOutput({ t: "power_cut", op: 70000 })),
    { m: "power_cut", output: { t: "power_cut", op: 70000 } });
});

test("READY, STATS and ERROR decode; EVENT encodes its fields big-endian", () => {
  assert.deepEqual(decodeBoardFrame({ type: FromBoard.READY, payload: cat(Uint8Array.of(0, 1, 0, 1), ascii("devkit")) }),
    { m: "ready", linkVersion: 1, abiVersion: 1, image: "devkit" });
  assert.deepEqual(decodeBoardFrame({ type: FromBoard.STATS, payload: Uint8Array.of(0, 0, 1, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4) }),
    { m: "stats", stats: { ops: 256, erasesPerPage: [3, 4] } });
  assert.deepEqual(decodeBoardFrame({ type: FromBoard.ERROR, payload: cat(Uint8Array.of(0xff, 0xff, 0xff, 0xf6), ascii("bad")) }),
    { m: "error", code: -10, text: "bad" });
  const e = event({ nowMs: 1, wallMs: -1 }, { kind: 7, arg: 3 | (1 << 8), payload: Uint8Array.of(0xaa) });
  assert.deepEqual([...e.payload], [0, 0, 0, 0, 0, 0, 0, 1, 255, 255, 255, 255, 255, 255, 255, 255, 7, 0, 0, 1, 3, 0xaa]);
  assert.throws(() => decodeBoardFrame({ type: FromBoard.GPIO, payload: Uint8Array.of(1) }), /GPIO frame is too short/);
  // WIFI_JOIN: u8 ssid length, ssid, u8 key length, key (DEVICE-LINK.md).
  assert.deepEqual([...encodeOutput({ t: "wifi_join", ssid: Uint8Array.of(0x68), key: Uint8Array.of(1, 2) }).payload], [1, 0x68, 2, 1, 2]);
  assert.throws(() => decodeBoardFrame({ type: FromBoard.WIFI_GROUP, payload: Uint8Array.of(4, 1, 2) }), /WIFI_GROUP frame is too short/);
});
