// Public types of every message of the lock's key server (firmware/images/lock/PROTOCOL.md
// §3, §7): HTTPS bodies and answers, the lock's outbox entries and commands.

export const LOCK_APPLIANCE = "lock";
/** The booking service's account at the key server. */
export const BOOKING_ACCOUNT = "booking";

export type GrantType = "scheduled" | "disposable" | "expiring";
export const GRANT_TYPE_CODES: Readonly<Record<GrantType, number>> = { scheduled: 1, disposable: 2, expiring: 3 };

/** POST /api/lock/locks (the owner). `devicePassword`: the registration's, checked against
 *  it, so that `data` is INSTALL's payload whole (the key server never stores it). */
export interface RegisterLockRequest { deviceId: string; devicePassword: string }
export interface RegisterLockResponse {
  serial: string;
  /** Opaque (32 hex): what a booking service knows the lock by. */
  lockRef: string;
  /** INSTALL's payload (§4), hex. */
  data: string;
  /** The maker key, 0x04 ‖ X ‖ Y hex (also inside `data`). */
  makerKey: string;
}

/** POST /api/lock/bookings (the booking service's account). UTC ms, start < end. */
export interface HoldSlotRequest { lockRef: string; start: number; end: number; type?: GrantType; timeoutS?: number }
export interface HoldSlotResponse { ticket: string }

/** POST /api/lock/grants (the maker SDK; the ticket is the authority). */
export interface GrantRequest { ticket: string; phoneKey: string }
export interface GrantResponse { grant: string; grantId: number; serial: string; start: number; end: number }

/** POST /api/lock/locks/<serial>/revocations (the owner). */
export interface RevokeRequest { grantId: number }
export interface RevokeResponse { version: number }

export type AccessAction = "unlock" | "lock";
export type AccessResult = "granted" | "denied";
export const REASON_NAMES = [
  "none", "malformed", "replayed", "bad-signature", "other-lock", "not-bound", "revoked", "no-time", "no-schedule",
  "outside-schedule", "used", "expired", "locked-out", "full", "storage",
] as const;
export type ReasonName = (typeof REASON_NAMES)[number];
export type BoltState = "locked" | "unlocked";
export type BoltBy = "grant" | "owner" | "auto";
export type DoorState = "open" | "closed";

/** Outbox entries of §3.2 as the key server keeps them. */
export interface AccessEntry { seq: number; kind: "access"; grant: number; action: AccessAction; result: AccessResult; reason: ReasonName; t: number }
export interface BoltEntry { seq: number; kind: "bolt"; state: BoltState; by: BoltBy }
export interface DoorEntry { seq: number; kind: "door"; state: DoorState }
export type LockEvent = AccessEntry | BoltEntry | DoorEntry;
/** GET /api/lock/locks/<serial>/events, by seq. */
export type EventsResponse = LockEvent[];

/** The lock's up/time (§3.1). */
export interface TimeRequest { nonce: string }
/** Commands (§3.3), after `cmd`. */
export interface TimeCommand { time: string }
export interface RevocationsCommand { revocations: string }
