// How a replay reports two hosts that disagree (host-sim/scenario/replay.ts): the first
// call and output where their traces differ, with both sides, so the report names the
// step, what the first host gave and what the other gave.
import { test } from "node:test";
import assert from "node:assert/strict";
import { traceDifference } from "../host-sim/scenario/replay.ts";
import type { TraceJson } from "../host-sim/scenario/trace.ts";

const call = (step: number, outputs: Record<string, unknown>[], result: number | null = 0) =>
  ({ step, input: { call: "event", kind: "BUTTON", arg: 0, payload: "" }, simMs: step, nowMs: step, outputs, result });
const trace = (calls: TraceJson["calls"], flashOps = 3): TraceJson => ({ name: "t", cut: false, flashOps, calls });

test("the same traces have no difference", () => {
  const a = trace([call(0, [{ t: "display", text: "Off" }]), call(2, [])]);
  assert.equal(traceDifference(a, structuredClone(a)), null);
});

test("the first differing output is named with its step and both sides", () => {
  const a = trace([call(0, [{ t: "display", text: "Off" }]), call(2, [{ t: "gpio", pin: 0, level: 1 }, { t: "display", text: "On" }])]);
  const b = trace([call(0, [{ t: "display", text: "Off" }]), call(2, [{ t: "gpio", pin: 0, level: 1 }, { t: "display", text: "0n" }])]);
  assert.deepEqual(traceDifference(a, b), { step: 2, expected: 'output 1 {"t":"display","text":"On"}', got: '{"t":"display","text":"0n"}' });
});

test("a missing output, a different result, a missing call and different flash work are differences", () => {
  const a = trace([call(1, [{ t: "display", text: "On" }])]);
  assert.match(traceDifference(a, trace([call(1, [])]))!.got, /no more outputs/);
  assert.match(traceDifference(a, trace([call(1, [{ t: "display", text: "On" }], null)]))!.got, /"result":null/);
  assert.match(traceDifference(a, trace([]))!.got, /no more calls/);
  assert.deepEqual(traceDifference(a, trace([call(1, [{ t: "display", text: "On" }])], 4)), { step: -1, expected: "cut false, 3 flash operations", got: "cut false, 4" });
});
