// What the flow shows of each kind of message, made at its source: who sent it to whom,
// its name and outcome, and its decoded fields with every secret masked. Never a key, a
// password, a token or a frame's bytes.
import { flowNote, type FlowDraft } from "./flow.ts";
import type { FlowProtocol } from "../web/messages.ts";
import type { RadioFlow } from "../radio/index.ts";

/** What a secret's value is shown as. */
export const MASK = "•••";

/** Field names that hold secrets whatever the appliance: passwords, keys, tokens, grants,
 *  codes, seals. Each cloud service adds the names it declares (CloudService.secretFields). */
const SECRET_NAME = /pass(word)?|secret|token|key|grant|code|seal|auth|cred/i;
/** ...but not what only names or identifies one (a grant's id, a public key). */
const NOT_SECRET = /(^|_)ids?$|[a-z]Ids?$|public/i;
/** What the cloud leaves where it blanked a secret (host-sim/cloud/services.ts). */
const CLOUD_REDACTED = "<redacted>";

export class SecretFields {
  private readonly declared = new Set<string>();
  constructor(names: Iterable<string> = []) { this.add(names); }
  add(names: Iterable<string>): void { for (const n of names) this.declared.add(n); }
  has(name: string): boolean { return this.declared.has(name) || (SECRET_NAME.test(name) && !NOT_SECRET.test(name)); }
}

/** A JSON payload's fields, flattened ("a.b"), secrets masked; null when it is not JSON. */
export function decodeJson(text: string, secrets: SecretFields): { fields: Record<string, string>; masked: string } | null {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return null; }
  if (typeof v !== "object" || v === null) return null;
  const fields: Record<string, string> = {};
  const masked = maskValue(v, "", secrets, fields);
  return { fields, masked: JSON.stringify(masked) };
}

function maskValue(v: unknown, path: string, secrets: SecretFields, out: Record<string, string>): unknown {
  if (Array.isArray(v)) {
    // Lists are shown whole (a field per item would flood the click-through).
    const items = v.map((x, i) => maskValue(x, `${path}[${i}]`, secrets, {}));
    if (path) out[path] = JSON.stringify(items);
    return items;
  }
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (secrets.has(k) || x === CLOUD_REDACTED) { o[k] = MASK; out[p] = MASK; } else o[k] = maskValue(x, p, secrets, out);
    }
    return o;
  }
  if (path) out[path] = String(v);
  return v;
}

/** A publish on its way: device -> broker, broker -> cloud, cloud -> broker. */
export function mqttPublish(from: string, to: string, topic: string, payload: string | Uint8Array, secrets: SecretFields): FlowDraft {
  const text = typeof payload === "string" ? payload : Buffer.from(payload).toString();
  const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const json = decodeJson(text, secrets);
  return {
    protocol: "MQTT", from, to,
    summary: `${topic} ${json ? json.masked : `(${bytes} B)`}`,
    fields: { topic, bytes: String(bytes), ...(json?.fields ?? {}) },
  };
}

/** A device logs in at the broker (its password never shown). */
export function mqttConnect(device: string, client: string, note = ""): FlowDraft {
  return { protocol: "MQTT", from: device, to: "broker", summary: `CONNECT as ${client}${note}`, fields: { client, password: MASK } };
}

/** A request to the cloud's HTTPS API and its status. */
export function httpRequest(e: { method: string; path: string; status: number; user?: string; terminal?: string }, secrets: SecretFields): FlowDraft {
  const path = maskQuery(e.path, secrets);
  return {
    protocol: "HTTP", from: e.user ?? "app", to: "cloud", summary: `${e.method} ${path} -> ${e.status}`,
    fields: { method: e.method, path, status: String(e.status), ...(e.user ? { user: e.user } : {}), ...(e.terminal ? { terminal: e.terminal } : {}) },
    ...(e.status >= 400 ? { error: true } : {}),
  };
}

function maskQuery(path: string, secrets: SecretFields): string {
  const q = path.indexOf("?");
  if (q < 0) return path;
  const params = path.slice(q + 1).split("&").map((kv) => {
    const [k] = kv.split("=", 1);
    return secrets.has(k) ? `${k}=${MASK}` : kv;
  });
  return `${path.slice(0, q)}?${params.join("&")}`;
}

/** A frame on the home LAN through the router, named in its appliance's protocol. */
export function lanFrame(e: { from: string; to: string; bytes: number; type?: number; refused?: boolean }, names: Record<number, string>): FlowDraft {
  const name = frameName(e.type, names);
  return {
    protocol: "LAN", from: e.from, to: e.to, summary: `${name} (${e.bytes} B)${e.refused ? "  REFUSED by the router" : ""}`,
    fields: { frame: name, bytes: String(e.bytes), ...(e.type === undefined ? {} : { type: hex(e.type) }), ...(e.refused ? { refused: "by the router" } : {}) },
    ...(e.refused || isErrorFrame(name) ? { error: true } : {}),
  };
}

const STATION_RESULTS: Record<number, string> = { 1: "joined", 0: "left", [-6]: "wrong key", [-5]: "no such network" };

/** Radio: NFC, BLE and Wi-Fi Direct frames, a station joining the router, a group. */
export function radioMessage(f: RadioFlow, names: (f: Extract<RadioFlow, { kind: "frame" }>) => Record<number, string>): FlowDraft {
  if (f.kind === "station") {
    const result = STATION_RESULTS[f.result] ?? String(f.result);
    return {
      protocol: "WLAN", from: f.device, to: "router", summary: `joins ${f.ssid || "(leaves)"} -> ${result}`,
      fields: { ssid: f.ssid, result }, ...(f.result < 0 ? { error: true } : {}),
    };
  }
  if (f.kind === "group") {
    return { protocol: "WFD", from: f.device, to: f.device, summary: `${f.device}'s group ${f.ssid ?? "ended"}${f.ssid ? ` (${f.members} joined)` : ""}`, fields: { group: f.ssid ?? "(ended)", members: String(f.members) } };
  }
  const protocol = f.link === "WIFI_DIRECT" ? "WFD" : f.link;
  const name = f.link === "NFC" ? (f.bytes ? "NDEF" : "touch") : frameName(f.type, names(f));
  return {
    protocol, from: f.from, to: f.to, summary: `${name} (${f.bytes} B)${f.refused ? `  REFUSED: ${f.refused}` : ""}`,
    fields: { frame: name, bytes: String(f.bytes), ...(f.type === undefined ? {} : { type: hex(f.type) }), ...(f.refused ? { refused: f.refused } : {}) },
    ...(f.refused || isErrorFrame(name) ? { error: true } : {}),
  };
}

/** A UDP datagram on the home LAN (ECHONET Lite), between the named members. */
export function udpDatagram(g: { sender: string; fromPort: number; toPort: number; data: Uint8Array; reached: string[] }, fromAddr: string, toAddr: string): FlowDraft {
  // A multicast that several members took is drawn to the LAN's lane.
  const to = g.reached.length === 1 ? g.reached[0] : g.reached.length ? "lan" : "(nobody)";
  return {
    protocol: "UDP", from: g.sender, to,
    summary: `${fromAddr}:${g.fromPort} -> ${toAddr}:${g.toPort}  ${g.data.length} B${g.reached.length ? ` (to ${g.reached.join(", ")})` : " (nobody)"}`,
    fields: { from: `${fromAddr}:${g.fromPort}`, to: `${toAddr}:${g.toPort}`, bytes: String(g.data.length), reached: g.reached.join(", ") || "(nobody)" },
    ...(g.reached.length ? {} : { error: true }),
  };
}

const frameName = (type: number | undefined, names: Record<number, string>) =>
  type === undefined ? "(empty)" : names[type] ?? `0x${type.toString(16)}`;
const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;
const isErrorFrame = (name: string) => name === "ERROR" || name === "0xff";

/** A message the broker delivered to a device: the board's MQTT_MESSAGE event (its
 *  payload is topic ‖ message, arg the topic's length); null for any other call. */
export function mqttDelivered(device: string, input: { kind: number; arg: number; payload?: Uint8Array }, mqttMessageKind: number, secrets: SecretFields): FlowDraft | null {
  if (input.kind !== mqttMessageKind || !input.payload) return null;
  const topic = Buffer.from(input.payload.subarray(0, input.arg)).toString();
  return mqttPublish("broker", device, topic, input.payload.subarray(input.arg), secrets);
}

/** Words of a log line that reports a failure (it is then an error: repeats collapse). */
const FAILURE = /\b(error|refused|failed|lost|cannot|dropped|threw)\b/i;

/** A line a part of the home logged (the cloud, a device's MQTT bridge), on its lane. */
export function logLine(protocol: FlowProtocol, actor: string, text: string): FlowDraft {
  return flowNote(protocol, text, actor, FAILURE.test(text));
}
