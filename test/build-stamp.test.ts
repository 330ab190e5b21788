// scripts/build.ts rebuilds an image (or posix board) only when a file it was built from
// changed: the stamp beside each output records what the step read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inputsOf, staleReason, writeStamp } from "../scripts/build-stamp.ts";

test("an output is stale only when an input it read changed in content or came into being", () => {
  const dir = mkdtempSync(join(tmpdir(), "stamp-"));
  const src = join(dir, "main.ts"), probed = join(dir, "main", "index.ts"), out = join(dir, "image.wasm"), other = join(dir, "scenario.ts");
  writeFileSync(src, "export const A = 1;\n");
  writeFileSync(other, "host side\n");
  assert.equal(staleReason(out), "no output yet");
  writeFileSync(out, "wasm");
  assert.equal(staleReason(out), "no record of its inputs");
  writeStamp(out, inputsOf([src, probed]));
  assert.equal(staleReason(out), null);
  writeFileSync(other, "host side, changed\n");
  utimesSync(src, new Date(), new Date(Date.now() + 60_000));
  assert.equal(staleReason(out), null, "a file it never read, or a newer time on the same content, is no reason");
  writeFileSync(src, "export const A = 2;\n");
  assert.equal(staleReason(out), `${src} changed`);
  writeStamp(out, inputsOf([src, probed]));
  rmSync(out + ".inputs.json");
  writeStamp(out, { ...inputsOf([src, probed]), assemblyscript: "0.28.20" });
  assert.equal(staleReason(out, { assemblyscript: "0.28.21" }), "assemblyscript changed");
  assert.equal(staleReason(out, { assemblyscript: "0.28.20" }), null);
  // A path the compiler looked for and did not find now exists: resolution may change.
  mkdirSync(join(dir, "main"));
  writeFileSync(probed, "export const A = 3;\n");
  assert.equal(staleReason(out, { assemblyscript: "0.28.20" }), `${probed} changed`);
  rmSync(dir, { recursive: true, force: true });
});
