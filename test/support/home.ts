// The simulated home as the home tests use it: a fresh one per test (its own data
// folder, erased flash, an empty cloud, seeded phones) on a broker of either kind, and
// Bob's registration, the starting point of many of them.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home, HEATER, type HomeOptions } from "../../host-sim/home/world.ts";
import { finishRegistration, startRegistration, waitForCloud } from "../../host-sim/appliances/water-heater/remote-actions.ts";
import type { BrokerKind } from "../../host-sim/net/broker.ts";
import { changeSetting } from "../../host-sim/appliances/water-heater/phone-actions.ts";

/** Runs `fn` in a fresh home and stops the home whatever happens. */
export async function withHome(broker: BrokerKind, fn: (home: Home, dataDir: string) => Promise<void>,
  options: Partial<Pick<HomeOptions, "heaterHost" | "clock">> = {}): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "home-"));
  const home = new Home({ dataDir, broker, heaterHost: "ts", fresh: true, seeded: true, ...options });
  try {
    await home.start();
    await fn(home, dataDir);
  } finally {
    await home.stop();
  }
}

/** Bob registers anew and can operate the heater. Returns the registration's device ID
 *  and the password the heater logs in with. */
export async function bobRegistered(home: Home): Promise<{ deviceId: string; password: string }> {
  await startRegistration(home.heater, "new");
  const r = await home.bob.register(HEATER);
  await finishRegistration(home.heater);
  await waitForCloud(home.heater);
  assert.equal((await changeSetting(home.bob, "bath_temp", 40)).status, 0);
  return { deviceId: r.deviceId, password: home.devicePasswords[home.devicePasswords.length - 1] };
}
