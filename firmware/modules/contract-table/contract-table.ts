// The smart meter's contract table (seed 003, FIG. 6 and 8: S802-S804; SPEC §M4): the
// meter code, the company in effect for the electricity contract and for data provision
// (company code and the data types it may receive), and the pending change records, each
// switching at a UTC time or at once. The records are the truth: the one scheduler
// deadline (the earliest pending switching time) is volatile and rebuilt by boot(), so a
// switching time that passed while the meter was off is applied there. Every update
// writes both table records in one transaction: after a power cut at any write the table
// is the old one or the new one.
import * as board from "../../board/index";
import { E_INVAL, E_MALFORMED, E_NOSPACE, E_NOTFOUND, E_RANGE, E_STATE, OK } from "../../core/errors";
import { Attr, CredentialStore, ValueType } from "../credential-store/index";
import { Clock, DeadlineOwner, Durability, Scheduler } from "../scheduler/index";
import { ContractEvents } from "./events";
import {
  ACTIVE_BYTES, ContractDeadline, ContractRecord, IMMEDIATE, METER_CODE_MAX, NO_COMPANY, PENDING_MAX_BYTES, ROLES, Role,
} from "./ids";
import { Table, validCompany, validTime } from "./table";
import { Recipients } from "../metering/recipients";

/** change()'s answers besides the board's negative errors. */
export namespace Change {
  export const APPLIED: i32 = 0;     // = OK: in effect now (immediate, or its time has come)
  export const SCHEDULED: i32 = 1;   // stored; it switches at its time (lastId names it)
}

/** confirm()'s answers. */
export namespace Confirm {
  export const MATCH: i32 = 0;
  export const MISMATCH: i32 = 1;    // a security error (ContractEvents.onSecurityError)
}

/** A failed switch is tried again this long after (a store error must not spin). */
export const RETRY_MS: i64 = 60_000;

/** The metering module's Recipients: who may receive the meter's readings. */
export class ContractTable extends DeadlineOwner implements Recipients {
  /** Why the stored table could not be read (E_TAMPER, E_MALFORMED, a store error), or
   *  OK. While set, every change is refused with it and no company is in effect: a table
   *  that cannot be trusted sends nothing anywhere (fail closed). */
  failure: i32 = OK;
  /** The id of the change the last change() stored (SCHEDULED), else 0. */
  lastId: u32 = 0;
  /** The id of the pending change the last change() superseded, else 0. */
  lastSuperseded: u32 = 0;
  /** How many pending changes the last mismatched confirm() dropped. */
  lastDropped: i32 = 0;

  private registered: i32 = OK;
  private table: Table = new Table();
  // The next table, staged by each update and adopted once its transaction committed.
  private next: Table = new Table();
  private activeBuf: Uint8Array = new Uint8Array(ACTIVE_BYTES);
  private pendingBuf: Uint8Array = new Uint8Array(PENDING_MAX_BYTES);

  /** Registers the deadline name; the image then calls scheduler.boot() and this boot().
   *  `clock`: the scheduler's (tests move it by hand). */
  constructor(private store: CredentialStore, private scheduler: Scheduler,
    private events: ContractEvents = new ContractEvents(), private clock: Clock = new Clock()) {
    super();
    this.registered = scheduler.register(ContractDeadline.SWITCH, this);
  }

  /** After the store's open() and scheduler.boot(): reads the table, applies every change
   *  whose switching time passed while the meter was off (when the board knows the wall
   *  time; otherwise the deadline waits for it), and arms the deadline for the next one.
   *  OK, or why the table cannot be read (the image reports it; E_TAMPER: store.tamperedId). */
  boot(): i32 {
    if (this.registered != OK) return this.registered;
    this.failure = this.load();
    if (this.failure != OK) { this.table.clear(); return this.failure; }
    const rc = this.switchDue();
    this.arm();
    return rc;
  }

  // ------------------------------------------------------------------ reading

  /** The company code in effect for `role` now (0: none, or abolished). A change whose
   *  switching time has come counts from that instant, even before the TIMER event that
   *  writes it is delivered. */
  code(role: u8): u32 {
    if (this.failure != OK || <i32>role >= ROLES) return NO_COMPANY;
    const i = this.table.dueFor(role, this.clock.wallMs());
    return i >= 0 ? this.table.changeCodes[i] : this.table.codes[role];
  }

  /** The data types company `role` may receive now (0 when none). */
  types(role: u8): u32 {
    if (this.failure != OK || <i32>role >= ROLES) return 0;
    const i = this.table.dueFor(role, this.clock.wallMs());
    return i >= 0 ? this.table.changeTypes[i] : this.table.types[role];
  }

  /** Whether company `code` may receive all of `types` now, in either role. An abolished
   *  or unknown company receives nothing. */
  mayReceive(code: u32, types: u32): bool {
    if (code == NO_COMPANY || types == 0) return false;
    for (let r: u8 = 0; r < <u8>ROLES; r++) {
      if (this.code(r) == code && (this.types(r) & types) == types) return true;
    }
    return false;
  }

  /** Pending changes (not yet in effect), in switching-time order: for the panel's
   *  date-time display and the cloud. A change whose time has come is not listed. */
  pendingCount(): i32 {
    const wall = this.clock.wallMs();
    let n = 0;
    for (let i = 0; i < this.table.count; i++) if (wall < 0 || this.table.at[i] > wall) n++;
    return n;
  }
  /** The i-th pending change (0 ≤ i < pendingCount(); 0 outside): its id, role, time, code, types. */
  pendingId(i: i32): u32 { const j = this.pendingIndex(i); return j < 0 ? 0 : this.table.ids[j]; }
  pendingRole(i: i32): u8 { const j = this.pendingIndex(i); return j < 0 ? 0 : this.table.roles[j]; }
  pendingAt(i: i32): i64 { const j = this.pendingIndex(i); return j < 0 ? 0 : this.table.at[j]; }
  pendingCode(i: i32): u32 { const j = this.pendingIndex(i); return j < 0 ? 0 : this.table.changeCodes[j]; }
  pendingTypes(i: i32): u32 { const j = this.pendingIndex(i); return j < 0 ? 0 : this.table.changeTypes[j]; }

  /** The meter code into `out`: its length, E_NOTFOUND before it was set, E_RANGE. */
  meterCode(out: Uint8Array): i32 {
    const v = this.store.getTyped(ContractRecord.METER_CODE, ValueType.BYTES);
    if (v === null) return this.store.lastError == OK ? E_NOTFOUND : this.store.lastError;
    if (out.length < v.length) return E_RANGE;
    for (let i = 0; i < v.length; i++) out[i] = v[i];
    return v.length;
  }

  /** Counts every update since manufacture: the image reports the table (code and types
   *  per role, pending changes) with it at every boot, connect and event, and the cloud
   *  keeps the report with the highest version (an event a power cut swallowed is so
   *  still reported). */
  get version(): u32 { return this.table.version; }

  // ------------------------------------------------------------------ changing

  /** Sets the meter code (1..METER_CODE_MAX bytes), once, at manufacture: OK (also when
   *  the same code is set again), E_STATE when another one is stored, E_INVAL. */
  setMeterCode(code: Uint8Array): i32 {
    if (code.length < 1 || code.length > METER_CODE_MAX) return E_INVAL;
    const v = this.store.getTyped(ContractRecord.METER_CODE, ValueType.BYTES);
    if (v !== null) return same(v, code) ? OK : E_STATE;
    if (this.store.records.has(ContractRecord.METER_CODE)) return this.store.lastError;
    return this.store.put(ContractRecord.METER_CODE, ValueType.BYTES, Attr.PROTECTED, code);
  }

  /** Stores a change for `role`: company `code` with the data types `types` (a DataType
   *  mask), or an abolition (code 0, types 0), switching at `atUtc` (UTC ms) or IMMEDIATE.
   *  APPLIED: in effect now (immediate, or a time at or before now: never reported as
   *  scheduled); SCHEDULED: pending, lastId names it, and the company in effect before it
   *  hears of its scheduled end (onScheduledEnd). A pending change of the same role at the
   *  same time is superseded (lastSuperseded). E_INVAL: a bad role, company or time;
   *  E_NOSPACE: MAX_PENDING changes are pending; a store error: nothing changed. */
  change(role: u8, atUtc: i64, code: u32, types: u32): i32 {
    this.lastId = 0;
    this.lastSuperseded = 0;
    if (this.failure != OK) return this.failure;
    if (<i32>role >= ROLES || !validCompany(code, types) || !validTime(atUtc)) return E_INVAL;
    const wall = this.clock.wallMs();
    const next = this.next;
    next.copyFrom(this.table);
    const due = next.applyDue(wall);   // changes whose time came go in first, in order
    const before = next.codes[role];
    const id = next.nextId++;
    const now = atUtc == IMMEDIATE || (wall >= 0 && atUtc <= wall);
    if (now) {
      next.codes[role] = code;
      next.types[role] = types;
    } else {
      const old = next.indexAt(role, atUtc);
      if (old >= 0) { this.lastSuperseded = next.ids[old]; next.removeAt(old); }
      if (!next.insert(id, role, atUtc, code, types)) { this.lastSuperseded = 0; return E_NOSPACE; }
    }
    const rc = this.commit();
    if (rc != OK) { this.lastSuperseded = 0; return rc; }
    this.reportDue(due);
    this.adopt();
    if (now) {
      this.events.onSwitched(role, before, code, atUtc == IMMEDIATE ? wall : atUtc, id);
      return Change.APPLIED;
    }
    this.lastId = id;
    const ending = this.table.codeBefore(role, atUtc);
    if (ending != NO_COMPANY && ending != code) this.events.onScheduledEnd(role, ending, atUtc, id);
    return Change.SCHEDULED;
  }

  /** An abolition of `role` at `atUtc` (or IMMEDIATE): delivery to its company stops then. */
  abolish(role: u8, atUtc: i64): i32 { return this.change(role, atUtc, NO_COMPANY, 0); }

  /** Drops pending change `id`: OK; E_NOTFOUND when it is not pending (never stored,
   *  cancelled, superseded, or already in effect: its time has come). */
  cancel(id: u32): i32 {
    if (this.failure != OK) return this.failure;
    const wall = this.clock.wallMs();
    const next = this.next;
    next.copyFrom(this.table);
    const due = next.applyDue(wall);
    const i = next.indexOf(id);
    if (i < 0) return E_NOTFOUND;
    next.removeAt(i);
    const rc = this.commit();
    if (rc != OK) return rc;
    this.reportDue(due);
    this.adopt();
    return OK;
  }

  // ------------------------------------------------------------------ confirmation

  /** The fourth embodiment: a company's server sends its contract confirmation data before
   *  a switch or a transmission. `code` is the company the image verified (its TLS
   *  session's certificate, never a payload field); `types` the data types it claims.
   *  MATCH when the table holds exactly that company data, in effect or in a pending
   *  change. Otherwise MISMATCH, a security error reported through onSecurityError, and
   *  nothing is switched: the pending changes to that company (whose data it did not
   *  confirm) are dropped (lastDropped counts them), the company in effect stays. A store
   *  error while dropping them is returned instead (the error was still reported). */
  confirm(code: u32, types: u32): i32 {
    this.lastDropped = 0;
    let role = Role.NONE;
    if (this.failure == OK && code != NO_COMPANY) {
      for (let r: u8 = 0; r < <u8>ROLES; r++) {
        if (this.code(r) != code) continue;
        if (this.types(r) == types) return Confirm.MATCH;
        if (role == Role.NONE) role = r;
      }
      const t = this.table, wall = this.clock.wallMs();
      for (let i = 0; i < t.count; i++) {
        if (t.changeCodes[i] != code || (wall >= 0 && t.at[i] <= wall)) continue;
        if (t.changeTypes[i] == types) return Confirm.MATCH;
        if (role == Role.NONE) role = t.roles[i];
      }
    }
    this.events.onSecurityError(role, code);
    return this.dropChangesTo(code);
  }

  // ------------------------------------------------------------------ deadline

  onDeadline(name: u32, lateMs: i64): void {
    if (name != ContractDeadline.SWITCH || this.failure != OK) return;
    const rc = this.switchDue();
    if (rc == OK) { this.arm(); return; }
    // The table in flash is still the old one; reads already show the switch. Try again.
    board.compose().add("contract-table: switch not written, rc ").num(rc).error();
    this.scheduler.after(ContractDeadline.SWITCH, RETRY_MS, 0, Durability.VOLATILE);
  }

  // ------------------------------------------------------------------ internals

  /** Writes every change whose time has come into effect (one transaction); OK when
   *  there was none or it is durable. */
  private switchDue(): i32 {
    const wall = this.clock.wallMs();
    if (wall < 0) return OK;
    const next = this.next;
    next.copyFrom(this.table);
    const due = next.applyDue(wall);
    if (due == 0) return OK;
    const rc = this.commit();
    if (rc != OK) return rc;
    this.reportDue(due);
    this.adopt();
    return OK;
  }

  /** After a mismatched confirmation: drops the pending changes to `code` (none due yet).
   *  MISMATCH, or a store error. */
  private dropChangesTo(code: u32): i32 {
    if (this.failure != OK || code == NO_COMPANY) return Confirm.MISMATCH;
    const wall = this.clock.wallMs();
    const next = this.next;
    next.copyFrom(this.table);
    const due = next.applyDue(wall);
    let dropped = 0;
    for (let i = next.count - 1; i >= 0; i--) {
      if (next.changeCodes[i] == code) { next.removeAt(i); dropped++; }
    }
    if (dropped == 0) return Confirm.MISMATCH;
    const rc = this.commit();
    if (rc != OK) return rc;
    this.reportDue(due);
    this.adopt();
    this.lastDropped = dropped;
    return Confirm.MISMATCH;
  }

  /** Tells the image of the first `n` pending changes of the table in RAM (about to be
   *  replaced by `next`, where they are in effect), in time order. */
  private reportDue(n: i32): void {
    const t = this.table;
    // Company per role as each change lands, starting from what was in effect.
    let c0 = t.codes[0], c1 = t.codes[1];
    for (let i = 0; i < n; i++) {
      const role = t.roles[i];
      const before = role == 0 ? c0 : c1;
      if (role == 0) c0 = t.changeCodes[i]; else c1 = t.changeCodes[i];
      this.events.onSwitched(role, before, t.changeCodes[i], t.at[i], t.ids[i]);
    }
  }

  /** Both records of `next` in one transaction, as the table's next version. */
  private commit(): i32 {
    this.next.version = this.table.version + 1;
    const t = this.store.begin();
    const a = this.next.encodeActive(this.activeBuf);
    const p = this.next.encodePending(this.pendingBuf);
    let rc = t.put(ContractRecord.ACTIVE, ValueType.BYTES, Attr.PROTECTED, this.activeBuf.subarray(0, a));
    if (rc == OK) rc = t.put(ContractRecord.PENDING, ValueType.BYTES, Attr.PROTECTED, this.pendingBuf.subarray(0, p));
    if (rc != OK) { t.discard(); return rc; }
    rc = t.commit();
    // What a failed commit left is settled at the next mount (all of it or none): the
    // table is read again from the store, as that mount will find it.
    if (rc != OK) { this.failure = this.load(); if (this.failure != OK) this.table.clear(); }
    return rc;
  }

  private adopt(): void {
    const t = this.table;
    this.table = this.next;
    this.next = t;
    this.arm();
  }

  /** The one deadline: the earliest pending switching time (volatile: the records are the truth). */
  private arm(): void {
    if (this.table.count == 0) { this.scheduler.cancel(ContractDeadline.SWITCH); return; }
    this.scheduler.atUtc(ContractDeadline.SWITCH, this.table.at[0], 0, Durability.VOLATILE);
  }

  /** Where the i-th change not yet due is in the table, or -1. */
  private pendingIndex(i: i32): i32 {
    const t = this.table, wall = this.clock.wallMs();
    let first = 0;
    if (wall >= 0) while (first < t.count && t.at[first] <= wall) first++;
    return i < 0 || first + i >= t.count ? -1 : first + i;
  }

  // OK with the stored table in RAM (or none stored: no companies, nothing pending), else
  // why it cannot be read.
  private load(): i32 {
    this.table.clear();
    const a = this.store.getTyped(ContractRecord.ACTIVE, ValueType.BYTES);
    const activeMissing = a === null && this.store.lastError == E_NOTFOUND && !this.store.records.has(ContractRecord.ACTIVE);
    if (a === null && !activeMissing) return this.store.lastError;
    const p = this.store.getTyped(ContractRecord.PENDING, ValueType.BYTES);
    const pendingMissing = p === null && this.store.lastError == E_NOTFOUND && !this.store.records.has(ContractRecord.PENDING);
    if (p === null && !pendingMissing) return this.store.lastError;
    // Every update writes both, together: one without the other was not written by us.
    if (activeMissing || pendingMissing) return activeMissing && pendingMissing ? OK : E_MALFORMED;
    return this.table.decode(a!, p!) ? OK : E_MALFORMED;
  }
}

function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}
