// The lock in a fresh simulated home (its own data folder, erased flash, an empty cloud,
// virtual time) on either host, installed by its owner and online with the key server's
// time, as the lock tests use it: helpers to move the lock's clock, wait for what the
// broker carries, book, and read the bolt. Shared by test/lock-*.test.ts.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../../host-sim/home/world.ts";
import type { HomeLock } from "../../host-sim/home/home-lock.ts";
import type { HostName } from "../../host-sim/device/power-on.ts";
import type { BrokerKind } from "../../host-sim/net/broker.ts";
import { LOCK_SERIAL } from "../../host-sim/appliances/lock/index.ts";
import type { BookingApp } from "../../host-sim/phone/booking-app/index.ts";
import type { Booking, BookingGrantType } from "../../host-sim/booking/types.ts";

export { LOCK_SERIAL };
export const SECOND = 1000, MINUTE = 60_000;
/** LOCK_ACTUATOR (PROTOCOL.md §5): 1 the bolt is thrown. */
export const LOCK_ACTUATOR_PIN = 2;

export interface LockHome { home: Home; lock: HomeLock; dataDir: string }

/** Runs `fn` in a fresh home whose lock runs on `host`, installed and holding the key
 *  server's time; stops the home whatever happens. */
export async function withLockHome(host: HostName, fn: (h: LockHome) => Promise<void>, broker: BrokerKind = "embedded"): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "lock-home-"));
  const home = new Home({ dataDir, broker, heaterHost: "ts", lockHost: host, fresh: true, seeded: true, lock: true, clock: "virtual" });
  try {
    await home.start();
    const lock = home.requireLock();
    await lock.install();
    // The lock's clock stands still while the answer travels (real time only): the lock
    // then keeps exactly the home's clock, and slot bounds are exact to the ms.
    await until(lock, () => timeKnown(lock), "the key server's time", 400, 0);
    await fn({ home, lock, dataDir });
  } finally {
    await home.stop();
  }
}

export const timeKnown = (lock: HomeLock) => /^Time \d{4}-/m.test(lock.device.screen);
export const boltLocked = (lock: HomeLock) => lock.device.pins.get(LOCK_ACTUATOR_PIN) === 1;

/** Lets the broker and the cloud work (real time) while the lock's clock moves `stepMs`
 *  per step (its reconnect timers need it to move), until `cond` holds; fails after
 *  `steps` steps naming `what`. */
export async function until(lock: HomeLock, cond: () => boolean | Promise<boolean>, what: string, steps = 200, stepMs = 50): Promise<void> {
  for (let i = 0; i < steps; i++) {
    if (await cond()) return;
    await lock.device.advance(stepMs);
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`waited in vain for ${what}; the lock shows:\n${lock.device.screen}`);
}

/** Moves the lock's clock (and so the home's) to exactly `t` (UTC ms). */
export async function advanceTo(lock: HomeLock, t: number): Promise<void> {
  const d = t - lock.now();
  if (d < 0) throw new Error(`the clock is past ${t} already`);
  await lock.device.advance(d);
}

/** `who` signs up and books the lock from `start` to `end`. */
export async function book(lock: HomeLock, who: string, start: number, end: number, type?: BookingGrantType, timeoutS?: number): Promise<{ app: BookingApp; booking: Booking }> {
  const app = lock.apps[who];
  if (!app.user) await app.signUp();
  return { app, booking: await app.book(lock.listed!, start, end, type, timeoutS) };
}

/** A whole second ahead of the lock's clock plus `ms`: slot bounds on whole seconds. */
export const ahead = (lock: HomeLock, ms: number) => Math.ceil(lock.now() / SECOND) * SECOND + ms;
