// Records one device of the live home as a scenario (host-sim/scenario/types.ts) that the
// scenario runner replays on any host: from a power-on (the flash as that power-on found
// it, its seed, the wall clock at its boot) every call into the image with its input, the
// device time since the boot, and its outputs as the expected ones, exactly. Timers fired
// on the real clock a little after they were due, so they are recorded as TIMER events at
// the time they fired (the scenario's `timers: "recorded"`); a metered device's calls carry
// what measure() read (`meterRecorded`).
import { existsSync, readFileSync } from "node:fs";
import type { HomeDevice } from "./home-device.ts";
import type { DeviceCall } from "../device/device-runner.ts";
import { EventKind, LinkId, type BoardOutput, type EventKindName } from "../device/types.ts";
import type { ButtonMap } from "../device/button-map.ts";
import type { Scenario, Step } from "../scenario/types.ts";

/** Output fields a recording leaves out of its expectations: the device's MQTT password
 *  and the Wi-Fi keys it hands the radio. A pattern that does not name a field does not
 *  check it; two hosts' replays still compare them in full. */
const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = { mqtt_connect: ["pass"], wifi_join: ["key"], wifi_group: ["pass"] };

function expected(o: BoardOutput): Partial<BoardOutput> {
  const secret = SECRET_FIELDS[o.t] ?? [];
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!secret.includes(k)) r[k] = v instanceof Uint8Array ? v.slice() : v;
  return r as Partial<BoardOutput>;
}

const kindName = (kind: number): EventKindName | number =>
  (Object.keys(EventKind) as (keyof typeof EventKind)[]).find((k) => k !== "FIRST" && k !== "LAST" && EventKind[k] === kind) as EventKindName | undefined ?? kind;

const linkName = (id: number) => (Object.keys(LinkId) as (keyof typeof LinkId)[]).find((k) => LinkId[k] === id) ?? String(id);

export class DeviceRecorder {
  private armed = false;
  private steps: Step[] | null = null;
  private flash: Uint8Array | undefined;
  private t0 = 0;
  private last = 0;
  private bootAt = 0;
  private seed = 0;
  private wallStartMs = -1;
  private readonly buttonNames: Map<number, string>;

  /** `image`: what the scenario names as its image (an image name, or a .wasm's path);
   *  default the device's own. */
  constructor(readonly name: string, readonly device: HomeDevice, buttons: ButtonMap | null = null, private readonly image = device.o.image) {
    this.buttonNames = new Map(Object.entries(buttons ?? {}).map(([n, id]) => [id, n]));
    device.onPowerOn(() => this.poweringOn());
    device.onCall((c) => this.call(c));
  }

  get recording(): boolean { return this.armed || this.steps !== null; }

  /** The recording starts at the device's next power-on (the caller power-cycles it). */
  arm(): void {
    this.armed = true;
    this.steps = null;
  }

  /** Ends the recording: the scenario, or null when the device never powered on meanwhile. */
  stop(): Scenario | null {
    const steps = this.steps;
    this.armed = false;
    this.steps = null;
    if (!steps) return null;
    const o = this.device.o;
    return {
      name: `${this.name} session`, image: this.image, pages: o.pages, seed: this.seed, wallStartMs: this.wallStartMs, keySeed: "",
      ...(this.flash ? { flash: this.flash } : {}), timers: "recorded",
      // A metered device's load model (its sun, battery, breaker, grid outages) is not
      // replayed: what measure() read at each call is.
      ...(o.meter ? { meterRecorded: true } : {}), steps,
    };
  }

  private poweringOn(): void {
    if (!this.armed) return;
    this.armed = false;
    const f = this.device.o.flashFile;
    this.flash = existsSync(f) ? Uint8Array.from(readFileSync(f)) : undefined;
    this.steps = [];
  }

  private call(c: DeviceCall): void {
    const steps = this.steps;
    if (!steps) return;
    // Times count from the first power-on. Each call is placed where the replay's board
    // clock (time since its power-on) reads what this one read: its power-on's place plus
    // the call's clock_now_ms. (Exact for a clock running at a whole speed; a fractional
    // one may round a call a millisecond off.)
    if (c.input.call === "boot") {
      const powerOnAt = c.simMs - c.time.nowMs;
      if (steps.length === 0) {
        this.t0 = powerOnAt;
        this.last = 0;
        this.seed = c.input.seed;
        this.wallStartMs = c.time.wallMs < 0 ? -1 : c.time.wallMs - c.time.nowMs;
      }
      this.bootAt = Math.max(this.last, Math.round(powerOnAt - this.t0));
    } else if (steps.length === 0) return;
    const t = Math.max(this.last, this.bootAt + c.time.nowMs);
    if (t > this.last) steps.push({ advance: t - this.last });
    this.last = t;
    const expect = { result: c.result, outputs: c.outputs.map(expected), exact: true };
    const meter = this.device.o.meter ? { meter: (c.time.meter ?? []).map((m) => ({ ...m })) } : {};
    // A board that took a few ms to start read that at fw_boot: the replay's reads the same.
    if (c.input.call === "boot") { steps.push({ boot: true, expect, label: "boot", ...meter, ...(c.time.nowMs > 0 ? { startedMs: c.time.nowMs } : {}) }); return; }
    const { kind, arg, payload } = c.input;
    steps.push({ event: { kind: kindName(kind), arg, payload: payload.slice() }, expect, label: this.label(kind, arg, payload), ...meter });
  }

  private label(kind: number, arg: number, payload: Uint8Array): string {
    if (kind === EventKind.BUTTON) return `press ${this.buttonNames.get(arg) ?? arg}`;
    if (kind === EventKind.TIMER) return `timer ${arg}`;
    if (kind === EventKind.LINK) return `${linkName(arg)} frame (${payload.length} B)`;
    if (kind === EventKind.UDP) return `UDP from ${[24, 16, 8, 0].map((b) => (arg >>> b) & 0xff).join(".")} (${Math.max(0, payload.length - 2)} B)`;
    if (kind === EventKind.MQTT_MESSAGE) return `MQTT message on ${new TextDecoder().decode(payload.subarray(0, arg))}`;
    return `${kindName(kind)} ${arg}`;
  }
}
