// Wire shapes of the power conditioner's part of the cloud
// (firmware/images/power-conditioner/PROTOCOL.md §4, §7): the PCS's outbox entries and
// commands as the relay sees them, the typed messages between the relay and the issuers
// (the contract partners' servers and the credential operator), the message outbox, and
// the HTTPS bodies. Shared by the relay, the servers, PcsCloudClient, the home and tests.

export const PCS_APPLIANCE = "power-conditioner";

/** PROTOCOL.md's seeded parties. */
export const SUNLEASE_PPS = 0xd101, HIKARI_ENERGY = 0xd202, PCS_OPERATOR = 0xe001;

// ---------------------------------------------------------------- unique information (§1)

export const Item = { PERSONAL: 0, HISTORY: 1, SITE: 2, CAPACITIES: 3, CONNECTION: 4 } as const;
export type ItemCode = (typeof Item)[keyof typeof Item];
export type ItemName = "personal" | "history" | "site" | "capacities" | "connection";
export const ITEM_NAMES: readonly ItemName[] = ["personal", "history", "site", "capacities", "connection"];
/** An `items` byte: bit `1 << item`; every item. */
export const ALL_ITEMS = 0x1f;

/** CONNECTION's fields (§1): what a partner issues at installation or enrolment. The
 *  device key is the partner's and the PCS's secret: it goes to the installer's tool or
 *  the consumer's phone once, then into the PCS, never anywhere else. */
export interface ConnectionFields {
  partner: number;
  /** 65 bytes 0x04 ‖ X ‖ Y (P-256), hex. */
  partnerPublicKey: string;
  /** 32 bytes, hex. */
  deviceKey: string;
}

// ---------------------------------------------------------------- outbox entries (§4.1)

export type Via = "cloud" | "panel" | "ble";
export type AuthEventName = "stored" | "refused" | "match" | "mismatch" | "expired" | "used-up" | "locked";
export type RefusalReason = "malformed" | "other-device" | "unknown-issuer" | "bad-signature" | "replayed" | "no-time";

/** Three numbers: a reading's channels (PV, charge, discharge) or capacities (PV W,
 *  battery Wh, EV Wh). The only lists in a payload. */
export type Triple = [number, number, number];

/** One reporting interval's amounts. */
export interface ReadingEntry {
  seq: number; kind: "reading";
  /** The partner it is for, the one in force at the slot's last instant. */
  co: number;
  /** Per partner, from 1, never reused. */
  rseq: number;
  /** metering's quality bits (LATE 1, GAP 2, SUPPLY_OFF 4, FAULT 8). */
  q: number;
  /** The slot's end, UTC ms. */
  t: number;
  /** Wh in the slot: generated, charged, discharged. */
  pv: number; ch: number; dis: number;
  /** The registers, Wh: PV, charge, discharge. */
  e: Triple;
  /** SITE and CAPACITIES in force when it was handed. */
  site: string;
  cap: Triple;
  /** hex HMAC-SHA-256 under the device key (reading-mac.ts). */
  mac: string;
}
export interface AuthEntry {
  seq: number; kind: "auth"; event: AuthEventName;
  /** The issuer and its serial; 0, 0 for the maintenance credential. */
  issuer: number; serial: number;
  via: Via;
  reason?: RefusalReason;
}
export interface ChangeEntry {
  seq: number; kind: "change"; item: ItemName; op: "set" | "delete";
  /** `D101:7` (issuer hex : serial) or `maintenance`. */
  by: string;
  via: Via;
  /** SITE set: the new site id. */
  site?: string;
  /** CAPACITIES set: the new capacities. */
  cap?: Triple;
  /** CONNECTION set: the new partner. */
  to?: number;
}
export interface TamperEntry { seq: number; kind: "tamper"; item: ItemName }
export type PcsHistoryEntry = ReadingEntry | AuthEntry | ChangeEntry | TamperEntry;

/** up/state (§4). */
export interface PcsState {
  installed: 0 | 1; partner: number; pv: number; charge: number; discharge: number; tamper: number; auth: 0 | 1;
}

// ---------------------------------------------------------------- commands (§4.2)

/** What an issuer asks the PCS; the relay adds `cmd`. */
export interface AuthCommand { auth: string }
/** Reply statuses of an `auth` command. */
export const AuthStatus = { STORED: 0, STATE: -3, AUTH: -6, MALFORMED: -10 } as const;

// ---------------------------------------------------------------- relay ↔ issuers

/** Every message the relay hands an issuer. `ref` names its source (the registration and
 *  outbox seq, or the command), the same on every redelivery: an issuer stores each ref
 *  once. `pcs` is the PCS's serial (its factory certificate's CN, never a payload field). */
interface Delivery { ref: string; pcs: string }
export interface ReadingDelivery extends Delivery, Omit<ReadingEntry, "seq" | "kind"> { kind: "reading" }
export interface AuthDelivery extends Delivery, Omit<AuthEntry, "seq" | "kind"> { kind: "auth" }
export interface ChangeDelivery extends Delivery, Omit<ChangeEntry, "seq" | "kind"> { kind: "change" }
export interface TamperDelivery extends Delivery { kind: "tamper"; item: ItemName }
/** The PCS's reply to an `auth` command this issuer made. */
export interface ResultDelivery extends Delivery { kind: "result"; device: string; cmd: number; status: number }
export type IssuerDelivery = ReadingDelivery | AuthDelivery | ChangeDelivery | TamperDelivery | ResultDelivery;

/** A command the relay sent for an issuer. */
export interface CommandRef { device: string; cmd: number }

/** The relay as an issuer sees it: bound to the issuer's configured code when the relay
 *  started, so an issuer speaks only for itself. */
export interface RelayPort {
  /** Sends authentication information (the §2.1 bytes) to the PCS `pcs` (serial);
   *  undefined when the cloud has no current registration of it. */
  sendAuth(pcs: string, blob: Uint8Array): CommandRef | undefined;
}

/** What the relay needs of an issuer. `receive` commits in the issuer's own database
 *  before it returns and throws when it could not: the relay's transaction then rolls
 *  back, nothing is acknowledged, and the PCS sends the entry again. */
export interface IssuerEndpoint {
  readonly code: number;
  readonly name: string;
  attach(port: RelayPort): void;
  receive(message: IssuerDelivery): void;
}

// ---------------------------------------------------------------- issuers' records

/** Someone an issuer may send a credential to: an e-mail address or an SMS number, and
 *  the cloud user who reads that mailbox (the simulation's mail or SMS account). */
export interface Contact { to: string; user: string }

/** A stored reading (its MAC checked), as a partner's table row: the registers `epv ech
 *  edis`, the capacities `cpv cbat cev`. */
export interface StoredReading {
  pcs: string; rseq: number; co: number; q: number; t: number; pv: number; ch: number; dis: number;
  epv: number; ech: number; edis: number; site: string; cpv: number; cbat: number; cev: number; received: number;
}
/** A reading whose MAC did not verify under any device key this partner issued for the
 *  PCS: kept (never counted), acknowledged (the PCS would send the same bytes again). */
export interface RefusedReading { ref: string; pcs: string; rseq: number; reason: "bad-mac" | "no-key"; body: string; received: number }
export type IssuerEventKind = "auth" | "change" | "tamper";
export interface IssuerEvent { ref: string; pcs: string; kind: IssuerEventKind; fields: Record<string, string | number | number[]>; received: number }
/** made: the command is queued; then the PCS's reply: stored (0), refused (-6), malformed
 *  (-10), no-time (-3), or failed (another status); unsent: the cloud had no registration
 *  of the PCS (no credential went out). */
export type AuthRequestState = "made" | "stored" | "refused" | "malformed" | "no-time" | "failed" | "unsent";
export interface AuthRequestRecord {
  id: number; pcs: string; authSerial: number; items: number; to: string; by: string;
  state: AuthRequestState; status: number | null; device: string; cmd: number; created: number; updated: number;
}

// ---------------------------------------------------------------- the message outbox

/** One e-mail or SMS the servers sent (the only place a credential is ever written). */
export interface Message {
  n: number;
  channel: "email" | "sms";
  to: string;
  /** The sender's name and code, e.g. "Sunlease PPS (D101)". */
  from: string;
  text: string;
  /** Cloud clock, ms. */
  time: number;
}

// ---------------------------------------------------------------- HTTPS (§7)

/** POST /api/pcs/installations, by the partner's installer, a member of the registration
 *  it made for the PCS (POST /api/registrations, appliance "power-conditioner"). */
export interface InstallationRequest {
  deviceId: string;
  partner: number;
  /** The residents the partner sends credentials to (1..4). */
  contacts: Contact[];
}
/** 201: the CONNECTION the installer writes into INSTALL. */
export interface InstallationResponse extends ConnectionFields { deviceId: string; serial: string }

/** POST /api/pcs/<serial>/auth-requests: the caller asks `issuer` for authentication
 *  information to be sent to the PCS, and its credential to `to`, an address the issuer
 *  has on file for that PCS whose mailbox is the caller's. The optional limits ask for
 *  less than the PCS's defaults (0 or absent: the default). */
export interface AuthRequestBody { issuer: number; items: number; to: string; lifetimeS?: number; uses?: number; failures?: number }
/** 202: the request as the issuer recorded it; the credential is in the message outbox. */
export interface AuthRequestResponse { issuer: number; request: number; authSerial: number; cmd: number }

/** GET /api/pcs/messages?to=<address>: the caller's mailbox, oldest first. */
export type MessagesResponse = Message[];

/** POST /api/pcs/partners/<code>/enrolments: the consumer enrols the PCS with a new
 *  partner (ownership passes, use case 2); the caller becomes its contact at `to`. */
export interface EnrolmentRequest { serial: string; to: string }
/** 201: the new CONNECTION, which the consumer writes into the PCS under a grant. */
export interface EnrolmentResponse extends ConnectionFields { serial: string }

/** GET /api/pcs/<serial>/readings?partner=<code>: what that partner stored, by rseq. */
export type ReadingsResponse = StoredReading[];

/** POST /api/pcs/factory by the factory's account: the operator makes the PCS's
 *  maintenance credential (once per serial). */
export interface FactoryRequest { serial: string }
/** 201: `data` is MAINTENANCE's (§5 op 0x21) data in hex; `digits` go on the worker's
 *  sheet and are kept nowhere (the operator keeps the salt and verifier). */
export interface FactoryResponse { serial: string; operator: number; operatorPublicKey: string; salt: string; verifier: string; data: string; digits: string }
