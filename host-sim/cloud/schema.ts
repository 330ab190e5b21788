// The cloud's SQLite schema. One database file, but each registration is its own storage
// area (the patent's "storage area different from the one associated with the existing
// device ID"): every table below except users/terminals is keyed by device_id, and every
// read the API does is scoped by a device id the caller is a member of.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type Db = Database.Database;

// 2: registrations.appliance (one cloud, several appliances).
const SCHEMA_VERSION = 2;

const DDL = `
CREATE TABLE IF NOT EXISTS users (
  user          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,            -- scrypt$..., never the password
  created       INTEGER NOT NULL
);
-- Terminals a user has been seen with (X-Terminal-Id). Informational.
CREATE TABLE IF NOT EXISTS terminals (
  user       TEXT NOT NULL REFERENCES users(user),
  terminal   TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (user, terminal)
);
-- One row per registration (storage area). COLLATE NOCASE: two UUIDs differing only in
-- case are the same id, so the second is a duplicate (409), not a second area.
CREATE TABLE IF NOT EXISTS registrations (
  device_id     TEXT PRIMARY KEY COLLATE NOCASE,
  password_hash TEXT NOT NULL,            -- mosquitto $7$ PBKDF2-SHA512
  serial        TEXT,                     -- the remote's serial the phone claimed (sealed HELLO_REPLY)
  created       INTEGER NOT NULL,
  retired_at    INTEGER,                  -- NULL while current
  serial_verified INTEGER NOT NULL DEFAULT 0, -- 1 once the broker let the remote log in
                                          -- (its certificate's CN is the serial)
  appliance     TEXT                      -- its appliance (registry name); NULL only in rows
                                          -- made before schema 2: CloudStore fills in the default
);
CREATE INDEX IF NOT EXISTS registrations_serial ON registrations(serial) WHERE serial IS NOT NULL;
-- Members of a registration: a user on a terminal (the patent's user authentication
-- information includes the terminal's own identifier).
CREATE TABLE IF NOT EXISTS registration_users (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  user      TEXT NOT NULL REFERENCES users(user),
  terminal  TEXT NOT NULL,
  added     INTEGER NOT NULL,
  PRIMARY KEY (device_id, user, terminal)
);
CREATE INDEX IF NOT EXISTS registration_users_by_user ON registration_users(user, terminal);
-- The remote vouching for a terminal (additional registration); consumed on use.
CREATE TABLE IF NOT EXISTS approvals (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  terminal  TEXT NOT NULL,
  expires   INTEGER NOT NULL,
  PRIMARY KEY (device_id, terminal)
);
CREATE TABLE IF NOT EXISTS states (
  device_id TEXT PRIMARY KEY REFERENCES registrations(device_id),
  json      TEXT NOT NULL,
  updated   INTEGER NOT NULL
);
-- Usage history, one row per outbox message of the remote (n = its "seq"; a gap entry,
-- event "gap", says how many messages the remote had to drop). Resends are ignored.
CREATE TABLE IF NOT EXISTS history (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  n         INTEGER NOT NULL,
  event     TEXT NOT NULL,
  value     REAL NOT NULL,
  t         INTEGER NOT NULL,
  received  INTEGER NOT NULL,
  UNIQUE (device_id, n)
);
-- PROTOCOL.md §2 outbox: every message up to \`acked\` is applied (stored), in order.
CREATE TABLE IF NOT EXISTS outbox_acks (
  device_id TEXT PRIMARY KEY REFERENCES registrations(device_id),
  acked     INTEGER NOT NULL
);
-- Outbox messages that arrived after a hole, held until the hole is filled (bounded).
CREATE TABLE IF NOT EXISTS outbox_held (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  seq       INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (device_id, seq)
);
CREATE TABLE IF NOT EXISTS commands (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  cmd       INTEGER NOT NULL,
  body      TEXT NOT NULL,                -- the published down payload
  status    INTEGER,                      -- NULL until the remote replies
  created   INTEGER NOT NULL,
  replied   INTEGER,
  PRIMARY KEY (device_id, cmd)
);
`;

/** A database made before a column was added gets it (CREATE TABLE IF NOT EXISTS leaves
 *  an existing table alone). */
function addColumnIfMissing(db: Db, table: string, column: string, decl: string): void {
  const cols = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!cols.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${decl}`);
}

/** Opens (creating if needed) the database at `path`, in WAL mode so the simulator's
 *  readers never block the writer. ":memory:" works too. */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // FULL: a commit is on disk before the cloud acknowledges the remote's outbox, which
  // then deletes the message (NORMAL could lose the last commits in a power cut).
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`cloud database ${path} has schema ${version}, newer than this code (${SCHEMA_VERSION})`);
  }
  db.exec(DDL);
  addColumnIfMissing(db, "registrations", "serial_verified", "INTEGER NOT NULL DEFAULT 0");
  addColumnIfMissing(db, "registrations", "appliance", "TEXT");
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}
