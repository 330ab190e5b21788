// A company server's own SQLite database (PROTOCOL.md §4): nothing in it is shared with
// the head-end or another company. Meters are named by serial (their certificate's CN).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type CompanyDb = Database.Database;

const DDL = `
-- Who this company is (one row): its code and confirmation data as configured.
CREATE TABLE IF NOT EXISTS company (
  code  INTEGER PRIMARY KEY,
  name  TEXT NOT NULL,
  role  TEXT NOT NULL,
  types INTEGER NOT NULL
);
-- Readings received, once per (meter, rseq): a resend after a power cut carries the same
-- rseq and content. Fields outside the scope never came: NULL.
CREATE TABLE IF NOT EXISTS readings (
  meter    TEXT NOT NULL,
  rseq     INTEGER NOT NULL,
  q        INTEGER NOT NULL,
  t        INTEGER,
  w        INTEGER,
  wh       INTEGER,
  d        INTEGER,
  ref      TEXT NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (meter, rseq)
);
-- A reading whose rseq was stored before with other content: the meter promises the same
-- content for the same rseq, so this is kept for a person, never silently dropped.
CREATE TABLE IF NOT EXISTS reading_conflicts (
  ref      TEXT PRIMARY KEY,
  meter    TEXT NOT NULL,
  rseq     INTEGER NOT NULL,
  body     TEXT NOT NULL,
  received INTEGER NOT NULL
);
-- A field outside this company's data types arrived (a reading or a read answer): the
-- field is not stored, its name is kept here (the meter must never send it).
CREATE TABLE IF NOT EXISTS scope_violations (
  ref      TEXT PRIMARY KEY,
  meter    TEXT NOT NULL,
  fields   TEXT NOT NULL,
  received INTEGER NOT NULL
);
-- Every command this company had relayed to a meter, and the meter's reply.
CREATE TABLE IF NOT EXISTS commands (
  device   TEXT NOT NULL,
  cmd      INTEGER NOT NULL,
  meter    TEXT NOT NULL,
  workflow INTEGER NOT NULL REFERENCES workflows(id),
  what     TEXT NOT NULL,         -- confirm, change, cancel, read, moveout
  body     TEXT NOT NULL,         -- the request as the company made it
  status   INTEGER,               -- NULL until the meter replied
  PRIMARY KEY (device, cmd)
);
-- Confirmation data sent (fourth embodiment) and what the meter said of it.
CREATE TABLE IF NOT EXISTS confirmations (
  device   TEXT NOT NULL,
  cmd      INTEGER NOT NULL,
  meter    TEXT NOT NULL,
  types    INTEGER NOT NULL,
  sent     INTEGER NOT NULL,
  status   INTEGER,               -- 0 match, 1 mismatch, NULL before the reply
  PRIMARY KEY (device, cmd)
);
-- Switching workflows (third embodiment), abolitions, move-outs, cancels, reads.
CREATE TABLE IF NOT EXISTS workflows (
  id        INTEGER PRIMARY KEY,
  meter     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  state     TEXT NOT NULL,
  at        INTEGER,
  change_id INTEGER,
  switched  INTEGER,              -- when the meter reported the switch (its \`at\`)
  by        TEXT NOT NULL,
  created   INTEGER NOT NULL,
  updated   INTEGER NOT NULL
);
-- Notices from meters: scheduled ends, switches, security errors, breaker transitions.
CREATE TABLE IF NOT EXISTS notices (
  ref      TEXT PRIMARY KEY,
  meter    TEXT NOT NULL,
  kind     TEXT NOT NULL,
  fields   TEXT NOT NULL,
  received INTEGER NOT NULL
);
-- This company's scheduled ends (S802), by the meter's change id.
CREATE TABLE IF NOT EXISTS scheduled_ends (
  meter    TEXT NOT NULL,
  id       INTEGER NOT NULL,
  role     INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (meter, id)
);
-- On-demand reads answered (live), once per command.
CREATE TABLE IF NOT EXISTS reads (
  device   TEXT NOT NULL,
  cmd      INTEGER NOT NULL,
  meter    TEXT NOT NULL,
  fields   TEXT NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY (device, cmd)
);
`;

/** Opens (creating) a company's database: a file, or ":memory:". FULL sync: a reading is
 *  on disk before the head-end acknowledges it to the meter. */
export function openCompanyDatabase(path: string): CompanyDb {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ":memory:") db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.exec(DDL);
  return db;
}
