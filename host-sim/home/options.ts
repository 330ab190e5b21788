// The simulated home's command line (`npm start -- ...`, `npm run demo -- ...`): what the
// user asked for, as data. main.ts acts on it; nothing here starts anything. Every option
// is a row of OPTIONS: the parser accepts exactly those, and `--help` prints them.
import type { HomeOptions } from "./world.ts";
import { brokerKindFromEnv, type BrokerKind } from "../net/broker.ts";
import { withImageOption } from "./image-option.ts";

/** The scripted stories `--demo [which]` plays. */
export type DemoKind = "water-heater" | "printer" | "meter" | "pcs" | "lock";
const DEMOS: readonly DemoKind[] = ["water-heater", "printer", "meter", "pcs", "lock"];
/** The homes `--home` starts beside the water heater alone. */
const HOMES = ["meter", "pcs", "lock"] as const;
const BROKERS: readonly BrokerKind[] = ["embedded", "mosquitto"];

export interface HomeCommandLine {
  /** `--help`: print USAGE and start nothing. */
  help: boolean;
  /** A demo to play from erased flash, then exit; null: the interactive home. */
  demo: DemoKind | null;
  home: HomeOptions;
  /** "web": the page (`npm start`); "tui": the terminal view (`--tui`, and the demos). */
  view: "web" | "tui";
  /** The page's port (`--port N`, default 8080; 0: any free port). */
  port: number;
}

/** A command line the home cannot act on; main.ts prints the message alone and exits 2. */
export class UsageError extends Error {}

interface OptionRow {
  flag: string;
  /** The value's name in the usage line; absent: a switch. `optional`: `--demo` alone. */
  value?: string;
  optional?: boolean;
  help: string;
}

export const OPTIONS: readonly OptionRow[] = [
  { flag: "--help", help: "this text" },
  { flag: "--data", value: "<dir>", help: "the home's data folder (flash, cloud, broker, phones); default data/" },
  { flag: "--fresh", help: "start from erased flash, an empty cloud and new phones" },
  { flag: "--broker", value: `<${BROKERS.join("|")}>`, help: "the MQTT broker: aedes in this process, or Debian's mosquitto (default: $FW_BROKER or embedded)" },
  { flag: "--posix", help: "run the appliances as native C processes (wasm2c) instead of on the TypeScript host" },
  { flag: "--speed", value: "<n>", help: "device time runs n times faster than real time (n > 0; default 1)" },
  { flag: "--home", value: `<${HOMES.join("|")}>`, help: "that appliance's home beside the water heater alone" },
  { flag: "--no-printer", help: "leave the printer out" },
  { flag: "--no-meter", help: "leave the smart meter out" },
  { flag: "--no-pcs", help: "leave the power conditioner out" },
  { flag: "--no-lock", help: "leave the lock out" },
  { flag: "--image", value: "<file>", help: "run any image alone with a generic panel: build/images/<name>.wasm (with --posix: its wasm2c board), or build/<posix|wamr-fast|wamr-classic>/<name>" },
  { flag: "--with", value: "<list>", help: "with --image: also run these appliances (heater,printer,meter,pcs,lock)" },
  { flag: "--tui", help: "the terminal view instead of the web page (the demos always print to the terminal)" },
  { flag: "--port", value: "<n>", help: "the web page's port (default 8080; a taken port is said and a free one taken; 0: any free port)" },
  { flag: "--demo", value: `[${DEMOS.slice(1).join("|")}]`, optional: true, help: "play a scripted demo from a fresh start (erases the data folder's devices and cloud), then exit; alone: the water heater's" },
];

export const USAGE = `usage: npm start -- [options]    (npm run demo -- [which] is npm start -- --demo [which])
${OPTIONS.map((o) => `  ${`${o.flag}${o.value ? ` ${o.value}` : ""}`.padEnd(34)}${o.help}`).join("\n")}`;

/** Reads the command line; throws UsageError (one sentence) on an unknown option, a
 *  missing value or a value out of its range. */
export function parseHomeArgs(args: readonly string[], onFlow?: HomeOptions["onFlow"]): HomeCommandLine {
  const given = new Map<string, string | undefined>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const row = OPTIONS.find((o) => o.flag === a);
    if (!row) throw new UsageError(a.startsWith("-") ? `unknown option ${a}` : `unexpected argument "${a}"`);
    if (given.has(a)) throw new UsageError(`${a} given twice`);
    let v: string | undefined;
    if (row.value) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith("--")) { v = next; i++; }
      else if (!row.optional) throw new UsageError(`${a} needs a value: ${a} ${row.value}`);
    }
    given.set(a, v);
  }
  const flag = (f: string) => given.has(f);
  const value = (f: string) => given.get(f);

  const demoArg = value("--demo");
  if (demoArg !== undefined && !DEMOS.includes(demoArg as DemoKind)) throw new UsageError(`--demo ${demoArg}: no such demo (${DEMOS.join(", ")})`);
  const demo: DemoKind | null = !flag("--demo") ? null : (demoArg as DemoKind | undefined) ?? "water-heater";
  const homeArg = value("--home");
  if (homeArg !== undefined && !(HOMES as readonly string[]).includes(homeArg)) throw new UsageError(`--home ${homeArg}: no such home (${HOMES.join(", ")})`);
  const brokerArg = value("--broker");
  if (brokerArg !== undefined && !BROKERS.includes(brokerArg as BrokerKind)) throw new UsageError(`--broker ${brokerArg}: no such broker (${BROKERS.join(", ")})`);
  const speedArg = value("--speed");
  const speed = speedArg === undefined ? 1 : Number(speedArg);
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed ${speedArg}: not a number above 0`);
  let broker: BrokerKind;
  try { broker = (brokerArg as BrokerKind | undefined) ?? brokerKindFromEnv(); } catch (e) { throw new UsageError((e as Error).message); }

  const portArg = value("--port");
  const port = portArg === undefined ? 8080 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${portArg}: a port number from 0 to 65535 (0: any free port)`);

  const only = demo === "meter" || demo === "pcs" || demo === "lock" ? demo : homeArg;
  const lockHome = only === "lock", meterHome = only === "meter", pcsHome = only === "pcs";
  const anyDemo = demo !== null;
  const cli: HomeCommandLine = {
    help: flag("--help"),
    demo,
    view: flag("--tui") || anyDemo ? "tui" : "web",
    port,
    home: {
      dataDir: value("--data") ?? "data",
      broker,
      heaterHost: flag("--posix") ? "posix" : "ts",
      fresh: flag("--fresh") || anyDemo,
      printer: !flag("--no-printer") && !meterHome && !pcsHome && !lockHome,
      meter: meterHome || (!anyDemo && !pcsHome && !lockHome && !flag("--no-meter")),
      pcs: pcsHome || (!anyDemo && !meterHome && !lockHome && !flag("--no-pcs")),
      lock: lockHome || (!anyDemo && !meterHome && !pcsHome && !flag("--no-lock")),
      speed,
      // The meter's, PCS's and lock's demos play hours of their time: their clock moves
      // only as the demo moves it.
      clock: demo === "meter" || demo === "pcs" || demo === "lock" ? "virtual" : "real",
      onFlow,
    },
  };
  if (flag("--with") && !flag("--image")) throw new UsageError("--with needs --image: the named appliances run anyway without it");
  // --image's checks (a file that exists, its board built) are one sentence too.
  try { return withImageOption(cli, args); } catch (e) { throw new UsageError((e as Error).message); }
}
