// What the cloud needs from one kind of appliance. Registration, the outbox, history,
// state and retirement (PROTOCOL.md §2, §3) are the same for every appliance and live in
// the generic cloud; what differs (the commands a phone may send, extra uplink messages,
// outbox entries of the appliance's own kinds, its own HTTPS routes and tables) each
// appliance folder (host-sim/appliances/<name>/) brings as a CloudService. One cloud
// serves several appliances: a registration names its appliance, and every message of
// that registration goes to that appliance's service.
import type { Route } from "./http-server.ts";
import type { Db } from "./schema.ts";
import type { Registration } from "./store.ts";
import type { Checked } from "./validate.ts";
import type { CommandFields, FlatPayload } from "./types.ts";

export interface CloudService {
  /** The appliance's name in the registry (host-sim/appliances/index.ts); what
   *  POST /api/registrations names in `"appliance"`. */
  appliance: string;
  /** Checks the body of POST /api/devices/<id>/commands. What it returns goes down to the
   *  device as the command's fields, after `cmd`; a reason is answered with 400. Absent:
   *  phones send this appliance no commands through that route (400). */
  checkCommand?(body: unknown): Checked<CommandFields>;
  /** Payload fields whose values are secrets (tokens): never put in the event log, and
   *  blanked in a stored command once the device has replied to it (it is not sent again). */
  secretFields?: readonly string[];
  /** How long an unanswered command of this appliance is sent again after each hello;
   *  default the cloud's (10 minutes). Infinity: until replied. */
  commandTtlMs?: number;
  /** Called once when the cloud starts: the service makes its tables and returns what it
   *  adds to the generic cloud. */
  start?(ctx: ServiceContext): ServiceHooks;
}

/** What the generic cloud lends a service. */
export interface ServiceContext {
  /** The cloud's database: a service adds its own tables (CREATE TABLE IF NOT EXISTS). */
  db: Db;
  /** The cloud's clock (ms). */
  now(): number;
  /** A line in the cloud's log (never a secret). */
  log(message: string): void;
  registration(deviceId: string): Registration | undefined;
  /** Numbers, stores and publishes a command to the device (at most once at the device,
   *  sent again after its hellos until replied or expired). Returns its number. Inside a
   *  database transaction the command is stored with it, but published at once: call it
   *  last, when nothing after it can fail. */
  sendCommand(deviceId: string, fields: CommandFields): number;
  /** The registration's state as the device last published it (up/state). */
  state(deviceId: string): FlatPayload | undefined;
  /** Adds a row to the registration's generic history (GET /api/devices/<id>/history). */
  addHistory(deviceId: string, n: number, event: string, value: number, t: number): void;
}

/** What a service adds to the generic cloud. Every handler gets a current registration of
 *  this service's appliance (the generic cloud checked the topic, the broker the login). */
export interface ServiceHooks {
  /** Live uplink messages devices/<id>/up/<kind> beyond the generic ones. */
  uplinks?: Readonly<Record<string, (reg: Registration, payload: FlatPayload) => void>>;
  /** Outbox entries on up/history that carry `"kind"`: applied in the outbox's transaction,
   *  in order of seq. Returns a reason when the entry is malformed (it is skipped: it keeps
   *  its place in the sequence, as a malformed generic entry does). */
  history?: Readonly<Record<string, (reg: Registration, entry: FlatPayload & { seq: number }) => string | null>>;
  /** After a verified hello, its acknowledgement and the resent commands. */
  onHello?(reg: Registration): void;
  /** The device's first reply to command `cmd`, in the outbox's transaction; `sent` is
   *  the command as it was published (secrets included: it is blanked after this call). */
  onReply?(reg: Registration, cmd: number, status: number, sent: FlatPayload | undefined): void;
  /** HTTPS routes of this appliance. */
  routes?: Route[];
}
