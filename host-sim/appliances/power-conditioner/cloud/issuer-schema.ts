// An issuer's own SQLite database (a contract partner's server or the credential
// operator's): nothing in it is shared with the cloud or another server. PCSs are named by
// serial (their factory certificate's CN). No table holds a credential: an authentication
// request keeps the salt and verifier the PCS gets, never the digits.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type IssuerDb = Database.Database;

const COMMON = `
-- Who this server is (one row): its code, name and P-256 signing key (PKCS#8 PEM).
CREATE TABLE IF NOT EXISTS identity (
  code        INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  private_key TEXT NOT NULL
);
-- Authentication information made (§2.1): its serial is the row id (AUTOINCREMENT: never
-- reused, so each is above every earlier one), committed before it is sent. The command
-- that carried it and the PCS's reply.
CREATE TABLE IF NOT EXISTS auth_requests (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  pcs       TEXT NOT NULL,
  items     INTEGER NOT NULL,
  lifetime  INTEGER NOT NULL,
  uses      INTEGER NOT NULL,
  failures  INTEGER NOT NULL,
  salt      TEXT NOT NULL,          -- hex
  verifier  TEXT NOT NULL,          -- hex SHA-256 (PROTOCOL.md §2.1), never the credential
  address   TEXT NOT NULL,          -- where the credential was sent
  by        TEXT NOT NULL,          -- the cloud user who asked
  device    TEXT,                   -- the registration the command went to
  cmd       INTEGER,
  status    INTEGER,                -- the PCS's reply, NULL until it came
  unsent    INTEGER NOT NULL DEFAULT 0, -- 1: the cloud had no registration of the PCS
  created   INTEGER NOT NULL,
  updated   INTEGER NOT NULL
);
-- auth, change and tamper entries about PCSs this server is concerned with, once per ref.
CREATE TABLE IF NOT EXISTS events (
  ref      TEXT PRIMARY KEY,
  pcs      TEXT NOT NULL,
  kind     TEXT NOT NULL,
  fields   TEXT NOT NULL,
  received INTEGER NOT NULL
);
`;

/** Opens (creating) an issuer's database: a file, or ":memory:", with its own tables after
 *  the common ones. FULL sync: what it stored is on disk before the PCS is acknowledged. */
export function openIssuerDatabase(path: string, own: string): IssuerDb {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(COMMON);
  db.exec(own);
  return db;
}
