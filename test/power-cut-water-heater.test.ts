// The water-heater image under the power-cut sweep: the life in host-sim/appliances/water-heater/scenarios/life.ts
// (provisioning, a setting, registration, a command and history through the flash outbox,
// the cloud's acknowledgement, initialization), cut at every flash operation; and the
// initialization's own promise that a power cut while the cloud is told still erases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { readRecords } from "../host-sim/flash/record-store-image.ts";
import { recordLife, T } from "../host-sim/appliances/water-heater/scenarios/life.ts";
import { nativeEngines } from "./support/engines.ts";

/** The registration record (credential-store ids.ts RecordId.REGISTRATION). */
const REGISTRATION = 0x0201;

for (const host of ["ts", ...nativeEngines()] as const) {
  test(`water heater survives a power cut at every flash write of its life (${host})`, async () => {
    const ops = await recordLife();
    assert.ok(ops.every((o) => o.status >= 0), ops.filter((o) => o.status < 0).map((o) => `${o.label}: ${o.status}`).join(", "));
    const report = await powerCutSweep({ image: "water-heater", ops, host });
    console.log(`power-cut sweep (water heater, ${host}): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
    assert.ok(report.cutPoints > 40);
    assert.deepEqual(report.failures.slice(0, 10), []);
  });
}

test("a power cut while the remote tells the cloud it is being initialized ends in the erase at the next boot", async () => {
  // The life up to "Telling the cloud" (the retire is published, no answer yet), then the
  // power fails: the remote must come back erased, not holding a registration whose
  // login the cloud may already have removed.
  const ops = await recordLife();
  const upTo = ops.findIndex((o) => o.label.startsWith("confirm initialization"));
  assert.ok(upTo > 0);
  const dir = mkdtempSync(join(tmpdir(), "whretire-"));
  const flashFile = join(dir, "f.bin");
  const dev = await TsDevice.create({ image: wasmImagePath("water-heater"), flashFile });
  await dev.boot(T);
  let last;
  for (const op of ops.slice(0, upTo + 1)) last = await dev.event(T, op.event);
  assert.ok(last!.outputs.some((o) => o.t === "mqtt_publish" && o.topic.endsWith("/up/retire")), "the cloud is told first");
  assert.match(last!.outputs.filter((o) => o.t === "display").at(-1)!.text, /^Telling the cloud/);
  await dev.close(); // the power fails
  assert.ok(readRecords(readFileSync(flashFile)).has(REGISTRATION), "still registered while waiting for the cloud");
  const again = await TsDevice.create({ image: wasmImagePath("water-heater"), flashFile });
  const boot = await again.boot(T);
  assert.ok(!boot.outputs.some((o) => o.t === "mqtt_connect"), "no login with the erased registration");
  await again.close();
  assert.ok(!readRecords(readFileSync(flashFile)).has(REGISTRATION), "the erase finished at boot");
});
