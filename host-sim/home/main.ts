// npm start: the simulated home in a terminal, the water heater and the printer side by
// side. `--demo` plays the water heater's scripted demo and exits (`--demo printer`: the
// printer's); `--posix` runs the appliances as native C processes; `--broker mosquitto`
// uses Debian's Mosquitto; `--fresh` starts from erased flash and an empty cloud;
// `--speed N` runs device time N times faster than real time. The smart meter is in the
// home too (`--no-meter` leaves it out); `--home meter` is the meter's home without the
// printer, and `--demo meter` plays the meter's demo. The power conditioner is in the home
// too (`--no-pcs` leaves it out); `--home pcs` is its home beside the water heater alone,
// and `--demo pcs` plays the seed's four use cases. The lock is in the home too
// (`--no-lock` leaves it out); `--home lock` is its home beside the water heater alone, and
// `--demo lock` plays two users' slots and a revocation.
import { createInterface } from "node:readline";
import { Home } from "./world.ts";
import { playDemo } from "../appliances/water-heater/demo.ts";
import { render, flowText, HELP } from "./view.ts";
import type { MakerApp } from "../phone/app.ts";
import { HEATER, HEATER_APPLIANCE } from "./world.ts";
import { brokerKindFromEnv, type BrokerKind } from "../net/broker.ts";
import { PRINTER_APPLIANCE } from "./home-printer.ts";
import { playPrinterDemo } from "../appliances/printer/demo.ts";
import { meterCommand } from "./meter-console.ts";
import { playMeterDemo } from "../appliances/meter/demo.ts";
import { pcsCommand } from "./pcs-console.ts";
import { playPcsDemo } from "../appliances/power-conditioner/demo.ts";
import { lockCommand } from "./lock-console.ts";
import { playLockDemo } from "../appliances/lock/demo.ts";

const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const value = (f: string) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
const demo = flag("--demo");
const printerDemo = demo && value("--demo") === "printer";
const meterDemo = demo && value("--demo") === "meter";
const pcsDemo = demo && value("--demo") === "pcs";
const lockDemo = demo && value("--demo") === "lock";
const lockHome = value("--home") === "lock" || lockDemo;
const meterHome = value("--home") === "meter" || meterDemo;
const pcsHome = value("--home") === "pcs" || pcsDemo;
const interactive = process.stdin.isTTY && !demo;

const home = new Home({
  dataDir: value("--data") ?? "data",
  broker: (value("--broker") as BrokerKind | undefined) ?? brokerKindFromEnv(),
  heaterHost: flag("--posix") ? "posix" : "ts",
  fresh: flag("--fresh") || demo,
  printer: !flag("--no-printer") && !meterHome && !pcsHome && !lockHome,
  meter: meterHome || (!demo && !pcsHome && !lockHome && !flag("--no-meter")),
  pcs: pcsHome || (!demo && !meterHome && !lockHome && !flag("--no-pcs")),
  lock: lockHome || (!demo && !meterHome && !pcsHome && !flag("--no-lock")),
  speed: Number(value("--speed") ?? 1),
  // The meter's demo plays hours of its time: its clock moves only as the demo moves it.
  clock: meterDemo || pcsDemo || lockDemo ? "virtual" : "real",
  onFlow: (l) => { if (!interactive) console.log(flowText(l)); },
});

async function command(line: string): Promise<string> {
  const [who, verb, ...rest] = line.trim().split(/\s+/);
  if (!who) return "";
  if (who === "help") return HELP;
  if (who === "view") return render(home);
  const forMeter = await meterCommand(home, [who, verb, ...rest]);
  if (forMeter !== undefined) return `${render(home)}${forMeter ? `\n${forMeter}` : ""}`;
  if (who === "power" && verb === "pcs") { await home.powerCyclePcs(); return render(home); }
  const forLock = await lockCommand(home, [who, verb, ...rest]);
  if (forLock !== undefined) return `${render(home)}${forLock ? `\n${forLock}` : ""}`;
  const forPcs = home.pcs ? await pcsCommand(home, [who, verb, ...rest]) : undefined;
  if (forPcs !== undefined) return `${render(home)}${forPcs ? `\n${forPcs}` : ""}`;
  if (who === "demo") {
    if (verb === "meter") await playMeterDemo(home, (s) => home.note("HOME", s));
    else if (verb === "pcs") await playPcsDemo(home, (s) => home.note("HOME", s));
    else if (verb === "lock") await playLockDemo(home, (s) => home.note("HOME", s));
    else if (verb === "printer") await playPrinterDemo(home, (s) => home.note("HOME", s));
    else await playDemo(home, (s) => home.note("HOME", s));
    return render(home);
  }
  if (who === "power") { await (verb === "printer" ? home.powerCyclePrinter() : verb === "meter" ? home.powerCycleMeter() : home.powerCycle()); return render(home); }
  if (who === "broker") { await (verb === "down" ? home.brokerDown() : home.brokerUp()); return render(home); }
  if (who === "cloud") { await (verb === "down" ? home.cloudDown() : home.cloudUp()); return render(home); }
  if (who === "press") {
    const atPrinter = verb === "printer";
    const buttons = (atPrinter ? PRINTER_APPLIANCE : HEATER_APPLIANCE).local!.buttons;
    const device = atPrinter ? home.requirePrinter().device : home.heater;
    for (const b of atPrinter ? rest : [verb, ...rest]) {
      if (!(b in buttons)) return `no button "${b}"; buttons: ${Object.keys(buttons).join(" ")}`;
      await device.press(buttons[b]);
    }
    return render(home);
  }
  const phone: MakerApp | undefined = who === "alice" ? home.alice : who === "bob" ? home.bob : undefined;
  if (!phone) return `unknown command "${who}" (try help)`;
  const printerAction = PRINTER_APPLIANCE.apps?.[verb];
  if (printerAction) {
    home.requirePrinter();
    return `${render(home)}\n${who}: ${await printerAction.run(home.printerApps[who], rest)}`;
  }
  if (verb === "wifi-key") { (home.typedRouterKeys[who] ??= []).push(rest.join(" ")); return `${who} will type that key when an app asks for the router's`; }
  if (verb === "register") { const r = await phone.register(HEATER); return `${render(home)}\n${who}: ${r.kind} registration of ${r.deviceId}`; }
  const action = HEATER_APPLIANCE.phone?.[verb];
  if (action) { const r = await action.run(phone, rest); return `${render(home)}\n${who}: command ${r.cmd} -> status ${r.status}`; }
  if (verb === "history") return JSON.stringify(await phone.history(rest[0]), null, 1);
  if (verb === "devices") return JSON.stringify(await phone.devices(), null, 1);
  if (verb === "state") return JSON.stringify(await phone.state(rest[0]));
  if (verb === "leave" || verb === "home") { home.setAtHome(who, verb === "home"); return render(home); }
  return `unknown command for ${who}: ${verb}`;
}

async function main(): Promise<void> {
  await home.start();
  if (printerDemo) {
    const r = await playPrinterDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\nprinter registration ${r.deviceId}, ${r.pagesLeft} pages left, ink ${r.ink}%`);
    await home.stop();
    return;
  }
  if (meterDemo) {
    const r = await playMeterDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\n${r}`);
    await home.stop();
    return;
  }
  if (pcsDemo) {
    const r = await playPcsDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\n${r}`);
    await home.stop();
    return;
  }
  if (lockDemo) {
    const r = await playLockDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\n${r}`);
    await home.stop();
    return;
  }
  if (demo) {
    const r = await playDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\nold registration ${r.oldDeviceId}, new registration ${r.newDeviceId}`);
    await home.stop();
    return;
  }
  if (home.meter && home.meterDeviceId === null) home.note("HOME", "the smart meter is not installed yet: `install meter` is the utility installer's visit (or `demo meter` plays the whole story)");
  if (home.pcs && home.pcsDeviceId === null) home.note("HOME", "the power conditioner is not installed yet: `install pcs` is Sunlease PPS's installer (or `demo pcs` plays the use cases)");
  if (!interactive) console.log("(not a terminal: reading commands from standard input)");
  console.log(render(home));
  console.log(`\n${HELP}`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "home> " });
  rl.prompt();
  for await (const line of rl) {
    if (line.trim() === "quit" || line.trim() === "exit") break;
    try { console.log(await command(line)); } catch (e) { console.log(`error: ${(e as Error).message}`); }
    rl.prompt();
  }
  await home.stop();
}

main().then(() => process.exit(0), async (e) => { console.error(e); await home.stop(); process.exit(1); });
