// A plot's time axis is at least a minute wide: points all at one time (a paused home's
// meter) are drawn in a minute around them, not on an axis of years.
import { test } from "node:test";
import assert from "node:assert/strict";
import { timeRange, LEAST_SPAN_S } from "../host-sim/web/page/views/plot-span.ts";

test("points at one time get a minute around them; wider spans are drawn as they are", () => {
  assert.deepEqual(timeRange(1_800_000_000, 1_800_000_000), [1_800_000_000 - 30, 1_800_000_000 + 30]);
  assert.deepEqual(timeRange(100, 110), [75, 135], "ten seconds of points: centred in a minute");
  assert.deepEqual(timeRange(100, 100 + LEAST_SPAN_S), [100, 160]);
  assert.deepEqual(timeRange(0, 3600), [0, 3600]);
  assert.deepEqual(timeRange(null, null), [null, null], "no points: uPlot's own range");
});
