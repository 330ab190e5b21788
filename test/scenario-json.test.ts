// Scenario files (host-sim/scenario/json.ts): a scenario survives the round trip through
// its file, bytes and flash included, and a malformed file is refused with a sentence that
// names the step and field, before anything runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { scenarioFromText, scenarioText } from "../host-sim/scenario/json.ts";
import type { Scenario } from "../host-sim/scenario/types.ts";

const scenario: Scenario = {
  name: "round trip", image: "smart-plug", seed: 3, wallStartMs: 1_795_000_000_000, keySeed: "k", timers: "recorded", meterRecorded: true,
  flash: Uint8Array.from({ length: 4096 }, (_, i) => (i < 10 ? i : 0xff)),
  steps: [
    { boot: true, startedMs: 2, label: "boot", meter: [{ status: 0, powerW: -120, energyWh: 1234567 }], expect: { result: 0, exact: true, outputs: [{ t: "display", text: "Off" }, { t: "gpio", pin: 0, level: 0 }] } },
    { advance: 250 },
    { event: { kind: "LINK", arg: 2, payload: Uint8Array.of(1, 0, 0, 0, 1, 0xab) }, label: "SERVICE frame (6 B)", meter: [], expect: { result: 0, exact: true, outputs: [{ t: "link", link: 2, data: Uint8Array.of(0x81, 0, 0, 0, 0) }, { t: "mqtt_connect", client: "c", user: "u" }] } },
    { event: { kind: 99, arg: 0 }, expect: { result: -1, absent: [{ t: "log" }] } },
  ],
};

test("a scenario survives its file: steps, bytes, meter samples and the deflated flash", () => {
  const text = scenarioText(scenario);
  assert.ok(text.length < 3000, `the flash is deflated (${text.length} characters)`);
  assert.deepEqual(scenarioFromText(text), scenario);
});

test("a malformed file is refused with what is wrong and where", () => {
  const file = JSON.parse(scenarioText(scenario));
  const bad = (edit: (f: any) => void) => { const f = structuredClone(file); edit(f); return () => scenarioFromText(JSON.stringify(f)); };
  assert.throws(() => scenarioFromText("{"), /^Error: not JSON/);
  assert.throws(bad((f) => { f.format = "scenario/9"; }), /format "scenario\/9" \(expected "scenario\/1"\)/);
  assert.throws(bad((f) => { f.steps[2].event.payload = "abc"; }), /step 2\.event\.payload: not hex bytes/);
  assert.throws(bad((f) => { f.steps[2].event.kind = "BUTTONS"; }), /step 2\.event\.kind: "BUTTONS" is no event kind/);
  assert.throws(bad((f) => { f.steps[0].expect.outputs[0].t = "beep"; }), /step 0\.expect\.outputs\[0\]: unknown output kind "beep"/);
  assert.throws(bad((f) => { f.steps[2].expect.outputs[0].data = "zz"; }), /step 2\.expect\.outputs\[0\]\.data: not hex bytes/);
  assert.throws(bad((f) => { f.steps[1].advance = -5; }), /step 1\.advance: not a whole number of ms/);
  assert.throws(bad((f) => { f.steps[0].startedMs = 1.5; }), /step 0\.startedMs/);
  assert.throws(bad((f) => { f.steps[0].meter = [{ status: 0, powerW: "1" }]; }), /step 0\.meter\[0\]: not \{status, powerW, energyWh\} integers/);
  assert.throws(bad((f) => { f.steps[3] = { wait: 5 }; }), /step 3: neither boot, event nor advance/);
  assert.throws(bad((f) => { f.flash = "not deflate"; }), /flash: not deflated bytes in base64/);
  assert.throws(bad((f) => { f.meter = { profile: {} }; }), /meterRecorded and meter/);
});
