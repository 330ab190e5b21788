// The lock's checks of an OPERATE (PROTOCOL.md §2.1), in the contract's order and fail
// closed: the lockout, the failure counted in flash before anything is verified, the
// bounded parse, the session's challenge, the maker's signature, this lock, the phone's
// proof, the revocation list, the time, the schedules, the first use written and read
// back before the bolt may move.
import * as board from "../../board/index";
import { equalConstantTime, getU32LE, putU32LE } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_IO, E_LOCKED, E_MALFORMED, E_NOSPACE, E_STATE } from "../../core/errors";
import { Attr, CredentialStore, CredentialTransaction, ValueType } from "../credential-store/index";
import { Clock, DeadlineOwner, Scheduler } from "../scheduler/index";
import { GrantView, KEY_LEN, NONCE_LEN, REVOKED_MAX, RevocationView, SERIAL_MAX, SIG_LEN, getI64, sameSerial } from "./blobs";
import { LockClock } from "./clock";
import { Decision, GrantsConfig } from "./config";
import { GrantType, GrantsDeadline, GrantsRecord, Reason } from "./ids";

const PROOF_LABEL = "lock-op-v1";
/** label ‖ serial (len u8 | ASCII) ‖ nonce ‖ grant id u32 ‖ action u8. */
const PROOF_MAX: i32 = 10 + 1 + SERIAL_MAX + NONCE_LEN + 4 + 1;
const USE_LEN: i32 = 20;
const EXHAUSTED: i32 = i32.MAX_VALUE;

/** The image hears when a lockout is over (the panel's LOCKED OUT line goes). */
export abstract class LockoutListener {
  abstract onLockoutEnd(): void;
}

export class Grants extends DeadlineOwner {
  clock: LockClock;
  listener: LockoutListener | null = null;
  private registered: i32 = OK;
  private me: Uint8Array;
  private makerKey: Uint8Array | null = null;
  private grant: GrantView = new GrantView();
  private revocations: RevocationView = new RevocationView();
  private proofBuf: Uint8Array = new Uint8Array(PROOF_MAX);
  private challengeBuf: Uint8Array = new Uint8Array(NONCE_LEN);
  private challengeHeld: bool = false;

  private failCount: i32 = 0;
  /** Monotonic ms the lockout holds until (0 none). */
  private lockEnd: i64 = 0;

  private revVersion: u32 = 0;
  private revCount: i32 = 0;
  private revIds: StaticArray<u32> = new StaticArray<u32>(REVOKED_MAX);
  /** The revocation record cannot be read: every grant counts as revoked. */
  private revBroken: bool = false;

  private uses: Uint8Array;
  private usesCount: i32 = 0;
  /** The first-use record cannot be read: DISPOSABLE and EXPIRING grants are refused. */
  private usesBroken: bool = false;

  /** Registers 0x68 (the lockout's end); the image then calls scheduler.boot() and boot().
   *  `mono`: the scheduler's clock (specs move it). */
  constructor(private store: CredentialStore, private scheduler: Scheduler, serial: string,
    public config: GrantsConfig = new GrantsConfig(), private mono: Clock = new Clock()) {
    super();
    const me = board.utf8(serial);
    const clock = new LockClock(store, mono);
    clock.serial = me;
    this.me = me;
    this.clock = clock;
    this.uses = new Uint8Array(config.usesCapacity * USE_LEN);
    this.registered = scheduler.register(GrantsDeadline.LOCKOUT, this);
  }

  /** Reads the maker key, the revocations, the first uses and the failure count; a stored
   *  count at or past the lockout locks out from boot for its full delay. */
  boot(): i32 {
    if (this.registered != OK) return this.registered;
    this.challengeHeld = false;
    this.makerKey = null;
    const k = this.store.getTyped(GrantsRecord.MAKER_KEY, ValueType.BYTES);
    if (k !== null && k.length == KEY_LEN && k[0] == 0x04) this.makerKey = k;
    this.clock.key = this.makerKey;
    this.loadRevocations();
    this.loadUses();
    this.failCount = this.store.counter(GrantsRecord.FAILURES);
    this.lockEnd = 0;
    this.armLockout();
    return OK;
  }

  // ------------------------------------------------------------------ §4

  /** INSTALL: the maker key, staged in the image's transaction. E_MALFORMED not 65 bytes
   *  starting 0x04; E_STATE installed already. In effect once `t` commits and boot() ran
   *  (or at once: the key is taken when the stage succeeds and the image commits). */
  installMakerKey(t: CredentialTransaction, key: Uint8Array): i32 {
    if (key.length != KEY_LEN || key[0] != 0x04) return E_MALFORMED;
    if (this.store.records.has(GrantsRecord.MAKER_KEY)) return E_STATE;
    const rc = t.put(GrantsRecord.MAKER_KEY, ValueType.BYTES, Attr.PROTECTED, key);
    if (rc != OK) return rc;
    const copy = new Uint8Array(KEY_LEN);
    copy.set<Uint8Array>(key, 0);
    this.makerKey = copy;
    this.clock.key = copy;
    return OK;
  }

  installed(): bool { return this.makerKey !== null; }

  // ------------------------------------------------------------------ §2

  /** CHALLENGE_REQUEST: a fresh nonce, replacing the one held. */
  challenge(): Uint8Array {
    this.challengeBuf = board.randomBytes(NONCE_LEN);
    this.challengeHeld = true;
    const out = new Uint8Array(NONCE_LEN);
    out.set<Uint8Array>(this.challengeBuf, 0);
    return out;
  }

  endSession(): void { this.challengeHeld = false; }

  /** OPERATE's fields after the type byte. Every OPERATE consumes the challenge held. */
  operate(fields: Uint8Array): Decision {
    const d = new Decision();
    const hadChallenge = this.challengeHeld;
    this.challengeHeld = false;
    // 1. The lockout: nothing verified, nothing counted.
    if (this.lockedOutMs() > 0) return deny(d, E_LOCKED, Reason.LOCKED_OUT);
    // 2. Counted before anything is verified: a power cut from here on is a failure.
    const n = this.store.countAttempt(GrantsRecord.FAILURES);
    if (n < 0) return deny(d, E_IO, Reason.STORAGE);
    this.failCount = n;
    this.armLockout();
    // A counter that cannot be read cannot be counted on: nothing is verified under it.
    if (n == EXHAUSTED) return deny(d, E_IO, Reason.STORAGE);
    // 3. Fields.
    const g = this.grant;
    if (fields.length < 2) return deny(d, E_MALFORMED, Reason.MALFORMED);
    const action = <i32>fields[0];
    const glen = <i32>fields[1];
    if ((action != 1 && action != 2) || fields.length != 2 + glen + SIG_LEN) return deny(d, E_MALFORMED, Reason.MALFORMED);
    const blob = fields.subarray(2, 2 + glen);
    if (!g.parse(blob)) return deny(d, E_MALFORMED, Reason.MALFORMED);
    d.grantId = g.id;
    d.action = action;
    // 4. One OPERATE per challenge.
    if (!hadChallenge) return deny(d, E_AUTH, Reason.REPLAYED);
    // 5-6. The maker's, for this lock.
    const key = this.makerKey;
    if (key === null || board.ecdsaP256Verify(key, blob.subarray(0, g.signatureAt), blob.subarray(g.signatureAt, g.signatureAt + SIG_LEN)) != OK) {
      return deny(d, E_AUTH, Reason.BAD_SIGNATURE);
    }
    if (!sameSerial(blob, g.serialAt, g.serialEnd, this.me)) return deny(d, E_AUTH, Reason.OTHER_LOCK);
    // 7. The phone holding the key the grant is bound to.
    const msg = this.proofMessage(g.id, action);
    if (board.ecdsaP256Verify(blob.subarray(g.keyAt, g.keyAt + KEY_LEN), msg, fields.subarray(2 + glen, 2 + glen + SIG_LEN)) != OK) {
      return deny(d, E_AUTH, Reason.NOT_BOUND);
    }
    // 8-10.
    if (this.revoked(g.id)) return deny(d, E_AUTH, Reason.REVOKED);
    const now = this.clock.nowUtcMs();
    if (now < 0) return deny(d, E_STATE, Reason.NO_TIME);
    if (g.schedules == 0) return deny(d, E_AUTH, Reason.NO_SCHEDULE);
    let inside = false;
    for (let i = 0; i < g.schedules && !inside; i++) inside = g.start(blob, i) <= now && now < g.end(blob, i);
    if (!inside) return deny(d, E_AUTH, Reason.OUTSIDE_SCHEDULE);
    // 11-12. Used, expired, or this first use kept before the bolt moves.
    if (g.type != GrantType.SCHEDULED) {
      if (this.usesBroken) return deny(d, E_IO, Reason.STORAGE);
      const at = this.findUse(g.id);
      if (at >= 0) {
        if (g.type == GrantType.DISPOSABLE) return deny(d, E_AUTH, Reason.USED);
        if (now >= getI64(this.uses, at * USE_LEN + 4) + <i64>g.timeoutS * 1000) return deny(d, E_AUTH, Reason.EXPIRED);
      } else {
        const rc = this.recordUse(g.id, now, g.lastEnd(blob));
        if (rc == E_NOSPACE) return deny(d, E_NOSPACE, Reason.FULL);
        if (rc != OK) return deny(d, E_IO, Reason.STORAGE);
      }
    }
    // 13. Granted: the count goes back to 0 (a failed write leaves it counted: fail closed).
    if (this.store.resetCounter(GrantsRecord.FAILURES) == OK) this.failCount = 0;
    this.lockEnd = 0;
    this.scheduler.cancel(GrantsDeadline.LOCKOUT);
    d.status = OK;
    d.reason = Reason.NONE;
    return d;
  }

  // ------------------------------------------------------------------ §1.3

  /** OK stored; E_MALFORMED; E_AUTH a bad signature, another lock, no maker key; E_STATE a
   *  version not above the one held; a store error (nothing changed). */
  receiveRevocations(blob: Uint8Array): i32 {
    const v = this.revocations;
    if (!v.parse(blob)) return E_MALFORMED;
    const key = this.makerKey;
    if (key === null || board.ecdsaP256Verify(key, blob.subarray(0, v.signatureAt), blob.subarray(v.signatureAt, v.signatureAt + SIG_LEN)) != OK) return E_AUTH;
    if (!sameSerial(blob, v.serialAt, v.serialEnd, this.me)) return E_AUTH;
    if (!this.revBroken && v.version <= this.revVersion) return E_STATE;
    // version u32 | count u8 | ids: the blob's own bytes, replacing the list in one write.
    const rc = this.store.put(GrantsRecord.REVOCATIONS, ValueType.BYTES, Attr.PROTECTED, blob.subarray(v.serialEnd, v.signatureAt));
    if (rc != OK) return rc;
    this.loadRevocations();
    return OK;
  }

  revocationVersion(): u32 { return this.revVersion; }
  failures(): i32 { return this.failCount; }

  /** The lockout's remaining ms, 0 when none holds. */
  lockedOutMs(): i64 {
    if (this.lockEnd == 0) return 0;
    const left = this.lockEnd - this.mono.nowMs();
    return left > 0 ? left : 0;
  }

  onDeadline(name: u32, lateMs: i64): void {
    if (name != GrantsDeadline.LOCKOUT) return;
    if (this.lockedOutMs() > 0) { this.scheduler.after(GrantsDeadline.LOCKOUT, this.lockedOutMs()); return; }
    const l = this.listener;
    if (l !== null) l.onLockoutEnd();
  }

  // ------------------------------------------------------------------ internals

  /** The lockout of the count held, from now (the last failure, or boot). */
  private armLockout(): void {
    const c = this.config;
    const n = this.failCount;
    if (n < c.lockoutAfter) { this.lockEnd = 0; return; }
    let delay = c.lockoutBaseMs;
    for (let i = c.lockoutAfter; i < n && delay < c.lockoutMaxMs; i++) delay *= 2;
    if (delay > c.lockoutMaxMs || n == EXHAUSTED) delay = c.lockoutMaxMs;
    this.lockEnd = this.mono.nowMs() + delay;
    if (this.lockEnd == 0) this.lockEnd = 1;
    this.scheduler.after(GrantsDeadline.LOCKOUT, delay);
  }

  private proofMessage(id: u32, action: i32): Uint8Array {
    const b = this.proofBuf;
    let n = 0;
    for (let i = 0; i < PROOF_LABEL.length; i++) b[n++] = <u8>PROOF_LABEL.charCodeAt(i);
    b[n++] = <u8>this.me.length;
    b.set<Uint8Array>(this.me, n); n += this.me.length;
    b.set<Uint8Array>(this.challengeBuf, n); n += NONCE_LEN;
    putU32LE(b, n, id); n += 4;
    b[n++] = <u8>action;
    return b.subarray(0, n);
  }

  private revoked(id: u32): bool {
    if (this.revBroken) return true;
    for (let i = 0; i < this.revCount; i++) if (unchecked(this.revIds[i]) == id) return true;
    return false;
  }

  private loadRevocations(): void {
    this.revVersion = 0;
    this.revCount = 0;
    this.revBroken = false;
    if (!this.store.records.has(GrantsRecord.REVOCATIONS)) return;
    const v = this.store.getTyped(GrantsRecord.REVOCATIONS, ValueType.BYTES);
    if (v === null || v.length < 5 || <i32>v[4] > REVOKED_MAX || v.length != 5 + <i32>v[4] * 4) { this.revBroken = true; return; }
    this.revVersion = getU32LE(v, 0);
    this.revCount = <i32>v[4];
    for (let i = 0; i < this.revCount; i++) unchecked(this.revIds[i] = getU32LE(v, 5 + i * 4));
  }

  private loadUses(): void {
    this.usesCount = 0;
    this.usesBroken = false;
    if (!this.store.records.has(GrantsRecord.USES)) return;
    const v = this.store.getTyped(GrantsRecord.USES, ValueType.BYTES);
    if (v === null || v.length % USE_LEN != 0 || v.length > this.uses.length) { this.usesBroken = true; return; }
    this.uses.set<Uint8Array>(v, 0);
    this.usesCount = v.length / USE_LEN;
  }

  /** The entry of grant `id` in the first uses, or -1. */
  private findUse(id: u32): i32 {
    for (let i = 0; i < this.usesCount; i++) if (getU32LE(this.uses, i * USE_LEN) == id) return i;
    return -1;
  }

  /** Adds the first use of `id` (dropping entries whose schedules are over), writes the
   *  table in one write and reads it back: OK only when flash holds what was meant. */
  private recordUse(id: u32, now: i64, lastEnd: i64): i32 {
    const b = this.uses;
    let n = 0;
    for (let i = 0; i < this.usesCount; i++) {
      if (getI64(b, i * USE_LEN + 12) <= now) continue;
      if (n != i) b.copyWithin(n * USE_LEN, i * USE_LEN, (i + 1) * USE_LEN);
      n++;
    }
    this.usesCount = n;
    if (n >= this.config.usesCapacity) return E_NOSPACE;
    const at = n * USE_LEN;
    putU32LE(b, at, id);
    putU32LE(b, at + 4, <u32>now);
    putU32LE(b, at + 8, <u32>(now >>> 32));
    putU32LE(b, at + 12, <u32>lastEnd);
    putU32LE(b, at + 16, <u32>(lastEnd >>> 32));
    const meant = b.subarray(0, at + USE_LEN);
    const rc = this.store.put(GrantsRecord.USES, ValueType.BYTES, Attr.PROTECTED, meant);
    if (rc != OK) { this.loadUses(); return E_IO; }
    const back = this.store.getTyped(GrantsRecord.USES, ValueType.BYTES);
    if (back === null || !equalConstantTime(back, meant)) { this.loadUses(); return E_IO; }
    this.usesCount = n + 1;
    return OK;
  }
}

function deny(d: Decision, status: i32, reason: i32): Decision {
  d.status = status;
  d.reason = reason;
  return d;
}
