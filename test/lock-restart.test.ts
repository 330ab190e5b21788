// The booking app keeps its account at the booking service across a restart of the home:
// a booking made before is still its user's to cancel after. The kept session is the
// owner's file alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { runCommand } from "../host-sim/home/commands.ts";

test("after a restart alice's booking app still cancels the booking it made", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "lock-restart-"));
  const options = { dataDir, broker: "embedded" as const, heaterHost: "ts" as const, lockHost: "ts" as const, lock: true, seeded: true, clock: "virtual" as const };
  let home = new Home({ ...options, fresh: true });
  let booking: string;
  let user: string | undefined;
  try {
    await home.start();
    await runCommand(home, "install lock");
    booking = /booking (\S+) from/.exec(await runCommand(home, "alice book 1 30"))![1];
    user = home.requireLock().apps.alice.user;
  } finally {
    await home.stop();
  }
  const kept = join(dataDir, "phones", "alice", "booking-app", "session.json");
  assert.equal(statSync(kept).mode & 0o077, 0, "the kept session is the owner's file alone");

  home = new Home({ ...options, fresh: false });
  try {
    await home.start();
    assert.equal(home.requireLock().apps.alice.user, user, "the same account at the booking service");
    assert.equal(await runCommand(home, `alice cancel ${booking}`), "");
    assert.equal(await runCommand(home, "alice bookings"), "(none)");
  } finally {
    await home.stop();
  }
});
