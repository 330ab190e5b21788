// Scenario runner and simulated time, on a small AssemblyScript image built at test time
// (test/fixtures/timer-image.ts, which reaches the board only through firmware/board/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Scheduler } from "../host-sim/sim/scheduler.ts";
import { runScenario, traceToJson, steps, type Scenario } from "../host-sim/scenario/index.ts";
import { DeviceRunner, type DeviceCall } from "../host-sim/device/device-runner.ts";
import { EventKind } from "../host-sim/device/types.ts";
import { asImage, tempDir } from "./fixtures/build.ts";

const dir = tempDir("scenario");
const image = asImage("timer-image", dir);
const { boot, advance, button, linkFrame } = steps;

test("scheduler: time order, FIFO at equal times, cancel, bounded idle run, pacing hook", async () => {
  const s = new Scheduler();
  const seen: string[] = [];
  s.schedule(20, () => { seen.push(`b@${s.nowMs}`); });
  s.schedule(10, () => { seen.push(`a@${s.nowMs}`); s.schedule(s.nowMs + 5, () => { seen.push(`c@${s.nowMs}`); }); });
  s.schedule(20, () => { seen.push(`b2@${s.nowMs}`); });
  const gone = s.schedule(12, () => { seen.push("cancelled"); });
  assert.ok(s.cancel(gone));
  const paced: [number, number][] = [];
  assert.equal(await s.runUntil(18, { pace: async (a, b) => { paced.push([a, b]); } }), 2);
  assert.equal(s.nowMs, 18);
  assert.deepEqual(paced, [[0, 10], [10, 15], [15, 18]]);
  await s.runUntil(30);
  assert.deepEqual(seen, ["a@10", "c@15", "b@20", "b2@20"]);
  let n = 0;
  const again = () => { n++; s.schedule(s.nowMs + 1, again); };
  s.schedule(31, again);
  assert.equal(await s.runUntilIdle({ maxTasks: 50 }), 50);
  assert.equal(await s.runUntilIdle({ maxMs: 100 }), 20);
  assert.equal(n, 70);
});

test("timers fire on advance, in time order, with the device's clock", async () => {
  const run = await runScenario({ name: "timers", image, steps: [
    boot({ result: 0, outputs: [{ t: "log", text: "boot 255" }, { t: "timer_set", id: 1, delayMs: 100 }] }),
    advance(99),
    button(1, { result: 1, outputs: [{ t: "timer_cancel", id: 1 }] }, "stop timer 1"),
    advance(200),
  ] }, { host: "ts", dir: join(dir, "timers") });
  assert.deepEqual(run.failures, []);
  const fired = run.calls.filter((c) => c.input.call === "event" && c.input.kind === "TIMER");
  assert.deepEqual(fired.map((c) => [c.step, c.simMs, c.nowMs, c.input.call === "event" && c.input.arg]), [[3, 250, 250, 2]]);
  assert.deepEqual(fired[0].outputs[0], { t: "log", level: 2, text: "tick 2 at 250" });

  const run2 = await runScenario({ name: "re-arm", image, steps: [boot(), advance(300)] }, { host: "ts", dir: join(dir, "rearm") });
  assert.deepEqual(run2.calls.slice(1).map((c) => c.simMs), [100, 200, 250, 300]);
});

test("power-on restarts the device clock and forgets timers; seeds differ per boot", async () => {
  const run = await runScenario({ name: "reboot", image, seed: 5, steps: [
    boot(), advance(50), button(4), boot(), button(4), advance(120),
  ] }, { host: "ts", dir: join(dir, "reboot") });
  assert.deepEqual(run.failures, []);
  const [b0, r0, b1, r1, t1] = run.calls;
  assert.deepEqual([b0.input, b1.input], [{ call: "boot", seed: 5 }, { call: "boot", seed: 6 }]);
  assert.equal(b1.simMs, 50);
  assert.equal(b1.nowMs, 0);
  assert.notDeepEqual(r0.outputs, r1.outputs, "each power-on draws from its own seed");
  assert.equal(t1.simMs, 150);
  assert.equal(t1.nowMs, 100, "timer of the second power-on, on its own clock");
  assert.equal(run.calls.length, 5, "timer 1 of the first power-on (due at 100) was forgotten");
});

test("expectations: passing run has no failures; mismatches are reported readably", async () => {
  const s: Scenario = { name: "expect", image, steps: [
    boot(),
    linkFrame(0, Uint8Array.of(0xde, 0xad), { result: 2, outputs: [{ t: "link", data: Uint8Array.of(0xde, 0xad) }] }, "echo"),
    linkFrame(0, Uint8Array.of(1), { result: 7, outputs: [{ t: "link", data: Uint8Array.of(2) }] }, "wrong"),
    linkFrame(0, Uint8Array.of(3), { absent: [{ t: "link", link: 0 }] }),
  ] };
  const run = await runScenario(s, { host: "ts", dir: join(dir, "expect") });
  assert.equal(run.failures.length, 3);
  assert.equal(run.failures[0].text, "step 2 (wrong): expected result 7, got 1");
  assert.match(run.failures[1].text, /^step 2 \(wrong\): expected output \{t: "link", data: <02>\} \(pattern 0\) not found; outputs were:\n  0: \{t: "link", link: 0, data: <01>\}$/);
  assert.match(run.failures[2].text, /^step 3: output 0 \{t: "link", link: 0, data: <03>\} matches absent pattern/);
  const ok = await runScenario({ ...s, steps: s.steps.slice(0, 2) }, { host: "ts", dir: join(dir, "expect-ok") });
  assert.deepEqual(ok.failures, []);
});

test("a panic takes the device down until the next power-on", async () => {
  const run = await runScenario({ name: "panic", image, steps: [
    boot(), button(3, { result: null, outputs: [{ t: "panic", text: "boom" }] }), advance(500), button(1),
    boot({ result: 0 }), button(1, { result: 1 }),
  ] }, { host: "ts", dir: join(dir, "panic") });
  assert.deepEqual(run.failures.map((f) => f.text), ["step 3: BUTTON event while the device is down (panicked)"]);
  assert.equal(run.calls.filter((c) => c.input.call === "event" && c.input.kind === "TIMER").length, 0);
  assert.equal(run.cut, false);
});

test("power cut at the N-th flash op over the whole run, after K bytes; the run stops there", async () => {
  const s: Scenario = { name: "cut", image, pages: 2, steps: [
    boot(), button(2), boot({ outputs: [{ t: "log", text: "boot 18" }] }), button(2, { result: 999 }), boot({ result: 12345 }),
  ] };
  const whole = await runScenario(s, { host: "ts", dir: join(dir, "nocut") });
  assert.equal(whole.cut, false);
  assert.equal(whole.flashOps, 4);
  assert.deepEqual(whole.failures.map((f) => f.step), [3, 4]);

  const run = await runScenario(s, { host: "ts", dir: join(dir, "cut"), cutAt: 4, cutKeep: 1 });
  assert.equal(run.cut, true);
  assert.equal(run.flashOps, 4);
  assert.deepEqual(run.failures, [], "the cut call and later steps are not checked");
  const last = run.calls[run.calls.length - 1];
  assert.deepEqual([last.step, last.result, last.outputs], [3, null, [{ t: "power_cut", op: 2 }]]);
  const flash = readFileSync(run.flashFile);
  assert.equal(flash.length, 2 * 4096);
  assert.deepEqual([...flash.subarray(0, 5)], [0x12, 0xff, 0xff, 0xff, 0xff], "erase done, 1 byte of the write landed");

  const mid = await runScenario(s, { host: "ts", dir: join(dir, "cut-erase"), cutAt: 3, cutKeep: 2 });
  assert.deepEqual([...readFileSync(mid.flashFile).subarray(0, 5)], [0xff, 0xff, 0x56, 0x78, 0xff], "only 2 bytes of the erase landed");
});

test("device runner: calls in the order asked, a watchdog powers a panicked device on again", async () => {
  const sim = new Scheduler();
  const device = new DeviceRunner({ host: "ts", image, flashFile: join(dir, "runner-flash.bin"), seed: 9, clock: { scheduler: sim }, restartAfterFailure: true });
  const seen: DeviceCall[] = [];
  device.onCall((c) => seen.push(c));
  await device.powerOn();
  await sim.runUntil(50);
  // Asked for without waiting: each call still runs after the one before it.
  const press = (b: number) => device.deliver({ kind: EventKind.BUTTON, arg: b });
  const [a, boom, b] = await Promise.all([press(4), press(3), press(1)]);
  assert.deepEqual([a?.result, boom?.result, b], [4, null, null], "the press after the panic finds the device down");
  await device.idle();
  const reboot = seen[seen.length - 1];
  assert.deepEqual(reboot.input, { call: "boot", seed: 10 }, "powered on again, with the next seed");
  assert.deepEqual(reboot.time, { nowMs: 0, wallMs: -1 });
  await sim.runUntil(200);
  const ticks = seen.filter((c) => c.cause === "timer").map((c) => [c.simMs, c.time.nowMs]);
  assert.deepEqual(ticks, [[150, 100]], "timer 1 of the panicked power-on (due at 100) was forgotten");
  assert.deepEqual(device.state, { up: true });
  await device.close();
  assert.deepEqual(device.state, { up: false, why: "closed" });
});

test("traceToJson is stable across runs and JSON-able", async () => {
  const s: Scenario = { name: "stable", image, seed: 1, wallStartMs: 1_700_000_000_000, steps: [
    boot(), advance(120), button(4), linkFrame(2, Uint8Array.of(0xab)),
  ] };
  const a = traceToJson(await runScenario(s, { host: "ts", dir: join(dir, "stable-a") }));
  const b = traceToJson(await runScenario(s, { host: "ts", dir: join(dir, "stable-b") }));
  assert.deepStrictEqual(a, b);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), a);
  assert.deepEqual(a.calls[3].outputs, [{ t: "link", link: 2, data: "ab" }]);
});

test("PosixDevice over the device link (TS board stand-in) gives the in-process trace", async () => {
  process.env.LINK_BOARD_IMAGE = image;
  const board = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "fixtures", "link-board.sh");
  const s: Scenario = { name: "hosts", image, seed: 3, pages: 2, wallStartMs: 5, steps: [
    boot(), advance(120), button(4), linkFrame(1, Uint8Array.of(1, 2)), button(2), boot(), button(2), button(3),
    boot(), button(2),
  ] };
  const ts = await runScenario(s, { host: "ts", dir: join(dir, "hosts-ts") });
  const px = await runScenario({ ...s, image: board }, { host: "posix", dir: join(dir, "hosts-posix") });
  assert.deepEqual(px.failures, []);
  assert.deepStrictEqual(traceToJson(px), traceToJson(ts));
  const cutTs = await runScenario(s, { host: "ts", dir: join(dir, "hosts-ts-cut"), cutAt: 4, cutKeep: 3 });
  const cutPx = await runScenario({ ...s, image: board }, { host: "posix", dir: join(dir, "hosts-posix-cut"), cutAt: 4, cutKeep: 3 });
  assert.equal(cutPx.cut, true);
  assert.deepStrictEqual(traceToJson(cutPx), traceToJson(cutTs));
  assert.deepEqual(readFileSync(cutPx.flashFile), readFileSync(cutTs.flashFile));
});
