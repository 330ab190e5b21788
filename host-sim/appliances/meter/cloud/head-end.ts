// The head-end (PROTOCOL.md §4): the meter operator's server between the meters and the
// company servers. It hands each outbox entry to the companies it concerns inside the
// outbox's transaction, so the acknowledgement to the meter follows the companies' commits
// (a company that cannot commit throws: nothing is acknowledged, the meter sends it again
// and every company stores each entry once). It relays a company's requests as commands
// whose `co` is that company's configured code, and routes the replies back to it.
import type { Db } from "../../../cloud/schema.ts";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import type { CommandFields, FlatPayload } from "../../../cloud/types.ts";
import {
  checkBreaker, checkEnding, checkRead, checkReading, checkSecurity, checkSwitched, checkTable,
} from "./entries.ts";
import {
  ROLE_CONTRACT, ROLE_PROVISION,
  type CommandRef, type CompanyDelivery, type CompanyEndpoint, type CompanyRequest, type MeterNotice, type TableEntry,
} from "./types.ts";

type Entry = FlatPayload & { seq: number };
type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export const METER_APPLIANCE = "meter";

/** A reading (or notice) no configured company could take: kept, visible, acknowledged. */
export interface Undeliverable { deviceId: string; seq: number; kind: string; co: number; body: string; received: number }
/** The meter's contract table as it last reported it (highest version). */
export interface MeterTable { version: number; contract: number; ctypes: number; provision: number; ptypes: number; pending: number; failure: number; received: number }

const DDL = `
-- Each meter's contract table as it reported it (the highest version is kept).
CREATE TABLE IF NOT EXISTS meter_tables (
  device_id TEXT PRIMARY KEY REFERENCES registrations(device_id),
  version   INTEGER NOT NULL,
  contract  INTEGER NOT NULL,
  ctypes    INTEGER NOT NULL,
  provision INTEGER NOT NULL,
  ptypes    INTEGER NOT NULL,
  pending   INTEGER NOT NULL,
  failure   INTEGER NOT NULL,
  received  INTEGER NOT NULL
);
-- Entries for a company code the head-end was not configured with: kept and acknowledged.
CREATE TABLE IF NOT EXISTS meter_undeliverable (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  co        INTEGER NOT NULL,
  body      TEXT NOT NULL,
  received  INTEGER NOT NULL,
  PRIMARY KEY (device_id, seq, co)
);
-- Which company asked for each command (its replies and read answers go to it alone).
CREATE TABLE IF NOT EXISTS meter_commands (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  cmd       INTEGER NOT NULL,
  co        INTEGER NOT NULL,
  PRIMARY KEY (device_id, cmd)
);
-- What the customer's phone is told: switches, scheduled ends and security errors.
CREATE TABLE IF NOT EXISTS meter_notices (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  fields    TEXT NOT NULL,
  received  INTEGER NOT NULL,
  PRIMARY KEY (device_id, seq)
);
-- The meter's residents: users who may use its phone routes (named by a member).
CREATE TABLE IF NOT EXISTS meter_residents (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  user      TEXT NOT NULL REFERENCES users(user),
  added     INTEGER NOT NULL,
  PRIMARY KEY (device_id, user)
);
`;

export class HeadEnd {
  private readonly byCode = new Map<number, CompanyEndpoint>();
  private readonly q;

  constructor(private readonly db: Db, private readonly ctx: ServiceContext, companies: readonly CompanyEndpoint[]) {
    db.exec(DDL);
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      table: p("SELECT version, contract, ctypes, provision, ptypes, pending, failure, received FROM meter_tables WHERE device_id = ?"),
      putTable: p(`INSERT INTO meter_tables (device_id, version, contract, ctypes, provision, ptypes, pending, failure, received)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (device_id) DO UPDATE SET version = excluded.version, contract = excluded.contract,
                     ctypes = excluded.ctypes, provision = excluded.provision, ptypes = excluded.ptypes,
                     pending = excluded.pending, failure = excluded.failure, received = excluded.received
                   WHERE excluded.version >= meter_tables.version`),
      undeliverable: p("INSERT OR IGNORE INTO meter_undeliverable (device_id, seq, kind, co, body, received) VALUES (?, ?, ?, ?, ?, ?)"),
      undeliverables: p("SELECT device_id AS deviceId, seq, kind, co, body, received FROM meter_undeliverable ORDER BY received, device_id, seq"),
      putCommand: p("INSERT INTO meter_commands (device_id, cmd, co) VALUES (?, ?, ?)"),
      commandCo: p("SELECT co FROM meter_commands WHERE device_id = ? AND cmd = ?"),
      putNotice: p("INSERT OR IGNORE INTO meter_notices (device_id, seq, kind, fields, received) VALUES (?, ?, ?, ?, ?)"),
      notices: p("SELECT seq AS n, kind, fields, received FROM meter_notices WHERE device_id = ? ORDER BY seq"),
      // The meter's current registration: not retired (a new registration retires the
      // older ones at its first hello), one the meter logged in with before one that only
      // claims its serial (anyone may claim a serial; only the meter's certificate proves
      // it), then the newest.
      current: p(`SELECT device_id FROM registrations WHERE serial = ? AND appliance = ? AND retired_at IS NULL
                  ORDER BY serial_verified DESC, created DESC, device_id LIMIT 1`),
      putResident: p("INSERT OR IGNORE INTO meter_residents (device_id, user, added) VALUES (?, ?, ?)"),
      isResident: p("SELECT 1 FROM meter_residents WHERE device_id = ? AND user = ?"),
      isMember: p("SELECT 1 FROM registration_users WHERE device_id = ? AND user = ? AND terminal = ?"),
      userExists: p("SELECT 1 FROM users WHERE user = ?"),
    };
    for (const c of companies) {
      if (this.byCode.has(c.code)) throw new Error(`meter head-end: company ${c.code} given twice`);
      this.byCode.set(c.code, c);
      // The port speaks for this company only: `co` is the code it was configured with.
      c.attach({ send: (meter, request) => this.relay(c.code, meter, request) });
    }
  }

  company(code: number): CompanyEndpoint | undefined { return this.byCode.get(code); }
  companies(): CompanyEndpoint[] { return [...this.byCode.values()]; }

  // ---------------------------------------------------------------- down: commands

  private relay(co: number, meter: string, request: CompanyRequest): CommandRef | undefined {
    const row = this.q.current.get(meter, METER_APPLIANCE) as { device_id: string } | undefined;
    if (!row) {
      this.ctx.log(`meter ${meter}: no current registration, company ${hex(co)}'s request not sent`);
      return undefined;
    }
    return this.db.transaction((): CommandRef => {
      const cmd = this.ctx.sendCommand(row.device_id, { co, ...request } as CommandFields);
      this.q.putCommand.run(row.device_id, cmd, co);
      return { device: row.device_id, cmd };
    })();
  }

  // ---------------------------------------------------------------- up: outbox entries

  /** The `history` hooks: each checks its entry and hands it on, or says why not. */
  readonly history: Readonly<Record<string, (reg: Registration, entry: Entry) => string | null>> = {
    reading: (reg, e) => this.checked(checkReading(e), (r) => {
      const { seq: _s, kind: _k, co, ...rest } = r;
      this.hand(reg, e, co, { ...rest, kind: "reading", ref: ref(reg, e), meter: serial(reg) });
    }),
    table: (reg, e) => this.checked(checkTable(e), (t) => this.putTable(reg, t)),
    ending: (reg, e) => this.checked(checkEnding(e), (n) => {
      this.hand(reg, e, n.co, { kind: "ending", ref: ref(reg, e), meter: serial(reg), role: n.role, at: n.at, id: n.id });
      this.notify(reg, e, "ending", { co: n.co, role: n.role, at: n.at, id: n.id });
    }),
    switched: (reg, e) => this.checked(checkSwitched(e), (n) => {
      const m: CompanyDelivery = { kind: "switched", ref: ref(reg, e), meter: serial(reg), role: n.role, from: n.from, to: n.to, at: n.at, id: n.id };
      for (const co of unique([n.from, n.to])) this.hand(reg, e, co, m);
      this.notify(reg, e, "switched", { role: n.role, from: n.from, to: n.to, at: n.at, id: n.id });
    }),
    security: (reg, e) => this.checked(checkSecurity(e), (n) => {
      const table = this.table(reg.deviceId);
      const inRole = n.role === ROLE_CONTRACT ? table?.contract : n.role === ROLE_PROVISION ? table?.provision : undefined;
      const m: CompanyDelivery = { kind: "security", ref: ref(reg, e), meter: serial(reg), co: n.co, role: n.role };
      for (const co of unique([n.co, inRole ?? 0])) this.hand(reg, e, co, m);
      this.notify(reg, e, "security", { co: n.co, role: n.role });
    }),
    breaker: (reg, e) => this.checked(checkBreaker(e), (b) => {
      // The contract company as the meter last reported it; entries come in order, so
      // this is the company in effect when the breaker moved.
      const co = this.table(reg.deviceId)?.contract ?? 0;
      this.hand(reg, e, co, { kind: "breaker", ref: ref(reg, e), meter: serial(reg), bseq: b.bseq, from: b.from, to: b.to, reason: b.reason, t: b.t });
    }),
  };

  private checked<T>(c: Checked<T>, apply: (v: T) => void): string | null {
    if (!c.ok) return c.error;
    apply(c.value);
    return null;
  }

  /** Hands `m` to company `co` (its commit, or a throw that rolls the outbox back); a code
   *  no company was configured with is kept as undeliverable. Code 0 is nobody. */
  private hand(reg: Registration, e: Entry, co: number, m: CompanyDelivery): void {
    if (co === 0 && m.kind !== "breaker") return;
    const company = this.byCode.get(co);
    if (company) return company.receive(m);
    this.q.undeliverable.run(reg.deviceId, e.seq, e.kind, co, JSON.stringify(e), this.ctx.now());
    this.ctx.log(`meter ${reg.serial}: ${e.kind} seq ${e.seq} for company ${hex(co)}, which the head-end does not know: kept as undeliverable`);
  }

  private notify(reg: Registration, e: Entry, kind: MeterNotice["kind"], fields: Record<string, number>): void {
    this.q.putNotice.run(reg.deviceId, e.seq, kind, JSON.stringify(fields), this.ctx.now());
  }

  private putTable(reg: Registration, t: TableEntry): void {
    this.q.putTable.run(reg.deviceId, t.version, t.contract, t.ctypes, t.provision, t.ptypes, t.pending, t.failure, this.ctx.now());
  }

  /** The meter's reply to a command: to the company that asked for it, in the outbox's
   *  transaction (its commit first). */
  onReply(reg: Registration, cmd: number, status: number): void {
    const row = this.q.commandCo.get(reg.deviceId, cmd) as { co: number } | undefined;
    const company = row ? this.byCode.get(row.co) : undefined;
    company?.receive({ kind: "result", ref: `${reg.deviceId}/cmd/${cmd}`, meter: serial(reg), device: reg.deviceId, cmd, status });
  }

  /** devices/<id>/up/read (live): to the company that asked, if the meter names it too. */
  onRead(reg: Registration, p: FlatPayload): void {
    const c = checkRead(p);
    if (!c.ok) return this.ctx.log(`devices/${reg.deviceId}/up/read: ${c.error}, ignored`);
    const row = this.q.commandCo.get(reg.deviceId, c.value.cmd) as { co: number } | undefined;
    if (!row || row.co !== c.value.co) return this.ctx.log(`devices/${reg.deviceId}/up/read: cmd ${c.value.cmd} was not a read of company ${hex(c.value.co)}, ignored`);
    const { co: _co, ...values } = c.value;
    this.byCode.get(row.co)?.receive({ ...values, kind: "read", ref: `${reg.deviceId}/read/${c.value.cmd}`, meter: serial(reg), device: reg.deviceId });
  }

  // ---------------------------------------------------------------- queries

  table(deviceId: string): MeterTable | undefined { return this.q.table.get(deviceId) as MeterTable | undefined; }

  undeliverable(): Undeliverable[] { return this.q.undeliverables.all() as Undeliverable[]; }

  notices(deviceId: string): MeterNotice[] {
    return (this.q.notices.all(deviceId) as { n: number; kind: MeterNotice["kind"]; fields: string; received: number }[])
      .map((r) => ({ n: r.n, kind: r.kind, fields: JSON.parse(r.fields) as Record<string, number>, received: r.received }));
  }

  /** `user` may use the meter's phone routes; false when no such user exists. */
  addResident(deviceId: string, user: string): boolean {
    if (this.q.userExists.get(user) === undefined) return false;
    this.q.putResident.run(deviceId, user, this.ctx.now());
    return true;
  }
  isResident(deviceId: string, user: string): boolean { return this.q.isResident.get(deviceId, user) !== undefined; }
  /** A member of the registration (the installer's or operator's user and terminal). */
  isMember(deviceId: string, user: string, terminal: string): boolean { return this.q.isMember.get(deviceId, user, terminal) !== undefined; }
}

/** The same source gives the same ref on every redelivery. */
const ref = (reg: Registration, e: Entry) => `${reg.deviceId}/${e.seq}`;
/** The meter's serial: the broker let this registration in only with that certificate. */
const serial = (reg: Registration) => reg.serial ?? reg.deviceId;
const unique = (codes: number[]) => [...new Set(codes)].filter((c) => c !== 0);
export const hex = (code: number) => `0x${code.toString(16).toUpperCase().padStart(4, "0")}`;
