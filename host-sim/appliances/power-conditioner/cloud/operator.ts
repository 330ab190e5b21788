// The credential operator (PROTOCOL.md §2, §5): the maker's service operator, the seed's
// "other operator". It makes each PCS's maintenance credential at the factory (12 digits,
// on the worker's sheet, which also goes to its workers' mailboxes; it keeps the salt and
// verifier, which is all a PCS needs), and
// issues authentication information with its own key (installed at the factory) for the
// PCSs it made, the credentials going to its workers' addresses.
import { randomBytes } from "node:crypto";
import { MAINTENANCE_DIGITS, SALT_BYTES, credentialVerifier, newCredential } from "./auth-info.ts";
import { Issuer, codeHex, type IssuerConfig } from "./issuer.ts";
import { maintenanceData } from "./keys.ts";
import type { Contact, FactoryResponse } from "./types.ts";

const OWN = `
-- The maintenance credential of each PCS made at the factory: its salt and verifier.
CREATE TABLE IF NOT EXISTS factory (
  pcs      TEXT PRIMARY KEY,
  salt     TEXT NOT NULL,
  verifier TEXT NOT NULL,
  made     INTEGER NOT NULL
);
`;

export interface OperatorConfig extends IssuerConfig {
  /** The workers' addresses: a PCS's operator-issued credentials go to them. */
  workers: Contact[];
  /** The cloud users of the factory's line, who may ask for maintenance records. */
  factoryUsers: string[];
}

export class CredentialOperator extends Issuer {
  readonly workers: readonly Contact[];
  readonly factoryUsers: readonly string[];
  private readonly q;

  constructor(config: OperatorConfig) {
    super(config, OWN);
    this.workers = config.workers;
    this.factoryUsers = config.factoryUsers;
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      put: p("INSERT OR IGNORE INTO factory (pcs, salt, verifier, made) VALUES (?, ?, ?, ?)"),
      made: p("SELECT 1 FROM factory WHERE pcs = ?"),
    };
  }

  serves(pcs: string): boolean { return this.q.made.get(pcs) !== undefined; }
  contacts(pcs: string): Contact[] { return this.serves(pcs) ? [...this.workers] : []; }

  /** The factory's step: a new maintenance credential for `pcs`; undefined when it was
   *  made already (a PCS takes MAINTENANCE once). The digits are in the answer and the
   *  workers' mailboxes only. */
  makeMaintenance(pcs: string): FactoryResponse | undefined {
    const digits = newCredential(MAINTENANCE_DIGITS);
    const salt = randomBytes(SALT_BYTES);
    const verifier = credentialVerifier(pcs, salt, digits);
    const r = this.q.put.run(pcs, salt.toString("hex"), verifier.toString("hex"), this.now());
    if (r.changes === 0) return undefined;
    // The workers' copy of the sheet: what a dispatched worker needs, in their mailbox
    // (the only place a credential is kept), not in the operator's database.
    for (const w of this.workers) {
      this.messages.send(`${this.name} (${codeHex(this.code)})`, w.to, `Maintenance sheet, power conditioner ${pcs}: the maintenance code is ${digits}. ` +
        "It opens every item on the unit's panel (MENU, Maintenance) or in the app; 5 wrong entries in a row lock it until a server-issued code succeeds.");
    }
    return {
      serial: pcs, operator: this.code, operatorPublicKey: this.publicKey.toString("hex"),
      salt: salt.toString("hex"), verifier: verifier.toString("hex"),
      data: maintenanceData(this.code, this.publicKey, salt, verifier).toString("hex"), digits,
    };
  }
}
