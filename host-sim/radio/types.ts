// Public types of the home's radio model (host-sim/radio/): what a device must offer to be
// on the air, the home router's settings, and what the model reports of each exchange.
import type { DeviceCall } from "../device/runner-types.ts";
import type { BoardEvent, CallResult } from "../device/types.ts";

/** A device on the air: the simulated home's HomeDevice is one. */
export interface RadioDevice {
  readonly o: { readonly name: string };
  /** One event into the image; its outputs come back in the result. */
  deliver(ev: BoardEvent): Promise<CallResult>;
  /** Every call into the image (boot included), with the input that caused it. */
  onCall(l: (c: DeviceCall) => void): void;
}

/** How a device reaches the home network. "board": its Wi-Fi is board configuration, on
 *  the home network from power-on (the water heater, the smart plug); "image": its
 *  firmware joins the router with wifi_join (ABI v1.2, the printer). */
export type WifiSetup = "board" | "image";

/** The home router's network (WPA2-PSK). */
export interface RouterSettings {
  ssid: string;
  key: string;
}

/** The radio links a phone uses with a device. */
export type RadioLink = "NFC" | "BLE" | "WIFI_DIRECT";

/** One thing that happened on the air, for the home's view and for tests. Never carries
 *  a key, a passphrase or a frame's bytes beyond its first. */
export type RadioFlow =
  | { kind: "frame"; link: RadioLink; from: string; to: string; bytes: number; type?: number; refused?: string }
  | { kind: "station"; device: string; ssid: string; result: number }
  | { kind: "group"; device: string; ssid: string | null; members: number };

/** A phone's radio action the physical world does not allow (out of range, not in the
 *  group, already touching another device). Nothing reached a device. */
export class RadioRefused extends Error {
  constructor(readonly phone: string, readonly reason: string) { super(`${phone}: ${reason}`); }
}
