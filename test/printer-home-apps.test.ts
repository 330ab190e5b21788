// The printer's phone apps (host-sim/phone/printer/) against a printer and cloud written
// from the contract (test/support/fake-printer.ts): the first setup by tap and by BLE,
// a wrong router key then a retry, charges, printing until short, and what the apps do
// with answers they cannot use. The same flows against the real image on both hosts are
// in test/printer-home.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakePrinter, FakePrinterCloud, FakeRadio } from "./support/fake-printer.ts";
import { PrinterManageApp, SetupFailed } from "../host-sim/phone/printer/manage-app.ts";
import { NotReadyToPrint, PrintApp } from "../host-sim/phone/printer/print-app.ts";
import { PrinterRefused } from "../host-sim/phone/printer/session.ts";
import { readTapAnswer, BleRefused, TapUnreadable } from "../host-sim/phone/printer/tap.ts";
import { CloudError } from "../host-sim/phone/cloud-client.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { E_AUTH, E_MALFORMED, E_STATE } from "../host-sim/board/errors.ts";
import { encodeHandover } from "../host-sim/phone/handover.ts";

const ROUTER = { ssid: "HomeNet", key: "correct horse battery" };

function home(keys: string[] = [ROUTER.key]) {
  const printer = new FakePrinter(ROUTER);
  const cloud = new FakePrinterCloud(printer);
  const asked: number[] = [];
  const manage = new PrinterManageApp({
    name: "alice", radio: new FakeRadio(printer), cloud, random: seededRandom("alice-manage"), pollMs: 3000,
    askRouterKey: async (n) => { asked.push(n); return keys[n - 1] ?? null; },
  });
  const print = (name: string) => new PrintApp({ name, radio: new FakeRadio(printer), random: seededRandom(`${name}-print`) });
  return { printer, cloud, manage, print, asked };
}

async function setUp(h: ReturnType<typeof home>) {
  const answer = await h.manage.tap("printer");
  return h.manage.setup("printer", answer);
}

test("a tap on a new printer hands over its group and a PWT for the management app; setup registers it and ends with an SVT", async () => {
  const h = home();
  const answer = await h.manage.tap("printer");
  assert.equal(answer.kind, "setup");
  assert.equal(answer.app, "com.example.printer.manage");
  assert.equal(answer.pwt?.length, 8);
  assert.match(answer.group!.ssid.toString(), /^DIRECT-..-Printer$/);
  const r = await h.manage.setup("printer", answer);
  assert.ok(h.printer.onRouter && h.printer.registered);
  assert.equal(h.printer.group, null, "the group ends after the router join");
  assert.equal(h.cloud.registrations.get(r.deviceId), "PR-0001", "registered at the cloud with the printer's serial");
  assert.equal(h.printer.credentials?.deviceId, r.deviceId);
  assert.ok(r.svt.length > 0);
  assert.equal(h.cloud.svt?.svt, r.svt, "the cloud client holds the SVT");
  assert.equal(h.printer.svwt, null, "the exchanged SVWT is gone from the printer");
  assert.ok(h.printer.pt?.phoneId.equals(h.manage.key.phoneId), "the PT is bound to the app's key");
  assert.deepEqual(h.printer.refusals, []);
});

test("a wrong router key is refused and the same session takes the right one", async () => {
  const h = home(["wrong key!", ROUTER.key]);
  await setUp(h);
  assert.deepEqual(h.asked, [1, 2]);
  assert.ok(h.printer.onRouter);
  assert.deepEqual(h.printer.refusals, [], "a wrong key is a ROUTER_RESULT, not a refused frame");
});

test("a key no WPA2 router takes (too short) is asked again without reaching the printer", async () => {
  const h = home(["oops", ROUTER.key]);
  await setUp(h);
  assert.deepEqual(h.asked, [1, 2]);
  assert.ok(h.printer.onRouter);
});

test("a user who gives up after a wrong key leaves the printer off the router", async () => {
  const h = home(["wrong key!"]);
  await assert.rejects(setUp(h), SetupFailed);
  assert.equal(h.printer.onRouter, false);
  assert.equal(h.printer.credentials, null);
});

test("free charge once, then the cloud refuses a second; a paid charge adds its pages", async () => {
  const h = home();
  await setUp(h);
  assert.equal(await h.manage.freeCharge("printer"), 2000);
  await assert.rejects(h.manage.freeCharge("printer"), (e: unknown) => e instanceof CloudError && e.status === 409);
  assert.equal(await h.manage.purchase("printer", 300), 2300);
});

test("printing by tap until the pages run short; the tap then asks for a recharge with a SVWT", async () => {
  const h = home();
  await setUp(h);
  await h.manage.purchase("printer", 120);
  const bob = h.print("bob");
  assert.deepEqual(await bob.print("printer", 50), { status: 0, pagesLeft: 70 });
  assert.deepEqual(await bob.print("printer", 80), { status: 3, pagesLeft: 70 }, "SHORT: the balance is unchanged");
  assert.deepEqual(await bob.print("printer", 60), { status: 0, pagesLeft: 10 });
  h.printer.svwt = h.cloud.issueSvwt(h.printer);
  await assert.rejects(bob.print("printer", 1), (e: unknown) => e instanceof NotReadyToPrint && e.answer.kind === "recharge" && !!e.answer.svwt);
  // The management app recharges from that answer: SVWT -> SVT, purchase, CHARGE.
  const answer = await h.manage.tap("printer");
  assert.equal(answer.kind, "recharge");
  await h.manage.exchangeSvwt("printer", answer.svwt);
  assert.equal(await h.manage.purchase("printer", 500), 510);
});

test("a print order with a PWT another phone already used is refused and changes nothing", async () => {
  const h = home();
  await setUp(h);
  await h.manage.purchase("printer", 100);
  const alice = h.print("alice"), bob = h.print("bob");
  const answer = readTapAnswer(h.printer.tap());
  await alice.printWith("printer", answer, 10);
  await assert.rejects(bob.printWith("printer", answer, 10), (e: unknown) => e instanceof PrinterRefused && e.status === E_AUTH);
  assert.equal(h.printer.pages, 90);
});

test("BLE gives the same answer only in the CONNECT window, and reading closes it", async () => {
  const h = home();
  await assert.rejects(h.manage.tap("printer", "ble"), (e: unknown) => e instanceof BleRefused && e.status === E_STATE);
  h.printer.connectWindow = true;
  const answer = await h.manage.tap("printer", "ble");
  assert.equal(answer.kind, "setup");
  await h.manage.setup("printer", answer);
  assert.ok(h.printer.registered);
  await assert.rejects(h.manage.tap("printer", "ble"), BleRefused);
});

test("a tap answer that is not a printer's is refused with the decoder's code", () => {
  assert.throws(() => readTapAnswer(Buffer.of(0xd1, 0x01)), (e: unknown) => e instanceof TapUnreadable && e.code === E_MALFORMED);
  const foreign = encodeHandover({ select: false, others: [], uri: "https://example.org/", androidPackage: "org.example.other" });
  assert.ok(foreign.ok);
  assert.throws(() => readTapAnswer(foreign.value), TapUnreadable);
});

test("the PT is the phone's: another app's key cannot use it, and deleting it ends its use", async () => {
  const h = home();
  await setUp(h);
  const pt = h.manage.pt!;
  // Another phone (its own long-term key) that learned the PT.
  const other = new PrinterManageApp({ name: "mallory", radio: new FakeRadio(h.printer), cloud: h.cloud,
    random: seededRandom("mallory-manage"), askRouterKey: async () => null });
  other.pt = pt;
  await assert.rejects(other.status("printer"), (e: unknown) => e instanceof PrinterRefused && e.status === E_AUTH);
  assert.equal(await h.manage.deletePt("printer"), 0);
  assert.equal(h.printer.pt, null);
});
