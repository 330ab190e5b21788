// A device's firmware console in the home (the page's console view): the image's log
// lines in device time with their levels, and a panic as a line with its message and line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { DeviceConsole } from "../host-sim/home/device-console.ts";
import { asImage, tempDir } from "./fixtures/build.ts";

const dir = tempDir("console");
const image = asImage("timer-image", dir);

test("a device's log lines arrive in device time with levels; a panic shows its message and line", async () => {
  const dev = new HomeDevice({ name: "timer", host: "ts", image, flashFile: join(dir, "console.flash"), clock: "virtual" });
  const pushed: number[] = [];
  dev.console.onLines((lines) => pushed.push(...lines.map((l) => l.seq)));
  try {
    await dev.start();
    await dev.advance(250);
    const lines = dev.console.lines;
    assert.deepEqual(lines.map((l) => [l.simMs, l.level, l.text]), [
      [0, "info", "boot 255"], [100, "info", "tick 1 at 100"], [200, "info", "tick 1 at 200"], [250, "info", "tick 2 at 250"],
    ]);
    assert.deepEqual(lines.map((l) => l.seq), [1, 2, 3, 4]);
    assert.ok(lines.every((l) => l.device === "timer"));
    await dev.advance(10);
    await dev.press(3); // the image throws: the board's abort
    const panic = dev.console.lines.find((l) => l.panic);
    assert.ok(panic, "a panic line");
    assert.equal(panic.level, "error");
    assert.equal(panic.simMs, 260);
    assert.equal(panic.panic!.message, "boom");
    assert.ok(panic.panic!.line! > 0, "the abort's line");
    assert.match(panic.text, /^panic: boom at line \d+:\d+$/);
    // The watchdog powers it on again: its boot line follows the panic.
    await dev.advance(0);
    assert.equal(dev.console.lines.at(-1)!.text, "boot 255");
    assert.deepEqual(pushed, dev.console.lines.map((l) => l.seq), "every line was pushed once, in order");
  } finally {
    await dev.stop();
  }
});

test("the console keeps the newest lines of a bounded ring", () => {
  const c = new DeviceConsole("d", 3);
  for (let i = 0; i < 5; i++) c.take({ input: { call: "boot", seed: 0 }, cause: "input", time: { nowMs: i, wallMs: -1 }, simMs: i, result: 0, outputs: [{ t: "log", level: i % 4, text: `l${i}` }] });
  assert.deepEqual(c.lines.map((l) => [l.seq, l.level, l.text]), [[3, "info", "l2"], [4, "debug", "l3"], [5, "error", "l4"]]);
});
