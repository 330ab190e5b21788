// Phones keep their printer across a restart of the home: a printer set up by Alice's tap,
// the home stopped and started again on the same data folder, and her apps go on without
// a new setup tap: the print app prints, the management app charges with the PT and SVT
// it kept (both bound to keys it also kept). What it keeps is the owner's file alone and
// the phone's private key reaches no log and no flow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { runCommand } from "../host-sim/home/commands.ts";

const until = async (what: string, ok: () => boolean) => {
  const end = Date.now() + 20000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

test("a set-up printer after a restart: alice prints and charges without a new setup tap", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "printer-restart-"));
  // Not seeded: the apps' keys are drawn anew each run unless they are kept.
  const options = { dataDir, broker: "embedded" as const, heaterHost: "ts" as const, printerHost: "ts" as const, printer: true };
  let home = new Home({ ...options, fresh: true });
  let registration: string | null;
  try {
    await home.start();
    assert.match(await runCommand(home, "alice tap printer"), /set up: registration/);
    assert.match(await runCommand(home, "alice charge free"), /^alice: \d+ pages$/);
    registration = home.printerApps.alice.manage.deviceId;
  } finally {
    await home.stop();
  }

  const manageFile = join(dataDir, "phones", "alice", "printer-manage-app.json");
  const printFile = join(dataDir, "phones", "alice", "printer-print-app.json");
  for (const f of [manageFile, printFile]) assert.equal(statSync(f).mode & 0o077, 0, `${f} is the owner's alone`);
  const keys = [manageFile, printFile].map((f) => (JSON.parse(readFileSync(f, "utf8")) as { key: string }).key);

  home = new Home({ ...options, fresh: false });
  try {
    await home.start();
    const alice = home.printerApps.alice;
    assert.equal(alice.manage.deviceId, registration, "the app still knows its printer");
    assert.ok(alice.manage.pt, "and holds its PT");
    assert.match(await runCommand(home, "alice print 1"), /^alice: printed 1, \d+ pages left$/);
    // A charge goes through the printer's broker link: it takes one once back on the broker.
    await until("the printer back on the broker", () => home.requirePrinter().device.mqtt === "connected");
    assert.match(await runCommand(home, "alice charge 100"), /^alice: \d+ pages$/, "the kept PT and SVT charge without a tap");
    const logs = [...home.requirePrinter().log, ...home.flow.map((l) => l.text)].join("\n");
    for (const k of keys) assert.ok(!logs.includes(k), "the phone's private key reached a log or the flow");
  } finally {
    await home.stop();
  }

  // --fresh forgets it all.
  home = new Home({ ...options, fresh: true });
  try {
    await home.start();
    assert.equal(home.printerApps.alice.manage.pt, null);
    assert.equal(home.printerApps.alice.manage.deviceId, null);
  } finally {
    await home.stop();
  }
});
