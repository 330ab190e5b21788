// The lock (seed 004) on the host side: its image and serial, and the owner's button of
// firmware/images/lock/PROTOCOL.md §5. Its cloud part (the maker's key server) lives in
// cloud/; the booking service in host-sim/booking/, the SDK and the booking app in
// host-sim/phone/.
import type { Appliance } from "../types.ts";
import { createLockCloud, type LockCloud } from "./cloud/index.ts";

/** The standalone cloud's (host-sim/cloud/main.ts) key server, made when first asked for.
 *  A home makes its own. */
let standalone: LockCloud | undefined;

export const LOCK_SERIAL = "LK-0001";

/** Buttons by the names the home's `press lock <button>` takes: the owner's inside. */
export const LOCK_BUTTONS: Readonly<Record<string, number>> = { owner: 0 };

/** Logical pin 5 (ABI v1.4): 1 the door is open. */
export const DOOR_SENSOR_PIN = 5;

export const lock: Appliance = {
  name: "lock",
  title: "lock",
  image: "lock",
  scenarios: {},
  get cloud() { return (standalone ??= createLockCloud()).service; },
  local: { buttons: LOCK_BUTTONS },
  serial: LOCK_SERIAL,
};
