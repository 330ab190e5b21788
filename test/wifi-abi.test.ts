// ABI v1.2's Wi-Fi on every host: an image that joins the router, owns a Wi-Fi Direct group
// and answers WIFI events (test/fixtures/wifi-image.ts) gives the same trace on V8, on the
// posix board (wasm2c) and under both WAMR interpreters, and every host refuses the same
// bad arguments with the same codes (boards/ABI.md, "Wi-Fi").
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { createUnitTestBoard } from "../host-sim/board/unit-test-board.ts";
import { PosixDevice } from "../host-sim/device/posix-device.ts";
import { EventKind, type BoardEvent, type CallResult, type DeviceHandle } from "../host-sim/device/types.ts";
import { E_AUTH, E_INVAL, E_NOTFOUND, E_RANGE, OK } from "../host-sim/board/abi-constants.ts";
import { asImage, tempDir } from "./fixtures/build.ts";
import { nativeEngines } from "./support/engines.ts";
import { boardForImage } from "./support/image-board.ts";

const T = { nowMs: 1000, wallMs: -1 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const none = new Uint8Array(0);
const wifi = (arg: number): BoardEvent => ({ kind: EventKind.WIFI, arg });

/** The fixture's life: boot, the refusal probes, then the router's answers. */
const EVENTS: BoardEvent[] = [
  { kind: EventKind.BUTTON, arg: 1 },
  wifi(E_AUTH), wifi(E_NOTFOUND), wifi(1), wifi(0),
  { kind: EventKind.LINK, arg: 3, payload: Uint8Array.of(0x11, 2) }, { kind: EventKind.BUTTON, arg: 2 },
];

async function run(dev: DeviceHandle): Promise<CallResult[]> {
  try {
    const calls = [await dev.boot(T)];
    for (const ev of EVENTS) calls.push(await dev.event(T, ev));
    return calls;
  } finally { await dev.close(); }
}

const dir = tempDir("wifi-abi");
const wasm = asImage("wifi-image", dir);

test("wifi_join / wifi_group and the WIFI event on the TypeScript host", async () => {
  const [boot, probes, refused, notFound, joined, lost, echo] = await run(await TsDevice.create({ image: wasm, flashFile: join(dir, "ts.bin") }));
  assert.deepEqual(boot.outputs, [
    { t: "wifi_join", ssid: utf8("home"), key: utf8("wrong key") },
    { t: "wifi_group", ssid: utf8("DIRECT-ab-Printer"), pass: utf8("0123456789abcdef") },
    { t: "log", level: 2, text: "join 0 group 0" },
  ]);
  // Only the calls that pass every check reach the radio, in call order.
  assert.deepEqual(probes.outputs.filter((o) => o.t !== "link"), [
    { t: "wifi_join", ssid: none, key: none },
    { t: "wifi_join", ssid: utf8("home"), key: none },
    { t: "wifi_group", ssid: none, pass: none },
  ]);
  const report = probes.outputs.find((o) => o.t === "link");
  assert.ok(report && report.t === "link" && report.data[0] === 0x5a);
  const codes = Array.from({ length: 14 }, (_, i) => Buffer.from(report.data).readInt32LE(1 + 4 * i));
  assert.deepEqual(codes, [E_RANGE, E_INVAL, E_RANGE, E_INVAL, E_RANGE, E_RANGE, E_RANGE, OK, OK,
    E_RANGE, E_RANGE, E_RANGE, E_RANGE, OK]);
  // The image sees the router's verdicts: a retry after E_AUTH, the group ended once joined.
  assert.deepEqual(refused.outputs, [{ t: "display", text: "Wi-Fi\n-6" }, { t: "wifi_join", ssid: utf8("home"), key: utf8("correct horse") }]);
  assert.deepEqual(notFound, { outputs: [{ t: "display", text: "Wi-Fi\n-5" }], result: E_NOTFOUND });
  assert.deepEqual(joined.outputs.at(-1), { t: "wifi_group", ssid: none, pass: none });
  assert.deepEqual(lost.outputs.at(-1), { t: "wifi_join", ssid: none, key: none });
  assert.deepEqual(echo.outputs, [{ t: "link", link: 3, data: Uint8Array.of(0x91, 2) }]);
});

test("every native engine gives the TypeScript host's Wi-Fi trace, call for call", async () => {
  const ts = await run(await TsDevice.create({ image: wasm, flashFile: join(dir, "ts2.bin") }));
  for (const engine of nativeEngines()) {
    const exe = boardForImage(engine, wasm);
    const native = await run(await PosixDevice.create({ image: exe, flashFile: join(dir, `${engine}.bin`) }, {}, engine));
    assert.deepEqual(native, ts, `trace on ${engine}`);
  }
});

test("the unit-test board records wifi_join / wifi_group for as-pect specs", async () => {
  const b = createUnitTestBoard();
  const { instance } = await WebAssembly.instantiate(readFileSync(wasm), { board: b.board } as WebAssembly.Imports);
  const ex = instance.exports as { memory: WebAssembly.Memory; fw_boot(): number; fw_event(k: number, a: number, l: number): number };
  b.attach(ex);
  assert.equal(b.testing.wifi_last(0, 0, 64), E_NOTFOUND, "nothing before the first call");
  ex.fw_boot();
  ex.fw_event(EventKind.WIFI, E_AUTH, 0);
  assert.deepEqual([b.testing.wifi_calls(0), b.testing.wifi_calls(1)], [2, 1]);
  const at = 60_000, mem = () => new Uint8Array(ex.memory.buffer);
  const n = b.testing.wifi_last(0, at, 64);
  assert.deepEqual(mem().slice(at, at + n), Uint8Array.of(4, ...utf8("home"), 13, ...utf8("correct horse")));
  assert.equal(b.testing.wifi_last(1, at, 10), E_RANGE, "a frame larger than cap is not copied");
  const g = b.testing.wifi_last(1, at, 64);
  assert.deepEqual(mem().slice(at, at + g), Uint8Array.of(17, ...utf8("DIRECT-ab-Printer"), 16, ...utf8("0123456789abcdef")));
});
