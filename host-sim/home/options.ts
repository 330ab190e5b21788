// The simulated home's command line (`npm start -- ...`, `npm run demo -- ...`): what the
// user asked for, as data. main.ts acts on it; nothing here starts anything.
import type { HomeOptions } from "./world.ts";
import { brokerKindFromEnv, type BrokerKind } from "../net/broker.ts";
import { withImageOption } from "./image-option.ts";

/** The scripted stories `--demo [which]` plays. */
export type DemoKind = "water-heater" | "printer" | "meter" | "pcs" | "lock";

export interface HomeCommandLine {
  /** A demo to play from erased flash, then exit; null: the interactive home. */
  demo: DemoKind | null;
  home: HomeOptions;
  /** "web": the page (`npm start`); "tui": the terminal view (`--tui`, and the demos). */
  view: "web" | "tui";
  /** The page's port (`--port N`, default 8080; 0: any free port). */
  port: number;
}

export function parseHomeArgs(args: readonly string[], onFlow?: HomeOptions["onFlow"]): HomeCommandLine {
  const flag = (f: string) => args.includes(f);
  const value = (f: string) => { const i = args.indexOf(f); return i >= 0 ? args[i + 1] : undefined; };
  const demoArg = value("--demo");
  const demo: DemoKind | null = !flag("--demo") ? null
    : demoArg === "printer" || demoArg === "meter" || demoArg === "pcs" || demoArg === "lock" ? demoArg : "water-heater";
  const only = demo === "meter" || demo === "pcs" || demo === "lock" ? demo : value("--home");
  const lockHome = only === "lock", meterHome = only === "meter", pcsHome = only === "pcs";
  const anyDemo = demo !== null;
  return withImageOption({
    demo,
    view: flag("--tui") || anyDemo ? "tui" : "web",
    port: Number(value("--port") ?? 8080),
    home: {
      dataDir: value("--data") ?? "data",
      broker: (value("--broker") as BrokerKind | undefined) ?? brokerKindFromEnv(),
      heaterHost: flag("--posix") ? "posix" : "ts",
      fresh: flag("--fresh") || anyDemo,
      printer: !flag("--no-printer") && !meterHome && !pcsHome && !lockHome,
      meter: meterHome || (!anyDemo && !pcsHome && !lockHome && !flag("--no-meter")),
      pcs: pcsHome || (!anyDemo && !meterHome && !lockHome && !flag("--no-pcs")),
      lock: lockHome || (!anyDemo && !meterHome && !pcsHome && !flag("--no-lock")),
      speed: Number(value("--speed") ?? 1),
      // The meter's, PCS's and lock's demos play hours of their time: their clock moves
      // only as the demo moves it.
      clock: demo === "meter" || demo === "pcs" || demo === "lock" ? "virtual" : "real",
      onFlow,
    },
  }, args);
}
