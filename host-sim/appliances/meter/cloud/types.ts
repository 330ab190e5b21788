// Wire shapes of the meter's part of the cloud (firmware/images/meter/PROTOCOL.md §3, §4):
// the meter's outbox entries and commands as the head-end sees them, the typed messages
// between the head-end and the company servers, and the phone's HTTPS bodies. Shared by
// the head-end, the company servers, the phone's MeterCloudClient, the home and tests.

// ---------------------------------------------------------------- data types and roles

/** contract-table DataType bits: a company's scope is the set of these it may receive. */
export const DataType = { TIME: 1, POWER: 2, ENERGY: 4, HISTORY: 8 } as const;
export const ALL_TYPES = 0xf;
/** contract-table Role: 0 the electricity contract, 1 the data provision; 255 in a
 *  `security` entry: the confirming company is unknown to the meter's table. */
export const ROLE_CONTRACT = 0, ROLE_PROVISION = 1, ROLE_UNKNOWN = 255;
export type RoleCode = typeof ROLE_CONTRACT | typeof ROLE_PROVISION;
export type RoleName = "contract" | "provision";
export const roleCode = (r: RoleName): RoleCode => (r === "contract" ? ROLE_CONTRACT : ROLE_PROVISION);

/** Reading quality bits `q`. */
export const Quality = { LATE: 1, GAP: 2, SUPPLY_OFF: 4, FAULT: 8 } as const;
/** A change's switching time meaning "at once". */
export const IMMEDIATE = -1;

// ---------------------------------------------------------------- outbox entries (§3.1)

/** The fields of one reading that are in its company's scope; absent ones were not sent. */
export interface ReadingValues {
  /** TIME: the slot's end, UTC ms. */ t?: number;
  /** POWER: W at the measurement. */ w?: number;
  /** ENERGY: the register, Wh. */ wh?: number;
  /** HISTORY: Wh used in the slot (all missed slots with GAP). */ d?: number;
}
export interface ReadingEntry extends ReadingValues { seq: number; kind: "reading"; co: number; rseq: number; q: number }
export interface TableEntry {
  seq: number; kind: "table";
  version: number; contract: number; ctypes: number; provision: number; ptypes: number; pending: number; failure: number;
}
export interface EndingEntry { seq: number; kind: "ending"; co: number; role: RoleCode; at: number; id: number }
export interface SwitchedEntry { seq: number; kind: "switched"; role: RoleCode; from: number; to: number; at: number; id: number }
export interface SecurityEntry { seq: number; kind: "security"; co: number; role: number }
/** Breaker states: 0 disconnected, 1 connected, 2 ready for reconnection. */
export type BreakerState = 0 | 1 | 2;
export interface BreakerEntry { seq: number; kind: "breaker"; bseq: number; from: BreakerState; to: BreakerState; reason: number; t: number }
export type MeterHistoryEntry = ReadingEntry | TableEntry | EndingEntry | SwitchedEntry | SecurityEntry | BreakerEntry;

/** devices/<id>/up/read: the answer to a `read` command, live. */
export interface ReadPayload extends ReadingValues { cmd: number; co: number; q?: number }

// ---------------------------------------------------------------- commands (§3.2)

/** What a company asks the meter; the head-end adds `cmd` and `co` (the company's
 *  configured code, never a field the company gave). */
export interface ConfirmRequest { confirm: number }
export interface ChangeRequest { change: RoleCode; at: number; to: number; types: number }
export interface CancelRequest { cancel: number }
export interface ReadRequest { read: number }
export interface MoveOutRequest { moveout: 1 }
export type CompanyRequest = ConfirmRequest | ChangeRequest | CancelRequest | ReadRequest | MoveOutRequest;
export type MeterCommand = { cmd: number; co: number } & CompanyRequest;

/** Reply statuses. confirm: 0 MATCH, 1 MISMATCH, -3 table unreadable. change: 0 applied
 *  now, ≥ 1 the scheduled change's id, -1 bad fields, -4 full. cancel: 0, -5 not pending.
 *  read/moveout: 0, -6 not the company's role. */
export const CONFIRM_MATCH = 0, CONFIRM_MISMATCH = 1;

// ---------------------------------------------------------------- head-end ↔ company

/** Every message the head-end hands a company server. `ref` names its source (the meter's
 *  registration and outbox seq, or the command), the same on every redelivery: a company
 *  stores each ref once. `meter` is the meter's serial (its factory certificate's CN). */
interface Delivery { ref: string; meter: string }
export interface ReadingDelivery extends Delivery, ReadingValues { kind: "reading"; rseq: number; q: number }
/** S802: the company's role on this meter ends at `at` (change `id`). */
export interface EndingDelivery extends Delivery { kind: "ending"; role: RoleCode; at: number; id: number }
export interface SwitchedDelivery extends Delivery { kind: "switched"; role: RoleCode; from: number; to: number; at: number; id: number }
/** A confirmation of company `co` did not match the meter's table (role 255: unknown to it). */
export interface SecurityDelivery extends Delivery { kind: "security"; co: number; role: number }
export interface BreakerDelivery extends Delivery { kind: "breaker"; bseq: number; from: BreakerState; to: BreakerState; reason: number; t: number }
/** The meter's reply to a command this company asked for. */
export interface ResultDelivery extends Delivery { kind: "result"; device: string; cmd: number; status: number }
/** The meter's answer to this company's `read`. */
export interface ReadDelivery extends Delivery, ReadingValues { kind: "read"; device: string; cmd: number; q?: number }
export type CompanyDelivery =
  | ReadingDelivery | EndingDelivery | SwitchedDelivery | SecurityDelivery | BreakerDelivery | ResultDelivery | ReadDelivery;

/** A command the head-end relayed for a company: which registration, which number. */
export interface CommandRef { device: string; cmd: number }

/** The head-end's side as a company server sees it: bound to that company's configured
 *  code when the head-end started, so a company can speak only for itself. */
export interface HeadEndPort {
  /** Relays `request` to the meter (serial); undefined when the head-end has no current
   *  registration of that meter. */
  send(meter: string, request: CompanyRequest): CommandRef | undefined;
}

/** What the head-end needs of a company server. `receive` commits in the company's own
 *  database before it returns, and throws when it could not: the head-end then does not
 *  acknowledge the entry, and the meter sends it again. */
export interface CompanyEndpoint {
  readonly code: number;
  readonly name: string;
  readonly role: RoleName;
  /** The company's confirmation data: the types it receives. */
  readonly types: number;
  attach(port: HeadEndPort): void;
  receive(message: CompanyDelivery): void;
  /** Third embodiment (1)-(2): the customer's phone, through the head-end, asks this
   *  company to take over its role on `meter` at `at` (-1 now). */
  orderSwitch(meter: string, at: number, by?: string): number;
}

// ---------------------------------------------------------------- company queries

export interface StoredReading extends ReadingValues { meter: string; rseq: number; q: number; received: number }
export type NoticeKind = "ending" | "switched" | "security" | "breaker";
export interface CompanyNotice { meter: string; kind: NoticeKind; fields: Record<string, number>; received: number }
export type WorkflowKind = "switch" | "abolish" | "moveout" | "cancel" | "confirm" | "read";
/** ordered: sent, no reply yet; scheduled/applied: the meter stored the change;
 *  confirmed: the confirmation matched (and the change, if any, stands); switched: the
 *  meter reported the switch; refused: the meter refused a command; mismatch: the
 *  confirmation did not match (a security error); done: a one-command workflow answered 0;
 *  unsent: the meter has no current registration. */
export type WorkflowState = "ordered" | "scheduled" | "applied" | "confirmed" | "switched" | "refused" | "mismatch" | "done" | "unsent";
export interface Workflow {
  id: number; meter: string; kind: WorkflowKind; state: WorkflowState;
  /** The switching time asked for (UTC ms, -1 at once), for switch and abolish. */
  at: number | null;
  /** The meter's change id when it scheduled one (for cancel). */
  changeId: number | null;
  /** Who asked: "company", or "phone:<user>". */
  by: string;
  created: number; updated: number;
}

// ---------------------------------------------------------------- HTTPS (§4)

/** POST /api/meter/<device>/switch: the customer asks company `company` to take over. */
export interface SwitchOrderRequest { company: number; at: number }
/** 202: the company's workflow for it. */
export interface SwitchOrderResponse { company: number; workflow: number }
/** POST /api/meter/<device>/residents (by a member of the registration: the installer or
 *  the utility's operator): `user` may use the phone routes of this meter. */
export interface AddResidentRequest { user: string }
export interface AddResidentResponse { deviceId: string; user: string }
/** GET /api/meter/<device>/notices: what the customer is told (oldest first). */
export interface MeterNotice { n: number; kind: "switched" | "security" | "ending"; fields: Record<string, number>; received: number }
export type MeterNoticesResponse = MeterNotice[];
