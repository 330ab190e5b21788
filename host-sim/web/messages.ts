// The web page's protocol: what the simulation pushes to the page over the WebSocket and
// what the page asks of it. The one contract between host-sim/web/server (Node) and
// host-sim/web/page (the browser); both import these types, nothing else crosses.
import type { HostName } from "../device/power-on.ts";

/** What carried a message in the home (the flow's protocol filter). */
export type FlowProtocol = "LAN" | "NFC" | "BLE" | "WFD" | "WLAN" | "UDP" | "MQTT" | "HTTP" | "HOME";

/** One message of the flow, drawn as an arrow from one actor's lane to another's. */
export interface FlowMessage {
  /** Increasing, unique in one run of the home. */
  id: number;
  /** Home time (UTC ms) when it happened. */
  t: number;
  protocol: FlowProtocol;
  /** Actors: "alice", "bob", "heater", "printer", "meter", "pcs", "lock", "cloud",
   *  "broker", "router", "hems", "booking", "owner", "worker", "home" (a note). */
  from: string;
  to: string;
  /** One line: the message's name and outcome ("HELLO (31 B)", "POST /api/sessions -> 201"). */
  summary: string;
  /** Decoded fields, for the click-through; every secret already masked as "•••". */
  fields?: Record<string, string>;
  /** A refusal or error: the page colours it and collapses identical repeats. */
  error?: boolean;
  /** Identical errors in a row collapse into one message: how many it stands for. */
  count?: number;
}

export type LogLevel = "error" | "warn" | "info" | "debug";

/** One line of a device's firmware console (the board ABI's log, and panics). */
export interface ConsoleLine {
  device: string;
  /** Increasing per device. */
  seq: number;
  /** Device time: ms since the simulation started (the device's own clock). */
  simMs: number;
  level: LogLevel;
  text: string;
  /** The image aborted: its message and where (AssemblyScript's abort file and line). */
  panic?: { message: string; file?: string; line?: number };
}

/** One record of a device's flash, as the flash view lists it. */
export interface FlashRecordView {
  key: number;
  /** The record's name from its module's keyspace ("wifi.ssid"), or its hex id. */
  name: string;
  /** The module that owns its key range. */
  owner: string;
  /** What its value is ("string", "u32", "sealed", "bytes"...). */
  type: string;
  /** Its reset class (what an erase of the user's data or a factory reset does to it). */
  resetClass: string;
  size: number;
  /** The value shown: text or hex, or "•••" for a secret (never its bytes). */
  value: string;
  secret: boolean;
  state: "live" | "scrubbed" | "bad-crc";
}

export interface FlashPageView { index: number; eraseCount: number; usedBytes: number; sizeBytes: number }

export interface FlashView { device: string; pages: FlashPageView[]; records: FlashRecordView[] }

/** An appliance's panel: what a person sees of and does at the appliance itself. */
export interface PanelView {
  device: string;
  title: string;
  image: string;
  host: HostName;
  power: "on" | "off";
  screen: string;
  /** Its buttons (the appliance's declared button map) and their keyboard shortcuts. */
  buttons: { name: string; id: number; key?: string }[];
  /** Output pins it drives (relay, LEDs, actuators) and input pins it reads; an input the
   *  home can change has the console command that flips it (the lock's door sensor). */
  pins: { pin: number; name: string; level: number; dir: "out" | "in"; command?: string }[];
  /** Link and cloud state in a few words ("HomeNet", "MQTT connected", "not installed"). */
  links: { name: string; state: string }[];
}

/** A phone: its screen and the actions its user can take (each a console command). */
export interface PhoneView {
  name: string;
  screen: string;
  atHome: boolean;
  actions: { label: string; command: string }[];
}

/** A plot's series: x home time (UTC ms), y in the series' unit. */
export interface SeriesView { name: string; unit: string; x: number[]; y: number[] }

export interface ClockView { speed: number; paused: boolean; homeMs: number; brokerUp: boolean; cloudUp: boolean; recording: boolean }

/** Simulation -> page. A page that connects first gets every feed's `initial()`. */
export type ServerMessage =
  | { t: "panel"; panel: PanelView }
  | { t: "phone"; phone: PhoneView }
  | { t: "flow"; message: FlowMessage }
  | { t: "console"; lines: ConsoleLine[] }
  | { t: "flash"; view: FlashView }
  | { t: "series"; series: SeriesView }
  | { t: "clock"; clock: ClockView }
  | { t: "reply"; id: number; text: string; error?: boolean };

/** Page -> simulation. Every action answers with a `reply` carrying its id. */
export type ClientMessage =
  | { t: "command"; id: number; line: string }
  | { t: "press"; id: number; device: string; button: string }
  | { t: "power"; id: number; device: string }
  | { t: "clock"; id: number; speed?: number; paused?: boolean; step?: boolean }
  | { t: "outage"; id: number; part: "broker" | "cloud"; up: boolean }
  | { t: "console"; id: number; device: string }
  | { t: "flash"; id: number; device: string }
  | { t: "record"; id: number; on: boolean };

export interface Reply { text: string; error?: boolean }

/** Distributes Omit over a union (each action without its id). */
export type WithoutId<M> = M extends unknown ? Omit<M, "id"> : never;

// ---- Server side (Node): host-sim/web/feeds/*.ts, listed in host-sim/web/feeds/index.ts.

/** One feed of the page (panels, phones, clock, series, flow, console, flash, recorder),
 *  attached to the running home. */
export interface Feed {
  /** Starts pushing: `push` sends a message to every connected page. Called once. */
  attach(push: (m: ServerMessage) => void): void;
  /** What a page that connects now gets first. */
  initial(): ServerMessage[];
  /** Answers an action this feed owns; undefined when the action is not its own. */
  handle?(m: ClientMessage): Promise<Reply | undefined>;
  /** The home is stopping. */
  close?(): void;
}

// ---- Page side (browser): host-sim/web/page/views/*.ts, listed in host-sim/web/page/views.ts.

/** How a view talks to the simulation (host-sim/web/page/connection.ts). */
export interface PageConnection {
  /** Sends an action; resolves with its reply. */
  request(m: WithoutId<ClientMessage>): Promise<Reply>;
  /** Calls `f` with every later message of kind `t`, and with those already received. */
  on<T extends ServerMessage["t"]>(t: T, f: (m: Extract<ServerMessage, { t: T }>) => void): void;
}

/** One view of the page, mounted once into its own element (`data-view="<name>"`). */
export interface PageView { name: "panels" | "phones" | "clock" | "plots" | "flow" | "console" | "flash" | "recorder"; mount(root: HTMLElement, conn: PageConnection): void }
