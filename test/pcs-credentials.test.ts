// The power conditioner's authentication information and credentials on both hosts
// (firmware/images/power-conditioner/PROTOCOL.md §2, issue 11's tests): the image on the
// TypeScript board ("ts") and the posix board ("posix", wasm2c), driven by
// test/support/pcs-rig.ts as the cloud, the partners' servers and a worker's phone over
// BLE would drive it. Each test starts from a fresh flash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { HostName } from "../host-sim/device/power-on.ts";
import { E_AUTH, E_LOCKED, E_NOTFOUND, E_MALFORMED } from "../host-sim/board/abi-constants.ts";
import { requirement } from "./support/requirement.ts";
import { PcsRig, CredentialKind, SUNLEASE_PPS, HIKARI_ENERGY, PCS_OPERATOR, Issuer, DAY } from "./support/pcs-rig.ts";

const posixMissing = requirement("the posix power-conditioner board (build/posix/power-conditioner)", existsSync("build/posix/power-conditioner"), "npm run build");
const HOSTS: HostName[] = ["ts", "posix"];
const START = Date.UTC(2026, 10, 22, 9, 7);
const SERVER = CredentialKind.SERVER, MAINTENANCE = CredentialKind.MAINTENANCE;

async function installed(host: HostName): Promise<PcsRig> {
  const r = new PcsRig(host, START);
  await r.setUp();
  return r;
}
/** The `auth` entries the PCS reported (the cloud acknowledging until all are out). */
async function authEvents(r: PcsRig, event?: string) {
  await r.drain();
  return r.entries("auth").filter((e) => event === undefined || e.event === event);
}

for (const host of HOSTS) {
  const skip = host === "posix" && posixMissing;

  test(`${host}: authentication information expires 24 h after arrival, to the second`, { skip }, async () => {
    for (const [offset, expect] of [[-1000, 0], [+1000, E_NOTFOUND]] as const) {
      const r = await installed(host);
      try {
        const a = await r.issue(r.partner(SUNLEASE_PPS));
        assert.equal(a.status, 0, "stored");
        const arrival = r.wall;
        r.autoAck = true;
        await r.runTo(arrival + DAY + offset);
        const { app, status } = await r.appAuth(SERVER, a.digits);
        // At the expiry the PCS erases the information itself (deadline 0x60): afterwards
        // there is nothing to check against.
        assert.equal(status, expect, `a check at 24 h ${offset > 0 ? "+" : "−"} 1 s`);
        assert.equal((await authEvents(r, "expired")).length, expect === 0 ? 0 : 1, "the expiry is reported once");
        await app.close();
      } finally { await r.close(); }
    }
  });

  test(`${host}: the N-th success uses the information up, the M-th failure erases it`, { skip }, async () => {
    const r = await installed(host);
    try {
      const a = await r.issue(r.partner(SUNLEASE_PPS), { uses: 2 });
      for (const left of [1, 0]) {
        const x = await r.appAuth(SERVER, a.digits);
        assert.equal(x.status, 0);
        assert.equal(x.usesLeft, left);
        await x.app.close();
      }
      assert.equal((await authEvents(r, "used-up")).length, 1);
      const after = await r.appAuth(SERVER, a.digits);
      assert.equal(after.status, E_NOTFOUND, "used up: nothing to check against");
      await after.app.close();

      const b = await r.issue(r.partner(SUNLEASE_PPS), { failures: 3 });
      assert.equal(b.status, 0);
      const wrong = b.digits.replace(/.$/, (d) => String((Number(d) + 1) % 10));
      const x = await r.appAuth(SERVER, wrong);
      const tries = [x.triesLeft];
      for (let i = 0; i < 2; i++) tries.push((await x.app.auth(SERVER, wrong)).triesLeft);
      assert.deepEqual(tries, [2, 1, 0]);
      assert.equal((await authEvents(r, "mismatch")).length, 3);
      assert.equal((await authEvents(r, "locked")).length, 1);
      assert.equal((await x.app.auth(SERVER, b.digits)).status, E_NOTFOUND, "the right code after the M-th failure finds nothing");
      await x.app.close();
    } finally { await r.close(); }
  });

  test(`${host}: the counters survive power cuts: a cut check counts as a failure`, { skip }, async () => {
    const r = await installed(host);
    try {
      const a = await r.issue(r.partner(SUNLEASE_PPS), { failures: 2 });
      const wrong = a.digits.replace(/.$/, (d) => String((Number(d) + 1) % 10));
      const x = await r.appAuth(SERVER, wrong);
      assert.equal(x.triesLeft, 1);
      await r.powerCycle(5000);
      const y = await r.appAuth(SERVER, wrong);
      // The M-th failure: refused, and the information erased (`locked`).
      assert.ok(y.status === E_AUTH || y.status === E_LOCKED, `status ${y.status}`);
      assert.equal(y.triesLeft, 0, "the failure before the cut still counts");
      assert.equal((await authEvents(r, "locked")).length, 1);
      await r.powerCycle(5000);
      const z = await r.appAuth(SERVER, a.digits);
      assert.equal(z.status, E_NOTFOUND, "locked and erased across the cut");
    } finally { await r.close(); }
  });

  // A power cut at every flash operation of a wrong check (the board's cutAt): whatever
  // the point, the guesses answered before and after it never exceed M, and a check cut
  // after its failure was written counts.
  test(`${host}: a power cut at any flash operation of a check never gives more than M guesses`, { skip }, async () => {
    const M = 3;
    let counted = 0;
    for (let k = 1; k < 200; k++) {
      const r = await installed(host);
      try {
        const a = await r.issue(r.partner(SUNLEASE_PPS), { failures: M });
        const wrong = a.digits.replace(/.$/, (d) => String((Number(d) + 1) % 10));
        await r.off(1000);
        await r.boot(k);
        let answered = 0;
        try {
          if (!r.dead) await r.openBle();
          const s = r.dead ? null : await r.bleSession();
          const d = Buffer.from(wrong, "ascii");
          if (s && !r.dead) { await s.call(0x10, Buffer.concat([Buffer.of(SERVER, d.length), d]), 0x11, "AUTH"); answered++; }
        } catch { /* the power failed mid-way */ }
        const wasCut = r.dead;
        await r.off(1000);
        await r.boot();
        await r.online();
        for (let i = 0; i < M + 2; i++) {
          const x = await r.appAuth(SERVER, wrong);
          await x.app.close();
          if (x.status === E_NOTFOUND) break;
          answered++;
        }
        assert.ok(answered <= M, `cut at flash operation ${k}: ${answered} guesses answered`);
        if (wasCut && answered === M - 1) counted++;
        if (!wasCut) break;
      } finally { await r.close(); }
    }
    assert.ok(counted > 0, "some cut check counted as a failure");
  });

  test(`${host}: replayed, forged and another device's authentication information are refused and change nothing`, { skip }, async () => {
    const r = await installed(host);
    try {
      const sunlease = r.partner(SUNLEASE_PPS);
      const held = await r.issue(sunlease);
      assert.equal(held.status, 0);
      const refusals = async () => (await authEvents(r, "refused")).map((e) => e.reason);
      assert.equal(await r.deliverAuth(held.blob), E_AUTH, "the same bytes again");
      const forgedKey = new Issuer(SUNLEASE_PPS).issue("PC-0001", r.wall, { serial: 50 }).blob;
      assert.equal(await r.deliverAuth(forgedKey), E_AUTH, "signed with another key");
      const altered = Buffer.from(sunlease.issue("PC-0001", r.wall, { serial: 60 }).blob);
      altered[25] ^= 0x01;
      assert.equal(await r.deliverAuth(altered), E_AUTH, "a byte altered after signing");
      const unsigned = sunlease.issue("PC-0001", r.wall, { serial: 61 }).blob.subarray(0, -64);
      assert.equal(await r.deliverAuth(unsigned), E_MALFORMED, "no signature");
      assert.equal(await r.deliverAuth(sunlease.issue("PC-0002", r.wall, { serial: 70 }).blob), E_AUTH, "for another PCS");
      assert.equal(await r.deliverAuth(r.partner(HIKARI_ENERGY).issue("PC-0001", r.wall).blob), E_AUTH, "not the partner in effect");
      assert.deepEqual(await refusals(), ["replayed", "bad-signature", "bad-signature", "malformed", "other-device", "unknown-issuer"]);
      // Nothing changed: the information held still opens a grant with its own digits.
      const x = await r.appAuth(SERVER, held.digits);
      assert.equal(x.status, 0, "the held information still works");
      assert.equal(x.usesLeft, 2);
      await x.app.close();
    } finally { await r.close(); }
  });

  test(`${host}: a credential made for another device fails`, { skip }, async () => {
    const r = await installed(host);
    try {
      const sunlease = r.partner(SUNLEASE_PPS);
      const mine = await r.issue(sunlease);
      const theirs = sunlease.issue("PC-0002", r.wall);
      const x = await r.appAuth(SERVER, theirs.digits);
      assert.equal(x.status, E_AUTH);
      assert.equal((await authEvents(r, "mismatch")).length, 1);
      assert.equal((await x.app.auth(SERVER, mine.digits)).status, 0);
      await x.app.close();
    } finally { await r.close(); }
  });

  test(`${host}: the factory maintenance credential opens every item, and 5 failures lock it until a server-issued one succeeds`, { skip }, async () => {
    const r = await installed(host);
    try {
      const ok = await r.appAuth(MAINTENANCE, r.maintenanceDigits);
      assert.equal(ok.status, 0);
      assert.equal(ok.items, 0x1f);
      await ok.app.close();
      const wrong = r.maintenanceDigits.replace(/^./, (d) => String((Number(d) + 1) % 10));
      const x = await r.appAuth(MAINTENANCE, wrong);
      for (let i = 0; i < 4; i++) await x.app.auth(MAINTENANCE, wrong);
      assert.equal((await x.app.auth(MAINTENANCE, r.maintenanceDigits)).status, E_LOCKED);
      await x.app.close();
      // The operator, not the partner, issues authentication information (the seed's
      // "other operator"); its success unlocks maintenance.
      const op = await r.issue(r.operator);
      assert.equal(op.status, 0);
      const y = await r.appAuth(SERVER, op.digits);
      assert.equal(y.status, 0);
      assert.equal((await authEvents(r, "stored")).at(-1)?.issuer, PCS_OPERATOR);
      assert.equal((await y.app.auth(MAINTENANCE, r.maintenanceDigits)).status, 0, "unlocked");
      await y.app.close();
    } finally { await r.close(); }
  });

  test(`${host}: the flash holds no credential, and a reading of it gives nothing to test guesses against`, { skip }, async () => {
    const r = await installed(host);
    try {
      const a = await r.issue(r.partner(SUNLEASE_PPS));
      await r.off(0);
      const img = r.flash();
      assert.equal(img.indexOf(Buffer.from(a.digits, "ascii")), -1, "the digits");
      assert.equal(img.indexOf(Buffer.from(r.maintenanceDigits, "ascii")), -1, "the maintenance digits");
      assert.equal(img.indexOf(a.blob.subarray(-64 - 32, -64)), -1, "the verifier itself");
    } finally { await r.boot(); await r.close(); }
  });
}
