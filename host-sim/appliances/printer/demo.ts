// The printer's scripted demo (seed 001 FIG. 4-8): Alice sets up the new printer with a
// tap (she types the router key wrong once), takes the free charge, the flat prints from
// two phones until the ink runs low (a cartridge is ordered and replaced) and the pages
// run short, and Alice buys more. Used by `npm run demo -- printer`, the home's
// `demo printer` command and test/printer-home.test.ts.
import type { Home } from "../../home/world.ts";
import { CloudError } from "../../phone/cloud-client.ts";
import { NotReadyToPrint } from "../../phone/printer/print-app.ts";
import { replaceInk } from "./panel.ts";
import { tapToManage } from "./phone-actions.ts";

export interface PrinterDemoResult {
  deviceId: string;
  /** HTTP status of a second free charge (the cloud refuses it: 409). */
  secondFreeCharge: number;
  /** What the print app was told when the pages ran short. */
  shortAnswer: string;
  pagesLeft: number;
  ink: number;
}

export async function playPrinterDemo(home: Home, say: (s: string) => void = () => {}): Promise<PrinterDemoResult> {
  const printer = home.requirePrinter().device;
  const alice = home.printerApps.alice, bob = home.printerApps.bob;

  say("1. Alice taps the new printer with the management app; she mistypes the router key once.");
  (home.typedRouterKeys.alice ??= []).push("not-the-router-key");
  const setup = await tapToManage(alice);
  say(`   ${setup}`);

  say("2. The free charge (2000 pages), once per printer.");
  await alice.manage.freeCharge(alice.device);
  let secondFreeCharge = 0;
  try { await alice.manage.freeCharge(alice.device); } catch (e) { secondFreeCharge = e instanceof CloudError ? e.status : -1; }
  say(`   a second free charge -> HTTP ${secondFreeCharge}`);

  say("3. Alice and Bob print by tapping with the print app until the ink runs low.");
  await alice.print.print(alice.device, 500);
  await bob.print.print(bob.device, 400);
  const inkLow = await expectRefusal(() => bob.print.print(bob.device, 10));
  say(`   the printer asks for the management app: ${inkLow}; Alice orders a cartridge, then it is replaced`);
  await tapToManage(alice);
  await alice.manage.orderInk();
  await replaceInk(printer);

  say("4. Printing until the pages run short.");
  await bob.print.print(bob.device, 500);
  await alice.print.print(alice.device, 500);
  await replaceInk(printer);
  const short = await bob.print.print(bob.device, 500);
  say(`   500 more with ${short.pagesLeft} left -> status ${short.status} (short, nothing printed)`);
  await bob.print.print(bob.device, short.pagesLeft - 10);
  const shortAnswer = await expectRefusal(() => bob.print.print(bob.device, 5));
  say(`   with 10 left the tap answers: ${shortAnswer}`);

  say("5. Alice taps: the recharge page (her app still holds a service token, else it exchanges the SVWT); she buys 500 pages.");
  say(`   ${await tapToManage(alice)}`);
  say(`   ${await alice.manage.purchase(alice.device, 500)} pages`);
  const after = await bob.print.print(bob.device, 5);
  say(`   Bob prints 5: ${after.pagesLeft} pages left`);
  const s = await alice.manage.status(alice.device);
  return { deviceId: alice.manage.deviceId!, secondFreeCharge, shortAnswer, pagesLeft: after.pagesLeft, ink: s.ink };
}

async function expectRefusal(print: () => Promise<unknown>): Promise<string> {
  try {
    await print();
  } catch (e) {
    if (e instanceof NotReadyToPrint) return `${e.answer.kind}${e.answer.uri ? ` (${e.answer.uri})` : ""}`;
    throw e;
  }
  throw new Error("the printer printed where it should have asked for the management app");
}
