// The lock's scripted demo (seed 004, issue 12), through the home console's commands: the
// owner installs the lock and lists it with the booking service; alice and bob book
// consecutive slots; alice's first operation (the SDK fetches her grant) and her unlock in
// her slot; her denial one second after her slot ends; bob's slot; the owner revokes bob's
// grant and the lock refuses it. Used by `npm start -- --demo lock` and the home's `demo lock`.
import type { Home } from "../../home/world.ts";
import { lockCommand } from "../../home/lock-console.ts";
import { LOCK_SERIAL } from "./index.ts";

/** Lets the broker and the cloud work while the lock's clock moves `stepMs` per step. */
async function until(home: Home, what: string, done: () => boolean | Promise<boolean>, steps = 400, stepMs = 0): Promise<void> {
  const lock = home.requireLock();
  for (let i = 0; i < steps; i++) {
    if (await done()) return;
    await lock.device.advance(stepMs);
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`demo: ${what} did not happen`);
}

export async function playLockDemo(home: Home, say: (s: string) => void = () => {}): Promise<string> {
  const lock = home.requireLock();
  const run = async (line: string) => {
    const out = await lockCommand(home, line.split(" "));
    if (out === undefined) throw new Error(`demo: "${line}" is not a command`);
    return out;
  };
  const panel = () => lock.device.screen.split("\n").slice(1).join(" / ");
  const to = async (t: number) => { await lock.device.advance(Math.max(0, t - lock.now())); };

  say("1. The owner registers the lock with its maker's key server, installs it and lists it with the booking service.");
  say(`   ${await run("install lock")}`);
  await until(home, "the key server's time on the lock", () => /^Time \d/m.test(lock.device.screen));
  say(`   the panel: ${panel()}`);

  say("2. Alice books the next half hour from the next minute; bob books the half hour after hers.");
  say(`   ${await run("alice book 1 30")}`);
  say(`   ${await run("bob book 31 30")}`);
  const [a] = lock.apps.alice.bookings(), [b] = lock.apps.bob.bookings();

  say("3. Her slot starts: her first operation (the SDK asks the key server for her grant), then unlock in the slot.");
  await to(a.start);
  say(`   ${await run("alice unlock")}`);
  say(`   the panel: ${panel()}`);
  await lock.device.advance(15_000);
  say(`   15 s later it relocked by itself: ${panel()}`);

  say("4. One second after her slot ends, alice tries again.");
  await to(a.end + 1000);
  say(`   ${await run("alice unlock")}`);

  say("5. Bob's slot: his first operation and his unlock.");
  say(`   ${await run("bob unlock")}`);
  await lock.device.advance(15_000);

  say("6. The owner revokes bob's grant (its id from the lock's event log); the key server sends the new list to the lock.");
  const granted = async () => (await lock.owner.events(LOCK_SERIAL)).filter((e) => e.kind === "access" && e.result === "granted");
  await until(home, "bob's access in the event log", async () => (await granted()).length >= 2, 400, 50);
  const bobs = (await granted()).at(-1)!;
  say(`   ${await run(`owner revoke ${bobs.kind === "access" ? bobs.grant : 0}`)}`);
  await until(home, "the list on the lock", () => /Revocations v1/.test(lock.device.screen), 400, 50);
  say(`   ${await run("bob unlock")}`);
  say(`   the panel: ${panel()}`);
  return `bookings ${a.booking} (alice) and ${b.booking} (bob); ${(await lock.owner.events(LOCK_SERIAL)).length} events in the lock's log`;
}
