// npm start: the simulated home in a terminal. `--demo` plays the scripted demo and
// exits; `--posix` runs the water heater as the native C process; `--broker mosquitto`
// uses Debian's Mosquitto; `--fresh` starts from erased flash and an empty cloud;
// `--speed N` runs device time N times faster than real time.
import { createInterface } from "node:readline";
import { Home } from "./world.ts";
import { playDemo } from "../appliances/water-heater/demo.ts";
import { render, flowText, HELP } from "./view.ts";
import type { MakerApp } from "../phone/app.ts";
import { HEATER, HEATER_APPLIANCE } from "./world.ts";
import { brokerKindFromEnv, type BrokerKind } from "../net/broker.ts";

const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const value = (f: string) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
const demo = flag("--demo");
const interactive = process.stdin.isTTY && !demo;

const home = new Home({
  dataDir: value("--data") ?? "data",
  broker: (value("--broker") as BrokerKind | undefined) ?? brokerKindFromEnv(),
  heaterHost: flag("--posix") ? "posix" : "ts",
  fresh: flag("--fresh") || demo,
  speed: Number(value("--speed") ?? 1),
  onFlow: (l) => { if (!interactive) console.log(flowText(l)); },
});

async function command(line: string): Promise<string> {
  const [who, verb, ...rest] = line.trim().split(/\s+/);
  if (!who) return "";
  if (who === "help") return HELP;
  if (who === "view") return render(home);
  if (who === "demo") { await playDemo(home, (s) => home.note("HOME", s)); return render(home); }
  if (who === "power") { await home.powerCycle(); return render(home); }
  if (who === "broker") { await (verb === "down" ? home.brokerDown() : home.brokerUp()); return render(home); }
  if (who === "cloud") { await (verb === "down" ? home.cloudDown() : home.cloudUp()); return render(home); }
  if (who === "press") {
    const buttons = HEATER_APPLIANCE.local!.buttons;
    for (const b of [verb, ...rest]) {
      if (!(b in buttons)) return `no button "${b}"; buttons: ${Object.keys(buttons).join(" ")}`;
      await home.heater.press(buttons[b]);
    }
    return render(home);
  }
  const phone: MakerApp | undefined = who === "alice" ? home.alice : who === "bob" ? home.bob : undefined;
  if (!phone) return `unknown command "${who}" (try help)`;
  if (verb === "register") { const r = await phone.register(HEATER); return `${render(home)}\n${who}: ${r.kind} registration of ${r.deviceId}`; }
  const action = HEATER_APPLIANCE.phone?.[verb];
  if (action) { const r = await action.run(phone, rest); return `${render(home)}\n${who}: command ${r.cmd} -> status ${r.status}`; }
  if (verb === "history") return JSON.stringify(await phone.history(rest[0]), null, 1);
  if (verb === "devices") return JSON.stringify(await phone.devices(), null, 1);
  if (verb === "state") return JSON.stringify(await phone.state(rest[0]));
  if (verb === "leave" || verb === "home") { home.router.setAtHome(who, verb === "home"); return render(home); }
  return `unknown command for ${who}: ${verb}`;
}

async function main(): Promise<void> {
  await home.start();
  if (demo) {
    const r = await playDemo(home, (s) => console.log(`\n== ${s}`));
    console.log(`\n${render(home, 0)}`);
    console.log(`\nold registration ${r.oldDeviceId}, new registration ${r.newDeviceId}`);
    await home.stop();
    return;
  }
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
