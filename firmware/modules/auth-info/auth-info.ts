// Authentication information and credentials (PROTOCOL.md §2): a server signs what the
// PCS needs to check a credential it e-mailed the user; the PCS keeps a salted verifier
// bound to its key slot, with a lifetime, a use limit and a failure limit that survive
// power cuts and fail closed; a match opens the grant the change screen works under.
// The factory's maintenance credential is checked the same way, with its own lock.
import * as board from "../../board/index";
import { equalConstantTime, getU32LE, putU32LE, wipe } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_INVAL, E_IO, E_LOCKED, E_MALFORMED, E_NOTFOUND, E_STATE } from "../../core/errors";
import { Attr, CredentialStore, CredentialTransaction, ValueType } from "../credential-store/index";
import { Clock, DeadlineOwner, Scheduler } from "../scheduler/index";
import { AuthConfig, AuthEvents, PartnerKey } from "./config";
import { Grant } from "./grant";
import { AuthDeadline, AuthEvent, AuthRecord, FLOOR_SLOTS, Kind, Reason } from "./ids";
import { ALL_ITEMS, Information, SALT_LEN, SIGNATURE_LEN, VERIFIER_LEN } from "./information";
import { SCRATCH_LEN, W_LEN, bind, verifierOf } from "./verifier";

// HELD: issuer u32 | serial u32 | arrival UTC ms i64 | expiry UTC ms i64 | N u8 | M u8 |
// items u8 | salt 16 | w 32.
const HELD_SALT: i32 = 27;
const HELD_W: i32 = HELD_SALT + SALT_LEN;
const HELD_LEN: i32 = HELD_W + W_LEN;
// MAINTENANCE: operator u32 | operator key 65 | salt 16 | w 32.
const KEY_LEN: i32 = 65;
const MAINT_SALT: i32 = 4 + KEY_LEN;
const MAINT_W: i32 = MAINT_SALT + SALT_LEN;
const MAINT_LEN: i32 = MAINT_W + W_LEN;
const COUNTERS_LEN: i32 = 8;
const FLOORS_LEN: i32 = FLOOR_SLOTS * 8;
const DIGITS_MAX: i32 = 32;

export class AuthInfo extends DeadlineOwner {
  /** The change screen's permission: open after a match, in RAM only. */
  grant: Grant;
  private registered: i32 = OK;
  private info: Information = new Information();
  private scratch: Uint8Array = new Uint8Array(SCRATCH_LEN);
  private countersBuf: Uint8Array = new Uint8Array(COUNTERS_LEN);
  private floorsBuf: Uint8Array = new Uint8Array(FLOORS_LEN);

  // The held information's public fields and counters, read at boot and kept in step
  // with every write (its salt and w stay sealed in flash until a check needs them).
  private holding: bool = false;
  private issuer: u32 = 0;
  private serial: u32 = 0;
  private expiry: i64 = 0;
  private maxUses: i32 = 0;
  private maxFailures: i32 = 0;
  private items: u32 = 0;
  private uses: i32 = 0;
  private failures: i32 = 0;

  private operator: u32 = 0;
  private operatorKey: Uint8Array | null = null;

  /** Registers deadlines 0x60 (expiry) and 0x61 (the grant's idle close); the image then
   *  calls scheduler.boot() and this boot(). `clock`: the scheduler's (specs move it). */
  constructor(private store: CredentialStore, private scheduler: Scheduler, private partner: PartnerKey,
    private events: AuthEvents, public config: AuthConfig = new AuthConfig(), private clock: Clock = new Clock()) {
    super();
    this.grant = new Grant(scheduler, config.grantIdleMs);
    let rc = scheduler.register(AuthDeadline.EXPIRY, this);
    if (rc == OK) rc = scheduler.register(AuthDeadline.GRANT_IDLE, this);
    this.registered = rc;
  }

  /** After scheduler.boot(): reads what is held; erases information that expired while
   *  the PCS was off, ran out of uses or tries (a power cut between the counter's write and
   *  the erase), or cannot be read (fail closed); arms the expiry. */
  boot(): i32 {
    if (this.registered != OK) return this.registered;
    this.grant.shut();
    this.loadMaintenance();
    if (!this.store.records.has(AuthRecord.HELD)) {
      this.holding = false;
      // Counters without information: left by a cut between two erases.
      return this.store.records.has(AuthRecord.HELD_COUNTERS) ? this.store.erase(AuthRecord.HELD_COUNTERS) : OK;
    }
    if (!this.loadHeld()) return this.invalidate(AuthEvent.LOCKED);
    if (this.failures >= this.maxFailures) return this.invalidate(AuthEvent.LOCKED);
    if (this.uses >= this.maxUses) return this.invalidate(AuthEvent.USED_UP);
    const wall = this.clock.wallMs();
    if (wall >= 0 && wall >= this.expiry) return this.invalidate(AuthEvent.EXPIRED);
    // Volatile: rebuilt here at every boot; while the wall time is unknown it waits for it.
    return this.scheduler.atUtc(AuthDeadline.EXPIRY, this.expiry);
  }

  // ------------------------------------------------------------------ §2.1

  /** Authentication information from a server (relayed by the cloud): OK stored;
   *  E_MALFORMED; E_AUTH another device, an unknown issuer, a bad signature, a replayed
   *  serial; E_STATE no wall time; a store error. Every refusal changes nothing and is
   *  reported (REFUSED with its reason). */
  receive(blob: Uint8Array, via: i32): i32 {
    const info = this.info;
    if (!info.parse(blob)) return this.refuse(0, 0, via, Reason.MALFORMED, E_MALFORMED);
    const issuer = info.issuer, serial = info.serial;
    const me = this.store.serial();
    if (me === null || !info.isFor(blob, board.utf8(me))) return this.refuse(issuer, serial, via, Reason.OTHER_DEVICE, E_AUTH);
    const key = this.keyOf(issuer);
    if (key === null) return this.refuse(issuer, serial, via, Reason.UNKNOWN_ISSUER, E_AUTH);
    if (board.ecdsaP256Verify(key, blob.subarray(0, info.signatureAt),
      blob.subarray(info.signatureAt, info.signatureAt + SIGNATURE_LEN)) != OK) {
      return this.refuse(issuer, serial, via, Reason.BAD_SIGNATURE, E_AUTH);
    }
    const slot = this.readFloors(issuer);
    if (slot < 0 || serial <= getU32LE(this.floorsBuf, slot * 8 + 4)) return this.refuse(issuer, serial, via, Reason.REPLAYED, E_AUTH);
    const wall = this.clock.wallMs();
    if (wall < 0) return this.refuse(issuer, serial, via, Reason.NO_TIME, E_STATE);

    const c = this.config;
    const lifetimeS = capped(info.lifetimeS, c.lifetimeS);
    const maxUses = <i32>capped(<u32>info.uses, <u32>c.uses);
    const maxFailures = <i32>capped(<u32>info.failures, <u32>c.failures);
    const expiry = wall + <i64>lifetimeS * 1000;
    const w = bind(this.scratch, blob.subarray(info.verifierAt, info.verifierAt + VERIFIER_LEN));
    if (w === null) return E_STATE;   // no key slot: nothing could be checked later
    const held = new Uint8Array(HELD_LEN);
    putU32LE(held, 0, issuer);
    putU32LE(held, 4, serial);
    putI64(held, 8, wall);
    putI64(held, 16, expiry);
    held[24] = <u8>maxUses;
    held[25] = <u8>maxFailures;
    held[26] = <u8>info.items;
    held.set<Uint8Array>(blob.subarray(info.saltAt, info.saltAt + SALT_LEN), HELD_SALT);
    held.set<Uint8Array>(w, HELD_W);
    wipe(w);
    putU32LE(this.floorsBuf, slot * 8, issuer);
    putU32LE(this.floorsBuf, slot * 8 + 4, serial);
    const t = this.store.begin();
    t.put(AuthRecord.HELD, ValueType.BYTES, Attr.SECRET, held);
    this.stageCounters(t, 0, 0);
    t.put(AuthRecord.FLOORS, ValueType.BYTES, Attr.PROTECTED, this.floorsBuf);
    const rc = t.commit();
    wipe(held);
    if (rc != OK) return rc;
    this.holding = true;
    this.issuer = issuer;
    this.serial = serial;
    this.expiry = expiry;
    this.maxUses = maxUses;
    this.maxFailures = maxFailures;
    this.items = info.items;
    this.uses = 0;
    this.failures = 0;
    this.scheduler.atUtc(AuthDeadline.EXPIRY, expiry);
    this.events.onAuthEvent(AuthEvent.STORED, issuer, serial, via, Reason.NONE);
    return OK;
  }

  // ------------------------------------------------------------------ §2.2

  /** A credential the user entered (ASCII digits): OK and `grant` opens; E_AUTH a
   *  mismatch, or expired information (erased); E_LOCKED the failure that used up the
   *  tries, or a locked maintenance credential, or counters that cannot be read;
   *  E_NOTFOUND nothing to check against; E_STATE no wall time; E_IO the failure count
   *  could not be written first (the check is refused); E_MALFORMED not 1-32 digits. */
  check(kind: i32, digits: Uint8Array, via: i32): i32 {
    if (digits.length < 1 || digits.length > DIGITS_MAX) return E_MALFORMED;
    for (let i = 0; i < digits.length; i++) if (digits[i] < 0x30 || digits[i] > 0x39) return E_MALFORMED;
    if (kind == Kind.SERVER) return this.checkServer(digits, via);
    if (kind == Kind.MAINTENANCE) return this.checkMaintenance(digits, via);
    return E_INVAL;
  }

  private checkServer(digits: Uint8Array, via: i32): i32 {
    // Information from an issuer that is no longer trusted (the partner changed, or its
    // CONNECTION is tampered) is not used; kept, it serves again if that partner returns.
    if (!this.holding || !this.trusted(this.issuer)) return E_NOTFOUND;
    const wall = this.clock.wallMs();
    if (wall < 0) return E_STATE;
    if (wall >= this.expiry) { this.invalidate(AuthEvent.EXPIRED, via); return E_AUTH; }
    if (this.failures >= this.maxFailures || this.uses >= this.maxUses) { this.invalidate(AuthEvent.LOCKED, via); return E_LOCKED; }
    // Counted before comparing: a power cut from here on has cost a try.
    const t = this.store.begin();
    this.stageCounters(t, this.uses, this.failures + 1);
    if (t.commit() != OK) {
      if (!this.loadCounters()) this.invalidate(AuthEvent.LOCKED, via);
      return E_IO;
    }
    this.failures++;
    const held = this.store.getTyped(AuthRecord.HELD, ValueType.BYTES);
    if (held === null || held.length != HELD_LEN) {
      if (held !== null) wipe(held);
      this.invalidate(AuthEvent.LOCKED, via);
      return E_LOCKED;
    }
    const me = this.store.serial();
    const match = me !== null && this.matches(board.utf8(me), held, HELD_SALT, HELD_W, digits);
    wipe(held);
    const issuer = this.issuer, serial = this.serial;
    if (!match) {
      this.events.onAuthEvent(AuthEvent.MISMATCH, issuer, serial, via, Reason.NONE);
      if (this.failures < this.maxFailures) return E_AUTH;
      this.invalidate(AuthEvent.LOCKED, via);
      return E_LOCKED;
    }
    const usedUp = this.uses + 1 >= this.maxUses;
    const u = this.store.begin();
    if (usedUp) this.stageEraseHeld(u);
    else this.stageCounters(u, this.uses + 1, this.failures - 1);
    // A server-issued success also lifts the maintenance lock (§2.2).
    if (this.store.counter(AuthRecord.MAINTENANCE_FAILURES) != 0) u.erase(AuthRecord.MAINTENANCE_FAILURES);
    const rc = u.commit();
    if (rc != OK) return rc;   // the try stays counted; no grant
    const items = this.items;
    if (usedUp) this.forget();
    else { this.uses++; this.failures--; }
    this.grant.openFor(items, via, issuer, serial);
    this.events.onAuthEvent(AuthEvent.MATCH, issuer, serial, via, Reason.NONE);
    if (usedUp) this.events.onAuthEvent(AuthEvent.USED_UP, issuer, serial, via, Reason.NONE);
    return OK;
  }

  private checkMaintenance(digits: Uint8Array, via: i32): i32 {
    if (!this.store.records.has(AuthRecord.MAINTENANCE)) return E_NOTFOUND;
    const limit = this.config.maintenanceFailures;
    if (this.store.counter(AuthRecord.MAINTENANCE_FAILURES) >= limit) return E_LOCKED;
    const n = this.store.countAttempt(AuthRecord.MAINTENANCE_FAILURES);
    if (n < 0) return E_IO;
    const rec = this.store.getTyped(AuthRecord.MAINTENANCE, ValueType.BYTES);
    if (rec === null || rec.length != MAINT_LEN) { if (rec !== null) wipe(rec); return E_LOCKED; }
    const me = this.store.serial();
    const match = me !== null && this.matches(board.utf8(me), rec, MAINT_SALT, MAINT_W, digits);
    wipe(rec);
    if (!match) {
      this.events.onAuthEvent(AuthEvent.MISMATCH, 0, 0, via, Reason.NONE);
      if (n < limit) return E_AUTH;
      this.events.onAuthEvent(AuthEvent.LOCKED, 0, 0, via, Reason.NONE);
      return E_LOCKED;
    }
    const rc = this.store.resetCounter(AuthRecord.MAINTENANCE_FAILURES);
    if (rc != OK) return rc;
    this.grant.openFor(ALL_ITEMS, via, 0, 0);
    this.events.onAuthEvent(AuthEvent.MATCH, 0, 0, via, Reason.NONE);
    return OK;
  }

  /** Whether the digits give the w stored at `wAt` of `rec` (its salt at `saltAt`). */
  private matches(serial: Uint8Array, rec: Uint8Array, saltAt: i32, wAt: i32, digits: Uint8Array): bool {
    const v = verifierOf(this.scratch, serial, rec.subarray(saltAt, saltAt + SALT_LEN), digits);
    const w = bind(this.scratch, v);
    wipe(v);
    if (w === null) return false;
    const ok = equalConstantTime(w, rec.subarray(wAt, wAt + W_LEN));
    wipe(w);
    return ok;
  }

  // ------------------------------------------------------------------ §2.3

  /** After a change under the grant: its idle time starts again. */
  touch(): void { this.grant.touch(); }

  /** BACK, CLOSE, the BLE session ending: the grant closes (no onGrantClosed: the image
   *  closed it). */
  closeGrant(): void { this.grant.shut(); }

  // ------------------------------------------------------------------ §5

  /** The factory's MAINTENANCE op: the operator that may also issue authentication
   *  information, and the maintenance credential's verifier. Once: E_STATE after. */
  installMaintenance(operator: u32, operatorKey: Uint8Array, salt: Uint8Array, verifier: Uint8Array): i32 {
    if (operator == 0 || operatorKey.length != KEY_LEN || operatorKey[0] != 0x04
      || salt.length != SALT_LEN || verifier.length != VERIFIER_LEN) return E_MALFORMED;
    if (this.store.records.has(AuthRecord.MAINTENANCE)) return E_STATE;
    const w = bind(this.scratch, verifier);
    if (w === null) return E_STATE;
    const rec = new Uint8Array(MAINT_LEN);
    putU32LE(rec, 0, operator);
    rec.set<Uint8Array>(operatorKey, 4);
    rec.set<Uint8Array>(salt, MAINT_SALT);
    rec.set<Uint8Array>(w, MAINT_W);
    wipe(w);
    const rc = this.store.put(AuthRecord.MAINTENANCE, ValueType.BYTES, Attr.SECRET, rec);
    wipe(rec);
    if (rc == OK) this.loadMaintenance();
    return rc;
  }

  // ------------------------------------------------------------------ for screens and state

  /** Information is held, not yet expired (its deadline's TIMER event may be pending) and
   *  from an issuer still trusted (the partner in effect or the factory operator). */
  held(): bool {
    if (!this.holding || !this.trusted(this.issuer)) return false;
    const wall = this.clock.wallMs();
    return wall < 0 || wall < this.expiry;
  }
  /** When the information held expires (UTC ms), -1 when none is held. */
  expiresUtcMs(): i64 { return this.holding ? this.expiry : -1; }
  usesLeft(): i32 { return this.holding ? this.maxUses - this.uses : 0; }
  triesLeft(): i32 { return this.holding ? this.maxFailures - this.failures : 0; }
  /** The items the information held allows (0 when none). */
  heldItems(): u32 { return this.holding ? this.items : 0; }
  maintenanceInstalled(): bool { return this.operator != 0; }
  maintenanceLocked(): bool {
    return this.store.records.has(AuthRecord.MAINTENANCE)
      && this.store.counter(AuthRecord.MAINTENANCE_FAILURES) >= this.config.maintenanceFailures;
  }
  /** The factory operator's company code, 0 before MAINTENANCE. */
  operatorCode(): u32 { return this.operator; }

  // ------------------------------------------------------------------ deadlines

  onDeadline(name: u32, lateMs: i64): void {
    if (name == AuthDeadline.EXPIRY) {
      if (!this.holding) return;
      const wall = this.clock.wallMs();
      if (wall >= 0 && wall < this.expiry) { this.scheduler.atUtc(AuthDeadline.EXPIRY, this.expiry); return; }
      this.invalidate(AuthEvent.EXPIRED);
    } else if (name == AuthDeadline.GRANT_IDLE) {
      if (this.grant.shut()) this.events.onGrantClosed();
    }
  }

  // ------------------------------------------------------------------ internals

  /** Whether `issuer` is the partner in effect or the factory operator. */
  private trusted(issuer: u32): bool {
    return issuer != 0 && (issuer == this.partner.code() || issuer == this.operator);
  }

  /** The key authentication information from `issuer` must verify under, or null. */
  private keyOf(issuer: u32): Uint8Array | null {
    const p = this.partner.code();
    if (p != 0 && p == issuer) {
      const k = this.partner.publicKey();
      return k !== null && k.length == KEY_LEN ? k : null;
    }
    return this.operator != 0 && this.operator == issuer ? this.operatorKey : null;
  }

  /** Reads the floors into floorsBuf: the slot of `issuer` (a free or the stalest one
   *  when it has none, its floor then 0), or -1 when the record cannot be read: a damaged
   *  floor accepts no serial (fail closed). */
  private readFloors(issuer: u32): i32 {
    const b = this.floorsBuf;
    wipe(b);
    if (this.store.records.has(AuthRecord.FLOORS)) {
      const v = this.store.getTyped(AuthRecord.FLOORS, ValueType.BYTES);
      if (v === null || v.length != FLOORS_LEN) return -1;
      b.set<Uint8Array>(v, 0);
      wipe(v);
    }
    let free = -1;
    for (let i = 0; i < FLOOR_SLOTS; i++) {
      const who = getU32LE(b, i * 8);
      if (who == issuer) return i;
      if (free < 0 && who == 0) free = i;
    }
    if (free < 0) {
      // Full: the first slot that is neither the operator nor the partner in effect.
      const p = this.partner.code();
      for (let i = 0; i < FLOOR_SLOTS && free < 0; i++) {
        const who = getU32LE(b, i * 8);
        if (who != this.operator && who != p) free = i;
      }
    }
    putU32LE(b, free * 8, issuer);
    putU32LE(b, free * 8 + 4, 0);
    return free;
  }

  private stageCounters(t: CredentialTransaction, uses: i32, failures: i32): void {
    putU32LE(this.countersBuf, 0, <u32>uses);
    putU32LE(this.countersBuf, 4, <u32>failures);
    t.put(AuthRecord.HELD_COUNTERS, ValueType.BYTES, Attr.PROTECTED, this.countersBuf);
  }

  private stageEraseHeld(t: CredentialTransaction): void {
    if (this.store.records.has(AuthRecord.HELD)) t.erase(AuthRecord.HELD);
    if (this.store.records.has(AuthRecord.HELD_COUNTERS)) t.erase(AuthRecord.HELD_COUNTERS);
  }

  /** Erases the information held and reports why (via -1: the PCS itself, at boot or
   *  its expiry deadline). In RAM it is gone whatever the write
   *  did: a record the erase missed is found again at boot and erased there. */
  private invalidate(event: i32, via: i32 = -1): i32 {
    const issuer = this.issuer, serial = this.serial;
    const t = this.store.begin();
    this.stageEraseHeld(t);
    const rc = t.commit();
    this.forget();
    this.events.onAuthEvent(event, issuer, serial, via, Reason.NONE);
    return rc;
  }

  private forget(): void {
    this.holding = false;
    this.issuer = 0;
    this.serial = 0;
    this.items = 0;
    this.uses = 0;
    this.failures = 0;
    this.scheduler.cancel(AuthDeadline.EXPIRY);
  }

  private refuse(issuer: u32, serial: u32, via: i32, reason: i32, rc: i32): i32 {
    this.events.onAuthEvent(AuthEvent.REFUSED, issuer, serial, via, reason);
    return rc;
  }

  /** The held record's public fields and its counters into RAM; false when either
   *  cannot be read (tampered, cut short, absent counters): fail closed. */
  private loadHeld(): bool {
    const v = this.store.getTyped(AuthRecord.HELD, ValueType.BYTES);
    if (v === null) return false;
    const ok = v.length == HELD_LEN && v[24] != 0 && v[25] != 0;
    if (ok) {
      this.holding = true;
      this.issuer = getU32LE(v, 0);
      this.serial = getU32LE(v, 4);
      this.expiry = getI64(v, 16);
      this.maxUses = <i32>v[24];
      this.maxFailures = <i32>v[25];
      this.items = <u32>v[26];
    }
    wipe(v);
    return ok && this.loadCounters();
  }

  private loadCounters(): bool {
    const v = this.store.getTyped(AuthRecord.HELD_COUNTERS, ValueType.BYTES);
    if (v === null || v.length != COUNTERS_LEN) return false;
    const uses = getU32LE(v, 0), failures = getU32LE(v, 4);
    if (uses > 255 || failures > 255) return false;
    this.uses = <i32>uses;
    this.failures = <i32>failures;
    return true;
  }

  private loadMaintenance(): void {
    this.operator = 0;
    this.operatorKey = null;
    const v = this.store.getTyped(AuthRecord.MAINTENANCE, ValueType.BYTES);
    if (v === null) return;
    if (v.length == MAINT_LEN) {
      this.operator = getU32LE(v, 0);
      const k = new Uint8Array(KEY_LEN);
      k.set<Uint8Array>(v.subarray(4, 4 + KEY_LEN), 0);
      this.operatorKey = k;
    }
    wipe(v);
  }
}

/** A field asks for less, never more: min(field or default, default). */
function capped(field: u32, dflt: u32): u32 { return field == 0 || field > dflt ? dflt : field; }

function putI64(b: Uint8Array, off: i32, v: i64): void {
  putU32LE(b, off, <u32>v);
  putU32LE(b, off + 4, <u32>(v >>> 32));
}

function getI64(b: Uint8Array, off: i32): i64 {
  return <i64>getU32LE(b, off) | (<i64>getU32LE(b, off + 4) << 32);
}
