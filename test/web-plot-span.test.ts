// A plot's time axis is at least a minute wide: points all at one time (a paused home's
// meter) are drawn in a minute around them, not on an axis of years.
import { test } from "node:test";
import assert from "node:assert/strict";
import { timeLabels, timeRange, xRange, LEAST_SPAN_S } from "../host-sim/web/page/views/plot-span.ts";

test("points at one time get a minute around them; wider spans are drawn as they are", () => {
  assert.deepEqual(timeRange(1_800_000_000, 1_800_000_000), [1_800_000_000 - 30, 1_800_000_000 + 30]);
  assert.deepEqual(timeRange(100, 110), [75, 135], "ten seconds of points: centred in a minute");
  assert.deepEqual(timeRange(100, 100 + LEAST_SPAN_S), [100, 160]);
  assert.deepEqual(timeRange(0, 3600), [0, 3600]);
  assert.deepEqual(timeRange(null, null), [null, null], "no points: uPlot's own range");
});

test("uPlot's own range for points at one time (years) is replaced; a wide or zoomed range is kept", () => {
  const t = 1_800_000_000;
  assert.deepEqual(xRange([t, t, t], t, t + 86_400_000), [t - 30, t + 30]);
  assert.deepEqual(xRange([t, t + 600], t + 100, t + 200), [t + 100, t + 200], "a zoom into ten minutes of points stays");
  assert.deepEqual(xRange([], null, null), [null, null]);
});

test("the time axis reads in UTC as the header's clock, one line per label", () => {
  const t = Date.UTC(2026, 10, 22, 22, 23, 50) / 1000;
  assert.deepEqual(timeLabels([t, t + 10, t + 20]), ["22:23:50", "22:24:00", "22:24:10"]);
  assert.deepEqual(timeLabels([t, t + 2 * 86_400]), ["11-22 22:23", "11-24 22:23"]);
});
