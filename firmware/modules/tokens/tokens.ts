// The printer's token ladder (seed 001, SPEC §M3): PWT → PT for the phone that set it up,
// ST from the cloud, SVWT fetched with the ST for phones, CWT for one charge. Tokens are
// SECRET records in the credential store; each one's lifetime is a scheduler deadline,
// and a token is accepted only while its deadline is still ahead, so an expired one is
// refused even before the TIMER event that erases it is delivered. Nothing here logs a
// token: the only log lines are fixed strings.
import * as board from "../../board/index";
import { equalConstantTime, wipe } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_NOTFOUND, E_RANGE, E_STATE } from "../../core/errors";
import { Attr, CredentialStore, CredentialTransaction, ValueType } from "../credential-store/index";
import { DeadlineOwner, Durability, Scheduler } from "../scheduler/index";
import { TokenConfig, TokenEvents } from "./config";
import {
  CLOUD_MAX, CLOUD_MIN, FINGERPRINT_LEN, PHONE_ID_LEN, PT_LEN, PWT_LEN, TokenDeadline, TokenRecord,
} from "./ids";

export class Tokens extends DeadlineOwner {
  private registered: i32 = OK;

  /** Registers the ladder's deadline names; the image then calls scheduler.boot() and
   *  this boot(). */
  constructor(private store: CredentialStore, private scheduler: Scheduler,
    public config: TokenConfig = new TokenConfig(), private events: TokenEvents = new TokenEvents()) {
    super();
    for (let name = TokenDeadline.PWT_ROTATE; name <= TokenDeadline.CWT_EXPIRY; name++) {
      const rc = scheduler.register(name, this);
      if (rc != OK) this.registered = rc;
    }
  }

  /** After scheduler.boot(): a PWT whose rotation is due, missed or of unknown time is
   *  replaced now; a PT, SVWT or CWT whose lifetime deadline is gone (set volatile while
   *  the board had no wall time, or lost to a power cut before it was written) is dropped,
   *  since nothing would end it; an ST resumes SVWT pre-fetching. */
  boot(): i32 {
    if (this.registered != OK) return this.registered;
    let rc = OK;
    if (!this.has(TokenRecord.PWT) || !this.live(TokenDeadline.PWT_ROTATE)) rc = this.rotatePwt();
    if (rc == OK) rc = this.dropOrphan(TokenRecord.PT, TokenDeadline.PT_IDLE);
    if (rc == OK) rc = this.dropOrphan(TokenRecord.SVWT, TokenDeadline.SVWT_EXPIRY);
    if (rc == OK) rc = this.dropOrphan(TokenRecord.CWT, TokenDeadline.CWT_EXPIRY);
    if (rc == OK && this.has(TokenRecord.ST) && !this.scheduler.pending(TokenDeadline.SVWT_PREFETCH)) rc = this.startPrefetch();
    return rc;
  }

  // ------------------------------------------------------------------ PWT

  /** The current PWT into `out` (for the NFC/BLE answer of S21): PWT_LEN, E_STATE while
   *  none is valid (its rotation is due), E_RANGE when `out` is too small. */
  /** A PWT is current (its rotation is not yet due): what currentPwt reads is valid. */
  pwtLive(): bool { return this.live(TokenDeadline.PWT_ROTATE); }

  currentPwt(out: Uint8Array): i32 {
    if (!this.live(TokenDeadline.PWT_ROTATE)) return E_STATE;
    return this.readOut(TokenRecord.PWT, 0, out);
  }

  /** Replaces the PWT now (and restarts its period): hourly, after a use, or from the
   *  panel. A new PWT also clears the PWT attempt counter. */
  rotatePwt(): i32 {
    const t = this.store.begin();
    this.stageNewPwt(t);
    let rc = t.commit();
    if (rc != OK) return rc;
    // The new PWT is current from the commit on, whatever its deadline's write does.
    this.events.onPwtRotated();
    return this.arm(TokenDeadline.PWT_ROTATE, this.config.pwtRotateMs, this.config.pwtRotateMs);
  }

  /** A phone proves it read the PWT (a print order over Wi-Fi Direct, FIG. 8): OK and the
   *  PWT is replaced at once; E_AUTH wrong; E_LOCKED after config.pwtAttempts wrong ones
   *  until the next rotation, or when the counter cannot be read; E_STATE no valid PWT. */
  usePwt(candidate: Uint8Array): i32 {
    const rc = this.checkPwt(candidate);
    return rc != OK ? rc : this.rotatePwt();
  }

  // ------------------------------------------------------------------ PT

  /** S31-S35: against the current PWT, a new PT bound to `phoneId` (what was verified of
   *  the requesting phone, e.g. its session's peer key hash, PHONE_ID_LEN bytes), copied
   *  into `out`: PT_LEN, or usePwt's refusals, E_INVAL for a bad phone id or `out`. The PWT
   *  is used up; a PT issued before (to any phone) is replaced. */
  issuePt(pwt: Uint8Array, phoneId: Uint8Array, out: Uint8Array): i32 {
    if (phoneId.length != PHONE_ID_LEN || out.length < PT_LEN) return E_INVAL;
    let rc = this.checkPwt(pwt);
    if (rc != OK) return rc;
    const record = board.randomBytes(PT_LEN + PHONE_ID_LEN);
    for (let i = 0; i < PHONE_ID_LEN; i++) record[PT_LEN + i] = phoneId[i];
    const t = this.store.begin();
    this.stageNewPwt(t);
    t.put(TokenRecord.PT, ValueType.BYTES, Attr.SECRET, record);
    if (this.has(TokenRecord.PT_ATTEMPTS)) t.erase(TokenRecord.PT_ATTEMPTS);
    rc = t.commit();
    if (rc != OK) { wipe(record); return rc; }   // nothing changed
    // The PWT is new whatever follows. Its period restarts; if that write fails, the old
    // rotation time stays, which only ends the new PWT sooner.
    this.arm(TokenDeadline.PWT_ROTATE, this.config.pwtRotateMs, this.config.pwtRotateMs);
    this.events.onPwtRotated();
    rc = this.arm(TokenDeadline.PT_IDLE, this.config.ptIdleMs, 0);
    if (rc != OK) { wipe(record); this.dropPt(); return rc; }   // no PT without its lifetime
    for (let i = 0; i < PT_LEN; i++) out[i] = record[i];
    wipe(record);
    return PT_LEN;
  }

  /** A control request with a PT from the phone `phoneId`: OK (and its idle time starts
   *  again), E_AUTH wrong token or another phone, E_NOTFOUND no PT (or it just expired),
   *  E_LOCKED after config.ptAttempts failures or an unreadable counter: the PT is dropped. */
  checkPt(token: Uint8Array, phoneId: Uint8Array): i32 {
    const rc = this.verifyPt(token, phoneId);
    return rc != OK ? rc : this.arm(TokenDeadline.PT_IDLE, this.config.ptIdleMs, 0);
  }

  /** S39-S41: the PT's own phone deletes it (token and phone must both match, as checkPt). */
  deletePt(token: Uint8Array, phoneId: Uint8Array): i32 {
    const rc = this.verifyPt(token, phoneId);
    return rc != OK ? rc : this.dropPt();
  }

  hasPt(): bool { return this.has(TokenRecord.PT) && this.live(TokenDeadline.PT_IDLE); }

  // ------------------------------------------------------------------ ST

  /** S61: the ST the cloud issued at registration (CLOUD_MIN..CLOUD_MAX bytes). E_STATE
   *  when one is stored already (a replayed registration answer): dropSt() first to
   *  register again. Starts SVWT pre-fetching. */
  storeSt(token: Uint8Array): i32 {
    if (!cloudSized(token)) return E_INVAL;
    if (this.has(TokenRecord.ST)) return E_STATE;
    const rc = this.store.put(TokenRecord.ST, ValueType.BYTES, Attr.SECRET, token);
    return rc != OK ? rc : this.startPrefetch();
  }

  /** The ST into `out`, for the cloud link to authenticate with: its length, E_NOTFOUND, E_RANGE. */
  presentSt(out: Uint8Array): i32 { return this.readOut(TokenRecord.ST, 0, out); }

  hasSt(): bool { return this.has(TokenRecord.ST); }

  /** Forgets the registration's ST and SVWT (before registering again). */
  dropSt(): i32 {
    const t = this.store.begin();
    if (this.has(TokenRecord.ST)) t.erase(TokenRecord.ST);
    if (this.has(TokenRecord.SVWT)) t.erase(TokenRecord.SVWT);
    const rc = t.commit();
    if (rc != OK) return rc;
    this.scheduler.cancel(TokenDeadline.SVWT_PREFETCH);
    this.scheduler.cancel(TokenDeadline.SVWT_EXPIRY);
    return OK;
  }

  // ------------------------------------------------------------------ SVWT

  /** S43-S45: a SVWT the cloud answered to a fetch with the ST; replaces the one stored.
   *  E_STATE without an ST or for the SVWT last reported exchanged (a replay). */
  storeSvwt(token: Uint8Array): i32 {
    if (!cloudSized(token)) return E_INVAL;
    if (!this.has(TokenRecord.ST) || this.spent(TokenRecord.SVWT_SPENT, token)) return E_STATE;
    let rc = this.store.put(TokenRecord.SVWT, ValueType.BYTES, Attr.SECRET, token);
    if (rc == OK) rc = this.arm(TokenDeadline.SVWT_EXPIRY, this.config.svwtLifetimeMs, 0);
    if (rc != OK) this.eraseToken(TokenRecord.SVWT, TokenDeadline.SVWT_EXPIRY);
    return rc;
  }

  /** The SVWT into `out` for a tapping phone (S49, S116): its length, E_NOTFOUND, E_RANGE. */
  presentSvwt(out: Uint8Array): i32 {
    if (!this.live(TokenDeadline.SVWT_EXPIRY)) return E_NOTFOUND;
    return this.readOut(TokenRecord.SVWT, 0, out);
  }

  /** S79: the cloud reports that a phone exchanged this SVWT for an SVT. OK: it is deleted,
   *  remembered as spent, and a fresh one is fetched; E_NOTFOUND none stored; E_AUTH the
   *  report names another SVWT (nothing changes). */
  svwtExchanged(token: Uint8Array): i32 {
    const rc = this.matches(TokenRecord.SVWT, 0, token);
    if (rc != OK) return rc;
    const t = this.store.begin();
    t.erase(TokenRecord.SVWT);
    this.stageFingerprint(t, TokenRecord.SVWT_SPENT, token);
    const crc = t.commit();
    if (crc != OK) return crc;
    this.scheduler.cancel(TokenDeadline.SVWT_EXPIRY);
    return this.startPrefetch();
  }

  // ------------------------------------------------------------------ CWT

  /** A single-use charge token from the cloud. E_STATE while another is pending, or for
   *  one already consumed (a replay). */
  storeCwt(token: Uint8Array): i32 {
    if (!cloudSized(token)) return E_INVAL;
    if (this.has(TokenRecord.CWT) || this.spent(TokenRecord.CWT_SPENT, token)) return E_STATE;
    const v = new Uint8Array(1 + token.length);
    for (let i = 0; i < token.length; i++) v[1 + i] = token[i];
    let rc = this.store.put(TokenRecord.CWT, ValueType.BYTES, Attr.SECRET, v);
    wipe(v);
    if (rc == OK) rc = this.arm(TokenDeadline.CWT_EXPIRY, this.config.cwtLifetimeMs, 0);
    if (rc != OK) this.eraseToken(TokenRecord.CWT, TokenDeadline.CWT_EXPIRY);
    return rc;
  }

  /** The CWT into `out`, once: its length; E_STATE when it was presented already (the
   *  mark is durable before the token is handed out), E_NOTFOUND, E_RANGE. */
  presentCwt(out: Uint8Array): i32 {
    if (!this.live(TokenDeadline.CWT_EXPIRY)) return E_NOTFOUND;
    const v = this.store.getTyped(TokenRecord.CWT, ValueType.BYTES);
    if (v === null || v.length < 1) return E_NOTFOUND;
    let rc = OK;
    if (v[0] != 0) rc = E_STATE;
    else if (out.length < v.length - 1) rc = E_RANGE;
    else {
      v[0] = 1;
      rc = this.store.put(TokenRecord.CWT, ValueType.BYTES, Attr.SECRET, v);
      if (rc == OK) { for (let i = 1; i < v.length; i++) out[i - 1] = v[i]; rc = v.length - 1; }
    }
    wipe(v);
    return rc;
  }

  /** The cloud applied the charge of this CWT: it is deleted and remembered as spent.
   *  E_NOTFOUND none stored, E_AUTH another CWT. */
  consumeCwt(token: Uint8Array): i32 {
    const rc = this.matches(TokenRecord.CWT, 1, token);
    if (rc != OK) return rc;
    const t = this.store.begin();
    t.erase(TokenRecord.CWT);
    this.stageFingerprint(t, TokenRecord.CWT_SPENT, token);
    const crc = t.commit();
    if (crc == OK) this.scheduler.cancel(TokenDeadline.CWT_EXPIRY);
    return crc;
  }

  // ------------------------------------------------------------------ deadlines

  onDeadline(name: u32, lateMs: i64): void {
    let rc = OK;
    if (name == TokenDeadline.PWT_ROTATE) {
      // Periodic: its deadline goes on by itself, on its grid.
      const t = this.store.begin();
      this.stageNewPwt(t);
      rc = t.commit();
      if (rc == OK) this.events.onPwtRotated();
    } else if (name == TokenDeadline.PT_IDLE) {
      rc = this.dropPt();
      this.events.onPtDropped();
    } else if (name == TokenDeadline.SVWT_PREFETCH) {
      this.events.onSvwtPrefetchDue();
    } else if (name == TokenDeadline.SVWT_EXPIRY) {
      rc = this.eraseToken(TokenRecord.SVWT, TokenDeadline.SVWT_EXPIRY);
      this.events.onSvwtExpired();
    } else if (name == TokenDeadline.CWT_EXPIRY) {
      rc = this.eraseToken(TokenRecord.CWT, TokenDeadline.CWT_EXPIRY);
      this.events.onCwtExpired();
    }
    // Still refused: its deadline is gone, and boot() drops a token left without one.
    if (rc != OK) board.compose().add("tokens: an expired token was not erased, rc ").num(rc).error();
  }

  // ------------------------------------------------------------------ internals

  private has(id: u32): bool { return this.store.records.has(id); }

  /** Whether a token's deadline is still ahead (its time known and not yet reached). */
  private live(name: u32): bool { return this.scheduler.remainingMs(name) > 0; }

  /** A persisted deadline; while the board has no wall time a volatile one, whose token
   *  boot() then drops after a power cut. */
  private arm(name: u32, delayMs: i64, periodMs: i64): i32 {
    const rc = this.scheduler.after(name, delayMs, periodMs, Durability.PERSISTED);
    return rc != E_STATE ? rc : this.scheduler.after(name, delayMs, periodMs, Durability.VOLATILE);
  }

  private startPrefetch(): i32 { return this.arm(TokenDeadline.SVWT_PREFETCH, 0, this.config.svwtPrefetchMs); }

  /** Counts the attempt before comparing (a power cut cannot hand out a free guess). */
  private checkPwt(candidate: Uint8Array): i32 {
    if (!this.live(TokenDeadline.PWT_ROTATE) || !this.has(TokenRecord.PWT)) return E_STATE;
    const limit = this.config.pwtAttempts;
    if (this.store.counter(TokenRecord.PWT_ATTEMPTS) >= limit) return E_LOCKED;
    const n = this.store.countAttempt(TokenRecord.PWT_ATTEMPTS);
    if (n < 0) return n;
    const v = this.store.getTyped(TokenRecord.PWT, ValueType.BYTES);
    if (v === null) return E_STATE;
    const ok = equalConstantTime(v, candidate);
    wipe(v);
    return ok ? OK : n >= limit ? E_LOCKED : E_AUTH;
  }

  /** A new PWT and a cleared attempt counter, into `t`. */
  private stageNewPwt(t: CredentialTransaction): void {
    const pwt = board.randomBytes(PWT_LEN);
    t.put(TokenRecord.PWT, ValueType.BYTES, Attr.SECRET, pwt);
    wipe(pwt);
    if (this.has(TokenRecord.PWT_ATTEMPTS)) t.erase(TokenRecord.PWT_ATTEMPTS);
  }

  /** Token and phone compared in full whichever differs. Unlike the PWT's, a PT attempt
   *  is counted only when it fails: a 256-bit token gains nothing from a guess a power
   *  cut left uncounted, and a success then writes nothing but its idle deadline. */
  private verifyPt(token: Uint8Array, phoneId: Uint8Array): i32 {
    if (!this.hasPt()) return E_NOTFOUND;
    const limit = this.config.ptAttempts;
    if (this.store.counter(TokenRecord.PT_ATTEMPTS) >= limit) return this.lockPt();   // also an unreadable counter
    const v = this.store.getTyped(TokenRecord.PT, ValueType.BYTES);
    if (v === null || v.length != PT_LEN + PHONE_ID_LEN) return E_STATE;
    const ok = equalAt(v, 0, token, PT_LEN) & equalAt(v, PT_LEN, phoneId, PHONE_ID_LEN);
    wipe(v);
    if (ok) return this.store.resetCounter(TokenRecord.PT_ATTEMPTS);
    const n = this.store.countAttempt(TokenRecord.PT_ATTEMPTS);
    if (n < 0) return n;
    return n >= limit ? this.lockPt() : E_AUTH;
  }

  private lockPt(): i32 {
    this.dropPt();
    this.events.onPtDropped();
    return E_LOCKED;
  }

  private dropPt(): i32 {
    const t = this.store.begin();
    if (this.has(TokenRecord.PT)) t.erase(TokenRecord.PT);
    if (this.has(TokenRecord.PT_ATTEMPTS)) t.erase(TokenRecord.PT_ATTEMPTS);
    const rc = t.commit();
    if (rc == OK) this.scheduler.cancel(TokenDeadline.PT_IDLE);
    return rc;
  }

  private eraseToken(id: u32, name: u32): i32 {
    const rc = this.store.erase(id);
    if (rc == OK) this.scheduler.cancel(name);
    return rc;
  }

  private dropOrphan(id: u32, name: u32): i32 {
    if (!this.has(id) || this.scheduler.pending(name)) return OK;
    return id == TokenRecord.PT ? this.dropPt() : this.store.erase(id);
  }

  /** Copies a stored token (from byte `from` of its record) into `out`. */
  private readOut(id: u32, from: i32, out: Uint8Array): i32 {
    const v = this.store.getTyped(id, ValueType.BYTES);
    if (v === null) return E_NOTFOUND;
    const len = v.length - from;
    if (len < 0 || out.length < len) { wipe(v); return len < 0 ? E_STATE : E_RANGE; }
    for (let i = 0; i < len; i++) out[i] = v[from + i];
    wipe(v);
    return len;
  }

  /** OK when the stored token (from byte `from`) equals `token`; E_NOTFOUND, E_AUTH. */
  private matches(id: u32, from: i32, token: Uint8Array): i32 {
    const v = this.store.getTyped(id, ValueType.BYTES);
    if (v === null) return E_NOTFOUND;
    const ok = v.length >= from && equalAt(v, from, token, v.length - from);
    wipe(v);
    return ok ? OK : E_AUTH;
  }

  /** Whether `token` is the one whose fingerprint `id` keeps. */
  private spent(id: u32, token: Uint8Array): bool {
    const v = this.store.getTyped(id, ValueType.BYTES);
    if (v === null || v.length != FINGERPRINT_LEN) return false;
    const h = board.sha256(token);
    return equalAt(h, 0, v, FINGERPRINT_LEN);
  }

  private stageFingerprint(t: CredentialTransaction, id: u32, token: Uint8Array): void {
    const h = board.sha256(token);
    t.put(id, ValueType.BYTES, 0, h.subarray(0, FINGERPRINT_LEN));
  }
}

function cloudSized(token: Uint8Array): bool { return token.length >= CLOUD_MIN && token.length <= CLOUD_MAX; }

/** Constant-time: a[off .. off+len) == b, where b must be exactly len bytes. */
function equalAt(a: Uint8Array, off: i32, b: Uint8Array, len: i32): bool {
  if (b.length != len || off + len > a.length) return false;
  let d: u32 = 0;
  for (let i = 0; i < len; i++) d |= <u32>(a[off + i] ^ b[i]);
  return d == 0;
}
