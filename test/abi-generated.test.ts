// The board ABI's numbers live in boards/abi/v1.json; scripts/gen-abi.ts writes them for
// AssemblyScript, TypeScript and C. A committed generated file that is stale (v1.json
// changed, the build not run) or edited by hand fails here and in `npm run build -- --check`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ABI_JSON, generate, generatedFiles, readAbi } from "../scripts/gen-abi.ts";
import * as abi from "../host-sim/board/abi-constants.ts";

const root = join(import.meta.dirname, "..");

test("every committed generated ABI file is what boards/abi/v1.json gives", () => {
  assert.deepEqual(generate({ check: true, root: root + "/" }), []);
});

/** A copy of v1.json and the generated files, to change without touching the repository. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "gen-abi-")) + "/";
  for (const p of [ABI_JSON, ...generatedFiles().map((f) => f.path)]) {
    mkdirSync(dirname(dir + p), { recursive: true });
    cpSync(join(root, p), dir + p);
  }
  return dir;
}

test("a changed v1.json makes the generated files stale: --check fails, a build rewrites them", () => {
  const dir = scratch();
  const json = readFileSync(dir + ABI_JSON, "utf8").replace('["MAX_PAYLOAD", 3072,', '["MAX_PAYLOAD", 4000,');
  writeFileSync(dir + ABI_JSON, json);
  const stale = generate({ check: true, root: dir });
  assert.ok(stale.some((p) => /^firmware\/board\/constants\.ts is stale/.test(p)), stale.join("\n"));
  assert.ok(stale.some((p) => /^boards\/posix\/abi_constants\.h is stale/.test(p)));
  assert.deepEqual(generate({ check: false, root: dir }), []);
  assert.match(readFileSync(dir + "boards/posix/abi_constants.h", "utf8"), /#define ABI_MAX_PAYLOAD 4000 /);
  assert.match(readFileSync(dir + "host-sim/board/abi-constants.ts", "utf8"), /export const MAX_PAYLOAD = 4000;/);
  assert.deepEqual(generate({ check: true, root: dir }), []);
  rmSync(dir, { recursive: true, force: true });
});

test("a hand-edited generated file is refused, not overwritten", () => {
  const dir = scratch();
  const file = dir + "host-sim/board/abi-constants.ts";
  const edited = readFileSync(file, "utf8").replace("export const MAX_TOPIC = 256;", "export const MAX_TOPIC = 512;");
  writeFileSync(file, edited);
  for (const check of [true, false]) {
    const problems = generate({ check, root: dir });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^host-sim\/board\/abi-constants\.ts was edited by hand: put the change into boards\/abi\/v1\.json/);
  }
  assert.equal(readFileSync(file, "utf8"), edited);
  rmSync(dir, { recursive: true, force: true });
});

test("v1.json and ABI.md state the same result codes, events, link ids, metering channels and pins", () => {
  const md = readFileSync(join(root, "boards/ABI.md"), "utf8");
  const spec = readAbi();
  for (const [name, value] of spec.results) assert.match(md, new RegExp(`^\\| ${value} \\| ${name} \\|`, "m"), name);
  for (const [name, value] of spec.groups.find((g) => g.name === "Event")!.values) {
    assert.match(md, new RegExp(`^\\| ${value} \\| ${name} \\|`, "m"), `event ${name}`);
  }
  // A link, channel or pin row names its id then its name, then says more about it.
  for (const group of ["Link", "Channel", "Pin"]) {
    for (const [name, value] of spec.groups.find((g) => g.name === group)!.values) {
      assert.match(md, new RegExp(`^\\| ${value} \\| ${name}\\b`, "m"), `${group} ${name}`);
    }
  }
  assert.match(md, new RegExp(`^# Board ABI, version ${spec.version}\\.${spec.minor}$`, "m"), "the page's title names the JSON's minor");
  assert.equal(abi.E_TYPE, -13);
  assert.equal(abi.RESULT_NAMES[abi.E_LOCKED], "E_LOCKED");
});

test("v1.json refuses a number a generated file could not carry", () => {
  const json = readFileSync(join(root, ABI_JSON), "utf8");
  assert.throws(() => readAbi(json.replace('["E_TYPE", -13,', '["E_INVAL", -13,')), /E_INVAL is defined twice/);
  assert.throws(() => readAbi(json.replace('["CARD", 5,', '["CARD", 6,')), /Link: count 6 does not cover id 6/);
  assert.throws(() => readAbi(json.replace('["MAX_TOPIC", 256,', '["MAX_TOPIC", 1.5,')), /not an i32/);
});
