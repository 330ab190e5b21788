// The live home's shared clock: paused, it stands still and a step runs the next timers
// of every device in order; a change of speed never moves time back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LiveClock } from "../host-sim/sim/live-clock.ts";

test("paused, the clock stands still and a step runs the next due timers, earliest first", async () => {
  const clock = new LiveClock(1);
  clock.setPaused(true);
  const at = clock.now();
  const ran: string[] = [];
  clock.schedule(at + 5000, () => { ran.push("b"); });
  clock.schedule(at + 1000, () => { ran.push("a1"); });
  clock.schedule(at + 1000, () => { ran.push("a2"); });
  const gone = clock.schedule(at + 500, () => { ran.push("cancelled"); });
  clock.cancel(gone);
  assert.equal(clock.now(), at);
  assert.equal(await clock.step(), at + 1000);
  assert.deepEqual(ran, ["a1", "a2"], "both timers due then, in the order they were set");
  assert.equal(clock.now(), at + 1000);
  assert.equal(await clock.step(), at + 5000);
  assert.deepEqual(ran, ["a1", "a2", "b"]);
  assert.equal(await clock.step(), null, "no timer left to step to");
});

test("a step awaits the timer's work; stepping a running clock is refused", async () => {
  const clock = new LiveClock(1);
  await assert.rejects(clock.step(), /pause the clock/);
  clock.setPaused(true);
  let done = false;
  clock.schedule(clock.now() + 10, async () => { await new Promise((r) => setImmediate(r)); done = true; });
  await clock.step();
  assert.ok(done);
});

test("speed changes keep time continuous, and the clock refuses a speed of 0", () => {
  const clock = new LiveClock(2);
  clock.setPaused(true);
  const before = clock.now();
  clock.setSpeed(60);
  assert.equal(clock.now(), before);
  assert.equal(clock.speed, 60);
  assert.throws(() => clock.setSpeed(0), /above 0/);
  const told: number[] = [];
  clock.onChange(() => told.push(clock.speed));
  clock.setSpeed(5);
  assert.deepEqual(told, [5]);
});
