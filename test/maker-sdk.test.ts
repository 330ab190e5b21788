// The maker SDK's narrow interface against the real key server and booking service (the
// lock on the TypeScript host): prepare returns the slot and nothing else, the same grant
// again for the same phone, and another phone presenting the ticket is refused (one phone
// key per ticket); operate refuses without a prepared grant; a cancelled booking's ticket
// gets no grant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KeyServerRefused } from "../host-sim/phone/maker-sdk/index.ts";
import type { StoredGrant } from "../host-sim/phone/maker-sdk/store.ts";
import { withLockHome, book, ahead, advanceTo, MINUTE, SECOND } from "./support/lock-rig.ts";

test("maker SDK: prepare gives the slot only, the same grant to the same phone, 409 to another phone, 410 after a cancel; operate needs a prepared grant", async () => {
  await withLockHome("ts", async ({ lock }) => {
    const T = ahead(lock, MINUTE);
    const { app, booking } = await book(lock, "alice", T, T + 30 * MINUTE);
    const alice = lock.sdk("alice"), bob = lock.sdk("bob");
    await assert.rejects(alice.operate(booking.lock, "unlock"), /prepare\(booking\) first/);
    const slot = await alice.prepare({ ticket: booking.ticket, lock: booking.lock });
    assert.deepEqual(slot, { lock: booking.lock, start: T, end: T + 30 * MINUTE }, "the slot, no grant, no key");
    const first = readFileSync(join(lock.sdkDir("alice"), "grants.json"), "utf8");
    await alice.prepare({ ticket: booking.ticket, lock: booking.lock });
    const grants = JSON.parse(readFileSync(join(lock.sdkDir("alice"), "grants.json"), "utf8")) as StoredGrant[];
    assert.equal(grants.length, 1);
    assert.equal(grants[0].grant, (JSON.parse(first) as StoredGrant[])[0].grant, "the very same grant bytes");
    await assert.rejects(bob.prepare({ ticket: booking.ticket, lock: booking.lock }), (e: unknown) => e instanceof KeyServerRefused && e.status === 409);
    await advanceTo(lock, T + SECOND);
    const r = await alice.operate(booking.lock, "unlock");
    assert.deepEqual(Object.keys(r).sort(), ["bolt", "reason", "status"]);
    assert.equal(r.status, 0);
    const later = await book(lock, "alice", T + 60 * MINUTE, T + 90 * MINUTE);
    await app.cancel(later.booking.booking);
    await assert.rejects(alice.prepare({ ticket: later.booking.ticket, lock: later.booking.lock }), (e: unknown) => e instanceof KeyServerRefused && e.status === 410);
  });
});
