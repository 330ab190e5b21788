// The maker's key server (PROTOCOL.md §1, §3, §7) on the cloud's database: the lock
// registry, the maker key (made once, kept in the database), slots held for booking
// services with overlaps refused, tickets (kept as their SHA-256 only), grants bound to one
// phone key per ticket, revocation lists by version, the time answer and the event log.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import { verifyPassword } from "../../../net/password-hash.ts";
import { rawPublicKey } from "../../power-conditioner/cloud/keys.ts";
import { grantBytes, MAX_REVOKED, revocationBytes, revocationVersion, timeBytes } from "./blobs.ts";
import { GRANT_TYPE_CODES, type GrantType, type LockEvent } from "./types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS lock_maker_key (id INTEGER PRIMARY KEY CHECK (id = 1), pem TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lock_locks (
  serial TEXT PRIMARY KEY, device_id TEXT NOT NULL, lock_ref TEXT NOT NULL UNIQUE,
  rev_version INTEGER NOT NULL DEFAULT 0, rev_held INTEGER NOT NULL DEFAULT 0, rev_sent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS lock_bookings (
  ticket_hash TEXT PRIMARY KEY, serial TEXT NOT NULL, account TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
  type INTEGER NOT NULL, timeout_s INTEGER NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,
  phone_key TEXT, grant_id INTEGER, grant BLOB);
CREATE INDEX IF NOT EXISTS lock_bookings_by_lock ON lock_bookings(serial, start);
CREATE TABLE IF NOT EXISTS lock_grants (id INTEGER PRIMARY KEY AUTOINCREMENT, serial TEXT NOT NULL, end INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lock_revoked (serial TEXT NOT NULL, grant_id INTEGER NOT NULL, end INTEGER NOT NULL, PRIMARY KEY (serial, grant_id));
CREATE TABLE IF NOT EXISTS lock_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, serial TEXT NOT NULL, device_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL,
  received INTEGER NOT NULL, UNIQUE (device_id, seq));
`;

export interface LockRow { serial: string; deviceId: string; lockRef: string }
export interface Slot { start: number; end: number; type: GrantType; timeoutS: number }
export type GrantOutcome =
  | { ok: true; grant: Buffer; grantId: number; serial: string; start: number; end: number }
  | { ok: false; status: 404 | 409 | 410; reason: string };

const hex16 = () => randomBytes(16).toString("hex");
const ticketHash = (ticket: string) => createHash("sha256").update("lock-ticket-v1").update(ticket).digest("hex");

export class KeyServer {
  readonly makerKey: KeyObject;
  /** 0x04 ‖ X ‖ Y. */
  readonly makerPublic: Buffer;

  constructor(private readonly ctx: ServiceContext) {
    ctx.db.exec(SCHEMA);
    const row = ctx.db.prepare("SELECT pem FROM lock_maker_key WHERE id = 1").get() as { pem: string } | undefined;
    if (row) this.makerKey = createPrivateKey(row.pem);
    else {
      this.makerKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
      ctx.db.prepare("INSERT INTO lock_maker_key (id, pem) VALUES (1, ?)").run(this.makerKey.export({ type: "pkcs8", format: "pem" }) as string);
    }
    this.makerPublic = rawPublicKey(this.makerKey);
  }

  isMember(deviceId: string, user: string, terminal: string): boolean {
    return this.ctx.db.prepare("SELECT 1 FROM registration_users WHERE device_id = ? AND user = ? AND terminal = ?").get(deviceId, user, terminal) !== undefined;
  }

  /** Registers (or finds) the lock of a registration; INSTALL's payload with the password
   *  the caller proved (checked against the registration's hash). */
  register(reg: Registration, password: string): { lock: LockRow; data: Buffer } | null {
    if (!verifyPassword(password, reg.passwordHash)) return null;
    const serial = reg.serial!;
    // A new registration of a lock known is the lock after a factory reset: it holds no
    // list any more, so the next hello sends the current one.
    this.ctx.db.prepare(`INSERT INTO lock_locks (serial, device_id, lock_ref) VALUES (?, ?, ?)
      ON CONFLICT (serial) DO UPDATE SET device_id = excluded.device_id,
        rev_held = CASE WHEN device_id = excluded.device_id THEN rev_held ELSE 0 END,
        rev_sent = CASE WHEN device_id = excluded.device_id THEN rev_sent ELSE 0 END`).run(serial, reg.deviceId, hex16());
    const id = Buffer.from(reg.deviceId, "latin1"), pw = Buffer.from(password, "utf8");
    if (id.length > 255 || pw.length > 255) return null;
    const data = Buffer.concat([Buffer.from([id.length]), id, Buffer.from([pw.length]), pw, this.makerPublic]);
    return { lock: this.lockBySerial(serial)!, data };
  }

  lockBySerial(serial: string): LockRow | undefined {
    return this.ctx.db.prepare("SELECT serial, device_id AS deviceId, lock_ref AS lockRef FROM lock_locks WHERE serial = ?").get(serial) as LockRow | undefined;
  }
  lockByRef(ref: string): LockRow | undefined {
    return this.ctx.db.prepare("SELECT serial, device_id AS deviceId, lock_ref AS lockRef FROM lock_locks WHERE lock_ref = ?").get(ref) as LockRow | undefined;
  }

  /** Holds a slot for a booking service's account; null when it overlaps one held (a
   *  cancelled booking holds nothing; touching ends do not overlap: start ≤ now < end). */
  hold(lock: LockRow, account: string, slot: Slot): string | null {
    const ticket = hex16();
    return this.ctx.db.transaction(() => {
      const clash = this.ctx.db.prepare("SELECT 1 FROM lock_bookings WHERE serial = ? AND cancelled = 0 AND start < ? AND end > ?").get(lock.serial, slot.end, slot.start);
      if (clash) return null;
      this.ctx.db.prepare("INSERT INTO lock_bookings (ticket_hash, serial, account, start, end, type, timeout_s) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(ticketHash(ticket), lock.serial, account, slot.start, slot.end, GRANT_TYPE_CODES[slot.type], slot.timeoutS);
      return ticket;
    })();
  }

  /** The grant of a ticket for `phoneKey`: made on the first call, the same bytes again for
   *  the same key, refused for another key. */
  grant(ticket: string, phoneKey: Buffer): GrantOutcome {
    return this.ctx.db.transaction((): GrantOutcome => {
      const b = this.ctx.db.prepare("SELECT * FROM lock_bookings WHERE ticket_hash = ?").get(ticketHash(ticket)) as BookingRow | undefined;
      if (!b) return { ok: false, status: 404, reason: "no such ticket" };
      if (b.cancelled) return { ok: false, status: 410, reason: "the booking was cancelled" };
      const key = phoneKey.toString("hex");
      if (b.phone_key !== null && b.phone_key !== key) return { ok: false, status: 409, reason: "the ticket is bound to another phone key" };
      if (b.grant_id !== null && b.grant !== null) return { ok: true, grant: b.grant, grantId: b.grant_id, serial: b.serial, start: b.start, end: b.end };
      const id = Number(this.ctx.db.prepare("INSERT INTO lock_grants (serial, end) VALUES (?, ?)").run(b.serial, b.end).lastInsertRowid);
      const grant = grantBytes(this.makerKey, { grantId: id, serial: b.serial, type: b.type, timeoutS: b.timeout_s, schedules: [{ start: b.start, end: b.end }], phoneKey });
      // Kept, so that the same phone asking again gets the very same bytes.
      this.ctx.db.prepare("UPDATE lock_bookings SET phone_key = ?, grant_id = ?, grant = ? WHERE ticket_hash = ?").run(key, id, grant, b.ticket_hash);
      return { ok: true, grant, grantId: id, serial: b.serial, start: b.start, end: b.end };
    })();
  }

  /** Cancels a booking of `account`: its slot is free again and its grant revoked. */
  cancel(ticket: string, account: string): "ok" | "none" | "gone" {
    const b = this.ctx.db.prepare("SELECT * FROM lock_bookings WHERE ticket_hash = ? AND account = ?").get(ticketHash(ticket), account) as BookingRow | undefined;
    if (!b) return "none";
    if (b.cancelled) return "gone";
    this.ctx.db.prepare("UPDATE lock_bookings SET cancelled = 1 WHERE ticket_hash = ?").run(b.ticket_hash);
    if (b.grant_id !== null) this.revoke(b.serial, b.grant_id);
    return "ok";
  }

  grantOf(serial: string, grantId: number): { end: number } | undefined {
    return this.ctx.db.prepare("SELECT end FROM lock_grants WHERE id = ? AND serial = ?").get(grantId, serial) as { end: number } | undefined;
  }

  /** Adds a grant to the lock's list, raises the version and sends the list at once.
   *  Grants whose schedules are all over leave the list (the lock refuses them anyway).
   *  Returns the new version; -1 when the list would pass 32. */
  revoke(serial: string, grantId: number): number {
    const now = this.ctx.now();
    const grant = this.grantOf(serial, grantId);
    if (!grant) return -1;
    const version = this.ctx.db.transaction(() => {
      this.ctx.db.prepare("DELETE FROM lock_revoked WHERE serial = ? AND end <= ?").run(serial, now);
      // A grant whose slot is over is refused by the lock anyway (outside-schedule).
      if (grant.end > now) this.ctx.db.prepare("INSERT OR IGNORE INTO lock_revoked (serial, grant_id, end) VALUES (?, ?, ?)").run(serial, grantId, grant.end);
      if (this.revoked(serial).length > MAX_REVOKED) throw new ListFull();
      this.ctx.db.prepare("UPDATE lock_locks SET rev_version = rev_version + 1 WHERE serial = ?").run(serial);
      return (this.ctx.db.prepare("SELECT rev_version AS v FROM lock_locks WHERE serial = ?").get(serial) as { v: number }).v;
    });
    let v: number;
    try { v = version(); } catch (e) { if (e instanceof ListFull) return -1; throw e; }
    this.push(serial);
    return v;
  }

  revoked(serial: string): number[] {
    return (this.ctx.db.prepare("SELECT grant_id AS id FROM lock_revoked WHERE serial = ? ORDER BY grant_id").all(serial) as { id: number }[]).map((r) => r.id);
  }

  /** The lock's current list version (0: none made). */
  revocationVersion(serial: string): number {
    return (this.ctx.db.prepare("SELECT rev_version AS v FROM lock_locks WHERE serial = ?").get(serial) as { v: number } | undefined)?.v ?? 0;
  }

  /** Sends the current list as a `revocations` command. */
  private push(serial: string): void {
    const lock = this.ctx.db.prepare("SELECT device_id AS deviceId, rev_version AS v FROM lock_locks WHERE serial = ?").get(serial) as { deviceId: string; v: number } | undefined;
    if (!lock || lock.v === 0) return;
    const blob = revocationBytes(this.makerKey, serial, lock.v, this.revoked(serial));
    this.ctx.db.prepare("UPDATE lock_locks SET rev_sent = ? WHERE serial = ?").run(lock.v, serial);
    this.ctx.sendCommand(lock.deviceId, { revocations: blob.toString("base64") });
  }

  /** After a lock's hello: behind and no command of the current list under way (the cloud
   *  sends unanswered ones again itself) → the list goes down. */
  onHello(reg: Registration): void {
    const row = this.ctx.db.prepare("SELECT serial, rev_version AS v, rev_held AS held, rev_sent AS sent FROM lock_locks WHERE device_id = ?").get(reg.deviceId) as
      { serial: string; v: number; held: number; sent: number } | undefined;
    if (row && row.held < row.v && row.sent < row.v) this.push(row.serial);
  }

  /** The lock's answer to a `revocations` command: 0 stored, -3 it holds one as high. */
  onReply(reg: Registration, status: number, sent: Record<string, unknown> | undefined): void {
    if (typeof sent?.revocations !== "string" || (status !== 0 && status !== -3)) return;
    const v = revocationVersion(Buffer.from(sent.revocations, "base64"));
    if (v > 0) this.ctx.db.prepare("UPDATE lock_locks SET rev_held = max(rev_held, ?) WHERE device_id = ?").run(v, reg.deviceId);
    // A list refused for another reason leaves rev_sent as it was: the next hello does not
    // send it again (it would be refused again); the next revocation sends a new one.
  }

  /** §3.1: the time answer for the lock's nonce. */
  answerTime(reg: Registration, nonce: Buffer): void {
    const blob = timeBytes(this.makerKey, reg.serial!, nonce, this.ctx.now());
    this.ctx.sendCommand(reg.deviceId, { time: blob.toString("base64") });
  }

  /** §3.2: each entry once per (lock, seq); a lock's outbox is its registration's (a
   *  factory reset starts a new registration and a new sequence). */
  storeEvent(reg: Registration, e: LockEvent): void {
    this.ctx.db.prepare("INSERT OR IGNORE INTO lock_events (serial, device_id, seq, body, received) VALUES (?, ?, ?, ?, ?)")
      .run(reg.serial ?? reg.deviceId, reg.deviceId, e.seq, JSON.stringify(e), this.ctx.now());
  }

  /** The lock's event log: by registration in the order they came, each by seq. */
  events(serial: string): LockEvent[] {
    return (this.ctx.db.prepare(`SELECT body FROM lock_events e WHERE serial = ?
      ORDER BY (SELECT min(id) FROM lock_events f WHERE f.device_id = e.device_id), seq`).all(serial) as { body: string }[]).map((r) => JSON.parse(r.body) as LockEvent);
  }

}

class ListFull extends Error {}

interface BookingRow {
  ticket_hash: string; serial: string; account: string; start: number; end: number; type: number; timeout_s: number;
  cancelled: number; phone_key: string | null; grant_id: number | null; grant: Buffer | null;
}
