// npm start: the simulated home as a web page (it prints the URL; `--port N`, default 8080;
// a taken port is said and another one taken), or in the terminal with `--tui`: the
// water heater and the printer side by side. `--demo` plays the water heater's scripted demo and exits (`--demo printer`: the
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
import { playPrinterDemo } from "../appliances/printer/demo.ts";
import { playMeterDemo } from "../appliances/meter/demo.ts";
import { playPcsDemo } from "../appliances/power-conditioner/demo.ts";
import { playLockDemo } from "../appliances/lock/demo.ts";
import { parseHomeArgs } from "./options.ts";
import { runCommand } from "./commands.ts";
import { startWebServer } from "../web/server.ts";

const interactive = process.stdin.isTTY && !process.argv.includes("--demo");
const cli = parseHomeArgs(process.argv.slice(2));
if (!Number.isInteger(cli.port) || cli.port < 0 || cli.port > 65535) {
  console.error(`--port takes a port number from 0 to 65535 (0: any free port), not "${process.argv[process.argv.indexOf("--port") + 1]}"`);
  process.exit(2);
}
// The terminal prints the flow as it goes when it is not drawing the view itself; the page shows it.
if (cli.view === "tui" && !interactive) cli.home.onFlow = (l) => console.log(flowText(l));
const home = new Home(cli.home);
const printerDemo = cli.demo === "printer", meterDemo = cli.demo === "meter", pcsDemo = cli.demo === "pcs", lockDemo = cli.demo === "lock";
const demo = cli.demo !== null;

/** The terminal's answer to a line: the view, then what the command said. */
async function command(line: string): Promise<string> {
  const [who, verb] = line.trim().split(/\s+/);
  const reply = await runCommand(home, line);
  if (who === "help" || verb === "history" || verb === "devices" || verb === "state") return reply;
  return reply ? `${render(home)}\n${reply}` : render(home);
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
  if (cli.view === "web") return servePage();
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

/** The page until Ctrl-C (or the end of standard input when it is not a terminal). */
async function servePage(): Promise<void> {
  const web = await startWebServer(home, { port: cli.port, say: (l) => console.log(l) });
  console.log(`The simulated home is at ${web.url}  (Ctrl-C stops it; --tui: the terminal view)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  console.log("stopping the home…");
  await web.close();
  await home.stop();
}

main().then(() => process.exit(0), async (e) => { console.error(e); await home.stop(); process.exit(1); });
