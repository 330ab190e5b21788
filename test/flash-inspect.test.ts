// npm run flash:inspect: a board's flash image decoded without the firmware, records by
// name; a missing file or a file that is not a flash image is one line of error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { readPages } from "../host-sim/flash/record-store-image.ts";
import { tempDir } from "./fixtures/build.ts";

const root = join(import.meta.dirname, "..");
const dir = tempDir("flash-inspect");
// A devkit's flash: a registration (sealed), user records (sealed, protected, counter),
// replaced and removed records (scrubbed, a tombstone).
const devkit = join(dir, "devkit.flash");
writeFileSync(devkit, gunzipSync(readFileSync(join(root, "test/fixtures/devkit-flash-before-issue-7.bin.gz"))));

const inspect = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts/flash-inspect.ts"), ...args], { cwd: root, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr.trim() };
};

test("a missing file is a one-line error", () => {
  const r = inspect(join(dir, "nothing.flash"));
  assert.equal(r.code, 2);
  assert.equal(r.err, `flash:inspect: ${join(dir, "nothing.flash")}: no such file`);
  assert.equal(r.out, "");
});

test("a file that is not a flash image is refused in one line", () => {
  const noise = join(dir, "noise.bin");
  writeFileSync(noise, Buffer.alloc(65536, 0x5a));
  for (const file of [join(root, "README.md"), noise]) {
    const r = inspect(file);
    assert.equal(r.code, 2, file);
    assert.match(r.err, /^flash:inspect: .* is not a flash image \([^\n]*\)$/);
    assert.equal(r.out, "");
  }
});

test("records show their names, scrubbed ones as scrubbed, and a secret's value never", () => {
  const r = inspect(devkit, "--image", "devkit", "--values");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /0x0101 credential-store\.serial {2}seq 1 live, 16 B, string, reset: kept {2}= SN-DEVKIT-0001/);
  assert.match(r.out, /0x0201 onboarding\.registration {2}seq 3 live, 81 B, [^\n]*sealed, reset: initialization {2}= •••/);
  assert.match(r.out, /0x0202 onboarding\.attempts {2}seq 6 scrubbed/);
  assert.match(r.out, /0x0202 onboarding\.attempts {2}seq 8 removed/);
  assert.doesNotMatch(r.out, /bad CRC/);
  assert.doesNotMatch(r.out, / 0x[0-9a-f]{4} 0x[0-9a-f]{4} /, "no record without a name");
  // No sealed record's bytes, in any form, even with --values.
  const sealed = readPages(readFileSync(devkit)).flatMap((p) => p.records).filter((x) => x.state === "committed" && x.data.length > 2 && (x.data[1] & 1));
  assert.ok(sealed.length >= 2);
  for (const x of sealed) {
    const body = Buffer.from(x.data.subarray(2, 14));
    for (const shown of [body.toString("hex"), body.toString("base64").slice(0, 12)]) assert.ok(!r.out.includes(shown), "sealed bytes printed");
  }
  // Without --values, no value but the secret's mask.
  assert.doesNotMatch(inspect(devkit, "--image", "devkit").out, /SN-DEVKIT-0001/);
});

test("--help documents --values; a bad option is one line", () => {
  const h = inspect("--help");
  assert.equal(h.code, 0);
  assert.match(h.out, /^usage: npm run flash:inspect -- <flash image> \[--values\]/);
  assert.match(h.out, /--values +show the values of records that are not secrets/);
  const bad = inspect(devkit, "--colour");
  assert.equal(bad.code, 64);
  assert.equal(bad.err, "flash:inspect: unknown option --colour (see --help)");
});
