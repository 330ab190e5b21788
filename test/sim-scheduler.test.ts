// The virtual clock that carries every device's timers (host-sim/sim/scheduler.ts): time
// order whatever the number of devices, same-time tasks in the order they were set, a
// cancelled task never runs, and an asynchronous task is finished before the next runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DeviceTimers } from "../host-sim/sim/device-timers.ts";
import { Scheduler } from "../host-sim/sim/scheduler.ts";

test("thousands of timers of many devices fire in time order, ties in the order they were set", async () => {
  const s = new Scheduler();
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const want: { at: number; n: number }[] = [];
  const seen: number[] = [];
  const ids: number[] = [];
  for (let n = 0; n < 5000; n++) {
    const at = next() % 500;   // many share a millisecond
    ids.push(s.schedule(at, () => { seen.push(n); assert.equal(s.nowMs, at); }));
    want.push({ at, n });
  }
  const cancelled = new Set<number>();
  for (let n = 0; n < 5000; n += 3) { assert.ok(s.cancel(ids[n])); cancelled.add(n); }
  assert.equal(s.cancel(ids[0]), false, "a task is cancelled once");
  assert.equal(s.pending, 5000 - cancelled.size);
  assert.equal(await s.runUntil(1000), 5000 - cancelled.size);
  const order = want.filter((w) => !cancelled.has(w.n)).sort((a, b) => a.at - b.at || a.n - b.n).map((w) => w.n);
  assert.deepEqual(seen, order);
  assert.equal(s.pending, 0);
  assert.equal(s.nowMs, 1000);
});

test("an asynchronous task is finished before the next one starts", async () => {
  const s = new Scheduler();
  const seen: string[] = [];
  s.schedule(5, async () => { seen.push("a start"); await new Promise((r) => setImmediate(r)); seen.push("a end"); });
  s.schedule(5, () => { seen.push("b"); });
  await s.runUntil(5);
  assert.deepEqual(seen, ["a start", "a end", "b"]);
});

test("device timers on a shared clock: re-arming replaces, power loss forgets, others keep theirs", async () => {
  const s = new Scheduler();
  const a = new DeviceTimers({ scheduler: s }), b = new DeviceTimers({ scheduler: s });
  const fired: string[] = [];
  for (let i = 0; i < 200; i++) a.arm(0, 100 + i, () => { fired.push(`a0@${s.nowMs}`); });   // the last one counts
  a.arm(1, 50, () => { fired.push(`a1@${s.nowMs}`); });
  b.arm(0, 120, () => { fired.push(`b0@${s.nowMs}`); });
  assert.equal(s.pending, 3);
  a.clear();
  b.arm(1, 10, () => { fired.push(`b1@${s.nowMs}`); b.arm(1, 10, () => { fired.push(`b1 again@${s.nowMs}`); }); });
  await s.runUntil(1000);
  assert.deepEqual(fired, ["b1@10", "b1 again@20", "b0@120"]);
});
