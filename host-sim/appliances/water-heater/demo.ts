// The scripted demo: the three registration flows of seed 000 in one story.
// Bob lives in the flat and registers the water heater (new registration); his flatmate
// Alice adds her phone (additional registration); Bob moves out and Alice registers
// afresh (new registration after initialization). Bob keeps his old history and loses
// control. Used by `npm run demo`, the `demo` command of the home and the tests.
import type { Home } from "../../home/world.ts";
import { HEATER } from "../../home/world.ts";
import { finishRegistration, startRegistration, waitForCloud } from "./remote-actions.ts";
import { changeSetting } from "./phone-actions.ts";
import { CloudError } from "../../phone/cloud-client.ts";

export interface DemoResult {
  oldDeviceId: string;
  newDeviceId: string;
  bobOldHistory: number;
  bobCommandAfterMoveOut: number;
  bobReadsNewRegistration: number;
}

export async function playDemo(home: Home, say: (s: string) => void = () => {}): Promise<DemoResult> {
  const { heater, alice, bob } = home;

  say("1. New registration: Bob registers the water heater from his phone at home.");
  await startRegistration(heater, "new");
  const first = await bob.register(HEATER);
  await finishRegistration(heater);
  await waitForCloud(heater);
  await changeSetting(bob, "bath_temp", 40);
  await changeSetting(bob, "auto_bath", 1);

  say("2. Additional registration: Alice adds her phone to the same registration.");
  await startRegistration(heater, "additional");
  const added = await alice.register(HEATER);
  await finishRegistration(heater);
  if (added.deviceId !== first.deviceId) throw new Error("additional registration made a new device ID");
  await changeSetting(alice, "hot_water_temp", 45);

  say("3. Bob moves out. Alice registers afresh: the remote asks to initialize Bob's connection first.");
  home.router.setAtHome("bob", false);
  await startRegistration(heater, "new");
  const fresh = await alice.register(HEATER);
  await finishRegistration(heater);
  await waitForCloud(heater);
  await changeSetting(alice, "bath_temp", 42);

  say("   Bob's phone: old history still readable, the heater no longer answers him, the new data is not his.");
  const bobOldHistory = (await bob.history(first.deviceId)).length;
  const status = async (p: Promise<unknown>) => { try { await p; return 200; } catch (e) { return e instanceof CloudError ? e.status : -1; } };
  const bobCommandAfterMoveOut = await status(changeSetting(bob, "bath_temp", 48, first.deviceId));
  const bobReadsNewRegistration = await status(bob.history(fresh.deviceId));
  say(`   Bob: ${bobOldHistory} old history entries; command -> HTTP ${bobCommandAfterMoveOut}; Alice's new history -> HTTP ${bobReadsNewRegistration}`);
  return { oldDeviceId: first.deviceId, newDeviceId: fresh.deviceId, bobOldHistory, bobCommandAfterMoveOut, bobReadsNewRegistration };
}
