// The lock in the simulated home, end to end on both hosts (ts, posix) and both brokers,
// as its demo plays it: the owner's installation, alice's and bob's consecutive slots, the
// first operation, unlock in the slot, denial one second after the slot ends, the second
// user's slot, a revocation. Then what each party relies on: what each user's app showed,
// the key server's event log (each seq once, in order), the lock's log without its device
// password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { playLockDemo } from "../host-sim/appliances/lock/demo.ts";
import { LOCK_SERIAL } from "../host-sim/appliances/lock/index.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import { requirement } from "./support/requirement.ts";
import { until } from "./support/lock-rig.ts";

const posixMissing = requirement("the posix lock board (build/posix/lock)", existsSync("build/posix/lock"), "npm run build");
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

for (const [host, broker] of [["ts", "embedded"], ["posix", "embedded"], ["ts", "mosquitto"]] as [HostName, BrokerKind][]) {
  const skip = (host === "posix" && posixMissing) || (broker === "mosquitto" && mosquittoMissing);
  test(`${host}, ${broker}: the lock's demo in the home: alice in her slot and denied a second after it, bob in his, then revoked; the event log once per seq`, { skip }, async () => {
    const home = new Home({ dataDir: mkdtempSync(join(tmpdir(), "lock-home-")), broker, heaterHost: "ts", lockHost: host, fresh: true, seeded: true, lock: true, clock: "virtual" });
    try {
      await home.start();
      const steps: string[] = [];
      await playLockDemo(home, (s) => steps.push(s));
      const lock = home.requireLock();
      const shown = (who: string) => lock.apps[who].log.filter((l) => /^Unlocked|refused/.test(l));
      assert.deepEqual(shown("alice"), ["Unlocked", "unlock refused: outside-schedule (status -6)"]);
      assert.deepEqual(shown("bob"), ["Unlocked", "unlock refused: revoked (status -6)"]);
      assert.match(lock.device.screen, /Revocations v1/);
      // Every access reached the key server once, in the lock's order.
      await until(lock, async () => (await lock.owner.events(LOCK_SERIAL)).filter((e) => e.kind === "access").length >= 4, "the four accesses in the event log", 400);
      const events = await lock.owner.events(LOCK_SERIAL);
      const seqs = events.map((e) => e.seq);
      assert.deepEqual(seqs, [...new Set(seqs)].sort((a, b) => a - b));
      assert.deepEqual(events.filter((e) => e.kind === "access").map((e) => e.kind === "access" && `${e.result} ${e.reason}`),
        ["granted none", "denied outside-schedule", "granted none", "denied revoked"]);
      assert.ok(lock.passwords.length > 0);
      for (const p of lock.passwords) assert.ok(!lock.log.some((l) => l.includes(p)), "the device password in no log line");
    } finally {
      await home.stop();
    }
  });
}
