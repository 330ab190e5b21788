// Every query the cloud makes, as prepared statements over the schema. Methods that touch
// a registration's data take its device id and touch nothing else; membership checks
// (isMember, listFor) are the only way the API learns which ids a caller may use.
import type { Db } from "./schema.ts";
import type { DeviceListEntry, HistoryEntry, HistoryPayload, StatePayload } from "./types.ts";

export interface Registration {
  deviceId: string;
  passwordHash: string;
  /** The remote's serial, as the phone claimed it at registration; null only for
   *  registrations made before serials were claimed (they cannot log in any more). */
  serial: string | null;
  /** True once the broker accepted a login of this registration, which it does only
   *  with a certificate whose CN is `serial`: from then on the serial is the remote's. */
  serialVerified: boolean;
  created: number;
  retiredAt: number | null;
  /** Its appliance (registry name): which cloud service handles its messages. */
  appliance: string;
}

export type AddMemberResult = "added" | "already-member" | "no-approval" | "not-current";
export type HelloResult =
  | { ok: true; serial: string; retired: string[] }
  | { ok: false; reason: string };
export type ReplyResult = "set" | "unknown-cmd" | "already-replied";
/** How an outbox message was taken: applied now (with any held ones it unblocked), held
 *  after a hole, a resend of one applied already, or refused (too many held). */
export type OutboxResult = "applied" | "held" | "duplicate" | "refused";
/** Messages held after a hole, per registration: the remote sends at most 8 beyond the
 *  acknowledgement, so this is generous; more are refused and resent later. */
export const MAX_HELD = 64;

interface RegRow { device_id: string; password_hash: string; serial: string | null; serial_verified: number; created: number; retired_at: number | null; appliance: string }
const toReg = (r: RegRow): Registration => ({
  deviceId: r.device_id, passwordHash: r.password_hash, serial: r.serial, serialVerified: r.serial_verified === 1,
  created: r.created, retiredAt: r.retired_at, appliance: r.appliance,
});

export class CloudStore {
  private readonly q;

  /** `defaultAppliance`: what registrations made before schema 2 (no appliance) are:
   *  the cloud served one appliance then, its first service. */
  constructor(private readonly db: Db, defaultAppliance: string) {
    db.prepare("UPDATE registrations SET appliance = ? WHERE appliance IS NULL").run(defaultAppliance);
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      insertUser: p("INSERT OR IGNORE INTO users (user, password_hash, created) VALUES (?, ?, ?)"),
      userHash: p("SELECT password_hash AS h FROM users WHERE user = ?"),
      noteTerminal: p("INSERT OR IGNORE INTO terminals (user, terminal, first_seen) VALUES (?, ?, ?)"),

      reg: p("SELECT * FROM registrations WHERE device_id = ?"),
      allRegs: p("SELECT * FROM registrations ORDER BY created, device_id"),
      insertReg: p("INSERT OR IGNORE INTO registrations (device_id, password_hash, serial, created, retired_at, appliance) VALUES (?, ?, ?, ?, NULL, ?)"),
      insertMember: p("INSERT OR IGNORE INTO registration_users (device_id, user, terminal, added) VALUES (?, ?, ?, ?)"),
      isMember: p("SELECT 1 FROM registration_users WHERE device_id = ? AND user = ? AND terminal = ?"),
      listFor: p(`SELECT r.device_id, r.created, r.retired_at FROM registrations r
                  JOIN registration_users m ON m.device_id = r.device_id
                  WHERE m.user = ? AND m.terminal = ? ORDER BY r.created, r.device_id`),
      verifySerial: p("UPDATE registrations SET serial_verified = 1 WHERE device_id = ?"),
      olderSameSerialCurrent: p(`SELECT device_id FROM registrations
                                 WHERE serial = ? AND device_id <> ? AND created <= ? AND retired_at IS NULL`),
      retire: p("UPDATE registrations SET retired_at = ? WHERE device_id = ? AND retired_at IS NULL"),
      dropApprovals: p("DELETE FROM approvals WHERE device_id = ?"),

      putApproval: p("INSERT OR REPLACE INTO approvals (device_id, terminal, expires) VALUES (?, ?, ?)"),
      takeApproval: p("DELETE FROM approvals WHERE device_id = ? AND terminal = ? AND expires > ?"),
      dropExpired: p("DELETE FROM approvals WHERE expires <= ?"),

      putState: p("INSERT OR REPLACE INTO states (device_id, json, updated) VALUES (?, ?, ?)"),
      getState: p("SELECT json, updated FROM states WHERE device_id = ?"),

      addHistory: p("INSERT OR IGNORE INTO history (device_id, n, event, value, t, received) VALUES (?, ?, ?, ?, ?, ?)"),
      history: p("SELECT n, event, value, t FROM history WHERE device_id = ? ORDER BY n"),

      lastCmd: p("SELECT COALESCE(MAX(cmd), 0) AS n FROM commands WHERE device_id = ?"),
      insertCmd: p("INSERT INTO commands (device_id, cmd, body, status, created, replied) VALUES (?, ?, ?, NULL, ?, NULL)"),
      getCmd: p("SELECT cmd, status, created FROM commands WHERE device_id = ? AND cmd = ?"),
      setReply: p("UPDATE commands SET status = ?, replied = ? WHERE device_id = ? AND cmd = ? AND status IS NULL"),
      unreplied: p("SELECT body FROM commands WHERE device_id = ? AND status IS NULL AND created >= ? ORDER BY cmd"),
      cmdBody: p("SELECT body FROM commands WHERE device_id = ? AND cmd = ?"),
      setCmdBody: p("UPDATE commands SET body = ? WHERE device_id = ? AND cmd = ?"),

      acked: p("SELECT acked FROM outbox_acks WHERE device_id = ?"),
      setAcked: p("INSERT OR REPLACE INTO outbox_acks (device_id, acked) VALUES (?, ?)"),
      hold: p("INSERT OR IGNORE INTO outbox_held (device_id, seq, kind, body) VALUES (?, ?, ?, ?)"),
      heldCount: p("SELECT COUNT(*) AS n FROM outbox_held WHERE device_id = ?"),
      held: p("SELECT kind, body FROM outbox_held WHERE device_id = ? AND seq = ?"),
      unhold: p("DELETE FROM outbox_held WHERE device_id = ? AND seq <= ?"),
    };
  }

  // ---------------------------------------------------------------- users

  /** False when the name is taken. */
  createUser(user: string, passwordHash: string, now: number): boolean {
    return this.q.insertUser.run(user, passwordHash, now).changes === 1;
  }

  userPasswordHash(user: string): string | undefined {
    return (this.q.userHash.get(user) as { h: string } | undefined)?.h;
  }

  noteTerminal(user: string, terminal: string, now: number): void {
    this.q.noteTerminal.run(user, terminal, now);
  }

  // ---------------------------------------------------------------- registrations

  registration(deviceId: string): Registration | undefined {
    const r = this.q.reg.get(deviceId) as RegRow | undefined;
    return r && toReg(r);
  }

  registrations(): Registration[] {
    return (this.q.allRegs.all() as RegRow[]).map(toReg);
  }

  /** S33: the registration and its first member, together or not at all. False when the
   *  device id exists already (in any case spelling). */
  createRegistration(deviceId: string, passwordHash: string, serial: string, appliance: string, user: string, terminal: string, now: number): boolean {
    return this.db.transaction(() => {
      if (this.q.insertReg.run(deviceId, passwordHash, serial, now, appliance).changes !== 1) return false;
      this.q.insertMember.run(deviceId, user, terminal, now);
      return true;
    })();
  }

  /** Undoes createRegistration when the broker could not be told (nothing else refers to
   *  a registration that young). */
  deleteNewRegistration(deviceId: string): void {
    this.db.transaction(() => {
      for (const t of ["approvals", "states", "history", "commands", "outbox_acks", "outbox_held", "registration_users", "registrations"]) {
        this.db.prepare(`DELETE FROM ${t} WHERE device_id = ?`).run(deviceId);
      }
    })();
  }

  isMember(deviceId: string, user: string, terminal: string): boolean {
    return this.q.isMember.get(deviceId, user, terminal) !== undefined;
  }

  listFor(user: string, terminal: string): DeviceListEntry[] {
    return (this.q.listFor.all(user, terminal) as { device_id: string; created: number; retired_at: number | null }[])
      .map((r) => ({ deviceId: r.device_id, current: r.retired_at === null, since: r.created, retiredAt: r.retired_at }));
  }

  /** S51: adds the caller to a current registration against an unexpired approval of the
   *  caller's terminal, consuming it. */
  addMember(deviceId: string, user: string, terminal: string, now: number): AddMemberResult {
    return this.db.transaction((): AddMemberResult => {
      const reg = this.registration(deviceId);
      if (!reg || reg.retiredAt !== null) return "not-current";
      if (this.isMember(reg.deviceId, user, terminal)) return "already-member";
      this.q.dropExpired.run(now);
      if (this.q.takeApproval.run(reg.deviceId, terminal, now).changes !== 1) return "no-approval";
      this.q.insertMember.run(reg.deviceId, user, terminal, now);
      return "added";
    })();
  }

  /** A hello arrived on this registration's topic: the broker accepted its login, which
   *  it does only with a certificate whose CN is the registration's serial. So the serial
   *  is now verified, and every older current registration of that serial (the same
   *  remote, registered before; or someone's claim to it) is retired. The serial comes
   *  from the registration, never from the hello's payload. */
  recordHello(deviceId: string, now: number): HelloResult {
    return this.db.transaction((): HelloResult => {
      const reg = this.registration(deviceId);
      if (!reg) return { ok: false, reason: "unknown device id" };
      if (reg.retiredAt !== null) return { ok: false, reason: "registration retired" };
      if (reg.serial === null) return { ok: false, reason: "registration has no serial" };
      if (!reg.serialVerified) this.q.verifySerial.run(reg.deviceId);
      const retired: string[] = [];
      for (const { device_id } of this.q.olderSameSerialCurrent.all(reg.serial, reg.deviceId, reg.created) as { device_id: string }[]) {
        this.retireOne(device_id, now);
        retired.push(device_id);
      }
      return { ok: true, serial: reg.serial, retired };
    })();
  }

  /** The remote asked to be forgotten before erasing its registration (retire message,
   *  sent over its own broker login). False when not current. */
  retire(deviceId: string, now: number): boolean {
    return this.db.transaction(() => {
      const reg = this.registration(deviceId);
      if (!reg || reg.retiredAt !== null) return false;
      this.retireOne(reg.deviceId, now);
      return true;
    })();
  }

  private retireOne(deviceId: string, now: number): void {
    this.q.retire.run(now, deviceId);
    this.q.dropApprovals.run(deviceId);
  }

  putApproval(deviceId: string, terminal: string, expires: number): void {
    this.q.putApproval.run(deviceId, terminal, expires);
  }

  // ---------------------------------------------------------------- device data

  putState(deviceId: string, state: StatePayload, now: number): void {
    this.q.putState.run(deviceId, JSON.stringify(state), now);
  }

  state(deviceId: string): { state: StatePayload; updated: number } | undefined {
    const r = this.q.getState.get(deviceId) as { json: string; updated: number } | undefined;
    return r && { state: JSON.parse(r.json) as StatePayload, updated: r.updated };
  }

  /** False when this n was stored already. */
  addHistory(deviceId: string, h: HistoryPayload, now: number): boolean {
    return this.q.addHistory.run(deviceId, h.seq, h.event, h.value, h.t, now).changes === 1;
  }

  history(deviceId: string): HistoryEntry[] {
    return this.q.history.all(deviceId) as HistoryEntry[];
  }

  /** Gives the next command number of this registration and stores `makeBody(n)`. */
  newCommand(deviceId: string, makeBody: (cmd: number) => string, now: number): { cmd: number; body: string } {
    return this.db.transaction(() => {
      const cmd = (this.q.lastCmd.get(deviceId) as { n: number }).n + 1;
      const body = makeBody(cmd);
      this.q.insertCmd.run(deviceId, cmd, body, now);
      return { cmd, body };
    })();
  }

  command(deviceId: string, cmd: number): { cmd: number; status: number | null; created: number } | undefined {
    return this.q.getCmd.get(deviceId, cmd) as { cmd: number; status: number | null; created: number } | undefined;
  }

  /** Bodies of the commands made at `since` or later that the remote has not replied to,
   *  oldest first (resent after its hello: a command published while it was away reached
   *  nobody). */
  unrepliedCommands(deviceId: string, since: number): string[] {
    return (this.q.unreplied.all(deviceId, since) as { body: string }[]).map((r) => r.body);
  }

  /** The remote's outbox is stored up to here (its cumulative acknowledgement). */
  outboxAcked(deviceId: string): number {
    return (this.q.acked.get(deviceId) as { acked: number } | undefined)?.acked ?? 0;
  }

  /** Takes outbox message `seq` in order: applies it if it is the next one, then every
   *  held message that follows without a hole; holds it if it comes after a hole. One
   *  transaction, so what is acknowledged afterwards is exactly what is stored. */
  receiveOutbox(deviceId: string, seq: number, kind: string, body: string, apply: (kind: string, body: string) => void): OutboxResult {
    return this.db.transaction((): OutboxResult => {
      let acked = this.outboxAcked(deviceId);
      if (seq <= acked) return "duplicate";
      if (seq > acked + 1) {
        if ((this.q.heldCount.get(deviceId) as { n: number }).n >= MAX_HELD) return "refused";
        this.q.hold.run(deviceId, seq, kind, body);
        return "held";
      }
      apply(kind, body);
      acked = seq;
      for (;;) {
        const next = this.q.held.get(deviceId, acked + 1) as { kind: string; body: string } | undefined;
        if (!next) break;
        apply(next.kind, next.body);
        acked++;
      }
      this.q.unhold.run(deviceId, acked);
      this.q.setAcked.run(deviceId, acked);
      return "applied";
    })();
  }

  /** The published body of a command (undefined for an unknown one). */
  commandBody(deviceId: string, cmd: number): string | undefined {
    return (this.q.cmdBody.get(deviceId, cmd) as { body: string } | undefined)?.body;
  }

  /** Replaces a replied command's stored body (its secrets blanked: it is never sent again). */
  setCommandBody(deviceId: string, cmd: number, body: string): void {
    this.q.setCmdBody.run(body, deviceId, cmd);
  }

  /** The first reply to a command sets its status; later ones (replays, duplicates from
   *  QoS 1 redelivery) change nothing. */
  setReply(deviceId: string, cmd: number, status: number, now: number): ReplyResult {
    if (this.q.setReply.run(status, now, deviceId, cmd).changes === 1) return "set";
    return this.command(deviceId, cmd) ? "already-replied" : "unknown-cmd";
  }
}
