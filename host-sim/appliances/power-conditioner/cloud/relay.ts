// The relay (PROTOCOL.md §4): the maker's cloud between the PCSs and the issuers. It hands
// each outbox entry to the servers it concerns inside the outbox's transaction, so the
// acknowledgement to the PCS follows their commits (a server that cannot commit throws:
// nothing is acknowledged, the PCS sends it again and every server stores each entry
// once). It sends an issuer's authentication information as a command to the PCS's
// current registration and hands the PCS's reply back to that issuer alone.
import type { Db } from "../../../cloud/schema.ts";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import { checkAuth, checkChange, checkReading, checkTamper } from "./entries.ts";
import { codeHex } from "./issuer.ts";
import type { PartnerServer } from "./partner.ts";
import { PCS_APPLIANCE, type CommandRef, type IssuerDelivery, type IssuerEndpoint } from "./types.ts";

type Entry = FlatPayload & { seq: number };
type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** An entry for a code no server was configured with: kept, visible, acknowledged. */
export interface Undeliverable { deviceId: string; seq: number; kind: string; co: number; body: string; received: number }

const DDL = `
-- The partner in effect for each PCS (by serial): set at installation, moved by the PCS's
-- own connection change entries (which come in order).
CREATE TABLE IF NOT EXISTS pcs_partners (
  serial  TEXT PRIMARY KEY,
  partner INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
-- Entries for a server the relay does not know: kept and acknowledged.
CREATE TABLE IF NOT EXISTS pcs_undeliverable (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  co        INTEGER NOT NULL,
  body      TEXT NOT NULL,
  received  INTEGER NOT NULL,
  PRIMARY KEY (device_id, seq, co)
);
-- Which issuer made each command (its reply goes to it alone).
CREATE TABLE IF NOT EXISTS pcs_commands (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  cmd       INTEGER NOT NULL,
  issuer    INTEGER NOT NULL,
  PRIMARY KEY (device_id, cmd)
);
`;

export class Relay {
  private readonly byCode = new Map<number, IssuerEndpoint>();
  private readonly partnerCodes: ReadonlySet<number>;
  private readonly q;

  constructor(private readonly db: Db, private readonly ctx: ServiceContext, partners: readonly PartnerServer[], readonly operator: IssuerEndpoint) {
    db.exec(DDL);
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      partner: p("SELECT partner FROM pcs_partners WHERE serial = ?"),
      setPartner: p(`INSERT INTO pcs_partners (serial, partner, updated) VALUES (?, ?, ?)
                     ON CONFLICT (serial) DO UPDATE SET partner = excluded.partner, updated = excluded.updated`),
      undeliverable: p("INSERT OR IGNORE INTO pcs_undeliverable (device_id, seq, kind, co, body, received) VALUES (?, ?, ?, ?, ?, ?)"),
      undeliverables: p("SELECT device_id AS deviceId, seq, kind, co, body, received FROM pcs_undeliverable ORDER BY received, device_id, seq"),
      putCommand: p("INSERT INTO pcs_commands (device_id, cmd, issuer) VALUES (?, ?, ?)"),
      commandIssuer: p("SELECT issuer FROM pcs_commands WHERE device_id = ? AND cmd = ?"),
      // The PCS's current registration: not retired, one it logged in with before one
      // that only claims its serial (only its certificate proves it), then the newest.
      current: p(`SELECT device_id FROM registrations WHERE serial = ? AND appliance = ? AND retired_at IS NULL
                  ORDER BY serial_verified DESC, created DESC, device_id LIMIT 1`),
      isMember: p("SELECT 1 FROM registration_users WHERE device_id = ? AND user = ? AND terminal = ?"),
      userExists: p("SELECT 1 FROM users WHERE user = ?"),
    };
    for (const s of [...partners, operator]) {
      if (this.byCode.has(s.code)) throw new Error(`pcs relay: server ${codeHex(s.code)} given twice`);
      this.byCode.set(s.code, s);
      // The port speaks for this issuer only: the command is recorded under its code.
      s.attach({ sendAuth: (pcs, blob) => this.sendAuth(s.code, pcs, blob) });
    }
    this.partnerCodes = new Set(partners.map((p) => p.code));
  }

  server(code: number): IssuerEndpoint | undefined { return this.byCode.get(code); }

  // ---------------------------------------------------------------- down: commands

  private sendAuth(issuer: number, pcs: string, blob: Uint8Array): CommandRef | undefined {
    const row = this.q.current.get(pcs, PCS_APPLIANCE) as { device_id: string } | undefined;
    if (!row) {
      this.ctx.log(`pcs ${pcs}: no current registration, ${codeHex(issuer)}'s authentication information not sent`);
      return undefined;
    }
    return this.db.transaction((): CommandRef => {
      const cmd = this.ctx.sendCommand(row.device_id, { auth: Buffer.from(blob).toString("base64") });
      this.q.putCommand.run(row.device_id, cmd, issuer);
      return { device: row.device_id, cmd };
    })();
  }

  /** The PCS's reply to a command: to the issuer that made it (its commit first). */
  onReply(reg: Registration, cmd: number, status: number): void {
    const row = this.q.commandIssuer.get(reg.deviceId, cmd) as { issuer: number } | undefined;
    const issuer = row ? this.byCode.get(row.issuer) : undefined;
    issuer?.receive({ kind: "result", ref: `${reg.deviceId}/cmd/${cmd}`, pcs: serial(reg), device: reg.deviceId, cmd, status });
  }

  // ---------------------------------------------------------------- up: outbox entries

  readonly history: Readonly<Record<string, (reg: Registration, entry: Entry) => string | null>> = {
    reading: (reg, e) => this.checked(checkReading(e), (r) => {
      const { seq: _s, kind: _k, ...fields } = r;
      if (!this.partnerCodes.has(r.co)) return this.keep(reg, e, r.co);
      this.byCode.get(r.co)!.receive({ ...fields, kind: "reading", ref: ref(reg, e), pcs: serial(reg) });
    }),
    auth: (reg, e) => this.checked(checkAuth(e), (a) => {
      const { seq: _s, kind: _k, ...fields } = a;
      const m: IssuerDelivery = { ...fields, kind: "auth", ref: ref(reg, e), pcs: serial(reg) };
      this.handAll(reg, e, [a.issuer, this.partnerOf(reg), this.operator.code], m);
    }),
    change: (reg, e) => this.checked(checkChange(e), (c) => {
      const { seq: _s, kind: _k, ...fields } = c;
      const before = this.partnerOf(reg);
      const after = c.item !== "connection" ? before : c.op === "set" ? c.to! : 0;
      if (after !== before) this.q.setPartner.run(serial(reg), after, this.ctx.now());
      this.handAll(reg, e, [before, after, this.operator.code], { ...fields, kind: "change", ref: ref(reg, e), pcs: serial(reg) });
    }),
    tamper: (reg, e) => this.checked(checkTamper(e), (t) => {
      this.handAll(reg, e, [this.partnerOf(reg), this.operator.code], { kind: "tamper", item: t.item, ref: ref(reg, e), pcs: serial(reg) });
    }),
  };

  private checked<T>(c: Checked<T>, apply: (v: T) => void): string | null {
    if (!c.ok) return c.error;
    apply(c.value);
    return null;
  }

  /** Hands `m` to each code once (0 is nobody); an unknown code's copy is kept. */
  private handAll(reg: Registration, e: Entry, codes: number[], m: IssuerDelivery): void {
    for (const co of new Set(codes)) {
      if (co === 0) continue;
      const s = this.byCode.get(co);
      if (s) s.receive(m);
      else this.keep(reg, e, co);
    }
  }

  private keep(reg: Registration, e: Entry, co: number): void {
    this.q.undeliverable.run(reg.deviceId, e.seq, e.kind, co, JSON.stringify(e), this.ctx.now());
    this.ctx.log(`pcs ${serial(reg)}: ${e.kind} seq ${e.seq} for ${codeHex(co)}, which the relay does not know: kept as undeliverable`);
  }

  // ---------------------------------------------------------------- the partner in effect

  /** The partner in effect for the PCS: as the installation or the last connection change
   *  set it; else as the PCS last reported in up/state. */
  partnerOf(reg: Registration): number {
    const row = this.q.partner.get(serial(reg)) as { partner: number } | undefined;
    if (row) return row.partner;
    const p = this.ctx.state(reg.deviceId)?.partner;
    return typeof p === "number" && Number.isInteger(p) && p > 0 ? p : 0;
  }

  /** The partner in effect for the PCS `pcs` (its current registration's; 0: none). */
  partnerOfSerial(pcs: string): number {
    const device = this.currentDevice(pcs);
    const reg = device === undefined ? undefined : this.ctx.registration(device);
    return reg ? this.partnerOf(reg) : 0;
  }

  /** An installation made `partner` the PCS's partner. */
  installed(pcs: string, partner: number): void { this.q.setPartner.run(pcs, partner, this.ctx.now()); }

  // ---------------------------------------------------------------- queries

  undeliverable(): Undeliverable[] { return this.q.undeliverables.all() as Undeliverable[]; }
  /** A current registration of the PCS `pcs`, if the cloud has one. */
  currentDevice(pcs: string): string | undefined { return (this.q.current.get(pcs, PCS_APPLIANCE) as { device_id: string } | undefined)?.device_id; }
  isMember(deviceId: string, user: string, terminal: string): boolean { return this.q.isMember.get(deviceId, user, terminal) !== undefined; }
  userExists(user: string): boolean { return this.q.userExists.get(user) !== undefined; }
}

/** The same source gives the same ref on every redelivery. */
const ref = (reg: Registration, e: Entry) => `${reg.deviceId}/${e.seq}`;
/** The PCS's serial: the broker let this registration in only with that certificate. */
const serial = (reg: Registration) => reg.serial ?? reg.deviceId;
