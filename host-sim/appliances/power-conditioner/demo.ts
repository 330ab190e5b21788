// The power conditioner's scripted demo (seed 002, issue 11): the factory's maintenance
// credential, Sunlease PPS's installer, then the seed's four use cases as a resident and a
// dispatched worker live them, each through the cloud's message outbox: the house is sold
// (the seller's personal data and history deleted on the panel, the buyer's entered in
// the app), the system moves house (a new site id typed on the panel), the battery is
// replaced (the worker, with the operator's credential, in the app over BLE) and
// ownership passes to the consumer (Hikari Energy's connection and key written from the
// app; the readings follow). Used by `npm run demo -- pcs` and the home's `demo pcs`.
import type { Home } from "../../home/world.ts";
import { pcsCommand } from "../../home/pcs-console.ts";
import { HIKARI_ENERGY, PCS_OPERATOR, SUNLEASE_PPS } from "./cloud/types.ts";
import { PCS_SERIAL } from "./panel.ts";
import { newestCredential } from "../../phone/pcs-mail.ts";

/** Moves the PCS's time in steps (its timers fire, the broker and the cloud answer in
 *  between) until `done` holds; throws after `limitMs` of its time. */
async function until(home: Home, what: string, done: () => boolean, limitMs = 120_000, stepMs = 1_000): Promise<void> {
  const pcs = home.requirePcs().device;
  for (let t = 0; t <= limitMs; t += stepMs) {
    if (done()) return;
    await pcs.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`demo: ${what} did not happen`);
}

const SLOT_MS = 30 * 60_000;

export async function playPcsDemo(home: Home, say: (s: string) => void = () => {}): Promise<string> {
  const pcs = home.requirePcs().device;
  const cloud = home.pcsCloud!;
  const run = async (line: string) => {
    const out = await pcsCommand(home, line.split(" "));
    if (out === undefined) throw new Error(`demo: "${line}" is not a command`);
    return out;
  };
  const readings = (code: number) => cloud.partner(code)!.readings(PCS_SERIAL).length;
  /** The PCS stored the authentication information `issuer` made last (its reply reached
   *  the issuer through the cloud). */
  const waitForInformation = async (issuer: number) => {
    const who = issuer === PCS_OPERATOR ? cloud.operator : cloud.partner(issuer)!;
    await until(home, "the authentication information reaching the power conditioner", () => who.authRequests(PCS_SERIAL).at(-1)?.state !== "made");
    const state = who.authRequests(PCS_SERIAL).at(-1)?.state;
    if (state !== "stored") throw new Error(`demo: the power conditioner answered the authentication information: ${state}`);
  };
  const panel = () => pcs.screen.split("\n").slice(1).join(" / ");

  say("1. The factory made the operator's maintenance credential (on the worker's sheet); Sunlease PPS's installer installs the unit.");
  say(`   ${await run("install pcs")}`);
  await until(home, "a reading at Sunlease", () => readings(SUNLEASE_PPS) > 0, 2 * SLOT_MS, 10_000);
  say(`   Sunlease PPS has ${readings(SUNLEASE_PPS)} reading(s); the panel: ${panel()}`);

  say("2. The house is sold. Alice asks Sunlease for a code for her personal data and usage history, and enters it on the panel (operation example 1).");
  say(`   ${await run("alice request personal history")}`);
  await waitForInformation(SUNLEASE_PPS);
  const aliceCode = await newestCredential(home.pcsClouds.alice, "alice@example.com");
  say(`   Alice's mailbox: ${(await home.pcsClouds.alice.messages("alice@example.com")).at(-1)?.text}`);
  await run(`pcs code ${aliceCode}`);
  say(`   the panel: ${panel()}`);
  await run("pcs delete personal");
  await run("pcs delete history");
  await run("press pcs back");
  say(`   the seller's personal data and history deleted; the buyer's details go in from the app with the same code (its second use):`);
  await run("pcs ble");
  say(`   ${await run("alice ble connect")}`);
  say(`   ${await run("alice ble code")}`);
  say(`   ${await run("alice ble change personal Kenji Ito, 1-2-3 Hikari-cho, Aoba-ku, Sendai")}`);
  await run("alice ble close");
  await run("press pcs back");

  say("3. The system moves house: a code for the site id, and the new id typed on the panel.");
  say(`   ${await run("alice request site")}`);
  await waitForInformation(SUNLEASE_PPS);
  await run(`pcs code ${await newestCredential(home.pcsClouds.alice, "alice@example.com")}`);
  await run("pcs set site 0407771234");
  await run("press pcs back");
  say(`   the panel: ${panel()}`);

  say("4. The battery is replaced. The operator's worker comes, asks the operator for a code (the seed's other operator) and uses the app over BLE (operation example 2).");
  await run("worker visit");
  say(`   ${await run("worker request capacities")}`);
  await waitForInformation(PCS_OPERATOR);
  await run("pcs ble");
  say(`   ${await run("worker ble connect")}`);
  say(`   ${await run("worker ble code")}`);
  say(`   ${await run("worker ble change capacities 5500 13500 40000")}`);
  await run("worker ble close");
  await run("press pcs back");
  await run("worker leave");

  say("5. Ownership passes to the consumer: Alice enrols the unit with Hikari Energy, gets a code from Sunlease, and writes Hikari's connection and key from the app.");
  say(`   ${await run("alice enrol hikari")}`);
  say(`   ${await run("alice request connection")}`);
  await waitForInformation(SUNLEASE_PPS);
  await run("pcs ble");
  say(`   ${await run("alice ble connect")}`);
  say(`   ${await run("alice ble code")}`);
  say(`   ${await run("alice ble change connection enrolled")}`);
  await run("alice ble close");
  await run("press pcs back");
  await until(home, "a reading at Hikari", () => readings(HIKARI_ENERGY) > 0, 2 * SLOT_MS, 10_000);
  say(`   the panel: ${panel()}`);

  const last = cloud.partner(HIKARI_ENERGY)!.readings(PCS_SERIAL).at(-1)!;
  return [
    `Sunlease PPS: ${readings(SUNLEASE_PPS)} readings; Hikari Energy: ${readings(HIKARI_ENERGY)} readings`,
    `Hikari's last reading: site ${last.site}, capacities ${last.cpv} W / ${last.cbat} Wh / ${last.cev} Wh`,
    `messages sent: ${cloud.messages.all().length}`,
  ].join("\n");
}
