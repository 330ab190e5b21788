// Power cut at every flash write of the credential-store scenarios, and part-way through
// each write, on every host (V8, and the native board under each engine): zero mixed records, nothing acknowledged lost, no erased
// secret left, no live secret in clear.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import { collectionOps, credentialStoreOps, type StoreOp } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import { LinkId, EventKind } from "../host-sim/device/types.ts";
import { nativeEngines } from "./support/engines.ts";

const asSweep = (ops: StoreOp[]) => ops.map((op) => ({ ...op, event: { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: op.frame } }));

for (const host of ["ts", ...nativeEngines()] as const) {
  const missing = host !== "ts" && !existsSync(posixExecutable("devkit", host));
  const skip = missing && !process.env.CI ? "no build/posix/devkit (npm run build:posix)" : false;
  if (skip) console.log(`skip: power-cut sweep on ${host}: ${skip}`);

  test(`credential store survives a power cut at every flash write (${host})`, { skip }, async () => {
    const report = await powerCutSweep({ image: "devkit", ops: asSweep(credentialStoreOps), host });
    console.log(`power-cut sweep (life, ${host}): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
    assert.ok(report.cutPoints > 50, "the scenario should write flash many times");
    assert.deepEqual(report.failures.slice(0, 10), []);
  });

  test(`page collection survives a power cut at every flash write (${host})`, { skip }, async () => {
    const report = await powerCutSweep({ image: "devkit", ops: asSweep(collectionOps()), pages: 3, host });
    console.log(`power-cut sweep (collection, 3 pages, ${host}): ${report.cutPoints} flash operations (${report.erases} erases), ${report.runs} cut runs, ${report.failures.length} failures`);
    assert.ok(report.erases >= 3, "the scenario should collect pages several times");
    assert.deepEqual(report.failures.slice(0, 10), []);
  });
}
