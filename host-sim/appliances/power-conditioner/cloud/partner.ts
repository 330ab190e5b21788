// A contract partner's server (PROTOCOL.md §2, §4.1): the new power company (PPS) that
// leases the PV, battery and EV charger and buys what they generate. It issues each PCS's
// device key (at installation, or at enrolment when ownership passes to it), keeps the
// residents it sends credentials to, and stores the PCS's readings once per (serial,
// rseq) after checking their MAC under a key it issued for that PCS.
import { randomBytes } from "node:crypto";
import { Issuer, type IssuerConfig } from "./issuer.ts";
import { DEVICE_KEY_BYTES } from "./keys.ts";
import { macFields, readingMacValid } from "./reading-mac.ts";
import type { ConnectionFields, Contact, ReadingDelivery, RefusedReading, StoredReading } from "./types.ts";

const OWN = `
-- Device keys this partner issued (hex: the partner's own secret, which it checks MACs
-- with), newest last. A PCS may hold any of them: older readings in flight keep theirs.
CREATE TABLE IF NOT EXISTS device_keys (
  pcs      TEXT NOT NULL,
  key      TEXT NOT NULL,
  via      TEXT NOT NULL,           -- installation, enrolment
  device   TEXT,                    -- the registration an installation was for
  issued   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS device_keys_by_pcs ON device_keys(pcs);
-- Where this partner sends a PCS's credentials, and which cloud user reads each address.
CREATE TABLE IF NOT EXISTS contacts (
  pcs     TEXT NOT NULL,
  address TEXT NOT NULL,
  user    TEXT NOT NULL,
  added   INTEGER NOT NULL,
  PRIMARY KEY (pcs, address)
);
-- Readings whose MAC verified, once per (pcs, rseq): a resend carries the same content.
CREATE TABLE IF NOT EXISTS readings (
  pcs      TEXT NOT NULL,
  rseq     INTEGER NOT NULL,
  co       INTEGER NOT NULL,
  q        INTEGER NOT NULL,
  t        INTEGER NOT NULL,
  pv       INTEGER NOT NULL,
  ch       INTEGER NOT NULL,
  dis      INTEGER NOT NULL,
  epv      INTEGER NOT NULL,
  ech      INTEGER NOT NULL,
  edis     INTEGER NOT NULL,
  site     TEXT NOT NULL,
  cpv      INTEGER NOT NULL,
  cbat     INTEGER NOT NULL,
  cev      INTEGER NOT NULL,
  ref      TEXT NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (pcs, rseq)
);
-- A reading whose rseq was stored with other content (both MACs verified): kept for a
-- person, the first one stands.
CREATE TABLE IF NOT EXISTS reading_conflicts (
  ref      TEXT PRIMARY KEY,
  pcs      TEXT NOT NULL,
  rseq     INTEGER NOT NULL,
  body     TEXT NOT NULL,
  received INTEGER NOT NULL
);
-- Readings refused: no key issued for the PCS, or a MAC that verifies under none. Kept
-- (not counted, not stored as readings) and acknowledged: the PCS would only send the
-- same bytes again.
CREATE TABLE IF NOT EXISTS refused_readings (
  ref      TEXT PRIMARY KEY,
  pcs      TEXT NOT NULL,
  rseq     INTEGER NOT NULL,
  reason   TEXT NOT NULL,
  body     TEXT NOT NULL,
  received INTEGER NOT NULL
);
`;

const VALUES = ["co", "q", "t", "pv", "ch", "dis", "epv", "ech", "edis", "site", "cpv", "cbat", "cev"] as const;

export interface PartnerConfig extends IssuerConfig {
  /** The cloud users of the partner's installers: only they install its PCSs. */
  installers: readonly string[];
}

export class PartnerServer extends Issuer {
  readonly installers: readonly string[];
  private readonly q;

  constructor(config: PartnerConfig) {
    super(config, OWN);
    this.installers = config.installers;
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      putKey: p("INSERT INTO device_keys (pcs, key, via, device, issued) VALUES (?, ?, ?, ?, ?)"),
      keys: p("SELECT key FROM device_keys WHERE pcs = ? ORDER BY rowid DESC"),
      putContact: p(`INSERT INTO contacts (pcs, address, user, added) VALUES (?, ?, ?, ?)
                     ON CONFLICT (pcs, address) DO UPDATE SET user = excluded.user`),
      contacts: p("SELECT address AS \"to\", user FROM contacts WHERE pcs = ? ORDER BY added, address"),
      putReading: p(`INSERT OR IGNORE INTO readings (pcs, rseq, co, q, t, pv, ch, dis, epv, ech, edis, site, cpv, cbat, cev, ref, received)
                     VALUES (@pcs, @rseq, @co, @q, @t, @pv, @ch, @dis, @epv, @ech, @edis, @site, @cpv, @cbat, @cev, @ref, @received)`),
      reading: p("SELECT co, q, t, pv, ch, dis, epv, ech, edis, site, cpv, cbat, cev FROM readings WHERE pcs = ? AND rseq = ?"),
      readings: p("SELECT pcs, rseq, co, q, t, pv, ch, dis, epv, ech, edis, site, cpv, cbat, cev, received FROM readings WHERE pcs = ? ORDER BY rseq"),
      putConflict: p("INSERT OR IGNORE INTO reading_conflicts (ref, pcs, rseq, body, received) VALUES (?, ?, ?, ?, ?)"),
      conflicts: p("SELECT rseq, body FROM reading_conflicts WHERE pcs = ? ORDER BY rseq, received"),
      putRefused: p("INSERT OR IGNORE INTO refused_readings (ref, pcs, rseq, reason, body, received) VALUES (?, ?, ?, ?, ?, ?)"),
      refused: p("SELECT ref, pcs, rseq, reason, body, received FROM refused_readings WHERE pcs = ? ORDER BY received, ref"),
    };
  }

  serves(pcs: string): boolean { return this.q.keys.get(pcs) !== undefined; }
  contacts(pcs: string): Contact[] { return this.q.contacts.all(pcs) as Contact[]; }

  // ---------------------------------------------------------------- installation, enrolment

  /** The partner's installer installs the PCS (registration `device`): a new device key,
   *  and the residents who get its credentials. */
  install(pcs: string, device: string, contacts: Contact[]): ConnectionFields {
    return this.issue(pcs, "installation", device, contacts);
  }

  /** Ownership passes to the consumer, who moves the PCS to this partner (use case 2). */
  enrol(pcs: string, contacts: Contact[]): ConnectionFields {
    return this.issue(pcs, "enrolment", null, contacts);
  }

  private issue(pcs: string, via: string, device: string | null, contacts: Contact[]): ConnectionFields {
    const key = randomBytes(DEVICE_KEY_BYTES);
    const now = this.now();
    this.db.transaction(() => {
      this.q.putKey.run(pcs, key.toString("hex"), via, device, now);
      for (const c of contacts) this.q.putContact.run(pcs, c.to, c.user, now);
    })();
    return { partner: this.code, partnerPublicKey: this.publicKey.toString("hex"), deviceKey: key.toString("hex") };
  }

  // ---------------------------------------------------------------- readings

  protected override onReading(m: ReadingDelivery): void {
    const { ref, pcs, mac, kind: _k, ...entry } = m;
    const fields = macFields(entry);
    const keys = (this.q.keys.all(pcs) as { key: string }[]).map((k) => Buffer.from(k.key, "hex"));
    const valid = keys.some((k) => readingMacValid(k, pcs, fields, mac));
    if (!valid) {
      this.q.putRefused.run(ref, pcs, m.rseq, keys.length === 0 ? "no-key" : "bad-mac", JSON.stringify({ ...entry, mac }), this.now());
      return;
    }
    const r = this.q.putReading.run({ ...fields, pcs, ref, received: this.now() });
    if (r.changes === 1) return;
    const stored = this.q.reading.get(pcs, m.rseq) as Record<string, unknown>;
    if (VALUES.some((k) => stored[k] !== fields[k])) this.q.putConflict.run(ref, pcs, m.rseq, JSON.stringify(entry), this.now());
  }

  readings(pcs: string): StoredReading[] { return this.q.readings.all(pcs) as StoredReading[]; }
  refusedReadings(pcs: string): RefusedReading[] { return this.q.refused.all(pcs) as RefusedReading[]; }
  conflicts(pcs: string): { rseq: number; body: string }[] { return this.q.conflicts.all(pcs) as { rseq: number; body: string }[]; }
  /** rseqs below the highest stored that never came: readings lost on the way. */
  missing(pcs: string): number[] {
    const have = new Set(this.readings(pcs).map((r) => r.rseq));
    const top = Math.max(0, ...have);
    const out: number[] = [];
    for (let i = 1; i < top; i++) if (!have.has(i)) out.push(i);
    return out;
  }
}
