// Bad input to every public entry point of an image: an error code, and nothing changes
// (flash compared byte for byte). Run on every engine: V8 and the native board under
// wasm2c and WAMR's fast and classic interpreters (test/support/engines.ts). Named cases
// run as scenarios; random and mutated frames come from the fuzzer's generators
// (scripts/fuzz/) and are judged one by one: a refused frame must leave flash and screen
// as they were. The engines run one wasm, so they must answer every input with the same
// result code (scripts/fuzz/agreement.ts) and leave the same flash.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScenario, type Step } from "../host-sim/scenario/index.ts";
import { boot, linkFrame, button, mqttState, mqttMessage } from "../host-sim/scenario/steps.ts";
import { putStringEntry, service, ServiceOp } from "../host-sim/appliances/devkit/service.ts";
import { EventKind, LinkId, type HostName } from "../host-sim/device/types.ts";
import { firstDisagreement, type EngineRun } from "../scripts/fuzz/agreement.ts";
import { Driver } from "../scripts/fuzz/driver.ts";
import type { EntryPoint } from "../scripts/fuzz/entry-point.ts";
import { fuzzLoop, type Finding } from "../scripts/fuzz/loop.ts";
import { mutate, serviceFrame } from "../scripts/fuzz/mutate.ts";
import { entryPoints as waterHeaterEntryPoints } from "../scripts/fuzz/water-heater.ts";
import { nativeEngines } from "./support/engines.ts";

const HOSTS: HostName[] = ["ts", ...nativeEngines()];

/** Runs `inputs` inputs of `entry` on a fresh board; its findings, result counts, and
 *  each input's code (for the comparison between engines). */
async function judged(host: HostName, image: string, entry: EntryPoint, inputs: number) {
  const driver = new Driver(host, image, 5000);
  const findings: Finding[] = [];
  const results: Record<string, number> = {};
  const run: EngineRun = { host, codes: [], described: [] };
  try {
    await fuzzLoop({ entry, driver, seed: 42, from: 0, to: inputs, report: (f) => findings.push(f),
      judging: (i, input) => { run.described[i] = input; },
      result: (i, c) => { results[String(c)] = (results[String(c)] ?? 0) + 1; run.codes[i] = c; } });
  } finally { await driver.close(); }
  return { findings, results, run };
}

/** Every engine gave every input the same result code. */
function assertEnginesAgree(runs: EngineRun[]): void {
  assert.deepEqual(runs.map((r) => r.host), HOSTS, "every engine ran");
  const d = firstDisagreement(runs);
  assert.equal(d, null, d ? `engines disagree on input ${d.index} (${d.input}): ${JSON.stringify(d.codes)}` : "");
}

const setup: Step[] = [
  boot(),
  linkFrame(LinkId.SERVICE, service.provision("SN-BAD-INPUT")),
  linkFrame(LinkId.SERVICE, service.setRegistration("dev-1", "a-long-password")),
  linkFrame(LinkId.SERVICE, service.putString(0x0301, "setting")),
];

const labelled = (s: Step, label: string): Step => ({ ...s, label });

function badInputs(): Step[] {
  const bad: Step[] = [];
  const cases: [string, Uint8Array][] = [
    ["unknown op", Uint8Array.of(0x55, 0, 0, 0, 0)],
    ["PUT outside user records", service.putString(0x0201, "x")],
    ["PUT of a factory record", service.putString(0x0101, "x")],
    ["PUT with an unknown type", service.put(0x0301, 9, 0, Uint8Array.of(1))],
    ["PUT with unknown attributes", service.put(0x0301, 1, 0x80, Uint8Array.of(1))],
    ["PUT without type and attributes", Uint8Array.of(ServiceOp.PUT, 3, 1, 0, 1, 1)],
    ["transaction entry past the end", Uint8Array.of(ServiceOp.TRANSACTION, 0, 0, 0, 9, 0x03, 0x01, 3, 0, 0, 9, 65, 66, 67)],
    ["transaction with a factory record", service.transaction([putStringEntry(0x0301, "changed"), putStringEntry(0x0101, "SN-FORGED")])],
    ["registration id length past the end", Uint8Array.of(ServiceOp.SET_REGISTRATION, 0, 0, 0, 3, 50, 65, 66)],
    ["registration password too short", service.setRegistration("dev-2", "short")],
    ["empty device id", service.setRegistration("", "a-long-password")],
    ["ERASE of the registration", service.erase(0x0201)],
    ["COUNT_ATTEMPT outside user records", service.countAttempt(0x0202)],
    ["PROVISION twice", service.provision("SN-OTHER")],
  ];
  for (const [label, f] of cases) bad.push(labelled(linkFrame(LinkId.SERVICE, f), label));
  for (const link of [LinkId.NFC, LinkId.BLE, LinkId.WIFI_DIRECT, LinkId.LAN]) bad.push(labelled(linkFrame(link, service.factoryReset()), `service op on link ${link}`));
  bad.push(labelled(button(1), "a button the image does not have"));
  bad.push(labelled(mqttState(1), "MQTT state with no connection asked for"));
  bad.push(labelled(mqttMessage("x/y", "z"), "an MQTT message"));
  bad.push(labelled(linkFrame(LinkId.SERVICE, new Uint8Array(5000)), "payload larger than the inbox"));
  return bad;
}

/** The bad inputs' codes as the engine comparison reads them. */
const answered = (host: HostName, calls: { label?: string; result: number | null }[]): EngineRun =>
  ({ host, codes: calls.map((c) => c.result), described: calls.map((c) => c.label ?? "") });

/** The same bad inputs on every engine (one subtest each), then compared: the same code
 *  for each input and the same flash afterwards. */
async function onEveryEngine(t: TestContext, bad: (host: HostName) => Promise<{ run: EngineRun; flash: Buffer }>) {
  const runs: EngineRun[] = [];
  const flashes: Buffer[] = [];
  for (const host of HOSTS) {
    await t.test(host, async () => { const r = await bad(host); runs.push(r.run); flashes.push(r.flash); });
  }
  assertEnginesAgree(runs);
  for (const [i, f] of flashes.entries()) assert.ok(f.equals(flashes[0]), `flash after bad input on ${runs[i].host} differs from ${runs[0].host}`);
}

test("devkit: malformed input gets an error and changes nothing, the same on every engine", (t) => onEveryEngine(t, async (host) => {
  const dir = mkdtempSync(join(tmpdir(), "bad-"));
  const before = await runScenario({ name: "setup", image: "devkit", seed: 3, steps: setup }, { host, dir: join(dir, "a") });
  assert.deepEqual(before.failures, []);
  const flashBefore = readFileSync(before.flashFile);
  const steps = badInputs();
  const after = await runScenario({ name: "bad input", image: "devkit", seed: 3, steps: [...setup, ...steps] }, { host, dir: join(dir, "b") });
  assert.deepEqual(after.failures, []);
  const badCalls = after.calls.filter((c) => c.step >= setup.length);
  assert.equal(badCalls.length, steps.length, "every bad input delivered");
  for (const c of badCalls) {
    assert.ok(c.result !== null && c.result < 0, `${c.label}: result ${c.result} should be an error code`);
    for (const o of c.outputs) {
      if (o.t === "link") assert.ok((o.data[1] << 24 >> 24) < 0, `${c.label}: the answer should carry an error status`);
    }
  }
  assert.ok(readFileSync(after.flashFile).equals(flashBefore), "flash changed after bad input");
  return { run: answered(host, badCalls), flash: readFileSync(after.flashFile) };
}));

test("devkit: event kinds outside the ABI are refused with E_INVAL on every engine", async (t) => {
  for (const host of HOSTS) {
    await t.test(host, async () => {
      // A native board's link layer refuses these before the image (Driver.send reads its code).
      const d = new Driver(host, "devkit", 5000);
      try {
        await d.powerOn();
        const flash = await d.flash();
        for (const kind of [0, 10, 99, 256, -1]) assert.equal((await d.send({ kind, arg: 0 })).result, -1, `kind ${kind}`);
        // The kind is judged before the payload on every host, as the C board does.
        assert.equal((await d.send({ kind: 10, arg: 0, payload: new Uint8Array(5000) })).result, -1, "kind 10 with a payload larger than any frame");
        assert.ok(Buffer.from(await d.flash()).equals(Buffer.from(flash)));
      } finally { await d.close(); }
    });
  }
});

function waterHeaterBadInputs(): Step[] {
  const bad: Step[] = [];
  bad.push(labelled(linkFrame(LinkId.LAN, Uint8Array.of(1, 2, 3)), "a LAN frame while the remote is not waiting"));
  bad.push(labelled(linkFrame(LinkId.SERVICE, service.putString(0x0301, "x")), "devkit ops are not offered on a production image"));
  bad.push(labelled(linkFrame(LinkId.SERVICE, service.provision("WH-OTHER")), "a second provisioning"));
  for (const link of [LinkId.NFC, LinkId.BLE, LinkId.WIFI_DIRECT]) bad.push(labelled(linkFrame(link, Uint8Array.of(1, 2, 3)), `link ${link}`));
  for (const b of [7, 99, -1]) bad.push(labelled(button(b), `button ${b}`));
  bad.push(labelled(mqttState(1), "a broker connection nobody asked for"));
  bad.push(labelled(mqttMessage("devices/x/down", '{"cmd":1,"set":"bath_temp","value":40}'), "a command while not connected"));
  bad.push({ event: { kind: "MQTT_MESSAGE", arg: 500, payload: Uint8Array.of(1, 2) }, label: "topic length past the payload" });
  bad.push({ event: { kind: "TIMER", arg: 9 }, label: "a timer the image never set" });
  bad.push({ event: { kind: "GPIO", arg: 3 | (1 << 8) }, label: "an input the image does not use" });
  bad.push(labelled(linkFrame(LinkId.LAN, new Uint8Array(5000)), "payload larger than the inbox"));
  return bad;
}

test("water heater: malformed input gets an error and changes nothing, the same on every engine", (t) => onEveryEngine(t, async (host) => {
  const dir = mkdtempSync(join(tmpdir(), "bad-wh-"));
  const setup: Step[] = [boot(), linkFrame(LinkId.SERVICE, service.provision("WH-BAD-INPUT")), button(0), button(3), button(1), button(3)];
  const before = await runScenario({ name: "setup", image: "water-heater", seed: 3, steps: setup }, { host, dir: join(dir, "a") });
  assert.deepEqual(before.failures, []);
  const after = await runScenario({ name: "bad input", image: "water-heater", seed: 3, steps: [...setup, ...waterHeaterBadInputs()] }, { host, dir: join(dir, "b") });
  assert.deepEqual(after.failures, []);
  const badCalls = after.calls.filter((c) => c.step >= setup.length);
  assert.ok(badCalls.length >= 15, `${badCalls.length} bad inputs delivered`);
  for (const c of badCalls) assert.ok(c.result !== null && c.result < 0, `${c.label}: result ${c.result} should be an error code`);
  assert.ok(readFileSync(after.flashFile).equals(readFileSync(before.flashFile)), "flash changed after bad input");
  return { run: answered(host, badCalls), flash: readFileSync(after.flashFile) };
}));

const devkitSetup = [service.provision("SN-BAD-INPUT"), service.setRegistration("dev-1", "a-long-password"), service.putString(0x0301, "setting")];
const serviceOps = Object.values(ServiceOp);

/** Random service frames, half of them with a length field that matches the frame so
 *  they reach the op handlers, and mutations of valid requests. */
let consistent = 0;
const devkitServicePort: EntryPoint = {
  name: "LINK SERVICE",
  async prepare(d) { for (const f of devkitSetup) await d.service(f); },
  async input(r) {
    const payload = r.chance(0.5) ? serviceFrame(r, serviceOps) : mutate(r, r.pick(devkitSetup));
    if (payload.length >= 5 && ((payload[3] << 8) | payload[4]) === payload.length - 5) consistent++;
    return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload };
  },
  // A wrong VERIFY password and COUNT_ATTEMPT count an attempt: that write is their job.
  counted: (ev) => ev.payload?.[0] === ServiceOp.VERIFY || ev.payload?.[0] === ServiceOp.COUNT_ATTEMPT,
};

// The same seeded inputs on every engine (the count is the same on each, so that they
// can be compared input by input), then compared.
test("devkit: random and mutated service frames: each refused one changes nothing, the same code on every engine", async (t) => {
  const runs: EngineRun[] = [];
  for (const host of HOSTS) {
    await t.test(host, async () => {
      consistent = 0;
      const { findings, results, run } = await judged(host, "devkit", devkitServicePort, 400);
      runs.push(run);
      assert.deepEqual(findings, []);
      assert.ok(consistent >= 100, `${consistent} frames with a consistent length field reached the op handlers`);
      assert.ok(results["0"] > 0 && results["-1"] > 0 && results["-5"] > 0, `refused past the framing: ${JSON.stringify(results)}`);
    });
  }
  assertEnginesAgree(runs);
});

for (const name of ["LINK LAN", "LINK SERVICE"]) {
  test(`water heater: ${name === "LINK LAN" ? "LAN frames while the registration window is open" : "service-port frames"}: each refused one changes nothing, the same code on every engine`, async (t) => {
    const runs: EngineRun[] = [];
    for (const host of HOSTS) {
      await t.test(host, async () => {
        const entry = waterHeaterEntryPoints().find((e) => e.name === name)!;
        const { findings, results, run } = await judged(host, "water-heater", entry, 300);
        runs.push(run);
        assert.deepEqual(findings, []);
        const refused = Object.entries(results).filter(([k]) => Number(k) < 0).reduce((n, [, v]) => n + v, 0);
        assert.ok(refused >= 250, JSON.stringify(results));
        // In the window: NONCE_REQUESTs and HELLOs parsed (E_MALFORMED), stale nonces and
        // seals checked (E_AUTH), frames out of their state (E_STATE), and windows run to
        // their 5th refused frame closed (E_LOCKED, the one screen change by design).
        if (name === "LINK LAN") for (const c of ["-3", "-6", "-10", "-11"]) assert.ok(results[c] > 0, JSON.stringify(results));
      });
    }
    assertEnginesAgree(runs);
  });
}
