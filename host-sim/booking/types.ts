// Public types of the booking service's HTTPS messages (firmware/images/lock/PROTOCOL.md §7).
// Users, locks and bookings are opaque ids of this service; the key server's lockRef and
// ticket pass through it, never a grant or a phone key.

/** POST /users (no session): a new user and its bearer token. */
export interface NewUserResponse { user: string; token: string }

/** POST /locks (the owner lists a lock it registered at the key server). */
export interface ListLockRequest { lockRef: string; name: string }
export interface ListLockResponse { lock: string }
/** GET /locks: what users can book. */
export type LocksResponse = { lock: string; name: string }[];

export type BookingGrantType = "scheduled" | "disposable" | "expiring";
/** POST /bookings (a user). UTC ms, start < end. */
export interface BookRequest { lock: string; start: number; end: number; type?: BookingGrantType; timeoutS?: number }
/** A booking as its user sees it: `ticket` is what the maker SDK presents to the key server. */
export interface Booking { booking: string; lock: string; start: number; end: number; ticket: string }
export type BookResponse = Booking;
/** GET /bookings: the caller's bookings not cancelled, by start. */
export type BookingsResponse = Booking[];

/** One request as the service received it (tests scan these). */
export interface ReceivedRequest { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: Buffer }
