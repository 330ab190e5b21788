// The printer in the simulated home, end to end, on both hosts (ts, posix) and both
// brokers (embedded, mosquitto): its life as the demo plays it (setup by tap with a
// mistyped router key then the right one, the free charge once, printing from two phones
// until the ink and then the pages run low, a paid charge), a power cut while a charge
// travels (the pages arrive exactly once), and, on the local links alone (the broker
// plays no part), a print order from a phone that did not tap and a setup over BLE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home, HOME_ROUTER, type FlowLine } from "../host-sim/home/world.ts";
import { PRINTER } from "../host-sim/home/home-printer.ts";
import { playPrinterDemo } from "../host-sim/appliances/printer/demo.ts";
import { pressConnect } from "../host-sim/appliances/printer/panel.ts";
import { tapToManage } from "../host-sim/appliances/printer/phone-actions.ts";
import { readTapAnswer } from "../host-sim/phone/printer/tap.ts";
import { PrinterRefused } from "../host-sim/phone/printer/session.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { E_AUTH } from "../host-sim/board/errors.ts";
import { requirement } from "./support/requirement.ts";

const brokers: BrokerKind[] = ["embedded", "mosquitto"];
const hosts: HostName[] = ["ts", "posix"];
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");
const posixMissing = requirement("the posix printer board (build/posix/printer)", existsSync("build/posix/printer"), "npm run build");

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** A fresh home with the printer (the heater beside it, as `npm start` runs them). */
async function withPrinterHome(broker: BrokerKind, host: HostName, fn: (home: Home) => Promise<void>, onFlow?: (l: FlowLine) => void): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "printer-home-"));
  const home = new Home({ dataDir, broker, heaterHost: "ts", printerHost: host, printer: true, fresh: true, seeded: true, onFlow });
  try {
    await home.start();
    await fn(home);
  } finally {
    await home.stop();
  }
}

/** No router key, device password or printer token in the printer's log or the flow. */
function assertNoSecrets(home: Home): void {
  const p = home.requirePrinter();
  const logs = [...p.log, ...home.flow.map((l) => l.text)].join("\n");
  const secrets = [HOME_ROUTER.key, "not-the-router-key", ...p.passwords];
  for (const a of Object.values(home.printerApps)) if (a.manage.pt) secrets.push(a.manage.pt.toString("hex"), a.manage.pt.toString("base64"));
  for (const s of secrets) assert.ok(!logs.includes(s), "a secret reached a log");
  assert.doesNotMatch(logs, /"(st|cwt|svwt|exchanged)":"(?!<redacted>|•••)/, "a token reached the flow");
}

for (const host of hosts) for (const broker of brokers) {
  const skip = (broker === "mosquitto" && mosquittoMissing) || (host === "posix" && posixMissing);
  const tag = `[${host}, ${broker}]`;

  test(`${tag} setup by tap with a wrong router key then the right one, one free charge, printing until ink and pages run low, a paid charge`, { skip }, async () => {
    await withPrinterHome(broker, host, async (home) => {
      const r = await playPrinterDemo(home);
      assert.equal(home.typedRouterKeys.alice.length, 0, "the mistyped key was used, then the right one");
      assert.ok(home.flow.some((l) => l.text.includes("wrong key")), "the router refused the first key");
      assert.equal(r.secondFreeCharge, 409, "the cloud refuses a second free charge");
      assert.match(r.shortAnswer, /^recharge/);
      assert.equal(r.pagesLeft, 505);
      const cloud = await home.printerApps.alice.manage.o.cloud.status();
      assert.equal(cloud.deviceId, r.deviceId);
      assert.equal(cloud.inkOrders.length, 1);
      await until("the cloud's mirror of the balance", async () => (await home.printerApps.alice.manage.o.cloud.status()).pages === 505);
      assertNoSecrets(home);
    });
  });

  test(`${tag} a power cut while a charge is on its way: the pages arrive exactly once`, { skip }, async () => {
    let cut: (() => void) | null = null;
    await withPrinterHome(broker, host, async (home) => {
      const alice = home.printerApps.alice;
      await tapToManage(alice);
      await alice.manage.freeCharge(PRINTER);
      // The printer loses power the moment the cloud sends it the paid charge's command.
      let armed = true;
      cut = () => { if (armed) { armed = false; void home.powerCyclePrinter(); } };
      await alice.manage.purchase(PRINTER, 300).catch(() => undefined);
      assert.equal(armed, false, "the power was cut during the charge");
      await until("the paid pages after the restart", async () => (await alice.manage.status(PRINTER).catch(() => ({ pages: -1 }))).pages >= 2300);
      // Barrier: a later charge arrives after every resend of the earlier one.
      cut = null;
      assert.equal(await alice.manage.purchase(PRINTER, 1), 2301, "300 pages once, then 1");
      assertNoSecrets(home);
    }, (l) => { if (cut && l.via === "MQTT" && l.text.startsWith("cloud ->") && l.text.includes('"charge"') && l.text.includes('"kind":2')) cut(); });
  });
}

for (const host of hosts) {
  const skip = host === "posix" && posixMissing;

  test(`[${host}] a print order from a phone that did not tap is refused and prints nothing`, { skip }, async () => {
    await withPrinterHome("embedded", host, async (home) => {
      const { alice, bob } = home.printerApps;
      await tapToManage(alice);
      await alice.manage.purchase(PRINTER, 100);
      // Alice taps and prints; Bob, in the group but without a tap, reuses her answer.
      const answer = readTapAnswer((await home.air.phone("alice").tap(PRINTER))!);
      assert.equal((await alice.print.printWith(PRINTER, answer, 10)).pagesLeft, 90);
      await assert.rejects(bob.print.printWith(PRINTER, answer, 10), (e: unknown) => e instanceof PrinterRefused && e.status === E_AUTH);
      const guessed = { ...answer, pwt: Buffer.alloc(8, 7) };
      await assert.rejects(bob.print.printWith(PRINTER, guessed, 10), (e: unknown) => e instanceof PrinterRefused && e.status === E_AUTH);
      assert.equal((await alice.manage.status(PRINTER)).pages, 90, "nothing printed for Bob");
    });
  });

  test(`[${host}] a wrong router key: the printer says so, stays off the router, and takes the right one in the same session`, { skip }, async () => {
    const seen: string[] = [];
    let home!: Home;
    await withPrinterHome("embedded", host, async (h) => {
      home = h;
      const alice = h.printerApps.alice;
      h.typedRouterKeys.alice = ["wrong-key-123"];
      await tapToManage(alice);
      assert.deepEqual(seen.map((s) => s.split("\n")[1]), ["Wi-Fi key refused: try again from the app"], "what the printer showed when the app asked again");
      assert.equal(h.flow.filter((l) => l.via === "WFD" && l.text.includes(" NONCE_REQUEST ")).length, 1, "one Wi-Fi Direct handshake for both keys");
      assert.ok(h.air.isOnLan(PRINTER));
      assert.equal((await alice.manage.status(PRINTER)).registered, true);
      assertNoSecrets(h);
    }, (l) => {
      // The app asks for the key again: what does the printer's screen say at that moment?
      if (l.text.includes("types the router key (attempt 2)")) { seen.push(home.requirePrinter().device.screen); assert.equal(home.air.isOnLan(PRINTER), false); }
    });
  });

  test(`[${host}] BLE hands the setup answer over only in the CONNECT window; a deleted PT is refused`, { skip }, async () => {
    await withPrinterHome("embedded", host, async (home) => {
      const alice = home.printerApps.alice;
      await assert.rejects(alice.manage.tap(PRINTER, "ble"), /refused the BLE read/);
      await pressConnect(home.requirePrinter().device);
      assert.match(home.requirePrinter().device.screen, /Connect/);
      const answer = await alice.manage.tap(PRINTER, "ble");
      assert.equal(answer.kind, "setup");
      await alice.manage.setup(PRINTER, answer);
      assert.equal((await alice.manage.status(PRINTER)).registered, true);
      await assert.rejects(alice.manage.tap(PRINTER, "ble"), /refused the BLE read/, "reading once closed the window");
      assertNoSecrets(home);
      // S39: the app gives its PT back; the printer no longer takes it.
      const pt = alice.manage.pt!;
      assert.equal(await alice.manage.deletePt(PRINTER), 0);
      alice.manage.pt = pt;
      await assert.rejects(alice.manage.status(PRINTER), (e: unknown) => e instanceof PrinterRefused);
    });
  });
}
