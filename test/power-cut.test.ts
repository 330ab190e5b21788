// Power cut at every flash write of the credential-store scenarios, and part-way through
// each write: zero mixed records, nothing acknowledged lost, no erased secret left, no live secret in clear.
import { test } from "node:test";
import assert from "node:assert/strict";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { collectionOps, credentialStoreOps, type StoreOp } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import { LinkId, EventKind } from "../host-sim/device/types.ts";

const asSweep = (ops: StoreOp[]) => ops.map((op) => ({ ...op, event: { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: op.frame } }));

test("credential store survives a power cut at every flash write", async () => {
  const report = await powerCutSweep({ image: "devkit", ops: asSweep(credentialStoreOps) });
  console.log(`power-cut sweep (life): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
  assert.ok(report.cutPoints > 50, "the scenario should write flash many times");
  assert.deepEqual(report.failures.slice(0, 10), []);
});

test("page collection survives a power cut at every flash write", async () => {
  const report = await powerCutSweep({ image: "devkit", ops: asSweep(collectionOps()), pages: 3 });
  console.log(`power-cut sweep (collection, 3 pages): ${report.cutPoints} flash operations (${report.erases} erases), ${report.runs} cut runs, ${report.failures.length} failures`);
  assert.ok(report.erases >= 3, "the scenario should collect pages several times");
  assert.deepEqual(report.failures.slice(0, 10), []);
});
