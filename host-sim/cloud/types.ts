// Wire shapes of the cloud, in one place, so the phone simulator, the home view and the
// tests type-check against the same definitions as the server (PROTOCOL.md §2 and §3).

// ---------------------------------------------------------------- HTTPS (§3)

/** POST /api/users (no authentication: this is how an account is made). */
export interface CreateUserRequest { user: string; password: string }
/** 201 answer to POST /api/users. */
export interface CreateUserResponse { user: string }

/** POST /api/sessions (no authentication: this is the login). `terminal` is the phone's
 *  terminal id; the session is bound to it and to the user. */
export interface CreateSessionRequest { user: string; password: string; terminal: string }
/** 201 answer to POST /api/sessions: send `Authorization: Bearer <token>` on every other
 *  call until `expires` (cloud clock, ms). 401 on a wrong user name or password; 429 with
 *  Retry-After (seconds) while the login limits hold the account or the source back. */
export interface CreateSessionResponse { token: string; expires: number }

/** POST /api/registrations: the phone registers the device ID and password it generated
 *  (S85/S86) and the remote's serial, as the remote sent it in the sealed HELLO_REPLY.
 *  The caller's user and terminal (from its session) become the registration's first member. The
 *  serial is a claim until the remote logs in with its factory certificate. */
export interface CreateRegistrationRequest {
  deviceId: string; devicePassword: string; serial: string;
  /** Which appliance this is (host-sim/appliances/index.ts name, e.g. "printer"). Optional:
   *  absent, the cloud's first service (the one callers before several appliances meant). */
  appliance?: string;
}
/** 201 answer to POST /api/registrations (S34: "ready for connection"). */
export interface CreateRegistrationResponse { deviceId: string; since: number }

/** 201 answer to POST /api/registrations/<id>/users (S52). No request body. */
export interface AddUserResponse { deviceId: string; user: string; terminal: string }

/** One element of GET /api/devices. `since` is when the registration was created (cloud
 *  clock, ms); `retiredAt` (an addition to PROTOCOL.md) is when a newer registration of
 *  the same remote said hello, null while current. */
export interface DeviceListEntry { deviceId: string; current: boolean; since: number; retiredAt: number | null }
export type DeviceListResponse = DeviceListEntry[];

/** GET /api/devices/<id>/state: the state object exactly as the remote last published it. */
export type StateResponse = StatePayload;

/** One element of GET /api/devices/<id>/history, oldest (lowest n) first. `n` is the
 *  remote's outbox sequence number (increasing, with gaps where replies went); an entry
 *  with event "gap" says that `value` messages were dropped on the remote (outbox full). */
export interface HistoryEntry { n: number; event: string; value: number; t: number }
export type HistoryResponse = HistoryEntry[];

/** POST /api/devices/<id>/commands: a flat JSON object the appliance's cloud service
 *  checks (cloud/service.ts); it goes down to the device as it is, after `cmd`. */
export type CommandFields = Record<string, number | string | boolean>;
/** 202 answer: the command's number, to poll with GET .../commands/<n>. */
export interface CommandAccepted { cmd: number }
/** GET /api/devices/<id>/commands/<n>: status is null until the remote has replied. */
export interface CommandStatusResponse {
  cmd: number;
  /** The remote's reply, null until it comes. */
  status: number | null;
  /** Present (true) when no reply came within the command's lifetime (10 min): it is not
   *  sent again; a reply arriving later still sets `status`. */
  expired?: boolean;
}

/** Every error answer. Never carries a secret. */
export interface ErrorResponse { error: string }

// ---------------------------------------------------------------- MQTT (§2)

/** Every MQTT payload is a flat JSON object of at most 512 bytes (PROTOCOL.md §2): numbers,
 *  strings, booleans, and short lists of numbers (at most 8: validate.ts MAX_ARRAY), no
 *  nested objects. */
export type FlatPayload = Record<string, number | string | boolean | number[]>;

/** devices/<id>/up/hello, after every connect. */
export interface HelloPayload { serial: string; fw?: string }
/** devices/<id>/up/state: a flat JSON object; the cloud stores it as sent. Its fields are
 *  the appliance's (e.g. host-sim/appliances/water-heater/settings.ts). */
export type StatePayload = Record<string, number | string | boolean>;
/** Every message of the remote's outbox carries `seq`: 1, 2, ... per registration, shared
 *  by all outbox kinds; the cloud acknowledges with AckPayload. */
export interface OutboxMessage { seq: number }
/** devices/<id>/up/history: one event; `t` is wall clock ms or -1 when the remote does
 *  not know the time. Event "gap": `value` messages were dropped (outbox full). */
export interface HistoryPayload extends OutboxMessage { event: string; value: number; t: number }
/** devices/<id>/up/reply: the remote's answer to command `cmd`; the cloud keeps the first
 *  reply to each command (a resent command already applied is answered -3 later). */
export interface ReplyPayload extends OutboxMessage { cmd: number; status: number }
/** devices/<id>/up/approve: in additional mode the remote vouches for this terminal. */
export interface ApprovePayload { terminal: string }
/** devices/<id>/up/retire: the remote is about to erase this registration (initialize or
 *  factory reset) and asks the cloud to retire it first. Empty object. */
export type RetirePayload = Record<string, never>;
/** devices/<id>/down: the answer to a retire: the registration is retired. */
export interface RetiredPayload { retired: 1 }
/** devices/<id>/down: a command to the remote: its number, then the fields the
 *  appliance's cloud service checked. */
export type CommandPayload = { cmd: number } & CommandFields;
/** devices/<id>/down: the cloud has stored every outbox message up to `ack`. Sent after
 *  every outbox message and after every hello. */
export interface AckPayload { ack: number }
/** Everything on devices/<id>/down, told apart by its key. */
export type DownPayload = CommandPayload | AckPayload | RetiredPayload;

export type UpKind = "hello" | "state" | "history" | "reply" | "approve" | "retire";
