// Types that cross the boundary between a device (whatever host runs its image) and
// the simulated world. Both hosts produce the same BoardOutput trace for the same inputs.

import { Event, Link, Pin } from "../board/abi-constants.ts";

/** Event kinds of fw_event, link ids and pins (boards/ABI.md, generated from v1.json). */
export { Event as EventKind, Link as LinkId, Pin };
export type EventKindName = Exclude<keyof typeof Event, "FIRST" | "LAST">;

/** Whether the ABI defines this fw_event kind: no host delivers any other (boards/ABI.md). */
export function isEventKind(kind: number): boolean {
  return Number.isInteger(kind) && kind >= Event.FIRST && kind <= Event.LAST;
}

/** One input to the image: fw_event(kind, arg, payload.length) with payload in the inbox. */
export interface BoardEvent {
  kind: number;
  arg: number;
  payload?: Uint8Array;
}

/** Time the controller gives the board for one call. wallMs -1 = board does not know. */
export interface BoardTime {
  nowMs: number;
  wallMs: number;
  /** (ABI v1.3) What measure() reads during this call, by channel (abi Channel): the
   *  host's load model sampled at the call's time. Absent, or a channel past its end:
   *  the board meters no such channel (E_NOTFOUND). */
  meter?: readonly MeterSample[];
}

/** One metering channel as measure() reports it: status OK (0) with the values, or the
 *  error the call returns (E_IO: the metrology front end failed; E_NOTFOUND: none). */
export interface MeterSample {
  status: number;
  /** Instantaneous power, W (signed i32). */
  powerW: number;
  /** The energy register, Wh (never decreasing; an integer below 2^53). */
  energyWh: number;
}

/** One board call with an effect on the world, in the order the image made it. */
export type BoardOutput =
  | { t: "log"; level: number; text: string }
  | { t: "display"; text: string }
  | { t: "gpio"; pin: number; level: number }
  | { t: "link"; link: number; data: Uint8Array }
  | { t: "timer_set"; id: number; delayMs: number }
  | { t: "timer_cancel"; id: number }
  | { t: "mqtt_connect"; client: string; user: string; pass: Uint8Array }
  | { t: "mqtt_subscribe"; pid: number; qos: number; topic: string }
  | { t: "mqtt_publish"; pid: number; qos: number; retain: boolean; topic: string; payload: Uint8Array }
  | { t: "mqtt_disconnect" }
  /** ABI v1.2: join the home router (empty ssid: leave it); the key is the board's
   *  business (it reaches the radio, never a log). */
  | { t: "wifi_join"; ssid: Uint8Array; key: Uint8Array }
  /** ABI v1.2: own this Wi-Fi Direct group (empty ssid: end it). */
  | { t: "wifi_group"; ssid: Uint8Array; pass: Uint8Array }
  /** ABI v1.3: receive datagrams to this port (0: stop), and to this multicast group (0: none). */
  | { t: "udp_bind"; port: number; group: number }
  /** ABI v1.3: one datagram to addr (IPv4 as an unsigned 32-bit number) and port. */
  | { t: "udp_send"; addr: number; port: number; data: Uint8Array }
  | { t: "panic"; line: number; col: number; text: string }
  | { t: "power_cut"; op: number };

/** What one fw_boot / fw_event call did. `result` is null when the call never returned
 *  (panic or power cut): the device is then down until the next boot. */
export interface CallResult {
  outputs: BoardOutput[];
  result: number | null;
}

/** How a board is brought up: one power-on. */
export interface PowerOnOptions {
  /** Path of the image (.wasm) for the TypeScript host, or the image name for posix. */
  image: string;
  /** Flash image file; created erased if missing. */
  flashFile: string;
  pages?: number;          // default 16
  seed?: bigint | number;  // random seed of this power-on, default 0
  /** Fault injection: power fails during the N-th flash operation (1-based, writes and
   *  erases counted since this power-on), after `cutKeep` bytes of it have landed. */
  cutAt?: number;
  cutKeep?: number;
  /** The board's key slots (host-sim/board/efuse.ts); default `<flashFile>.efuse`, burned
   *  from `keySeed` (default "") at the first power-on. */
  efuseFile?: string;
  keySeed?: string;
}

/** The engines a native board can run the image with: each is one executable per image,
 *  build/<engine>/<image>, speaking the device link (boards/DEVICE-LINK.md). */
export type NativeHostName = "posix" | "wamr-fast" | "wamr-classic";
/** Where an image runs: in process on V8 ("ts"), or as a native board. */
export type HostName = "ts" | NativeHostName;

/** A running board, whichever host runs it. One power-on: after a power cut or a panic,
 *  close it and power on a new one with the same flash file. */
export interface DeviceHandle {
  readonly host: HostName;
  boot(time: BoardTime): Promise<CallResult>;
  event(time: BoardTime, ev: BoardEvent): Promise<CallResult>;
  /** Flash operations (writes + erases) and erases per page since power-on. */
  flashStats(): Promise<FlashStats>;
  close(): Promise<void>;
}

/** Wear figures of one power-on, for tests of wear spread and for the bench. */
export interface FlashStats {
  ops: number;
  erasesPerPage: number[];
}
