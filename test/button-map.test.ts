// Every image declares its buttons (firmware/images/<name>/buttons.json), the build carries
// them in the .wasm's "buttons" custom section, and the host registry's button names are
// the same map: one source of truth, held by this test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APPLIANCES } from "../host-sim/appliances/index.ts";
import { buttonMapOf, parseButtonMap, readButtonMap } from "../host-sim/device/button-map.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { customSection } from "../scripts/button-section.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const targets = Object.keys(JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8")).targets);

test("every image carries the map of its folder's buttons.json", () => {
  for (const t of targets) {
    const declared = parseButtonMap(readFileSync(join(ROOT, "firmware", "images", t, "buttons.json"), "utf8"));
    assert.deepEqual(readButtonMap(wasmImagePath(t)), declared, `${t}: build/images/${t}.wasm's buttons section`);
  }
});

test("the registry's button names are the image's declared map", () => {
  const withButtons = APPLIANCES.filter((a) => a.local);
  assert.ok(withButtons.length >= 5, "the appliances with buttons were found");
  for (const a of withButtons) assert.deepEqual({ ...a.local!.buttons }, readButtonMap(wasmImagePath(a.image)), `${a.name}: local.buttons`);
});

test("an image without the section has no map; a malformed map is refused with its reason", () => {
  const bare = readFileSync(wasmImagePath("board-conformance"));
  // The build appended the section last: the image without it is the bytes before it.
  const tail = customSection("buttons", new TextEncoder().encode("{}"));
  const without = bare.subarray(0, bare.length - tail.length);
  assert.deepEqual([...bare.subarray(bare.length - tail.length)], [...tail]);
  assert.equal(buttonMapOf(without), null);
  const bad = (json: string) => Buffer.concat([without, customSection("buttons", new TextEncoder().encode(json))]);
  assert.throws(() => buttonMapOf(bad('{"menu": 0, "ok": 0}')), /id 0 used twice/);
  assert.throws(() => buttonMapOf(bad('{"Menu!": 1}')), /bad button name/);
  assert.throws(() => buttonMapOf(bad('[1, 2]')), /not an object/);
  assert.throws(() => buttonMapOf(bad('{"menu": 300}')), /not 0\.\.255/);
});
