// The booking service's own SQLite database: users (tokens kept as SHA-256), the locks
// listed with it (the key server's lockRef), bookings with the key server's ticket.
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import type { Booking } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS locks (id TEXT PRIMARY KEY, lock_ref TEXT NOT NULL UNIQUE, name TEXT NOT NULL, owner TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookings (
  id TEXT PRIMARY KEY, user TEXT NOT NULL, lock TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
  ticket TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0);
`;

export const opaqueId = () => randomBytes(16).toString("hex");
const tokenHash = (t: string) => createHash("sha256").update(t).digest("hex");

export interface ListedLock { id: string; lockRef: string; name: string; owner: string }
export interface StoredBooking extends Booking { user: string; cancelled: boolean }

export class BookingStore {
  readonly db: Database.Database;
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
  }
  newUser(): { user: string; token: string } {
    const user = opaqueId(), token = randomBytes(24).toString("base64url");
    this.db.prepare("INSERT INTO users (id, token_hash) VALUES (?, ?)").run(user, tokenHash(token));
    return { user, token };
  }
  userOf(token: string): string | null {
    return (this.db.prepare("SELECT id FROM users WHERE token_hash = ?").get(tokenHash(token)) as { id: string } | undefined)?.id ?? null;
  }
  listLock(lockRef: string, name: string, owner: string): string | null {
    const id = opaqueId();
    const r = this.db.prepare("INSERT OR IGNORE INTO locks (id, lock_ref, name, owner) VALUES (?, ?, ?, ?)").run(id, lockRef, name, owner);
    return r.changes === 1 ? id : null;
  }
  lock(id: string): ListedLock | undefined {
    return this.db.prepare("SELECT id, lock_ref AS lockRef, name, owner FROM locks WHERE id = ?").get(id) as ListedLock | undefined;
  }
  locks(): { lock: string; name: string }[] {
    return this.db.prepare("SELECT id AS lock, name FROM locks ORDER BY name, id").all() as { lock: string; name: string }[];
  }
  addBooking(b: Omit<StoredBooking, "cancelled">): void {
    this.db.prepare("INSERT INTO bookings (id, user, lock, start, end, ticket) VALUES (?, ?, ?, ?, ?, ?)").run(b.booking, b.user, b.lock, b.start, b.end, b.ticket);
  }
  booking(id: string): StoredBooking | undefined {
    const r = this.db.prepare("SELECT id AS booking, user, lock, start, end, ticket, cancelled FROM bookings WHERE id = ?").get(id) as (Omit<StoredBooking, "cancelled"> & { cancelled: number }) | undefined;
    return r && { ...r, cancelled: r.cancelled === 1 };
  }
  cancel(id: string): void { this.db.prepare("UPDATE bookings SET cancelled = 1 WHERE id = ?").run(id); }
  bookingsOf(user: string): Booking[] {
    return this.db.prepare("SELECT id AS booking, lock, start, end, ticket FROM bookings WHERE user = ? AND cancelled = 0 ORDER BY start, id").all(user) as Booking[];
  }
  close(): void { this.db.close(); }
}
