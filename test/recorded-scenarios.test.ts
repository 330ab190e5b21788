// Recorded sessions kept as tests: every test/recorded/*.json (a file `record stop` wrote
// in the simulated home or the web page, README "Record and replay") replays on the
// TypeScript and posix hosts with exactly the outputs it recorded. A bug seen in the
// browser becomes a test by dropping its recording here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenario } from "../host-sim/scenario/json.ts";
import { replayScenario } from "../host-sim/scenario/replay.ts";

const DIR = fileURLToPath(new URL("./recorded/", import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();

test("test/recorded holds at least one recording", () => assert.ok(files.length > 0));

for (const f of files) {
  test(`recorded ${f}: same trace on ts and posix`, async () => {
    const r = await replayScenario(loadScenario(join(DIR, f)), ["ts", "posix"], mkdtempSync(join(tmpdir(), "recorded-")));
    assert.equal(r.difference, null, r.text);
  });
}
