// The lock image on every engine (V8, wasm2c, WAMR fast and classic), driven through the
// same script with the same keys and signatures (a seeded rig): installation, the key
// server's time, grants granted and denied (in and outside a slot, another phone, another
// lock, a disposable used twice, an expiring one), the door and the relock, the owner's
// button, a revocation list, the lockout, a power cut (time unknown, then answered). Every
// call's outputs and the final flash bytes must be identical on every engine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { HostName } from "../host-sim/device/power-on.ts";
import { nativeEngines } from "./support/engines.ts";
import { requirement } from "./support/requirement.ts";
import { LockEngineRig } from "./support/lock-engine-rig.ts";

const posixMissing = requirement("the posix lock board (build/posix/lock)", existsSync("build/posix/lock"), "npm run build");
const T0 = Date.UTC(2026, 10, 22, 10, 0);
const MIN = 60_000;

async function script(host: HostName): Promise<{ rig: LockEngineRig; results: string[] }> {
  const r = new LockEngineRig(host, T0);
  const results: string[] = [];
  const op = async (what: string, phone: string, grant: Buffer, action: "unlock" | "lock" = "unlock") => {
    const x = await r.operate(phone, grant, action);
    results.push(`${what}: ${x.status} ${x.reason} ${x.bolt}`);
  };
  await r.setUp();
  const slot = [{ start: T0 + 5 * MIN, end: T0 + 35 * MIN }];
  const alice = r.grant(1, "alice", slot);
  await op("alice before her slot", "alice", alice);
  await r.runTo(T0 + 5 * MIN);
  await op("alice at the start", "alice", alice);
  await r.door(true);
  await r.runFor(15_000);
  await r.door(false);
  await op("bob with alice's grant", "bob", alice);
  await op("another lock's grant", "alice", r.grant(2, "alice", slot, 1, 0, "LK-0002"));
  await op("no schedule", "alice", r.grant(3, "alice", []));
  const once = r.grant(4, "alice", slot, 2);
  await op("disposable", "alice", once);
  await op("disposable again", "alice", once, "lock");
  const expiring = r.grant(5, "alice", slot, 3, 60);
  await op("expiring", "alice", expiring);
  await r.pressOwner();
  await r.pressOwner();
  await r.runFor(30_000);
  await r.off(5_000);
  await r.boot();
  await r.online();
  await op("alice, time unknown", "alice", alice);
  await r.answerTime();
  await op("expiring within its minute", "alice", expiring);
  await r.runFor(40_000);
  await op("expiring after its minute", "alice", expiring);
  results.push(`revocations v1: ${await r.revocations(1, [1])}`);
  results.push(`revocations v1 again: ${await r.revocations(1, [])}`);
  await op("revoked", "alice", alice);
  for (let i = 0; i < 3; i++) await op(`failure ${i}`, "bob", alice);
  await op("locked out", "alice", r.grant(6, "alice", slot));
  await r.runFor(31_000);
  await op("after the lockout", "alice", r.grant(6, "alice", slot));
  await r.runTo(T0 + 36 * MIN);
  await op("after the slot", "alice", r.grant(6, "alice", slot));
  await r.drain();
  await r.close();
  return { rig: r, results };
}

/** What the engines must agree on: every call's result and outputs. */
const outputs = (r: LockEngineRig) => r.trace.map((t) => t.slice(t.indexOf(" -> ")));

test("the lock on every engine: the same outputs call by call and the same flash through grants granted and denied, the door, the owner's button, a power cut, a revocation and the lockout", { skip: posixMissing }, async (t) => {
  const hosts: HostName[] = ["ts", ...nativeEngines().filter((h) => existsSync(`build/${h}/lock`))];
  const runs = [];
  for (const h of hosts) runs.push(await script(h));
  const [ts, ...native] = runs;
  t.diagnostic(ts.results.join("; "));
  // What a user relies on happened on the reference engine.
  const byWhat = Object.fromEntries(ts.results.map((x) => [x.slice(0, x.indexOf(":")), x.slice(x.indexOf(":") + 2)]));
  assert.match(byWhat["alice before her slot"], /^-6 outside-schedule/);
  assert.match(byWhat["alice at the start"], /^0 none unlocked/);
  assert.match(byWhat["bob with alice's grant"], /^-6 not-bound/);
  assert.match(byWhat["another lock's grant"], /^-6 other-lock/);
  assert.match(byWhat["no schedule"], /^-6 no-schedule/);
  assert.match(byWhat["disposable again"], /^-6 used/);
  assert.match(byWhat["alice, time unknown"], /^-3 no-time/);
  assert.match(byWhat["expiring within its minute"], /^0 none/);
  assert.match(byWhat["expiring after its minute"], /^-6 expired/);
  assert.equal(byWhat["revocations v1"], "0");
  assert.equal(byWhat["revocations v1 again"], "-3");
  assert.match(byWhat["revoked"], /^-6 revoked/);
  assert.match(byWhat["locked out"], /^-11 locked-out/);
  assert.match(byWhat["after the lockout"], /^0 none/);
  assert.match(byWhat["after the slot"], /^-6 outside-schedule/);
  t.diagnostic(`engines ${runs.map((r) => `${r.rig.host}: ${r.rig.trace.length} calls`).join(", ")}`);
  for (const n of native) {
    const a = outputs(ts.rig), b = outputs(n.rig);
    const i = a.findIndex((x, k) => x !== b[k]);
    assert.equal(i, -1, `${n.rig.host} differs from ts at call ${i}: ${ts.rig.trace[i]}\n vs ${n.rig.trace[i]}`);
    assert.equal(a.length, b.length, `${n.rig.host}: ${b.length} calls, ts ${a.length}`);
    assert.ok(n.rig.flash().equals(ts.rig.flash()), `${n.rig.host}: the flash bytes`);
  }
});
