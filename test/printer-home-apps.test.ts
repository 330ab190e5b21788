// The printer's phone apps (host-sim/phone/printer/) and what they do themselves, against
// the real printer image (TypeScript host), the real cloud and the embedded broker in the
// simulated home: what the first setup leaves behind, a router key the app refuses on its
// own, a user who gives up, the PT bound to the app's key, phones whose PT idled out or
// was replaced charging a printer short of pages (virtual clock), and an unreadable tap
// answer. The
// printer's life on both hosts and brokers is test/printer-home.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home, HOME_ROUTER, type FlowLine } from "../host-sim/home/world.ts";
import { PRINTER } from "../host-sim/home/home-printer.ts";
import { tapToManage } from "../host-sim/appliances/printer/phone-actions.ts";
import { SetupFailed } from "../host-sim/phone/printer/manage-app.ts";
import { NotReadyToPrint } from "../host-sim/phone/printer/print-app.ts";
import { PrinterRefused } from "../host-sim/phone/printer/session.ts";
import { readTapAnswer, TapUnreadable } from "../host-sim/phone/printer/tap.ts";
import type { TapAnswer } from "../host-sim/phone/printer/messages.ts";
import { encodeHandover } from "../host-sim/phone/handover.ts";
import { E_AUTH, E_MALFORMED, E_NOTFOUND } from "../host-sim/board/errors.ts";

const MINUTE = 60_000;

/** A fresh home with the printer on the TypeScript host and the embedded broker. */
async function withPrinterHome(fn: (home: Home) => Promise<void>, clock: "real" | "virtual" = "real"): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "printer-apps-"));
  const home = new Home({ dataDir, broker: "embedded", heaterHost: "ts", printerHost: "ts", printer: true, fresh: true, seeded: true, clock });
  try {
    await home.start();
    await fn(home);
  } finally {
    await home.stop();
  }
}

/** Alice's phone reads the printer's tag (no app acting on it) until `ok` holds of the
 *  answer: cloud commands reach the printer in their own time. */
async function tapUntil(home: Home, what: string, ok: (a: TapAnswer) => boolean): Promise<TapAnswer> {
  const end = Date.now() + 15000;
  for (;;) {
    const a = readTapAnswer((await home.air.phone("alice").tap(PRINTER))!);
    if (ok(a)) return a;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Frames the printer refused (its plain ERROR answers) on any link. */
const refusals = (home: Home): FlowLine[] => home.flow.filter((l) => /^printer -> \S+ {2}(0xff|ERROR) /.test(l.text));

test("a tap on a new printer hands over its group and a PWT for the management app; setup registers it and ends with an SVT", async () => {
  await withPrinterHome(async (home) => {
    const alice = home.printerApps.alice;
    const cloud = alice.manage.o.cloud;
    // What the app hands the cloud for its SVT (the SVWT it read from the printer).
    const exchanged: Buffer[] = [];
    const exchange = cloud.exchangeSvwt.bind(cloud);
    cloud.exchangeSvwt = (svwt) => { exchanged.push(Buffer.from(svwt)); return exchange(svwt); };

    const answer = await alice.manage.tap(PRINTER);
    assert.equal(answer.kind, "setup");
    assert.equal(answer.app, "com.example.printer.manage");
    assert.equal(answer.pwt?.length, 8);
    assert.match(answer.group!.ssid.toString(), /^DIRECT-..-Printer$/);
    const r = await alice.manage.setup(PRINTER, answer);

    assert.ok(home.air.isOnLan(PRINTER), "the printer is on the home router");
    assert.equal(home.air.groupOf(PRINTER), null, "the group ends after the router join");
    assert.equal(alice.manage.serial, "PR-0001");
    // The printer holds its ST only after the cloud verified its hello as PR-0001.
    const s = await alice.manage.status(PRINTER);
    assert.equal(s.registered, true, "the PT is this app's: the printer answers it");
    assert.equal((await cloud.status()).deviceId, r.deviceId, "the SVT names this registration");
    assert.ok(r.svt.length > 0);
    assert.equal(cloud.svt?.svt, r.svt, "the cloud client holds the SVT");
    // The exchanged SVWT is gone from the printer: a tap hands out a fresh one, never it.
    assert.equal(exchanged.length, 1);
    await tapUntil(home, "a new SVWT in the tap answer", (a) => !!a.svwt && !a.svwt.equals(exchanged[0]));
    await assert.rejects(cloud.exchangeSvwt(exchanged[0]), (e: unknown) => (e as { status?: number }).status === 403, "the cloud takes an SVWT once");
    assert.deepEqual(refusals(home), []);
  });
});

test("a key no WPA2 router takes (too short) is asked again without reaching the printer", async () => {
  await withPrinterHome(async (home) => {
    home.typedRouterKeys.alice = ["oops"];
    await tapToManage(home.printerApps.alice);
    assert.ok(home.flow.some((l) => l.text.includes("types the router key (attempt 2)")), "the app asked again");
    assert.equal(home.flow.filter((l) => l.via === "WFD" && l.text.startsWith("alice -> printer  ROUTER ")).length, 1, "one ROUTER frame: the right key's");
    assert.ok(home.air.isOnLan(PRINTER));
    assert.deepEqual(refusals(home), []);
  });
});

test("a user who gives up after a wrong key leaves the printer off the router and unregistered", async () => {
  await withPrinterHome(async (home) => {
    const asked: number[] = [];
    const apps = home.requirePrinter().phone("alice", home.printerApps.alice.manage.o.cloud, true, async (n) => {
      asked.push(n);
      return n === 1 ? "wrong-key-123" : null;
    });
    await assert.rejects(apps.manage.setup(PRINTER, await apps.manage.tap(PRINTER)), SetupFailed);
    assert.deepEqual(asked, [1, 2]);
    assert.equal(home.air.isOnLan(PRINTER), false);
    assert.match(home.requirePrinter().device.screen, /Wi-Fi key refused/);
    // No router stored and no registration: the printer still asks to be set up.
    assert.equal(readTapAnswer((await home.air.phone("alice").tap(PRINTER))!).kind, "setup");
    const booted = home.flow.length;
    await home.powerCyclePrinter();
    assert.ok(!home.flow.slice(booted).some((l) => l.via === "WLAN" && l.text.startsWith("printer -> router  joins")), "no router credential was kept: the boot joins nothing");
    assert.equal(home.air.isOnLan(PRINTER), false);
    assert.equal(readTapAnswer((await home.air.phone("alice").tap(PRINTER))!).kind, "setup");
  });
});

test("the PT is the phone's: another app's key cannot use it, and deleting it ends its use", async () => {
  await withPrinterHome(async (home) => {
    const { alice, bob } = home.printerApps;
    await tapToManage(alice);
    const pt = alice.manage.pt!;
    // Bob's app (its own long-term key) learned Alice's PT.
    bob.manage.pt = pt;
    await assert.rejects(bob.manage.status(PRINTER), (e: unknown) => e instanceof PrinterRefused && e.status === E_AUTH);
    assert.equal((await alice.manage.status(PRINTER)).registered, true, "still Alice's");
    assert.equal(await alice.manage.deletePt(PRINTER), 0);
    alice.manage.pt = pt;
    await assert.rejects(alice.manage.status(PRINTER), (e: unknown) => e instanceof PrinterRefused && e.status === E_NOTFOUND);
  });
});

test("phones whose PT idled out (30 min) or was replaced charge a printer short of pages: the recharge tap's PWT gets each a new PT, the pages arrive once", async () => {
  await withPrinterHome(async (home) => {
    const { alice, bob } = home.printerApps;
    const printer = home.requirePrinter().device;
    await tapToManage(alice);
    assert.equal(await alice.manage.purchase(PRINTER, 120), 120);
    const idled = alice.manage.pt!;
    await printer.advance(31 * MINUTE);
    await assert.rejects(alice.manage.status(PRINTER), (e: unknown) => e instanceof PrinterRefused && e.status === E_NOTFOUND, "the PT idled out");

    assert.deepEqual(await bob.print.print(PRINTER, 50), { status: 0, pagesLeft: 70 });
    assert.deepEqual(await bob.print.print(PRINTER, 80), { status: 3, pagesLeft: 70 }, "SHORT: the balance is unchanged");
    assert.deepEqual(await bob.print.print(PRINTER, 60), { status: 0, pagesLeft: 10 });
    await assert.rejects(bob.print.print(PRINTER, 1), (e: unknown) => e instanceof NotReadyToPrint && e.answer.kind === "recharge");

    // Bob, who never held a PT, taps with the management app: the recharge answer's SVWT
    // gets his app an SVT, its PWT a PT (the printer holds one PT: Alice's is gone for good).
    await tapUntil(home, "the SVWT the printer fetched after setup's exchange", (a) => !!a.svwt);
    const forBob = await bob.manage.tap(PRINTER);
    assert.equal(forBob.kind, "recharge");
    assert.equal(forBob.app, "com.example.printer.manage");
    assert.equal(forBob.pwt?.length, 8, "the recharge answer carries the PWT");
    assert.equal(forBob.group, undefined, "and no group: the PT comes over the LAN");
    assert.ok(forBob.svwt, "and the SVWT");
    await bob.manage.serviceToken(PRINTER, forBob);
    assert.equal(bob.manage.pt, null);
    assert.equal(await bob.manage.purchase(PRINTER, 5), 15);
    assert.ok(bob.manage.pt);

    // Alice taps again (still short): her PT was replaced by Bob's; the answer's PWT is a
    // new one (Bob's request used the last) and gets her a PT of her own.
    const forAlice = await alice.manage.tap(PRINTER);
    assert.equal(forAlice.kind, "recharge");
    assert.ok(forAlice.pwt && !forAlice.pwt.equals(forBob.pwt!), "a fresh PWT after Bob's was used");
    await alice.manage.serviceToken(PRINTER, forAlice);
    assert.equal(await alice.manage.purchase(PRINTER, 500), 515);
    assert.ok(alice.manage.pt && !alice.manage.pt.equals(idled), "a new PT");
    assert.ok(home.flow.some((l) => l.text === `alice: the printer no longer takes the app's PT (${E_AUTH})`), "refused as replaced");

    // Barrier: a later charge arrives after every resend of the earlier ones.
    assert.equal(await alice.manage.purchase(PRINTER, 1), 516, "each charge once");
    const cloud = await alice.manage.o.cloud.status();
    assert.deepEqual(cloud.charges.map((c) => [c.pages, c.kind, c.status]), [[120, "paid", "applied"], [5, "paid", "applied"], [500, "paid", "applied"], [1, "paid", "applied"]]);
    const secrets = [HOME_ROUTER.key, idled.toString("hex"), alice.manage.pt!.toString("hex"), bob.manage.pt!.toString("hex")];
    const logs = [...home.requirePrinter().log, ...home.flow.map((l) => l.text)].join("\n");
    for (const s of secrets) assert.ok(!logs.includes(s), "a secret reached a log");
  }, "virtual");
});

test("a tap answer that is not a printer's is refused with the decoder's code", () => {
  assert.throws(() => readTapAnswer(Buffer.of(0xd1, 0x01)), (e: unknown) => e instanceof TapUnreadable && e.code === E_MALFORMED);
  const foreign = encodeHandover({ select: false, others: [], uri: "https://example.org/", androidPackage: "org.example.other" });
  assert.ok(foreign.ok);
  assert.throws(() => readTapAnswer(foreign.value), TapUnreadable);
});
