// Device-link framing and messages (boards/DEVICE-LINK.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { crc16 } from "../host-sim/link/crc16.ts";
import { encodeFrame, FrameDecoder, MAX_PAYLOAD } from "../host-sim/link/codec.ts";
import { decodeBoardFrame, encodeOutput, event, FromBoard, meter, ToBoard } from "../host-sim/link/messages.ts";
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
    { t: "udp_bind", port: 3610, group: 0xe0001700 }, { t: "udp_bind", port: 0, group: 0 },
    { t: "udp_send", addr: 0xc0a80102, port: 65535, data: Uint8Array.of(0x10, 0x81) },
    { t: "udp_send", addr: 0xe0001700, port: 3610, data: new Uint8Array(1024).fill(7) },
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
  // UDP_BIND: u16 port, u32 group; UDP_SEND: u32 addr, u16 port, datagram (DEVICE-LINK.md).
  assert.deepEqual([...encodeOutput({ t: "udp_bind", port: 3610, group: 0xe0001700 }).payload], [0x0e, 0x1a, 0xe0, 0, 0x17, 0]);
  assert.deepEqual([...encodeOutput({ t: "udp_send", addr: 0xc0a80102, port: 3610, data: Uint8Array.of(9) }).payload],
    [0xc0, 0xa8, 1, 2, 0x0e, 0x1a, 9]);
  assert.throws(() => decodeBoardFrame({ type: FromBoard.UDP_BIND, payload: Uint8Array.of(0x0e, 0x1a, 0xe0) }), /UDP_BIND frame is too short/);
  assert.throws(() => decodeBoardFrame({ type: FromBoard.UDP_SEND, payload: Uint8Array.of(1, 2, 3, 4, 5) }), /UDP_SEND frame is too short/);
});

test("METER carries each channel's status, power and energy register big-endian", () => {
  const f = meter([{ status: 0, powerW: -1500, energyWh: 2 ** 40 + 5 }, { status: -7, powerW: 0, energyWh: 0 }]);
  assert.equal(f.type, ToBoard.METER);
  assert.deepEqual([...f.payload], [2,
    0, 0, 0, 0, 0xff, 0xff, 0xfa, 0x24, 0, 0, 1, 0, 0, 0, 0, 5,
    0xff, 0xff, 0xff, 0xf9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...meter([]).payload], [0], "no samples: every channel reads E_NOTFOUND");
  const many = Array.from({ length: 7 }, () => ({ status: 0, powerW: 1, energyWh: 1 }));
  assert.equal(meter(many).payload[0], 5, "channels past the ABI's are not sent (the board refuses them)");
});
