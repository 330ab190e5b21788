// Scenarios as JSON files (a recorded session, test/recorded/*.json): the same Scenario
// with bytes as hex and the starting flash deflated and in base64. The loader checks
// every field it reads and names the step and field that is wrong.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { BoardOutput, EventKindName, MeterSample } from "../device/types.ts";
import { EventKind } from "../device/types.ts";
import type { LoadProfile } from "../meter-model/load-profile.ts";
import { hex } from "./format.ts";
import type { Expect, Scenario, Step } from "./types.ts";

export const SCENARIO_FORMAT = "scenario/1";

/** The file: Scenario's fields, bytes as hex strings. */
export interface ScenarioFile {
  format: typeof SCENARIO_FORMAT;
  name: string;
  image: string;
  pages?: number;
  seed?: number;
  wallStartMs?: number;
  keySeed?: string;
  meter?: { profile: LoadProfile; startWh?: number[]; breakerClosed?: boolean };
  /** The flash at the first boot: raw DEFLATE of its bytes, in base64. */
  flash?: string;
  timers?: "scheduled" | "recorded";
  meterRecorded?: boolean;
  steps: StepFile[];
}

export type StepFile =
  | { boot: true; expect?: ExpectFile; label?: string; meter?: MeterSample[]; startedMs?: number }
  | { event: { kind: string | number; arg?: number; payload?: string }; expect?: ExpectFile; label?: string; meter?: MeterSample[] }
  | { advance: number; label?: string };

export interface ExpectFile {
  result?: number | null;
  outputs?: Record<string, unknown>[];
  absent?: Record<string, unknown>[];
  exact?: boolean;
}

/** The byte fields of each output kind (BoardOutput's Uint8Array fields). */
export const BYTE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  link: ["data"], mqtt_connect: ["pass"], mqtt_publish: ["payload"], wifi_join: ["ssid", "key"],
  wifi_group: ["ssid", "pass"], udp_send: ["data"],
};

const OUTPUT_KINDS = new Set(["log", "display", "gpio", "link", "timer_set", "timer_cancel", "mqtt_connect", "mqtt_subscribe",
  "mqtt_publish", "mqtt_disconnect", "wifi_join", "wifi_group", "udp_bind", "udp_send", "panic", "power_cut"]);

function outputToFile(o: Partial<BoardOutput>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v instanceof Uint8Array ? hex(v) : v;
  return r;
}

const expectToFile = (e: Expect): ExpectFile => ({
  ...(e.result !== undefined ? { result: e.result } : {}),
  ...(e.outputs ? { outputs: e.outputs.map(outputToFile) } : {}),
  ...(e.absent ? { absent: e.absent.map(outputToFile) } : {}),
  ...(e.exact ? { exact: true } : {}),
});

export function scenarioToFile(s: Scenario): ScenarioFile {
  const steps: StepFile[] = s.steps.map((st) => {
    if ("advance" in st) return { advance: st.advance, ...(st.label ? { label: st.label } : {}) };
    const extra = { ...(st.label ? { label: st.label } : {}), ...(st.meter ? { meter: st.meter.map((m) => ({ ...m })) } : {}) };
    const expect = "expect" in st && st.expect ? { expect: expectToFile(st.expect) } : {};
    if ("boot" in st) return { boot: true, ...(st.startedMs ? { startedMs: st.startedMs } : {}), ...expect, ...extra };
    const { kind, arg, payload } = st.event;
    return { event: { kind, ...(arg !== undefined ? { arg } : {}), ...(payload?.length ? { payload: hex(payload) } : {}) }, ...expect, ...extra };
  });
  return {
    format: SCENARIO_FORMAT, name: s.name, image: s.image,
    ...(s.pages !== undefined ? { pages: s.pages } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.wallStartMs !== undefined ? { wallStartMs: s.wallStartMs } : {}),
    ...(s.keySeed !== undefined ? { keySeed: s.keySeed } : {}),
    ...(s.meter ? { meter: { ...s.meter, startWh: s.meter.startWh ? [...s.meter.startWh] : undefined } } : {}),
    ...(s.flash ? { flash: deflateRawSync(s.flash).toString("base64") } : {}),
    ...(s.timers ? { timers: s.timers } : {}),
    ...(s.meterRecorded ? { meterRecorded: true } : {}),
    steps,
  };
}

/** The scenario as the file's text (one step per line, so a diff reads step by step). */
export function scenarioText(s: Scenario): string {
  const { steps, ...head } = scenarioToFile(s);
  const body = steps.map((st) => `  ${JSON.stringify(st)}`).join(",\n");
  return `${JSON.stringify(head, null, 1).replace(/\n}$/, "")},\n "steps": [\n${body}\n ]\n}\n`;
}

export function saveScenario(file: string, s: Scenario): void { writeFileSync(file, scenarioText(s)); }

// ---- Loading

class Bad extends Error {}

function bytesOf(v: unknown, where: string): Uint8Array {
  if (typeof v !== "string" || v.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(v)) throw new Bad(`${where}: not hex bytes`);
  return Uint8Array.from(Buffer.from(v, "hex"));
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

function outputFromFile(v: unknown, where: string): Partial<BoardOutput> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Bad(`${where}: not an output`);
  const o = v as Record<string, unknown>;
  if (typeof o.t !== "string" || !OUTPUT_KINDS.has(o.t)) throw new Bad(`${where}: unknown output kind ${JSON.stringify(o.t)}`);
  const bytes = BYTE_FIELDS[o.t] ?? [];
  const r: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (bytes.includes(k)) r[k] = bytesOf(x, `${where}.${k}`);
    else if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") r[k] = x;
    else throw new Bad(`${where}.${k}: not a string, number or boolean`);
  }
  return r as Partial<BoardOutput>;
}

function expectFromFile(v: unknown, where: string): Expect | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null) throw new Bad(`${where}: not an expectation`);
  const e = v as ExpectFile;
  if (e.result !== undefined && e.result !== null && !isInt(e.result)) throw new Bad(`${where}.result: not an integer or null`);
  const list = (l: unknown, name: string) => {
    if (l === undefined) return undefined;
    if (!Array.isArray(l)) throw new Bad(`${where}.${name}: not a list`);
    return l.map((o, i) => outputFromFile(o, `${where}.${name}[${i}]`));
  };
  if (e.exact !== undefined && typeof e.exact !== "boolean") throw new Bad(`${where}.exact: not true or false`);
  const outputs = list(e.outputs, "outputs"), absent = list(e.absent, "absent");
  return { ...(e.result !== undefined ? { result: e.result } : {}), ...(outputs ? { outputs } : {}), ...(absent ? { absent } : {}), ...(e.exact ? { exact: true } : {}) };
}

function samplesOf(v: unknown, where: string): MeterSample[] {
  if (!Array.isArray(v) || v.length > 16) throw new Bad(`${where}: not a list of at most 16 channels`);
  return v.map((m, c) => {
    const x = m as Record<string, unknown>;
    if (typeof x !== "object" || x === null || !isInt(x.status) || !isInt(x.powerW) || !isInt(x.energyWh)) throw new Bad(`${where}[${c}]: not {status, powerW, energyWh} integers`);
    return { status: x.status, powerW: x.powerW, energyWh: x.energyWh };
  });
}

function stepFromFile(v: unknown, i: number): Step {
  const where = `step ${i}`;
  if (typeof v !== "object" || v === null) throw new Bad(`${where}: not a step`);
  const st = v as Record<string, unknown>;
  const label = st.label === undefined ? undefined : typeof st.label === "string" ? st.label : (() => { throw new Bad(`${where}.label: not a string`); })();
  if ("advance" in st) {
    if (!isInt(st.advance) || st.advance < 0) throw new Bad(`${where}.advance: not a whole number of ms`);
    return { advance: st.advance, ...(label ? { label } : {}) };
  }
  const expect = expectFromFile(st.expect, `${where}.expect`);
  const meter = st.meter === undefined ? {} : { meter: samplesOf(st.meter, `${where}.meter`) };
  if ("boot" in st) {
    if (st.boot !== true) throw new Bad(`${where}.boot: must be true`);
    if (st.startedMs !== undefined && (!isInt(st.startedMs) || st.startedMs < 0)) throw new Bad(`${where}.startedMs: not a whole number of ms`);
    return { boot: true, ...(expect ? { expect } : {}), ...(label ? { label } : {}), ...meter, ...(st.startedMs ? { startedMs: st.startedMs } : {}) };
  }
  if ("event" in st) {
    const ev = st.event as Record<string, unknown>;
    if (typeof ev !== "object" || ev === null) throw new Bad(`${where}.event: not an event`);
    const kind = ev.kind;
    if (!(typeof kind === "string" && kind in EventKind && kind !== "FIRST" && kind !== "LAST") && !isInt(kind)) {
      throw new Bad(`${where}.event.kind: ${JSON.stringify(kind)} is no event kind`);
    }
    if (ev.arg !== undefined && !isInt(ev.arg)) throw new Bad(`${where}.event.arg: not an integer`);
    const payload = ev.payload === undefined ? undefined : bytesOf(ev.payload, `${where}.event.payload`);
    const event = { kind: kind as EventKindName | number, ...(ev.arg !== undefined ? { arg: ev.arg as number } : {}), ...(payload ? { payload } : {}) };
    return { event, ...(expect ? { expect } : {}), ...(label ? { label } : {}), ...meter };
  }
  throw new Bad(`${where}: neither boot, event nor advance`);
}

/** Reads a scenario file's text; throws an Error naming what is wrong. */
export function scenarioFromText(text: string): Scenario {
  let f: ScenarioFile;
  try { f = JSON.parse(text) as ScenarioFile; } catch (e) { throw new Error(`not JSON: ${(e as Error).message}`); }
  try {
    if (typeof f !== "object" || f === null) throw new Bad("not a scenario");
    if (f.format === undefined) throw new Bad(`not a scenario file (no "format": "${SCENARIO_FORMAT}")`);
    if (f.format !== SCENARIO_FORMAT) throw new Bad(`format ${JSON.stringify(f.format)} (expected "${SCENARIO_FORMAT}")`);
    if (typeof f.name !== "string" || typeof f.image !== "string" || !f.image) throw new Bad("name and image must be strings");
    for (const k of ["pages", "seed", "wallStartMs"] as const) if (f[k] !== undefined && !isInt(f[k])) throw new Bad(`${k}: not an integer`);
    if (f.keySeed !== undefined && typeof f.keySeed !== "string") throw new Bad("keySeed: not a string");
    if (f.timers !== undefined && f.timers !== "scheduled" && f.timers !== "recorded") throw new Bad(`timers: ${JSON.stringify(f.timers)}`);
    if (f.meterRecorded !== undefined && typeof f.meterRecorded !== "boolean") throw new Bad("meterRecorded: not true or false");
    if (f.meterRecorded && f.meter) throw new Bad("meterRecorded and meter: a scenario reads recorded samples or a load profile, not both");
    if (!Array.isArray(f.steps)) throw new Bad("steps: not a list");
    let flash: Uint8Array | undefined;
    if (f.flash !== undefined) {
      if (typeof f.flash !== "string") throw new Bad("flash: not base64");
      try { flash = Uint8Array.from(inflateRawSync(Buffer.from(f.flash, "base64"), { maxOutputLength: 16 << 20 })); } catch { throw new Bad("flash: not deflated bytes in base64"); }
    }
    return {
      name: f.name, image: f.image,
      ...(f.pages !== undefined ? { pages: f.pages } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}),
      ...(f.wallStartMs !== undefined ? { wallStartMs: f.wallStartMs } : {}), ...(f.keySeed !== undefined ? { keySeed: f.keySeed } : {}),
      ...(f.meter ? { meter: f.meter } : {}), ...(flash ? { flash } : {}), ...(f.timers ? { timers: f.timers } : {}),
      ...(f.meterRecorded ? { meterRecorded: true } : {}),
      steps: f.steps.map(stepFromFile),
    };
  } catch (e) {
    if (e instanceof Bad) throw new Error(e.message);
    throw e;
  }
}

export function loadScenario(file: string): Scenario {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  try { return scenarioFromText(readFileSync(file, "utf8")); } catch (e) { throw new Error(`${file}: ${(e as Error).message}`); }
}
