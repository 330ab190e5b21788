// The power conditioner in the simulated home, end to end on both hosts (ts, posix) with
// the embedded broker, the real cloud and its partners' servers: the factory's
// maintenance credential, Sunlease's installer, and the seed's four use cases as the demo
// plays them through the message outbox (the panel for the house sold and the move, the
// worker's app over BLE for the new battery, Alice's app for the ownership change). Then
// what each party relies on: the partners' readings (each rseq once, MAC checked, the
// site id and capacities in force), the credentials in the message outbox and nowhere
// else, the device password and key in no log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { playPcsDemo } from "../host-sim/appliances/power-conditioner/demo.ts";
import { PCS_SERIAL } from "../host-sim/appliances/power-conditioner/panel.ts";
import { HIKARI_ENERGY, SUNLEASE_PPS } from "../host-sim/appliances/power-conditioner/cloud/index.ts";
import { credentialIn } from "../host-sim/phone/pcs-mail.ts";
import { pcsCommand } from "../host-sim/home/pcs-console.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { requirement } from "./support/requirement.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";

const posixMissing = requirement("the posix power-conditioner board (build/posix/power-conditioner)", existsSync("build/posix/power-conditioner"), "npm run build");
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

async function withPcsHome(host: HostName, fn: (home: Home, dataDir: string) => Promise<void>, broker: BrokerKind = "embedded"): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "pcs-home-"));
  const home = new Home({ dataDir, broker, heaterHost: "ts", pcsHost: host, fresh: true, seeded: true, pcs: true, clock: "virtual" });
  try {
    await home.start();
    await fn(home, dataDir);
  } finally {
    await home.stop();
  }
}

for (const [host, broker] of [["ts", "embedded"], ["posix", "embedded"], ["ts", "mosquitto"]] as [HostName, BrokerKind][]) {
  const skip = (host === "posix" && posixMissing) || (broker === "mosquitto" && mosquittoMissing);
  test(`${host}, ${broker}: the four use cases in the home: readings to the partner in force, once each, with the identifiers in force; credentials only in the message outbox`, { skip }, async () => {
    await withPcsHome(host, async (home, dataDir) => {
      const steps: string[] = [];
      await playPcsDemo(home, (s) => steps.push(s));
      const cloud = home.pcsCloud!;
      const sunlease = cloud.partner(SUNLEASE_PPS)!, hikari = cloud.partner(HIKARI_ENERGY)!;
      for (const p of [sunlease, hikari]) {
        const rseqs = p.readings(PCS_SERIAL).map((r) => r.rseq);
        assert.ok(rseqs.length > 0, `${p.name} got readings`);
        assert.deepEqual(rseqs, rseqs.map((_, k) => k + 1), `${p.name}: rseq from 1, each once`);
        assert.deepEqual(p.refusedReadings(PCS_SERIAL), [], `${p.name}: every MAC checked`);
      }
      const last = hikari.readings(PCS_SERIAL).at(-1)!;
      assert.equal(last.site, "0407771234", "the site id typed on the panel");
      assert.deepEqual([last.cpv, last.cbat, last.cev], [5500, 13500, 40000], "the worker's new battery");
      assert.match(home.requirePcs().device.screen, /Partner D202 Online/);
      // Every credential went to a mailbox, and its digits are nowhere else: not in the
      // servers' databases, the cloud's, the flash, a log or the flow of messages.
      const codes = cloud.messages.all().map(credentialIn).filter((d): d is string => d !== null);
      assert.ok(codes.length >= 4, `${codes.length} credentials sent`);
      const files = [join(dataDir, "cloud.db"), ...readdirSync(join(dataDir, "companies")).map((f) => join(dataDir, "companies", f)).filter((f) => !f.includes("messages")),
        join(dataDir, "devices", "pcs.flash")].filter(existsSync);
      const flow = JSON.stringify(home.flow);
      for (const d of codes) {
        for (const f of files) assert.equal(readFileSync(f).includes(d), false, `${d} in ${f}`);
        assert.equal(home.requirePcs().log.join("\n").includes(d), false, "in the PCS's log");
        assert.equal(flow.includes(d), false, "in the flow of messages");
      }
      // Nor the salt and verifier to test guesses against: the authentication information
      // the cloud relays never shows in the flow.
      for (const l of home.flow) assert.doesNotMatch(l.text, /"auth":"[A-Za-z0-9+/=]{16,}"/, l.text);
      for (const p of home.requirePcs().passwords) assert.equal(home.requirePcs().log.join("\n").includes(p), false);
      assert.equal(steps.length >= 5, true);
    }, broker);
  });
}

test("ts: each person's mailbox holds their own codes only; the worker's maintenance sheet opens the panel; a request for a PCS the caller is no contact of is refused", async () => {
  await withPcsHome("ts", async (home) => {
    await pcsCommand(home, ["install", "pcs"]);
    await pcsCommand(home, ["alice", "request", "site"]);
    const alice = (await pcsCommand(home, ["alice", "inbox"]))!;
    const code = /your code is (\d{10})/.exec(alice)?.[1];
    assert.ok(code, alice);
    const worker = (await pcsCommand(home, ["worker", "inbox"]))!;
    assert.match(worker, /maintenance code is \d{12}/, "the factory's sheet");
    assert.equal(worker.includes(code), false, "alice's code is not in the worker's mailbox");
    assert.doesNotMatch(alice, /maintenance code/);
    await assert.rejects(home.pcsClouds.worker.requestAuth(PCS_SERIAL, { issuer: SUNLEASE_PPS, items: 0x1f, to: "alice@example.com" }), /403/);
    await pcsCommand(home, ["pcs", "maintenance"]);
    assert.match(home.requirePcs().device.screen, /Change data[\s\S]*Factory reset/, "the sheet's code opened every item");
  });
});
