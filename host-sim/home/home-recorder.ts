// Recording the live home (`record start`, `record stop [file]`, and the page's `record`
// action): each device recorded is power-cycled so that its recording starts from a boot,
// and `record stop` writes one scenario file per device, which `npm run replay -- <file>`
// replays on the TypeScript and posix hosts (README, "Record and replay").
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Home } from "./world.ts";
import { HEATER, HEATER_APPLIANCE } from "./world.ts";
import type { HomeDevice } from "./home-device.ts";
import { DeviceRecorder } from "./recorder.ts";
import { PRINTER, PRINTER_APPLIANCE } from "./home-printer.ts";
import { LOCK } from "./home-lock.ts";
import { appliance } from "../appliances/index.ts";
import { saveScenario } from "../scenario/json.ts";
import type { ButtonMap } from "../device/button-map.ts";

/** A device of the home that can be recorded, and how the home power-cycles it (its
 *  bridges and radios go down with it). */
export interface Recordable {
  name: string;
  device: HomeDevice;
  buttons: ButtonMap | null;
  /** The image as a scenario names it (default the device's). */
  image?: string;
  powerCycle(): Promise<void>;
}

/** The home's recordable devices: every device it runs. */
export function recordables(home: Home): Recordable[] {
  const list: Recordable[] = [];
  if (home.heater) list.push({ name: HEATER, device: home.heater, buttons: HEATER_APPLIANCE.local!.buttons, powerCycle: () => home.powerCycle() });
  if (home.printer) list.push({ name: PRINTER, device: home.printer.device, buttons: PRINTER_APPLIANCE.local!.buttons, powerCycle: () => home.powerCyclePrinter() });
  if (home.meter) list.push({ name: "meter", device: home.meter.device, buttons: appliance("meter").local!.buttons, powerCycle: () => home.powerCycleMeter() });
  if (home.pcs) list.push({ name: "pcs", device: home.pcs.device, buttons: appliance("power-conditioner").local!.buttons, powerCycle: () => home.powerCyclePcs() });
  const lock = home.lock;
  if (lock) list.push({ name: LOCK, device: lock.device, buttons: appliance("lock").local!.buttons, powerCycle: () => lock.powerCycle() });
  const image = home.image;
  if (image) list.push({ name: image.name, device: image.device, buttons: image.buttons, image: image.scenarioImage, powerCycle: () => image.powerCycle() });
  return list;
}

export class HomeRecorder {
  private readonly recorders = new Map<string, DeviceRecorder>();
  private active: string[] = [];

  constructor(private readonly home: Home) {}

  get recording(): boolean { return this.active.length > 0; }
  get devices(): readonly string[] { return this.active; }

  /** Starts recording `names` (default every recordable device): each is power-cycled. */
  async start(names: readonly string[] = []): Promise<string> {
    if (this.recording) return `already recording ${this.active.join(", ")} (record stop first)`;
    const all = recordables(this.home);
    const unknown = names.filter((n) => !all.some((r) => r.name === n));
    if (unknown.length) return `cannot record ${unknown.join(", ")}; recordable: ${all.map((r) => r.name).join(", ")}`;
    const chosen = names.length ? all.filter((r) => names.includes(r.name)) : all;
    if (chosen.length === 0) return "nothing in this home can be recorded";
    for (const r of chosen) {
      let rec = this.recorders.get(r.name);
      if (!rec) { rec = new DeviceRecorder(r.name, r.device, r.buttons, r.image); this.recorders.set(r.name, rec); }
      rec.arm();
    }
    this.active = chosen.map((r) => r.name);
    // Every recording starts from a boot: RAM is not in a scenario, the flash is.
    for (const r of chosen) await r.powerCycle();
    this.home.note("HOME", `recording ${this.active.join(", ")} (each was power-cycled to start from a boot)`);
    return `recording ${this.active.join(", ")}: each was power-cycled so that its recording starts from a boot`;
  }

  /** Stops and writes one scenario file per device: `file` for one device, `file` with the
   *  device's name before .json for several; default `<data>/recordings/<device>-<time>.json`. */
  stop(file?: string): { text: string; files: string[] } {
    if (!this.recording) return { text: "not recording (record start first)", files: [] };
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const files: string[] = [];
    for (const name of this.active) {
      const s = this.recorders.get(name)!.stop();
      if (!s) continue;
      const path = file === undefined ? join(this.home.o.dataDir, "recordings", `${name}-${stamp}.json`)
        : this.active.length === 1 ? file : file.replace(/(\.json)?$/, `-${name}.json`);
      mkdirSync(dirname(path), { recursive: true });
      saveScenario(path, s);
      files.push(path);
    }
    this.active = [];
    const text = files.length ? `recorded ${files.join(", ")} (npm run replay -- <file>)` : "nothing was recorded";
    this.home.note("HOME", text);
    return { text, files };
  }
}

const homeRecorders = new WeakMap<Home, HomeRecorder>();

/** The home's one recorder. */
export function recorderOf(home: Home): HomeRecorder {
  let r = homeRecorders.get(home);
  if (!r) { r = new HomeRecorder(home); homeRecorders.set(home, r); }
  return r;
}

export const RECORD_HELP = `  record start [device...]                     record a session (each device power-cycled first); record stop [file] writes a scenario per device`;

/** The console's `record` command, or undefined for any other. */
export async function recordCommand(home: Home, [who, verb, ...rest]: string[]): Promise<string | undefined> {
  if (who !== "record") return undefined;
  if (verb === "start") return recorderOf(home).start(rest);
  if (verb === "stop") {
    if (rest.length > 1) return "record stop [file]: one file name at most";
    return recorderOf(home).stop(rest[0]).text;
  }
  return "record start [device...] | record stop [file]";
}
