// What the contract partners' servers and the credential operator share (PROTOCOL.md §2):
// a P-256 key of their own, authentication information signed with it and sent to the PCS
// through the relay, the credential sent to the requester's mailbox (the message outbox)
// and forgotten, and the PCS's auth, change and tamper entries stored once per ref.
import { randomBytes } from "node:crypto";
import {
  ISSUED_DIGITS, SALT_BYTES, credentialVerifier, newCredential, signAuthInfo,
} from "./auth-info.ts";
import { openIssuerDatabase, type IssuerDb } from "./issuer-schema.ts";
import { issuerKeys, newIssuerKeys, type IssuerKeys } from "./keys.ts";
import type { MessageOutbox } from "./messages.ts";
import type {
  AuthRequestRecord, AuthRequestState, Contact, IssuerDelivery, IssuerEndpoint, IssuerEvent, IssuerEventKind,
  RelayPort,
} from "./types.ts";

export interface IssuerConfig {
  code: number;
  name: string;
  /** Its SQLite file; default ":memory:". */
  dbPath?: string;
  /** The mail and SMS it sends. */
  messages: MessageOutbox;
  /** Its clock (ms); default Date.now. */
  now?: () => number;
}

/** What a requester may ask for; 0 is the PCS's default (which caps every field). */
export interface AuthAsk { items: number; to: string; lifetimeS?: number; uses?: number; failures?: number }

interface RequestRow {
  id: number; pcs: string; items: number; address: string; by: string; device: string | null; cmd: number | null;
  status: number | null; unsent: number; created: number; updated: number;
}

const stateOf = (r: RequestRow): AuthRequestState =>
  r.unsent ? "unsent" : r.status === null ? "made" : r.status === 0 ? "stored" : r.status === -6 ? "refused" : r.status === -10 ? "malformed" : r.status === -3 ? "no-time" : "failed";

export const codeHex = (code: number) => code.toString(16).toUpperCase().padStart(4, "0");

export abstract class Issuer implements IssuerEndpoint {
  readonly code: number;
  readonly name: string;
  /** Its own database (tests read it and make it fail). */
  readonly db: IssuerDb;
  readonly keys: IssuerKeys;
  protected readonly now: () => number;
  protected readonly messages: MessageOutbox;
  protected port: RelayPort | null = null;
  private readonly iq;

  constructor(config: IssuerConfig, ownTables: string) {
    if (!Number.isInteger(config.code) || config.code < 1 || config.code > 0xffffffff) throw new Error("issuer code: 1..2^32-1");
    this.code = config.code;
    this.name = config.name;
    this.now = config.now ?? Date.now;
    this.messages = config.messages;
    this.db = openIssuerDatabase(config.dbPath ?? ":memory:", ownTables);
    // Its key pair is made once and kept: a restart signs with the key PCSs already hold.
    const row = this.db.prepare("SELECT private_key FROM identity WHERE code = ?").get(this.code) as { private_key: string } | undefined;
    this.keys = row ? issuerKeys(row.private_key) : newIssuerKeys();
    if (!row) {
      const pem = this.keys.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
      this.db.prepare("INSERT INTO identity (code, name, private_key) VALUES (?, ?, ?)").run(this.code, this.name, pem);
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.iq = {
      putRequest: p(`INSERT INTO auth_requests (pcs, items, lifetime, uses, failures, salt, verifier, address, by, created, updated)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      sent: p("UPDATE auth_requests SET device = ?, cmd = ? WHERE id = ?"),
      unsent: p("UPDATE auth_requests SET unsent = 1, updated = ? WHERE id = ?"),
      reply: p("UPDATE auth_requests SET status = ?, updated = ? WHERE device = ? AND cmd = ? AND status IS NULL"),
      requests: p("SELECT id, pcs, items, address, by, device, cmd, status, unsent, created, updated FROM auth_requests WHERE pcs = ? ORDER BY id"),
      putEvent: p("INSERT OR IGNORE INTO events (ref, pcs, kind, fields, received) VALUES (?, ?, ?, ?, ?)"),
      events: p("SELECT ref, pcs, kind, fields, received FROM events WHERE pcs = ? ORDER BY rowid"),
    };
  }

  /** 65 bytes 0x04 ‖ X ‖ Y: what a PCS verifies this issuer's signatures with. */
  get publicKey(): Buffer { return this.keys.raw; }

  attach(port: RelayPort): void { this.port = port; }

  /** Whether this issuer makes authentication information for the PCS `pcs` at all. */
  abstract serves(pcs: string): boolean;
  /** The addresses this issuer sends that PCS's credentials to. */
  abstract contacts(pcs: string): Contact[];

  // ---------------------------------------------------------------- what the relay hands

  receive(m: IssuerDelivery): void {
    switch (m.kind) {
      case "reading": return this.onReading(m);
      case "result": {
        this.iq.reply.run(m.status, this.now(), m.device, m.cmd);
        return;
      }
      default: {
        const { ref, pcs, kind, ...fields } = m;
        this.iq.putEvent.run(ref, pcs, kind, JSON.stringify(fields), this.now());
      }
    }
  }

  /** A reading for this issuer's code; only a partner takes them (the relay hands none to
   *  an issuer that is not one). */
  protected onReading(_m: Extract<IssuerDelivery, { kind: "reading" }>): void {
    throw new Error(`${this.name} takes no readings`);
  }

  // ---------------------------------------------------------------- S12/S22

  /** Makes authentication information for `pcs`, sends it through the relay, and the
   *  credential to `ask.to` (which the route checked is one of contacts(pcs), read by the
   *  caller). Undefined when the cloud has no registration of that PCS: the request is
   *  kept as unsent and no credential goes out. */
  requestAuth(pcs: string, ask: AuthAsk, by: string): AuthRequestRecord | undefined {
    if (!this.port) throw new Error(`${this.name}: not attached to a relay`);
    const digits = newCredential(ISSUED_DIGITS);
    const salt = randomBytes(SALT_BYTES);
    const verifier = credentialVerifier(pcs, salt, digits);
    const now = this.now();
    const lifetimeS = ask.lifetimeS ?? 0, uses = ask.uses ?? 0, failures = ask.failures ?? 0;
    // The serial is committed before anything is sent: a serial that reached a PCS is
    // never made again, whatever fails after (the PCS would refuse it as replayed).
    const r = this.iq.putRequest.run(pcs, ask.items, lifetimeS, uses, failures, salt.toString("hex"), verifier.toString("hex"), ask.to, by, now, now);
    const serial = Number(r.lastInsertRowid);
    const blob = signAuthInfo({ issuer: this.code, serial, issuedMs: now, lifetimeS, uses, failures, items: ask.items, device: pcs, salt, verifier }, this.keys.privateKey);
    const sent = this.port.sendAuth(pcs, blob);
    if (!sent) {
      this.iq.unsent.run(this.now(), serial);
      return undefined;
    }
    this.iq.sent.run(sent.device, sent.cmd, serial);
    // The credential leaves here for the requester's mailbox and is kept nowhere.
    this.messages.send(`${this.name} (${codeHex(this.code)})`, ask.to, credentialText(pcs, digits, serial, ask));
    return this.authRequests(pcs).find((x) => x.id === serial);
  }

  // ---------------------------------------------------------------- queries

  authRequests(pcs: string): AuthRequestRecord[] {
    return (this.iq.requests.all(pcs) as RequestRow[]).map((r) => ({
      id: r.id, pcs: r.pcs, authSerial: r.id, items: r.items, to: r.address, by: r.by,
      state: stateOf(r), status: r.status, device: r.device ?? "", cmd: r.cmd ?? 0, created: r.created, updated: r.updated,
    }));
  }

  /** auth, change and tamper entries about `pcs`, as received. */
  events(pcs: string, kind?: IssuerEventKind): IssuerEvent[] {
    return (this.iq.events.all(pcs) as { ref: string; pcs: string; kind: IssuerEventKind; fields: string; received: number }[])
      .filter((e) => kind === undefined || e.kind === kind)
      .map((e) => ({ ...e, fields: JSON.parse(e.fields) as Record<string, string | number> }));
  }

  close(): void { this.db.close(); }
}

const ITEM_WORDS = ["personal data", "usage history", "site id", "capacities", "connection"];

function credentialText(pcs: string, digits: string, serial: number, ask: AuthAsk): string {
  const items = ITEM_WORDS.filter((_, i) => (ask.items >> i) & 1).join(", ");
  const lifetime = ask.lifetimeS ? `${ask.lifetimeS} s` : "24 hours";
  return `Power conditioner ${pcs}: your code is ${digits}. Enter it on the unit's panel (MENU, Change data) or in the app. ` +
    `It allows changing or deleting: ${items}; it is valid for ${lifetime} after it reaches the unit (request ${serial}).`;
}
