// The fuzzer (scripts/fuzz.ts): its verdicts fire on an image with planted faults, and a
// fixed-seed subset of `npm run fuzz` over every water-heater entry point finds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import { entryPoints } from "../scripts/fuzz/water-heater.ts";
import { fuzzEntry } from "../scripts/fuzz/run.ts";
import { asImage, tempDir } from "./fixtures/build.ts";
import { requirement } from "./support/requirement.ts";

const WATER_HEATER = new URL("../scripts/fuzz/water-heater.ts", import.meta.url).href;
const SUBSET = { ts: 1000, posix: 150 };

test("the fuzzer reports crashes, hangs and refused inputs that changed flash or the screen", async () => {
  const image = asImage("fuzz-target", tempDir("fuzz-target"));
  const r = await fuzzEntry({
    image, entries: new URL("./fixtures/fuzz-target-entries.ts", import.meta.url).href,
    entry: "BUTTON", host: "ts", seed: 1, inputs: 12, hangMs: 500,
  });
  const arg = (verdict: string) => [...new Set(r.findings.filter((f) => f.verdict === verdict).map((f) => /^kind 2 arg (\d+)/.exec(f.input)?.[1]))];
  assert.deepEqual(arg("crash"), ["3"], "traps are crashes");
  assert.deepEqual(arg("hang"), ["4"], "an endless loop is a hang (watchdog)");
  assert.deepEqual(arg("state change").sort(), ["1", "2"], "flash and screen changes of refused inputs");
  assert.ok(r.findings.some((f) => f.verdict === "state change" && /flash changed/.test(f.detail)), "flash written by a refused input");
  assert.ok(r.findings.some((f) => f.verdict === "state change" && /screen changed/.test(f.detail)), "screen redrawn by a refused input");
  assert.equal(r.results["-1"] + r.crashes + r.hangs, r.inputs, "every input was judged");
});

const hosts = ["ts", "posix"] as const;
const posixMissing = requirement("the posix water-heater board", existsSync(posixExecutable("water-heater")), "npm run build:posix");

for (const host of hosts) {
  test(`water heater on ${host}: fixed-seed fuzz subset of every entry point finds nothing`, { skip: host === "posix" && posixMissing }, async () => {
    for (const e of entryPoints()) {
      const r = await fuzzEntry({ image: "water-heater", entries: WATER_HEATER, entry: e.name, host, seed: 1, inputs: SUBSET[host], hangMs: 2000 });
      assert.deepEqual(r.findings, [], `${e.name} on ${host}`);
      if (e.name === "LINK LAN") {
        // The inputs reach past the framing: into the window's NONCE_REQUEST and HELLO
        // parsers, the decryption, the parsers behind it (E_MALFORMED after a valid seal),
        // and windows run to their 5th refused frame (E_LOCKED, judged as designed).
        for (const code of ["0", "-6", "-10", "-3", "-11"]) assert.ok((r.results[code] ?? 0) > 0, `LAN result ${code}: ${JSON.stringify(r.results)}`);
      }
      if (e.name === "MQTT_MESSAGE") assert.ok((r.results["0"] ?? 0) > 0, "some commands accepted");
    }
  });
}
