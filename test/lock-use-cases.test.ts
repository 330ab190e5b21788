// The lock end to end on both hosts (ts, posix): the real broker, the cloud with the
// maker's key server, the booking service on its own HTTPS server and database, and the
// booking apps of alice and bob with the maker SDK talking BLE to the lock image. Each test
// is one of issue 12's list: slot boundaries at T−1 s / T / T+1 s, unknown time, a
// captured request replayed, another phone presenting a copied grant, a disposable grant
// used twice, an expiring grant across a power cut, a revocation while the lock is
// offline then online, overlapping bookings refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { HostName } from "../host-sim/device/power-on.ts";
import { E_AUTH, E_STATE } from "../host-sim/board/abi-constants.ts";
import { BookingError } from "../host-sim/booking/index.ts";
import { LOCK } from "../host-sim/home/home-lock.ts";
import { LockBle } from "../host-sim/phone/maker-sdk/frames.ts";
import { requirement } from "./support/requirement.ts";
import { withLockHome, until, advanceTo, book, ahead, boltLocked, timeKnown, LOCK_SERIAL, SECOND, MINUTE } from "./support/lock-rig.ts";

const posixMissing = requirement("the posix lock board (build/posix/lock)", existsSync("build/posix/lock"), "npm run build");

for (const host of ["ts", "posix"] as HostName[]) {
  const skip = host === "posix" && posixMissing;

  test(`${host}: slot boundaries: denied at T−1 s, granted at T and T+1 s; granted at the end −1 s, denied at the end and +1 s`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, MINUTE), E = T + 10 * MINUTE;
      const { app, booking } = await book(lock, "alice", T, E);
      const at = async (t: number) => { await advanceTo(lock, t); return app.operate(booking.booking, "unlock"); };
      const seen = [];
      for (const t of [T - SECOND, T, T + SECOND, E - SECOND, E, E + SECOND]) {
        const r = await at(t);
        seen.push(`${(t - T) / SECOND} s: ${r.status} ${r.reason}`);
        await lock.device.advance(0);
      }
      assert.deepEqual(seen, [
        `-1 s: ${E_AUTH} outside-schedule`, "0 s: 0 none", "1 s: 0 none",
        `${(E - SECOND - T) / SECOND} s: 0 none`, `${(E - T) / SECOND} s: ${E_AUTH} outside-schedule`, `${(E + SECOND - T) / SECOND} s: ${E_AUTH} outside-schedule`]);
    });
  });

  test(`${host}: unknown time after a power cut with no key server: every grant denied (no-time), the owner's button still works; the time back, granted`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE);
      await advanceTo(lock, T + SECOND);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
      lock.setOnline(false);
      await lock.powerCycle();
      assert.ok(!timeKnown(lock), lock.device.screen);
      assert.ok(boltLocked(lock), "fail secure: the bolt thrown at boot");
      const r = await app.operate(booking.booking, "unlock");
      assert.deepEqual([r.status, r.reason, r.bolt], [E_STATE, "no-time", "locked"]);
      await lock.pressOwner();
      assert.ok(!boltLocked(lock), "the owner's button retracts the bolt without a grant or the time");
      await lock.pressOwner();
      assert.ok(boltLocked(lock));
      lock.setOnline(true);
      await until(lock, () => timeKnown(lock), "the time after the lock is back online", 400, 1000);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
    });
  });

  test(`${host}: a captured request replayed (its BLE frames sent again, whole and OPERATE alone) moves nothing`, { skip }, async () => {
    await withLockHome(host, async ({ home, lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE);
      await advanceTo(lock, T);
      const heard: Uint8Array[] = [];
      lock.onBleFrame = (_who, dir, f) => { if (dir === "out") heard.push(f); };
      assert.equal((await app.operate(booking.booking, "lock")).status, 0);
      lock.onBleFrame = null;
      assert.deepEqual(heard.map((f) => f[0]), [LockBle.NONCE_REQUEST, LockBle.HELLO, LockBle.CHALLENGE_REQUEST, LockBle.OPERATE, LockBle.CLOSE]);
      const accesses = async () => (await lock.owner.events(LOCK_SERIAL)).filter((e) => e.kind === "access");
      await until(lock, async () => (await accesses()).length === 1, "alice's access in the event log");
      // Eve stands at the door with the recording.
      home.air.phone("eve").setAtHome(true);
      const port = home.air.phone("eve").ble(LOCK);
      const answers: number[] = [];
      for (const f of heard.slice(0, 4)) answers.push((await port.request(f, 5000))[0]);
      answers.push((await port.request(heard[3], 5000))[0]);
      assert.deepEqual(answers, [LockBle.NONCE, 0xff, 0xff, 0xff, 0xff], "a new nonce, then every replayed frame refused (plain ERROR)");
      assert.ok(boltLocked(lock), "the bolt did not move");
      // The barrier: alice's next operation is the next access the key server hears of.
      assert.equal((await app.operate(booking.booking, "lock")).status, 0);
      await until(lock, async () => (await accesses()).length >= 2, "alice's second access in the event log");
      assert.deepEqual((await accesses()).map((e) => e.kind === "access" && `${e.result} ${e.action}`), ["granted lock", "granted lock"],
        "the replay reached no check: no access between alice's two");
    });
  });

  test(`${host}: another phone presenting a grant it copied is refused (not-bound); its owner's phone is granted`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE);
      await advanceTo(lock, T);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
      // Bob's phone gets a copy of the grant from alice's SDK store (not its key: that stays).
      await book(lock, "bob", T + 30 * MINUTE, T + 60 * MINUTE);
      copyFileSync(join(lock.sdkDir("alice"), "grants.json"), join(lock.sdkDir("bob"), "grants.json"));
      const r = await lock.sdk("bob").operate(booking.lock, "unlock");
      assert.deepEqual([r.status, r.reason], [E_AUTH, "not-bound"]);
      assert.equal((await app.operate(booking.booking, "lock")).status, 0);
    });
  });

  test(`${host}: a disposable grant works once: used the second time`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE, "disposable");
      await advanceTo(lock, T);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
      await lock.device.advance(20 * SECOND);
      assert.ok(boltLocked(lock), "relocked by itself");
      const r = await app.operate(booking.booking, "unlock");
      assert.deepEqual([r.status, r.reason, r.bolt], [E_AUTH, "used", "locked"]);
    });
  });

  test(`${host}: an expiring grant across a power cut: the first use is kept, it expires the set time after it`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE, "expiring", 120);
      await advanceTo(lock, T);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
      await lock.device.advance(30 * SECOND);
      await lock.powerCycle();
      await until(lock, () => timeKnown(lock), "the time after the power cut", 400);
      await advanceTo(lock, T + 119 * SECOND);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0, "still inside its 120 s");
      await advanceTo(lock, T + 121 * SECOND);
      const r = await app.operate(booking.booking, "unlock");
      assert.deepEqual([r.status, r.reason], [E_AUTH, "expired"], "no second life after the power cut");
    });
  });

  test(`${host}: a revocation while the lock is offline: it goes on with what it holds; once online, the grant is refused (revoked)`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, SECOND);
      const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE);
      await advanceTo(lock, T);
      assert.equal((await app.operate(booking.booking, "unlock")).status, 0);
      const granted = async () => (await lock.owner.events(LOCK_SERIAL)).find((e) => e.kind === "access" && e.result === "granted");
      await until(lock, async () => (await granted()) !== undefined, "the access in the key server's event log");
      lock.setOnline(false);
      await lock.device.advance(20 * SECOND);
      // The owner reads the grant's id from the event log and revokes it at the key server.
      const grant = await granted();
      assert.ok(grant && grant.kind === "access");
      const { version } = await lock.owner.revoke(LOCK_SERIAL, { grantId: grant.grant });
      assert.equal(version, 1);
      const offline = await app.operate(booking.booking, "unlock");
      assert.equal(offline.status, 0, "offline, the lock cannot know yet");
      lock.setOnline(true);
      await until(lock, () => lock.device.screen.includes("Revocations v1"), "the revocation list on the lock", 400);
      const r = await app.operate(booking.booking, "unlock");
      assert.deepEqual([r.status, r.reason], [E_AUTH, "revoked"]);
      // Kept across a power cut, offline.
      lock.setOnline(false);
      await lock.powerCycle();
      assert.match(lock.device.screen, /Revocations v1/);
    });
  });

  test(`${host}: overlapping bookings of one lock are refused; adjacent ones are taken`, { skip }, async () => {
    await withLockHome(host, async ({ lock }) => {
      const T = ahead(lock, MINUTE);
      await book(lock, "alice", T, T + 60 * MINUTE);
      for (const [s, e] of [[T + 30 * MINUTE, T + 90 * MINUTE], [T - 30 * MINUTE, T + SECOND], [T, T + 60 * MINUTE], [T + MINUTE, T + 2 * MINUTE]]) {
        await assert.rejects(book(lock, "bob", s, e), (err: unknown) => err instanceof BookingError && err.status === 409);
      }
      const after = await book(lock, "bob", T + 60 * MINUTE, T + 120 * MINUTE);
      const before = await book(lock, "bob", T - 60 * MINUTE, T);
      assert.equal(lock.apps.bob.bookings().length, 2);
      assert.ok(after.booking.ticket !== before.booking.ticket);
    });
  });
}
