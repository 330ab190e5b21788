// ABI v1.3 on every host: the board-conformance image's metering, UDP and card probes
// (firmware/images/board-conformance/v13.ts) give the same trace on V8, on the posix board
// (wasm2c) and under both WAMR interpreters, with measure() reading the samples the
// controller gives each call (BoardTime.meter; the device link's METER frame), and a
// device runner feeds them from the load model (host-sim/meter-model). A native board
// refuses a malformed METER frame.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { PosixDevice, posixArgs, posixExecutable } from "../host-sim/device/posix-device.ts";
import { DeviceRunner } from "../host-sim/device/device-runner.ts";
import { EventKind, LinkId, type BoardEvent, type BoardTime, type CallResult, type DeviceHandle, type MeterSample } from "../host-sim/device/types.ts";
import { Channel, E_INVAL, E_IO, E_NOTFOUND, E_RANGE, E_STATE, OK } from "../host-sim/board/abi-constants.ts";
import { MeterModel, SLOT_MS } from "../host-sim/meter-model/index.ts";
import { Scheduler } from "../host-sim/sim/scheduler.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { tempDir } from "./fixtures/build.ts";
import { LinkChannel } from "../host-sim/link/channel.ts";
import { burnEfuse, efuseFileFor } from "../host-sim/board/efuse.ts";
import * as msg from "../host-sim/link/messages.ts";
import { nativeEngines } from "./support/engines.ts";

const dir = tempDir("meter-abi");
const wasm = wasmImagePath("board-conformance");
const cmd = (c: number): BoardEvent => ({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: Uint8Array.of(c) });
const ascii = (s: string) => new TextEncoder().encode(s);

/** 2^40 + 5 Wh: the register is an i64 on the wire and in memory. */
const FIRST: MeterSample[] = [
  { status: OK, powerW: 1234, energyWh: 2 ** 40 + 5 },
  { status: OK, powerW: 0, energyWh: 77 },
  { status: E_IO, powerW: 0, energyWh: 0 },
];
const LATER: MeterSample[] = [{ status: OK, powerW: 1500, energyWh: 2 ** 40 + 6 }, FIRST[1], FIRST[2]];
const at = (meter?: MeterSample[]): BoardTime => ({ nowMs: 1000, wallMs: -1, ...(meter ? { meter } : {}) });
const SENDER = 0xc0a80102; // 192.168.1.2
const CARD = Uint8Array.of(1, 1, 0x43, 0x54, 1, 0, 0x01, 0xa0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0);

/** The image's life: samples change between calls, then disappear; UDP and card traffic. */
const CALLS: [BoardTime, BoardEvent][] = [
  [at(FIRST), cmd(0x0e)], [at(FIRST), cmd(0x0e)], [at(LATER), cmd(0x0e)], [at(), cmd(0x0e)],
  [at(), cmd(0x0f)],
  [at(), { kind: EventKind.UDP, arg: SENDER, payload: Uint8Array.of(0xc3, 0x50, ...ascii("Get")) }],
  [at(), { kind: EventKind.UDP, arg: SENDER, payload: Uint8Array.of(7) }],
  [at(), { kind: EventKind.LINK, arg: LinkId.CARD, payload: CARD }],
  [at(), cmd(0x10)],
];

async function run(dev: DeviceHandle): Promise<CallResult[]> {
  try {
    const calls = [await dev.boot(at(FIRST))];
    for (const [time, ev] of CALLS) calls.push(await dev.event(time, ev));
    return calls;
  } finally { await dev.close(); }
}

const reply = (r: CallResult, code: number): Buffer => {
  const l = r.outputs.find((o) => o.t === "link" && o.link === LinkId.SERVICE && o.data[0] === code);
  assert.ok(l && l.t === "link", `reply 0x${code.toString(16)} in ${JSON.stringify(r.outputs.map((o) => o.t))}`);
  return Buffer.from(l.data);
};
const ints = (b: Buffer, from: number) => Array.from({ length: (b.length - from) / 4 }, (_, i) => b.readInt32LE(from + 4 * i));

/** measure's reply: per channel [result, power, energy], then the three refusals. */
function measured(r: CallResult) {
  const b = reply(r, 0x0e);
  const channels = Array.from({ length: Channel.COUNT }, (_, c) => {
    const o = 1 + 16 * c;
    return [b.readInt32LE(o), b.readInt32LE(o + 4), Number(b.readBigInt64LE(o + 8))];
  });
  return { channels, refusals: ints(b, 1 + 16 * Channel.COUNT) };
}

test("measure, udp_bind / udp_send, the UDP event and the CARD link on the TypeScript host", async () => {
  const [, first, again, later, none, udp, echo, short, card, reread] = await run(await TsDevice.create({ image: wasm, flashFile: join(dir, "ts.bin") }));
  assert.deepEqual(measured(first), {
    channels: [[OK, 1234, 2 ** 40 + 5], [OK, 0, 77], [E_IO, 0, 0], [E_NOTFOUND, 0, 0], [E_NOTFOUND, 0, 0]],
    refusals: [E_INVAL, E_INVAL, E_RANGE],
  });
  assert.deepEqual(measured(again), measured(first));
  assert.deepEqual(measured(later).channels[0], [OK, 1500, 2 ** 40 + 6], "the samples of the call, not of the first");
  assert.deepEqual(measured(none).channels.map((c) => c[0]), new Array(Channel.COUNT).fill(E_NOTFOUND), "no samples: no channel");

  assert.deepEqual(ints(reply(udp, 0x0f), 1), [E_STATE, E_INVAL, E_INVAL, E_INVAL, OK, E_INVAL, E_INVAL, E_INVAL,
    E_RANGE, E_RANGE, OK, OK, OK, E_STATE, OK]);
  // Only the calls that pass every check reach the network, in call order.
  assert.deepEqual(udp.outputs.filter((o) => o.t !== "link"), [
    { t: "udp_bind", port: 3610, group: 0xe0001700 },
    { t: "udp_send", addr: 0xe0001700, port: 3610, data: ascii("conf-udp") },
    { t: "udp_send", addr: 0xc0a80109, port: 40000, data: new Uint8Array(1024).fill(0x55) },
    { t: "udp_bind", port: 0, group: 0 },
    { t: "udp_bind", port: 3610, group: 0xe0001700 },
  ]);
  // The sender's address and port reach the image, and its answer goes back to them.
  assert.deepEqual(echo.outputs[0], { t: "udp_send", addr: SENDER, port: 50000, data: ascii("Get") });
  assert.deepEqual(ints(reply(echo, 0x12), 1), [SENDER | 0, 5, 50000, OK]);
  assert.deepEqual(ints(reply(short, 0x12), 1), [SENDER | 0, 1, -1, 0]);
  assert.deepEqual([...reply(card, 0x13)], [0x13, CARD.length, 0, 0, 0, ...CARD]);
  assert.deepEqual(reread.outputs.filter((o) => o.t === "link" && o.link === LinkId.CARD),
    [0, 1, 2].map((s) => ({ t: "link", link: LinkId.CARD, data: Uint8Array.of(s) })));
  assert.deepEqual(ints(reply(reread, 0x10), 1), [OK, OK, OK, E_INVAL]);
});

test("every native engine gives the TypeScript host's v1.3 trace, call for call", async () => {
  const ts = await run(await TsDevice.create({ image: wasm, flashFile: join(dir, "ts2.bin") }));
  for (const engine of nativeEngines()) {
    const native = await run(await PosixDevice.create({ image: "board-conformance", flashFile: join(dir, `${engine}.bin`) }, {}, engine));
    assert.deepEqual(native, ts, `trace on ${engine}`);
  }
});

test("a device runner feeds measure() from the load model, which follows the breaker pin", async () => {
  const MIDNIGHT = Date.UTC(2026, 10, 22);
  for (const host of ["ts", ...nativeEngines()] as const) {
    const scheduler = new Scheduler();
    const m = new MeterModel({ channels: [new Array(48).fill(1000)] }, { originUtcMs: MIDNIGHT, breakerClosed: false });
    const runner = new DeviceRunner({ host, image: host === "ts" ? wasm : "board-conformance", flashFile: join(dir, `runner-${host}.bin`),
      wallStartMs: MIDNIGHT, clock: { scheduler }, meter: m });
    try {
      await runner.powerOn();
      await scheduler.runUntil(SLOT_MS);
      const open = await runner.deliver(cmd(0x0e));
      assert.deepEqual(measured(open!).channels[0], [OK, 0, 0], `${host}: breaker open, nothing flows`);
      await runner.deliver(cmd(0x05)); // the gpio probe drives BREAKER to 1
      assert.equal(m.breaker, true, `${host}: the model saw the pin`);
      await scheduler.runUntil(2 * SLOT_MS);
      const closed = await runner.deliver(cmd(0x0e));
      assert.deepEqual(measured(closed!).channels[0], [OK, 1000, 500], `${host}: 1000 W for half an hour`);
      assert.deepEqual(closed!.time.meter, [{ status: OK, powerW: 1000, energyWh: 500 }]);
    } finally { await runner.close(); }
  }
});

test("a native board refuses a malformed METER frame with ERROR and keeps what it had", async () => {
  for (const engine of nativeEngines()) {
    const flashFile = join(dir, `bad-${engine}.bin`);
    burnEfuse(efuseFileFor(flashFile), "");
    const child = spawn(posixExecutable("board-conformance", engine), posixArgs({ image: "board-conformance", flashFile }),
      { stdio: ["pipe", "pipe", "inherit"] });
    const link = new LinkChannel(child.stdout!, child.stdin!);
    try {
      link.send(msg.hello());
      assert.equal((await link.next(10_000)).m, "ready");
      link.send(msg.meter(FIRST));
      const good = msg.meter([FIRST[0]]).payload;
      for (const payload of [Uint8Array.of(6, ...new Uint8Array(96)), good.subarray(0, 16), Uint8Array.of(1, ...good.subarray(1), 0), new Uint8Array(0)]) {
        link.send({ type: msg.ToBoard.METER, payload });
        const m = await link.next(10_000);
        assert.ok(m.m === "error" && m.code === -10 && /METER/.test(m.text), `${engine}: ${JSON.stringify(m)}`);
      }
      const call = async (f: msg.OutFrame): Promise<CallResult> => {
        link.send(f);
        const outputs: CallResult["outputs"] = [];
        for (;;) {
          const m = await link.next(10_000);
          if (m.m === "done") return { outputs, result: m.result };
          assert.equal(m.m, "output", `${engine}: ${JSON.stringify(m)}`);
          if (m.m === "output") outputs.push(m.output);
        }
      };
      await call(msg.boot({ nowMs: 0, wallMs: -1 }));
      const r = await call(msg.event({ nowMs: 1, wallMs: -1 }, cmd(0x0e)));
      assert.deepEqual(measured(r).channels.slice(0, 3), [[OK, 1234, 2 ** 40 + 5], [OK, 0, 77], [E_IO, 0, 0]], `${engine}: the last good METER stands`);
      link.send(msg.quit());
    } finally { child.kill(); }
  }
});
