// Shape checks for everything that arrives from outside (HTTP bodies, headers, MQTT
// payloads). Each returns a typed value or a reason; the reason goes back to the caller
// (HTTP 400) or into the log (MQTT), and never quotes a password.
import type {
  ApprovePayload, CreateRegistrationRequest, CreateUserRequest, FlatPayload,
  HelloPayload, HistoryPayload, ReplyPayload, StatePayload,
} from "./types.ts";

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const bad = <T>(error: string): Checked<T> => ({ ok: false, error });

/** 8-4-4-4-12 hex. The phone makes these with a UUID generator (S85). */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isDeviceId = (s: unknown): s is string => typeof s === "string" && UUID_RE.test(s);

/** User names: no ':' and nothing a log line could be confused by. */
const USER_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,31}$/;
export const isUserName = (s: unknown): s is string => typeof s === "string" && USER_RE.test(s);
/** Terminal ids: a name the app picks or a MAC address (the patent's example). */
const TERMINAL_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const isTerminalId = (s: unknown): s is string => typeof s === "string" && TERMINAL_RE.test(s);

/** Length in characters (code points), and no control characters. */
function textLength(s: string): number | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return null;
  return [...s].length;
}

export const USER_PASSWORD_MIN = 8, USER_PASSWORD_MAX = 128;
export const DEVICE_PASSWORD_MIN = 16, DEVICE_PASSWORD_MAX = 64;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function checkCreateUser(body: unknown): Checked<CreateUserRequest> {
  if (!isObject(body)) return bad("body must be a JSON object");
  if (typeof body.user !== "string" || !USER_RE.test(body.user)) return bad("user: 1..32 of A-Z a-z 0-9 . _ @ -");
  if (typeof body.password !== "string") return bad("password: a string");
  const n = textLength(body.password);
  if (n === null || n < USER_PASSWORD_MIN || n > USER_PASSWORD_MAX) {
    return bad(`password: ${USER_PASSWORD_MIN}..${USER_PASSWORD_MAX} characters, no control characters`);
  }
  return ok({ user: body.user, password: body.password });
}

export function checkCreateRegistration(body: unknown): Checked<CreateRegistrationRequest> {
  if (!isObject(body)) return bad("body must be a JSON object");
  if (!isDeviceId(body.deviceId)) return bad("deviceId: a UUID (8-4-4-4-12 hex)");
  if (typeof body.devicePassword !== "string") return bad("devicePassword: a string");
  const n = textLength(body.devicePassword);
  if (n === null || n < DEVICE_PASSWORD_MIN || n > DEVICE_PASSWORD_MAX) {
    return bad(`devicePassword: ${DEVICE_PASSWORD_MIN}..${DEVICE_PASSWORD_MAX} characters, no control characters`);
  }
  if (!isSerial(body.serial)) return bad("serial: the remote's serial, 1..64 of A-Z a-z 0-9 . _ - (not starting with . _ -)");
  if (body.appliance !== undefined && (typeof body.appliance !== "string" || !/^[a-z][a-z0-9-]{0,31}$/.test(body.appliance))) {
    return bad("appliance: an appliance name (a-z 0-9 -)");
  }
  return ok({
    deviceId: body.deviceId, devicePassword: body.devicePassword, serial: body.serial,
    ...(body.appliance !== undefined ? { appliance: body.appliance as string } : {}),
  });
}


// ---------------------------------------------------------------- MQTT payloads

/** PROTOCOL.md §2: payloads are flat JSON objects of at most 512 bytes. */
export const MAX_PAYLOAD_BYTES = 512;
/** The longest array a field may be: a few numbers of one reading (the power
 *  conditioner's three channels and three capacities), never a list of records. */
export const MAX_ARRAY = 8;
type Flat = FlatPayload;

const isNumberList = (x: unknown): x is number[] =>
  Array.isArray(x) && x.length >= 1 && x.length <= MAX_ARRAY && x.every((n) => typeof n === "number" && Number.isFinite(n));

export function parseFlatJson(payload: Buffer | string): Checked<Flat> {
  const bytes = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  if (bytes > MAX_PAYLOAD_BYTES) return bad(`payload over ${MAX_PAYLOAD_BYTES} bytes`);
  let v: unknown;
  try { v = JSON.parse(payload.toString()); } catch { return bad("payload is not JSON"); }
  if (!isObject(v)) return bad("payload is not a JSON object");
  for (const [k, x] of Object.entries(v)) {
    const t = typeof x;
    if (t !== "number" && t !== "string" && t !== "boolean" && !isNumberList(x)) return bad(`field ${k} is not a number, string, boolean or list of 1..${MAX_ARRAY} numbers`);
  }
  return ok(v as Flat);
}

const isInt = (v: unknown, min = -Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= min;

/** A remote's serial: what its factory certificate's CN can be (net/pki.ts). */
export function isSerial(s: unknown): s is string {
  return typeof s === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(s);
}

export function checkHello(p: Flat): Checked<HelloPayload> {
  if (!isSerial(p.serial)) return bad("hello: serial missing or malformed");
  if (p.fw !== undefined && typeof p.fw !== "string") return bad("hello: fw is not a string");
  return ok({ serial: p.serial, ...(p.fw !== undefined ? { fw: p.fw as string } : {}) });
}

export function checkState(p: Flat): Checked<StatePayload> {
  return Object.keys(p).length === 0 ? bad("state: empty") : ok(p as StatePayload);
}

export function checkHistory(p: Flat): Checked<HistoryPayload> {
  if (!isInt(p.seq, 1)) return bad("history: seq is not a positive integer");
  if (typeof p.event !== "string" || p.event.length === 0 || p.event.length > 64) return bad("history: event is not a string of 1..64");
  // Booleans are accepted as 0/1: a remote may report a switch as it holds it.
  const value = typeof p.value === "boolean" ? (p.value ? 1 : 0) : p.value;
  if (typeof value !== "number" || !Number.isFinite(value)) return bad("history: value is not a number");
  if (!isInt(p.t, -1)) return bad("history: t is not an integer >= -1");
  return ok({ seq: p.seq, event: p.event, value, t: p.t });
}

export function checkReply(p: Flat): Checked<ReplyPayload> {
  if (!isInt(p.seq, 1)) return bad("reply: seq is not a positive integer");
  if (!isInt(p.cmd, 1)) return bad("reply: cmd is not a positive integer");
  if (!isInt(p.status)) return bad("reply: status is not an integer");
  return ok({ seq: p.seq, cmd: p.cmd, status: p.status });
}

export function checkApprove(p: Flat): Checked<ApprovePayload> {
  return isTerminalId(p.terminal) ? ok({ terminal: p.terminal }) : bad("approve: terminal missing or malformed");
}
