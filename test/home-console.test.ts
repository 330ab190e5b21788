// The home's console as a user types it (runCommand, what `npm start` and the page send):
// a refusal reads as a sentence and leaves the phone on its home screen, a `press` line is
// checked whole before any button is pressed, an outage switch that is already in that
// position says so, and the phones still control their heater after the home restarts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { runCommand } from "../host-sim/home/commands.ts";
import { waitForCloud } from "../host-sim/appliances/water-heater/remote-actions.ts";
import { bobRegistered } from "./support/home.ts";

const heaterOnly = { broker: "embedded" as const, heaterHost: "ts" as const, seeded: true, printer: false, meter: false, pcs: false, lock: false };

test("console: refusals in words, whole press lines, no-op outages; phones keep their heater across a restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "home-console-"));
  let home = new Home({ dataDir, fresh: true, ...heaterOnly });
  let registration: string;
  try {
    await home.start();

    // The remote is not waiting for an app: a sentence, and the phone back on its home screen.
    await assert.rejects(runCommand(home, "alice register"), (e: Error) => /not waiting for an app/.test(e.message) && /E_STATE/.test(e.message));
    assert.match(home.alice.screen, /^Maker app \(alice\)\nSigned in as alice\nNo water heater registered$/);

    // A press line is checked whole: nothing is pressed when any button is unknown.
    const before = home.heater.screen;
    await assert.rejects(runCommand(home, "press"), /press needs at least one button of the water heater's remote: menu up down/);
    await assert.rejects(runCommand(home, "press menu bogus ok"), /no button "bogus" on the water heater's remote, nothing pressed/);
    await assert.rejects(runCommand(home, "press printer"), /press printer needs at least one button/);
    assert.equal(home.heater.screen, before, "the menu was not opened");
    assert.equal(await runCommand(home, "press menu"), "");
    assert.notEqual(home.heater.screen, before, "a good line presses");
    await runCommand(home, "press back");

    assert.equal(await runCommand(home, "broker up"), "the broker is already up: nothing to do");
    assert.equal(await runCommand(home, "cloud up"), "the cloud is already up: nothing to do");
    assert.equal(await runCommand(home, "broker down"), "");
    assert.equal(await runCommand(home, "broker down"), "the broker is already down: nothing to do");
    assert.equal(await runCommand(home, "broker up"), "");
    assert.equal(await runCommand(home, "cloud sideways"), "cloud up | cloud down");
    assert.equal(await runCommand(home, "demo bogus"), 'no demo "bogus" (demo [printer|meter|pcs|lock])');

    registration = (await bobRegistered(home)).deviceId;
  } finally {
    await home.stop();
  }

  // The same home started again: Bob's app still knows its heater and its cloud session.
  const kept = join(dataDir, "phones", "bob", "maker-app.json");
  assert.equal(statSync(kept).mode & 0o077, 0, "the kept session is the owner's file alone");
  home = new Home({ dataDir, fresh: false, ...heaterOnly });
  try {
    await home.start();
    assert.equal(home.bob.deviceId, registration);
    assert.equal(home.bob.cloud.logins, 0, "the kept session goes on: no new login");
    await waitForCloud(home.heater);
    assert.match(await runCommand(home, "bob set bath_temp 41"), /^bob: command \d+: done$/);
    const devices = JSON.parse(await runCommand(home, "bob devices")) as Array<{ deviceId: string; current: boolean }>;
    assert.deepEqual(devices.filter((d) => d.current).map((d) => d.deviceId), [registration]);
    assert.match(home.bob.screen, /bath_temp = 41: done/);
  } finally {
    await home.stop();
  }
});
