// The home's console commands (README, "In the simulated home"): one line in, the answer
// out. The terminal view and the web page both drive the home through here.
import type { Home } from "./world.ts";
import { HEATER, HEATER_APPLIANCE } from "./world.ts";
import type { MakerApp } from "../phone/app.ts";
import { HELP } from "./view.ts";
import { playDemo } from "../appliances/water-heater/demo.ts";
import { PRINTER_APPLIANCE } from "./home-printer.ts";
import { playPrinterDemo } from "../appliances/printer/demo.ts";
import { meterCommand } from "./meter-console.ts";
import { playMeterDemo } from "../appliances/meter/demo.ts";
import { pcsCommand } from "./pcs-console.ts";
import { playPcsDemo } from "../appliances/power-conditioner/demo.ts";
import { lockCommand } from "./lock-console.ts";
import { playLockDemo } from "../appliances/lock/demo.ts";
import { buttonsToPress } from "./press-check.ts";
import { commandOutcome } from "../phone/result-codes.ts";
import { recordCommand } from "./home-recorder.ts";
import { imageCommand } from "./image-console.ts";

/** Runs one console line against the home and answers what the user should read (the
 *  view itself is not part of the answer: the terminal draws it, the page is live).
 *  `progress` hears a long command's step headings as each step begins (the terminal
 *  prints them); without it they go to the message flow (the page shows it live). */
export async function runCommand(home: Home, line: string, progress?: (heading: string) => void): Promise<string> {
  const [who, verb, ...rest] = line.trim().split(/\s+/);
  if (!who) return "";
  if (who === "help") return HELP;
  if (who === "view") return "";
  const forRecord = await recordCommand(home, [who, verb, ...rest]);
  if (forRecord !== undefined) return forRecord;
  const forImage = await imageCommand(home, [who, verb, ...rest]);
  if (forImage !== undefined) return forImage;
  const forMeter = await meterCommand(home, [who, verb, ...rest]);
  if (forMeter !== undefined) return forMeter;
  if (who === "power" && verb === "pcs") { await home.powerCyclePcs(); return ""; }
  const forLock = await lockCommand(home, [who, verb, ...rest]);
  if (forLock !== undefined) return forLock;
  const forPcs = home.pcs ? await pcsCommand(home, [who, verb, ...rest]) : undefined;
  if (forPcs !== undefined) return forPcs;
  if (who === "demo") {
    const say = progress ?? ((s: string) => home.note("HOME", s));
    if (verb === "meter") await playMeterDemo(home, say);
    else if (verb === "pcs") await playPcsDemo(home, say);
    else if (verb === "lock") await playLockDemo(home, say);
    else if (verb === "printer") await playPrinterDemo(home, say);
    else if (verb === undefined || verb === "water-heater") { home.requireHeater(); await playDemo(home, say); }
    else return `no demo "${verb}" (demo [printer|meter|pcs|lock])`;
    return "";
  }
  if (who === "power") { await (verb === "printer" ? home.powerCyclePrinter() : verb === "meter" ? home.powerCycleMeter() : home.powerCycle()); return ""; }
  if (who === "broker" || who === "cloud") {
    if (verb !== "up" && verb !== "down") return `${who} up | ${who} down`;
    const up = who === "broker" ? home.brokerUpNow : home.cloudUpNow;
    if (up === (verb === "up")) return `the ${who} is already ${verb}: nothing to do`;
    if (who === "broker") await (verb === "down" ? home.brokerDown() : home.brokerUp());
    else await (verb === "down" ? home.cloudDown() : home.cloudUp());
    return "";
  }
  if (who === "press") {
    const atPrinter = verb === "printer";
    const buttons = atPrinter
      ? buttonsToPress(rest, PRINTER_APPLIANCE.local!.buttons, "printer's panel", "press printer")
      : buttonsToPress([verb, ...rest], HEATER_APPLIANCE.local!.buttons, `${HEATER_APPLIANCE.title}'s remote`, "press");
    const device = atPrinter ? home.requirePrinter().device : home.heater;
    for (const b of buttons) await device.press(b);
    return "";
  }
  const phone: MakerApp | undefined = who === "alice" ? home.alice : who === "bob" ? home.bob : undefined;
  if (!phone) return `unknown command "${who}" (try help)`;
  const printerAction = PRINTER_APPLIANCE.apps?.[verb];
  if (printerAction) {
    home.requirePrinter();
    return `${who}: ${await printerAction.run(home.printerApps[who], rest)}`;
  }
  if (verb === "wifi-key") { (home.typedRouterKeys[who] ??= []).push(rest.join(" ")); return `${who} will type that key when an app asks for the router's`; }
  // The maker app's registration and commands are the water heater's: a sentence in a home
  // without it (an --image home), not a LAN timeout.
  if (verb === "register") { home.requireHeater(); const r = await phone.register(HEATER); return `${who}: ${r.kind} registration of ${r.deviceId}`; }
  const action = HEATER_APPLIANCE.phone?.[verb];
  if (action) { home.requireHeater(); const r = await action.run(phone, rest); return `${who}: command ${r.cmd}: ${commandOutcome(r.status)}`; }
  if (verb === "history") return JSON.stringify(await phone.history(rest[0]), null, 1);
  if (verb === "devices") return JSON.stringify(await phone.devices(), null, 1);
  if (verb === "state") return JSON.stringify(await phone.state(rest[0]));
  if (verb === "leave" || verb === "home") { home.setAtHome(who, verb === "home"); return ""; }
  return `unknown command for ${who}: ${verb}`;
}

