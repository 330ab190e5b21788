// The WAMR boards (boards/wamr/) keep the ABI's door shut themselves: WAMR alone would load
// an image with an unknown or mistyped import, warn, and trap only when it is called. And a
// trap reads the same on every native engine, so traces that end in one compare.
//
// Each case builds a tiny image from WebAssembly text and links it with the objects the
// build made for the devkit's boards (only the image, and for wasm2c the glue that sees
// the image's header, are compiled here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PosixDevice } from "../host-sim/device/posix-device.ts";
import type { NativeHostName } from "../host-sim/device/types.ts";
import { nativeEngines } from "./support/engines.ts";
import { boardForImage } from "./support/image-board.ts";

const ROOT = join(import.meta.dirname, "..");
const WAMR = nativeEngines().filter((e) => e !== "posix");
const skip = WAMR.length ? false : "no WAMR boards (see the skip line above)";

/** The exports every image has (boards/ABI.md), around `boot`'s body. */
const image = (imports: string, boot = "i32.const 0") => `(module
  ${imports}
  (memory (export "memory") 1)
  (func (export "fw_abi_version") (result i32) i32.const 1)
  (func (export "fw_boot") (result i32) ${boot})
  (func (export "fw_event") (param i32 i32 i32) (result i32) i32.const 0)
  (func (export "fw_inbox") (result i32) i32.const 1024)
  (func (export "fw_inbox_size") (result i32) i32.const 256))`;

function wasmOf(dir: string, wat: string): string {
  writeFileSync(join(dir, "image.wat"), wat);
  execFileSync("wat2wasm", [join(dir, "image.wat"), "-o", join(dir, "image.wasm")]);
  return join(dir, "image.wasm");
}

/** A board for `wat` under `engine`, from the devkit board's objects. */
function boardFor(engine: NativeHostName, wat: string): string {
  return boardForImage(engine, wasmOf(mkdtempSync(join(tmpdir(), `${engine}-image-`)), wat));
}

function refusal(engine: NativeHostName, imports: string) {
  const exe = boardFor(engine, image(imports));
  const dir = mkdtempSync(join(tmpdir(), "refused-"));
  return spawnSync(exe, ["--flash", join(dir, "flash.bin")], { encoding: "utf8", input: "" });
}

for (const engine of WAMR) {
  test(`${engine}: an import outside the ABI is refused by name`, { skip }, () => {
    const r = refusal(engine, `(import "board" "abi_version" (func (result i32))) (import "board" "gettimeofday" (func (param i32) (result i32)))`);
    assert.equal(r.status, 78, r.stderr);
    assert.match(r.stderr, /import board\.gettimeofday is outside the board ABI/);
  });

  test(`${engine}: an ABI import with the wrong signature is refused by name`, { skip }, () => {
    const r = refusal(engine, `(import "board" "log" (func (param i32 i32)))`);
    assert.equal(r.status, 78, r.stderr);
    assert.match(r.stderr, /import board\.log has signature \(ii\), the ABI's is \(iii\)/);
  });

  test(`${engine}: an import from another module is refused by name`, { skip }, () => {
    const r = refusal(engine, `(import "env" "abort" (func (param i32 i32 i32 i32)))`);
    assert.equal(r.status, 78, r.stderr);
    assert.match(r.stderr, /import env\.abort is outside the board ABI/);
  });

  test(`${engine}: an image within the ABI is accepted`, { skip }, () => {
    const r = refusal(engine, `(import "board" "log" (func (param i32 i32 i32)))`);
    assert.equal(r.status, 0, r.stderr);
  });
}

test("a trap reads the same under wasm2c and WAMR", { skip }, async () => {
  const texts: string[] = [];
  for (const engine of ["posix", ...WAMR] as NativeHostName[]) {
    // One import at least: wasm2c gives an image without imports no board to bind.
    const exe = boardFor(engine, image(`(import "board" "abi_version" (func (result i32)))`, "unreachable"));
    const dir = mkdtempSync(join(tmpdir(), "trap-"));
    const dev = await PosixDevice.create({ image: exe, flashFile: join(dir, "flash.bin") }, {}, engine);
    const r = await dev.boot({ nowMs: 0, wallMs: -1 });
    await dev.close();
    assert.equal(r.result, null);
    const last = r.outputs.at(-1);
    assert.ok(last && last.t === "panic", `${engine} ends in a panic`);
    texts.push(last.text);
  }
  assert.equal(texts[0], "wasm trap: Unreachable instruction executed");
  for (const t of texts) assert.equal(t, texts[0]);
});

// The images' heap is a fixed arena (asconfig.json lowMemoryLimit; scripts/one-page-memory.ts):
// WAMR gives each exactly that much linear memory, not a 64 KiB page.
test("WAMR allocates each image its arena, not a page", { skip }, () => {
  const config = JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8"));
  for (const engine of WAMR) {
    for (const [name, target] of Object.entries<Record<string, any>>(config.targets)) {
      const dir = mkdtempSync(join(tmpdir(), "linear-"));
      const report = join(dir, "report.txt");
      const r = spawnSync(join(ROOT, `build/${engine}/${name}`), ["--flash", join(dir, "flash.bin")],
        { encoding: "utf8", input: "", env: { ...process.env, BOARD_WAMR_REPORT: report } });
      assert.equal(r.status, 0, `${engine} ${name}: ${r.stderr}`);
      const limit = target.lowMemoryLimit ?? config.options.lowMemoryLimit;
      assert.equal(readFileSync(report, "utf8").trim(), `linear ${limit}`, `${engine} ${name}`);
    }
  }
});
