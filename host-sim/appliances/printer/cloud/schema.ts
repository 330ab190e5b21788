// The printer's tables in the cloud's database (made when the cloud starts, beside the
// generic ones of host-sim/cloud/schema.ts). Every token is stored as its SHA-256 only:
// tokens are 256-bit random, so a fast hash is enough, and a copy of the database
// gives nobody a token to present.
import type { Db } from "../../../cloud/schema.ts";

const DDL = `
-- One row per printer registration, made at its first verified hello (S57-S61).
CREATE TABLE IF NOT EXISTS printers (
  device_id TEXT PRIMARY KEY COLLATE NOCASE REFERENCES registrations(device_id),
  serial    TEXT NOT NULL,              -- verified (the hello came over its certificate's login)
  st_hash   BLOB NOT NULL,              -- SHA-256 of the server token
  st_cmd    INTEGER NOT NULL,           -- the command that carries it
  free_used INTEGER NOT NULL DEFAULT 0, -- 1 once its free charge was handed out
  created   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS printers_serial ON printers(serial);
-- The newest SVWT of each printer (S43-S45); deleted when exchanged (S79).
CREATE TABLE IF NOT EXISTS svwts (
  device_id TEXT PRIMARY KEY REFERENCES registrations(device_id),
  svwt_hash BLOB NOT NULL UNIQUE,
  created   INTEGER NOT NULL
);
-- Service tokens (S81): a phone's access to one printer's service, bound to the session's
-- user and terminal that exchanged the SVWT. Idle expiry: every use moves \`expires\`.
CREATE TABLE IF NOT EXISTS svts (
  svt_hash  BLOB PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  user      TEXT NOT NULL,
  terminal  TEXT NOT NULL,
  expires   INTEGER NOT NULL
);
-- Charge one-time tokens (S85-S89): single use, 24 h.
CREATE TABLE IF NOT EXISTS cwts (
  cwt_hash  BLOB PRIMARY KEY,
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  kind      INTEGER NOT NULL,           -- 1 free, 2 paid
  pages     INTEGER NOT NULL,
  created   INTEGER NOT NULL,
  expires   INTEGER NOT NULL,
  used      INTEGER                     -- when the printer redeemed it; NULL before
);
-- Payments (simulated): what was bought, when, by whom.
CREATE TABLE IF NOT EXISTS purchases (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  cwt_hash  BLOB NOT NULL REFERENCES cwts(cwt_hash),
  pages     INTEGER NOT NULL,
  user      TEXT NOT NULL,
  created   INTEGER NOT NULL
);
-- Charges (S101-S107): made when the printer redeems a CWT; sent as a command until replied.
CREATE TABLE IF NOT EXISTS charges (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  id        INTEGER NOT NULL,           -- per printer (its serial), above all it was sent or reported
  pages     INTEGER NOT NULL,
  kind      INTEGER NOT NULL,
  cmd       INTEGER NOT NULL,
  status    INTEGER,                    -- the printer's reply; NULL until it comes
  created   INTEGER NOT NULL,
  resends   INTEGER NOT NULL DEFAULT 0, -- times sent again under a new command number
  reissued_as INTEGER,                  -- answered OLD: the new charge id its pages went out as
  PRIMARY KEY (device_id, id),
  UNIQUE (device_id, cmd)
);
-- The printer's prepaid counter as it last reported it (highest version kept).
CREATE TABLE IF NOT EXISTS mirrors (
  device_id TEXT PRIMARY KEY REFERENCES registrations(device_id),
  version   INTEGER NOT NULL,
  balance   INTEGER NOT NULL,
  free      INTEGER NOT NULL,
  paid      INTEGER NOT NULL,
  debited   INTEGER NOT NULL,
  floor     INTEGER NOT NULL,
  high      INTEGER NOT NULL,
  updated   INTEGER NOT NULL
);
-- Ink entries of the printer's outbox (below 15 %, cartridge replaced).
CREATE TABLE IF NOT EXISTS ink_levels (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  seq       INTEGER NOT NULL,
  level     INTEGER NOT NULL,
  received  INTEGER NOT NULL,
  PRIMARY KEY (device_id, seq)
);
-- Ink orders (S119).
CREATE TABLE IF NOT EXISTS ink_orders (
  device_id TEXT NOT NULL REFERENCES registrations(device_id),
  id        INTEGER NOT NULL,
  user      TEXT NOT NULL,
  created   INTEGER NOT NULL,
  PRIMARY KEY (device_id, id)
);
`;

export function createPrinterTables(db: Db): void {
  db.exec(DDL);
  // A database made before charges could be reissued.
  const columns = db.prepare("SELECT name FROM pragma_table_info('charges')").all() as { name: string }[];
  if (!columns.some((c) => c.name === "reissued_as")) db.exec("ALTER TABLE charges ADD COLUMN reissued_as INTEGER");
}
