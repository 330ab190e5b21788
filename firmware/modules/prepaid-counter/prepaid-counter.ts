// A prepaid balance (pages for the printer; later energy for the meter and the power
// conditioner): charges from the cloud applied exactly once by charge id, debits refused
// when larger than the balance. Every change is one atomic store write (a charge: the
// counter and the applied ids in one transaction; a debit: the counter record alone), so
// a power cut at any flash write leaves a change wholly applied or not at all, and a
// charge replayed after it is found among the applied ids.
import { getU32LE, putU32LE } from "../../core/codecs/bytes";
import { OK, E_BUSY, E_INVAL, E_MALFORMED, E_NOTFOUND, E_RANGE } from "../../core/errors";
import { Attr, CredentialStore, CredentialTransaction, ValueType } from "../credential-store/index";
import { AppliedCharges, APPLIED_MAX_BYTES, Seen } from "./applied-charges";
import { COUNTER_BYTES, PrepaidRecord, RECORD_FORMAT, getU64LE, putU64LE } from "./records";

/** What a charge was given for; recorded with it and summed apart in the mirror. */
export namespace ChargeKind {
  export const FREE: u8 = 1;  // the once-per-device free charge (the cloud enforces "once", with a CWT)
  export const PAID: u8 = 2;
}

/** The counter's answers besides the board's negative errors. */
export namespace Prepaid {
  export const APPLIED: i32 = 0;      // = OK: the charge or debit is durable
  export const USED: i32 = Seen.USED; // this charge id was applied before; nothing changed
  export const OLD: i32 = Seen.OLD;   // older than the oldest remembered id; nothing changed
  export const SHORT: i32 = 3;        // a debit larger than the balance; nothing changed
}

/** The mirror's size: format u8 = 1 | version u32 | balance u32 | free total u64 |
 *  paid total u64 | debited total u64 | floor u32 | highest applied id u32. */
export const MIRROR_BYTES: i32 = 1 + 4 + 4 + 8 * 3 + 4 + 4;

export class PrepaidCounter {
  /** Counts every change (charge or debit) since manufacture: the cloud keeps the mirror
   *  with the highest version, so a repeated or reordered mirror changes nothing there. */
  version: u32 = 0;
  balance: u32 = 0;
  freeTotal: u64 = 0;
  paidTotal: u64 = 0;
  debitedTotal: u64 = 0;
  readonly applied: AppliedCharges = new AppliedCharges();
  /** Why the stored counter could not be read (E_TAMPER, E_MALFORMED, a store error), or
   *  OK. While set, every charge and debit is refused with it: a counter that cannot be
   *  read is never rebuilt from nothing (fail closed). */
  failure: i32 = OK;

  // The charge staged by stageCharge() until adopt().
  private staged: bool = false;
  private stagedId: u32 = 0;
  private stagedAmount: u32 = 0;
  private stagedKind: u8 = 0;
  // Encoding buffers, reused by every change.
  private counterBuf: Uint8Array = new Uint8Array(COUNTER_BYTES);
  private appliedBuf: Uint8Array = new Uint8Array(APPLIED_MAX_BYTES);

  /** `maxBalance`: a charge that would take the balance above it is refused (E_RANGE). */
  constructor(private store: CredentialStore, public maxBalance: u32 = u32.MAX_VALUE) {}

  /** Reads the counter (after the store's open()). OK also when nothing was stored yet
   *  (balance 0); otherwise the failure, which the image reports (E_TAMPER: tamperedId). */
  open(): i32 {
    this.staged = false;
    this.failure = this.load();
    if (this.failure != OK) this.zero();
    return this.failure;
  }

  /** Applies charge `id` (issued by the cloud for this device, from 1 up) of `amount`
   *  once: APPLIED when it is durable; USED or OLD when it was not applied now (see
   *  AppliedCharges); E_INVAL for id 0, amount 0 or an unknown kind; E_RANGE when the
   *  balance would exceed maxBalance; a store error, after which nothing changed. */
  charge(id: u32, amount: u32, kind: u8): i32 {
    // A refused charge (a replay, mostly) answers before a transaction is made.
    const refused = this.refusal(id, amount, kind);
    if (refused != Prepaid.APPLIED) return refused;
    const t = this.store.begin();
    const rc = this.stageCharge(t, id, amount, kind);
    if (rc != Prepaid.APPLIED) { t.discard(); return rc; }
    return this.adopt(t.commit());
  }

  /** Adds charge `id` to `t` (a caller's transaction, e.g. a cloud command's together
   *  with its replay floor) when charge() would apply it: APPLIED, and the caller commits
   *  `t` and hands the result to adopt(). Any other answer stages nothing. */
  stageCharge(t: CredentialTransaction, id: u32, amount: u32, kind: u8): i32 {
    const refused = this.refusal(id, amount, kind);
    if (refused != Prepaid.APPLIED) return refused;
    this.encodeCounter(this.version + 1, this.balance + amount,
      this.freeTotal + (kind == ChargeKind.FREE ? <u64>amount : 0),
      this.paidTotal + (kind == ChargeKind.PAID ? <u64>amount : 0), this.debitedTotal);
    const n = this.applied.encodeWith(this.appliedBuf, id, amount, kind);
    let rc = t.put(PrepaidRecord.COUNTER, ValueType.BYTES, Attr.PROTECTED, this.counterBuf);
    if (rc == OK) rc = t.put(PrepaidRecord.APPLIED, ValueType.BYTES, Attr.PROTECTED, this.appliedBuf.subarray(0, n));
    if (rc < 0) return rc;
    this.staged = true;
    this.stagedId = id;
    this.stagedAmount = amount;
    this.stagedKind = kind;
    return Prepaid.APPLIED;
  }

  /** The staged charge after its transaction's commit() returned `rc`: on OK it becomes
   *  the counter's state; otherwise the counter is read again from the store, which holds
   *  whatever the failed commit left (all of it or none). Returns `rc`. */
  adopt(rc: i32): i32 {
    if (!this.staged) return rc == OK ? E_INVAL : rc;
    this.staged = false;
    if (rc != OK) { this.open(); return rc; }
    const amount = this.stagedAmount;
    this.version++;
    this.balance += amount;
    if (this.stagedKind == ChargeKind.FREE) this.freeTotal += <u64>amount;
    else this.paidTotal += <u64>amount;
    this.applied.add(this.stagedId, amount, this.stagedKind);
    return OK;
  }

  /** Takes `amount` off the balance (a print job's pages, before they are printed): OK
   *  once durable; SHORT when it is larger than the balance, which stays as it was;
   *  E_INVAL for 0; a store error, after which nothing changed. */
  debit(amount: u32): i32 {
    if (this.failure != OK) return this.failure;
    if (this.staged) return E_BUSY;
    if (amount == 0) return E_INVAL;
    if (amount > this.balance) return Prepaid.SHORT;
    this.encodeCounter(this.version + 1, this.balance - amount, this.freeTotal, this.paidTotal, this.debitedTotal + <u64>amount);
    const rc = this.store.put(PrepaidRecord.COUNTER, ValueType.BYTES, Attr.PROTECTED, this.counterBuf);
    if (rc != OK) { this.open(); return rc; }
    this.version++;
    this.balance -= amount;
    this.debitedTotal += <u64>amount;
    return OK;
  }

  /** The state the cloud mirrors (MIRROR_BYTES, layout above) into `out`: its length, or
   *  E_RANGE when `out` is too small. Sent after every change and every connect, it
   *  carries its version, so the cloud keeps the newest whatever order copies arrive in. */
  mirror(out: Uint8Array): i32 {
    if (out.length < MIRROR_BYTES) return E_RANGE;
    out[0] = RECORD_FORMAT;
    putU32LE(out, 1, this.version);
    putU32LE(out, 5, this.balance);
    putU64LE(out, 9, this.freeTotal);
    putU64LE(out, 17, this.paidTotal);
    putU64LE(out, 25, this.debitedTotal);
    putU32LE(out, 33, this.applied.floor);
    putU32LE(out, 37, this.applied.highest());
    return MIRROR_BYTES;
  }

  // Why charge `id` is not applied (USED, OLD, an error), or APPLIED when it would be.
  private refusal(id: u32, amount: u32, kind: u8): i32 {
    if (this.failure != OK) return this.failure;
    if (this.staged) return E_BUSY;
    if (id == 0 || amount == 0 || (kind != ChargeKind.FREE && kind != ChargeKind.PAID)) return E_INVAL;
    const seen = this.applied.seen(id);
    if (seen != Seen.NEW) return seen;
    return amount > this.maxBalance - this.balance ? E_RANGE : Prepaid.APPLIED;
  }

  private encodeCounter(version: u32, balance: u32, free: u64, paid: u64, debited: u64): void {
    const b = this.counterBuf;
    b[0] = RECORD_FORMAT;
    putU32LE(b, 1, version);
    putU32LE(b, 5, balance);
    putU64LE(b, 9, free);
    putU64LE(b, 17, paid);
    putU64LE(b, 25, debited);
  }

  // OK with the stored state in RAM (or none stored), else why it cannot be read.
  private load(): i32 {
    this.zero();
    const c = this.store.getTyped(PrepaidRecord.COUNTER, ValueType.BYTES);
    const counterMissing = c === null && this.store.lastError == E_NOTFOUND && !this.store.records.has(PrepaidRecord.COUNTER);
    if (c === null && !counterMissing) return this.store.lastError;
    const a = this.store.getTyped(PrepaidRecord.APPLIED, ValueType.BYTES);
    const appliedMissing = a === null && this.store.lastError == E_NOTFOUND && !this.store.records.has(PrepaidRecord.APPLIED);
    if (a === null && !appliedMissing) return this.store.lastError;
    // Both are written by the first charge, together: one without the other was not.
    if (counterMissing || appliedMissing) return counterMissing && appliedMissing ? OK : E_MALFORMED;
    if (!this.applied.decode(a!)) return E_MALFORMED;
    const v = c!;
    if (v.length != COUNTER_BYTES || v[0] != RECORD_FORMAT) return E_MALFORMED;
    this.version = getU32LE(v, 1);
    this.balance = getU32LE(v, 5);
    this.freeTotal = getU64LE(v, 9);
    this.paidTotal = getU64LE(v, 17);
    this.debitedTotal = getU64LE(v, 25);
    // What was charged less what was debited is the balance, or the record is not ours.
    if (this.freeTotal + this.paidTotal - this.debitedTotal != <u64>this.balance) { this.zero(); return E_MALFORMED; }
    return OK;
  }

  private zero(): void {
    this.version = 0;
    this.balance = 0;
    this.freeTotal = 0;
    this.paidTotal = 0;
    this.debitedTotal = 0;
    this.applied.clear();
  }
}
