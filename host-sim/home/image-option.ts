// `--image <file>`: the home runs that image as a generic device (host-sim/home/home-image.ts)
// on the home's broker and cloud, without the named appliances unless `--with` asks for
// them (`--with heater,printer`). A .wasm runs on the TypeScript host, or on the posix
// board with `--posix`; build/<engine>/<name> (posix, wamr-fast, wamr-classic) on that engine.
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import type { HomeCommandLine } from "./options.ts";
import type { HostName } from "../device/power-on.ts";
import { posixExecutable } from "../device/posix-device.ts";
import type { ImageChoice } from "./home-image.ts";

const APPLIANCES = ["heater", "printer", "meter", "pcs", "lock"] as const;
const ENGINES: Record<string, HostName> = { posix: "posix", "wamr-fast": "wamr-fast", "wamr-classic": "wamr-classic" };

export const IMAGE_USAGE = "--image build/images/<name>.wasm [--posix] | --image build/<posix|wamr-fast|wamr-classic>/<name>  [--with heater,printer,meter,pcs,lock]";

/** The image the arguments name, or null; throws a one-line Error for a bad one. */
export function imageChoice(args: readonly string[]): ImageChoice | null {
  const i = args.indexOf("--image");
  if (i < 0) return null;
  const path = args[i + 1];
  if (!path || path.startsWith("--")) throw new Error(`--image needs an image file: ${IMAGE_USAGE}`);
  if (path.endsWith(".wasm")) {
    if (!existsSync(path)) throw new Error(`--image ${path}: no such file (npm run build makes build/images/<name>.wasm)`);
    if (!args.includes("--posix")) return { path, host: "ts" };
    const exe = posixExecutable(path);
    if (!existsSync(exe)) throw new Error(`--image ${path} --posix: no native board ${exe} (npm run build -- ${basename(path, ".wasm")})`);
    return { path, host: "posix" };
  }
  const host = ENGINES[basename(dirname(path))];
  if (!host) throw new Error(`--image ${path}: a .wasm, or a native board under build/posix, build/wamr-fast or build/wamr-classic`);
  if (!existsSync(path)) throw new Error(`--image ${path}: no such file (npm run build makes it)`);
  return { path, host };
}

/** The command line with `--image` applied: the image, and only the appliances `--with` names. */
export function withImageOption(cli: HomeCommandLine, args: readonly string[]): HomeCommandLine {
  const image = imageChoice(args);
  if (!image) return cli;
  if (cli.demo) throw new Error("--image and --demo: a demo plays the named appliances, not an image");
  const i = args.indexOf("--with");
  const asked = i >= 0 ? (args[i + 1] ?? "").split(",").filter(Boolean) : [];
  const unknown = asked.filter((a) => !(APPLIANCES as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`--with ${unknown.join(",")}: choose from ${APPLIANCES.join(",")}`);
  const w = (a: (typeof APPLIANCES)[number]) => asked.includes(a);
  return { ...cli, home: { ...cli.home, image, heater: w("heater"), printer: w("printer"), meter: w("meter"), pcs: w("pcs"), lock: w("lock") } };
}
