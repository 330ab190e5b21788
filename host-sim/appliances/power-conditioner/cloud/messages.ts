// The message outbox (PROTOCOL.md §7): the e-mail and SMS the servers send, standing in
// for the mail and SMS providers. A credential is written here and nowhere else: the
// issuers keep its salt and verifier only. Its own database, apart from the cloud's and
// every server's. Each address is one user's mailbox (the first user it was put on file
// for): only that user reads it.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Message } from "./types.ts";

const DDL = `
CREATE TABLE IF NOT EXISTS mailboxes (
  address TEXT PRIMARY KEY,
  user    TEXT NOT NULL,
  added   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
  n        INTEGER PRIMARY KEY AUTOINCREMENT,
  channel  TEXT NOT NULL,       -- email, sms
  address  TEXT NOT NULL,
  sender   TEXT NOT NULL,
  text     TEXT NOT NULL,
  time     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_address ON messages(address, n);
`;

/** An e-mail address or an SMS number (+ and 6..15 digits). */
export function isAddress(v: unknown): v is string {
  return typeof v === "string" && v.length <= 254 && (/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$/.test(v) || /^\+[0-9]{6,15}$/.test(v));
}
export const channelOf = (address: string): Message["channel"] => (address.includes("@") ? "email" : "sms");

export class MessageOutbox {
  readonly db: Database.Database;
  private readonly q;

  constructor(dbPath = ":memory:", private readonly now: () => number = Date.now) {
    if (dbPath !== ":memory:") mkdirSync(dirname(dbPath), { recursive: true });
    this.db = new Database(dbPath);
    this.db.pragma("synchronous = FULL");
    this.db.exec(DDL);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      owner: p("SELECT user FROM mailboxes WHERE address = ?"),
      claim: p("INSERT OR IGNORE INTO mailboxes (address, user, added) VALUES (?, ?, ?)"),
      put: p("INSERT INTO messages (channel, address, sender, text, time) VALUES (?, ?, ?, ?, ?)"),
      inbox: p("SELECT n, channel, address AS \"to\", sender AS \"from\", text, time FROM messages WHERE address = ? ORDER BY n"),
      all: p("SELECT n, channel, address AS \"to\", sender AS \"from\", text, time FROM messages ORDER BY n"),
    };
  }

  /** The user who reads `address`, if anyone. */
  owner(address: string): string | undefined { return (this.q.owner.get(address) as { user: string } | undefined)?.user; }

  /** Makes `address` `user`'s mailbox; false when it is another user's. */
  claim(address: string, user: string): boolean {
    this.q.claim.run(address, user, this.now());
    return this.owner(address) === user;
  }

  send(from: string, to: string, text: string): Message {
    const time = this.now();
    const r = this.q.put.run(channelOf(to), to, from, text, time);
    return { n: Number(r.lastInsertRowid), channel: channelOf(to), to, from, text, time };
  }

  inbox(address: string): Message[] { return this.q.inbox.all(address) as Message[]; }
  /** Every message, oldest first (the home's view). */
  all(): Message[] { return this.q.all.all() as Message[]; }
  close(): void { this.db.close(); }
}
