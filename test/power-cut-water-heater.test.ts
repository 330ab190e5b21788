// The water-heater image under the power-cut sweep: the life in fixtures/water-heater-life.ts
// (provisioning, a setting, registration, a command and history through the flash outbox,
// the cloud's acknowledgement, initialization), cut at every flash operation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { recordLife } from "./fixtures/water-heater-life.ts";

test("water heater survives a power cut at every flash write of its life", async () => {
  const ops = await recordLife();
  assert.ok(ops.every((o) => o.status >= 0), ops.filter((o) => o.status < 0).map((o) => `${o.label}: ${o.status}`).join(", "));
  const report = await powerCutSweep({ image: "water-heater", ops });
  console.log(`power-cut sweep (water heater): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
  assert.ok(report.cutPoints > 40);
  assert.deepEqual(report.failures.slice(0, 10), []);
});
