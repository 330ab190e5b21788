// The appliances a home runs, as the page shows them: each one's device, its buttons
// (the registry's local.buttons), its named pins (boards/ABI.md), its power cut and
// restart (the home's own method) and its installation, whichever the home runs.
import type { Home } from "../../home/world.ts";
import { HEATER, HEATER_APPLIANCE } from "../../home/world.ts";
import type { HomeDevice } from "../../home/home-device.ts";
import { appliance } from "../../appliances/index.ts";
import { Pin } from "../../device/types.ts";
import { OUTPUT_PINS } from "../../home/home-image.ts";

export interface HomeAppliance {
  name: string;
  title: string;
  device: HomeDevice;
  buttons: Readonly<Record<string, number>>;
  /** The pins its image drives or reads, named in its own words (the printer and the
   *  power conditioner use none). */
  pins: { pin: number; name: string; dir: "out" | "in"; flip?: (level: number) => string }[];
  powerCycle(): Promise<void>;
  /** Its network link in a few words. */
  network(): string;
  /** Its registration, when the home knows it (undefined: not a thing it is installed for). */
  installed?(): boolean;
}

/** Every appliance the home runs, in the order the page lays them out. */
export function homeAppliances(home: Home): HomeAppliance[] {
  const air = (name: string) => () => home.air.isOnLan(name) ? "HomeNet" : "not joined";
  const out: HomeAppliance[] = [];
  // An --image home: the image's generic panel (the buttons its image declares), first.
  const image = home.image;
  if (image) out.push({
    name: image.name, title: `${image.name} (${image.serial ?? "not provisioned"})${image.buttonNote ? `: ${image.buttonNote}` : ""}`,
    device: image.device, buttons: image.buttons ?? {}, pins: [...OUTPUT_PINS], powerCycle: () => image.powerCycle(), network: air(image.name),
  });
  if (home.heater) out.push({
    name: HEATER, title: "Water heater remote", device: home.heater, buttons: HEATER_APPLIANCE.local!.buttons,
    pins: [{ pin: Pin.RELAY, name: "burner relay", dir: "out" }], powerCycle: () => home.powerCycle(), network: air(HEATER),
  });
  if (home.printer) out.push({
    name: "printer", title: "Printer", device: home.printer.device, buttons: appliance("printer").local!.buttons,
    pins: [], powerCycle: () => home.powerCyclePrinter(), network: air("printer"),
  });
  if (home.meter) out.push({
    name: "meter", title: "Smart meter", device: home.meter.device, buttons: appliance("meter").local!.buttons,
    pins: [{ pin: Pin.BREAKER, name: "breaker (1 supply on)", dir: "out" }],
    // Wired into the home LAN by its installer (UDP, ECHONET Lite).
    powerCycle: () => home.powerCycleMeter(), network: () => "home LAN (wired)", installed: () => home.meterDeviceId !== null,
  });
  if (home.pcs) out.push({
    name: "pcs", title: "Power conditioner", device: home.pcs.device, buttons: appliance("power-conditioner").local!.buttons,
    pins: [], powerCycle: () => home.powerCyclePcs(), network: air("pcs"),
    installed: () => home.pcsDeviceId !== null,
  });
  const lock = home.lock;
  if (lock) out.push({
    name: "lock", title: "Lock", device: lock.device, buttons: appliance("lock").local!.buttons,
    pins: [{ pin: Pin.LOCK_ACTUATOR, name: "bolt actuator", dir: "out" }, { pin: Pin.DOOR_SENSOR, name: "door sensor (1 open)", dir: "in", flip: (l) => `lock door ${l ? "close" : "open"}` }],
    network: () => lock.online ? "online" : "offline",
    powerCycle: () => lock.powerCycle(), installed: () => lock.deviceId !== null,
  });
  return out;
}
