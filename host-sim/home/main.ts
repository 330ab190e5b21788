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
// `--demo lock` plays two users' slots and a revocation. `--help` lists the options
// (options.ts); a bad one is one line and exit code 2. One home per data folder
// (data-lock.ts). A home that cannot start (no mosquitto, a port or data folder it cannot
// open, an image that does not load) is one line and exit code 1 (start-failure.ts).
import { createInterface } from "node:readline";
import { Home } from "./world.ts";
import { playDemo } from "../appliances/water-heater/demo.ts";
import { render, flowText, HELP } from "./view.ts";
import { playPrinterDemo } from "../appliances/printer/demo.ts";
import { playMeterDemo } from "../appliances/meter/demo.ts";
import { playPcsDemo } from "../appliances/power-conditioner/demo.ts";
import { playLockDemo } from "../appliances/lock/demo.ts";
import { parseHomeArgs, UsageError, USAGE, type HomeCommandLine } from "./options.ts";
import { runCommand } from "./commands.ts";
import { lockDataDir, DataDirBusy } from "./data-lock.ts";
import { startWebServer } from "../web/server.ts";
import { startFailureText } from "./start-failure.ts";

const interactive = process.stdin.isTTY && !process.argv.includes("--demo");
/** A demo typed at the console is playing: its headings and messages print as they happen. */
let playing = false;
/** A command line or a data folder the home cannot start with: one line, exit code 2. */
function refuse(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(2);
}
let cli: HomeCommandLine;
try {
  cli = parseHomeArgs(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) refuse(`${e.message} (--help lists the options)`);
  throw e;
}
if (cli.help) { console.log(USAGE); process.exit(0); }
// The terminal prints the flow as it goes when it is not drawing the view itself, and while
// a demo typed at the console plays; the page shows the flow itself.
if (cli.view === "tui") cli.home.onFlow = (l) => { if (!interactive || playing) console.log(flowText(l)); };
/** The home could not start (or stopped on an error): one sentence, exit code 1. */
function fail(e: unknown): never {
  console.error(startFailureText(e, { dataDir: cli.home.dataDir }));
  process.exit(1);
}
try { lockDataDir(cli.home.dataDir); } catch (e) {
  if (e instanceof DataDirBusy) refuse(e.message);
  fail(e);
}
const home = new Home(cli.home);
const printerDemo = cli.demo === "printer", meterDemo = cli.demo === "meter", pcsDemo = cli.demo === "pcs", lockDemo = cli.demo === "lock";
const demo = cli.demo !== null;

/** The terminal's answer to a line: the view, then what the command said. */
async function command(line: string): Promise<string> {
  const [who, verb] = line.trim().split(/\s+/);
  // A demo plays for a while: each step's heading as it begins, then its messages.
  playing = who === "demo";
  let reply: string;
  try {
    reply = await runCommand(home, line, playing ? (s) => console.log(`\n== ${s}`) : undefined);
  } finally { playing = false; }
  if (who === "help" || verb === "history" || verb === "devices" || verb === "state") return reply;
  return reply ? `${render(home)}\n${reply}` : render(home);
}

async function main(): Promise<void> {
  if (demo) console.log(`demo: starting fresh: the devices, phones, cloud and broker in ${cli.home.dataDir}/ are erased first (--data <dir> plays it in another folder)`);
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

main().then(() => process.exit(0), async (e) => { await home.stop().catch(() => undefined); fail(e); });
