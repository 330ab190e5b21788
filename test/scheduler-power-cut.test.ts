// A power cut at every flash write of the scheduler's records (devkit SCHEDULE / CANCEL,
// WIRE.md): after the reboot each deadline's record is the old or the new one, never a
// mix, and the image boots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { powerCutSweep } from "../host-sim/faults/power-cut-sweep.ts";
import { request } from "../host-sim/appliances/devkit/service.ts";
import { LinkId, EventKind } from "../host-sim/device/types.ts";

const SCHEDULE = 0x0b, CANCEL = 0x0c;
const UTC_PERSISTED = 0x03;
const T = Date.UTC(2026, 10, 22, 7, 0, 0);

function atUtc(name: number, utcMs: number, periodMs: number): Uint8Array {
  const d = new DataView(new ArrayBuffer(17));
  d.setUint8(0, UTC_PERSISTED);
  d.setBigInt64(1, BigInt(utcMs));
  d.setBigInt64(9, BigInt(periodMs));
  return request(SCHEDULE, name, new Uint8Array(d.buffer));
}

const ops = [
  { label: "a deadline at 07:00", frame: atUtc(0x20, T, 0) },
  { label: "another, every 30 min", frame: atUtc(0x21, T, 30 * 60_000) },
  { label: "the first moved to 08:00", frame: atUtc(0x20, T + 3_600_000, 0) },
  { label: "the same periodic again: no write", frame: atUtc(0x21, T + 30 * 60_000, 30 * 60_000) },
  { label: "the periodic cancelled", frame: request(CANCEL, 0x21) },
].map((op) => ({ label: op.label, status: 0, event: { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: op.frame } }));

test("persisted deadlines survive a power cut at every flash write", async () => {
  const report = await powerCutSweep({ image: "devkit", ops });
  console.log(`power-cut sweep (scheduler): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
  assert.ok(report.cutPoints >= 4, "each change of a persisted deadline writes flash");
  assert.deepEqual(report.failures.slice(0, 10), []);
});
