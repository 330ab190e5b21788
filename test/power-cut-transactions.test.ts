// Transactions under the power-cut sweep, on every host: cut at every flash operation of
// the devkit's transaction scenario (and part-way through each), reboot, and every
// transaction is either wholly visible or not at all; values over 512 bytes keep their
// old or their new bytes; an erased secret leaves nothing behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import { transactionCollectionOps, transactionOps, type StoreOp } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import { LinkId, EventKind } from "../host-sim/device/types.ts";
import { nativeEngines } from "./support/engines.ts";

const asSweep = (ops: StoreOp[]) => ops.map((op) => ({ ...op, event: { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: op.frame } }));

for (const host of ["ts", ...nativeEngines()] as const) {
  const missing = host !== "ts" && !existsSync(posixExecutable("devkit", host));
  const skip = missing && !process.env.CI ? "no build/posix/devkit (npm run build:posix)" : false;
  if (skip) console.log(`skip: power-cut transactions on ${host}: ${skip}`);

  test(`transactions are all-or-nothing after a power cut at every flash operation (${host})`, { skip }, async () => {
    const report = await powerCutSweep({ image: "devkit", ops: asSweep(transactionOps), host });
    console.log(`power-cut sweep (transactions, ${host}): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
    assert.ok(report.cutPoints > 40, "the scenario should write flash many times");
    assert.deepEqual(report.failures.slice(0, 10), []);
  });

  test(`transactions stay all-or-nothing while pages are collected (${host})`, { skip }, async () => {
    const report = await powerCutSweep({ image: "devkit", ops: asSweep(transactionCollectionOps()), pages: 3, host });
    console.log(`power-cut sweep (transactions, 3 pages, ${host}): ${report.cutPoints} flash operations (${report.erases} erases), ${report.runs} cut runs, ${report.failures.length} failures`);
    assert.ok(report.erases >= 3, "the scenario should collect pages several times");
    assert.deepEqual(report.failures.slice(0, 10), []);
  });
}
