// The supply breaker of the smart meter's fourth embodiment (seed 003): open on a
// security error until a matching confirmation and a local press; open for a new
// resident until a matching confirmation. The state is the newest entry of a bounded log
// kept in one protected record, so each transition is one atomic store write: after a
// power cut at any flash write the breaker is in its old or its new state, log and all,
// and open() drives the pin to what is stored.
import * as board from "../../board/index";
import { Pin } from "../../board/index";
import { OK, E_INVAL, E_MALFORMED, E_NOTFOUND, E_STATE } from "../../core/errors";
import { Attr, CredentialStore, ValueType } from "../credential-store/index";
import { Clock } from "../scheduler/index";
import { BreakerLog } from "./breaker-log";
import { BreakerRecord, DEFAULT_LOG, MAX_LOG } from "./records";
import { BreakerReason, BreakerState } from "./states";

/** The breaker's answers besides the board's negative errors. */
export namespace Breaker {
  /** = OK: the transition is durable and the pin follows it. */
  export const DONE: i32 = 0;
  /** Nothing to do in this state (a confirmation while connected, a security error
   *  while already open for one); nothing was written. */
  export const UNCHANGED: i32 = 1;
}

export class BreakerConfig {
  /** How many transitions the log keeps (1..MAX_LOG): the newest ones. */
  logSize: i32 = DEFAULT_LOG;
  /** A new resident's matching confirmation only readies the breaker, and a local press
   *  closes it (as after a security error). Off by default: the seed closes it on the
   *  confirmation itself (README.md, "Why a new resident's confirmation closes it"). */
  newResidentNeedsPress: bool = false;
}

export class SupplyBreaker {
  state: u8 = BreakerState.DISCONNECTED;
  /** Why it is in that state (the newest entry's reason; NEW_RESIDENT for a new meter). */
  reason: u8 = BreakerReason.NEW_RESIDENT;
  /** Why the stored log could not be read (E_TAMPER, E_MALFORMED, a store error), or OK.
   *  While set the breaker stays open and refuses every transition with it. */
  failure: i32 = OK;
  /** The highest seq the image has put in its outbox (reported()). */
  reportedSeq: u32 = 0;
  readonly log: BreakerLog;
  private buf: Uint8Array;

  /** `config.logSize` out of 1..MAX_LOG is clamped into it. */
  constructor(private store: CredentialStore, private clock: Clock = new Clock(),
    public readonly config: BreakerConfig = new BreakerConfig()) {
    const n = config.logSize < 1 ? 1 : config.logSize > MAX_LOG ? MAX_LOG : config.logSize;
    const log = new BreakerLog(n);
    this.log = log;
    this.buf = new Uint8Array(log.recordBytes());
  }

  /** After the store's open(), at every boot (and after a reset, which may erase the
   *  report mark): reads the log and drives the pin to the stored state. OK also for a
   *  new meter (DISCONNECTED for a new resident); otherwise the failure, with the breaker
   *  open (fail closed); the image reports it (E_TAMPER: store.tamperedId). */
  open(): i32 {
    this.failure = this.load();
    if (this.failure != OK) {
      this.log.clear();
      this.state = BreakerState.DISCONNECTED;
      this.reason = BreakerReason.SECURITY;
    }
    this.loadReportMark();
    const rc = this.drive();
    return this.failure != OK ? this.failure : rc;
  }

  /** A confirmation did not match (for the electricity company): open, whatever the state. */
  securityError(): i32 {
    if (this.failure != OK) return this.failure;
    if (this.state == BreakerState.DISCONNECTED && this.reason == BreakerReason.SECURITY) return Breaker.UNCHANGED;
    return this.move(BreakerState.DISCONNECTED, BreakerReason.SECURITY);
  }

  /** A confirmation matched: a new resident's supply closes (or readies, by config); after
   *  a security error the breaker becomes ready for a local press. */
  confirmed(): i32 {
    if (this.failure != OK) return this.failure;
    if (this.state != BreakerState.DISCONNECTED) return Breaker.UNCHANGED;
    const close = this.reason == BreakerReason.NEW_RESIDENT && !this.config.newResidentNeedsPress;
    return this.move(close ? BreakerState.CONNECTED : BreakerState.READY_FOR_RECONNECTION, BreakerReason.CONFIRMED);
  }

  /** The local button: closes a breaker that is ready; E_STATE in any other state. */
  press(): i32 {
    if (this.failure != OK) return this.failure;
    if (this.state != BreakerState.READY_FOR_RECONNECTION) return E_STATE;
    return this.move(BreakerState.CONNECTED, BreakerReason.PRESS);
  }

  /** The supply is cut in advance for the next resident (a move-out): only from
   *  CONNECTED. E_STATE otherwise: after a security error, the press comes first. */
  awaitNewResident(): i32 {
    if (this.failure != OK) return this.failure;
    if (this.state == BreakerState.DISCONNECTED && this.reason == BreakerReason.NEW_RESIDENT) return Breaker.UNCHANGED;
    if (this.state != BreakerState.CONNECTED) return E_STATE;
    return this.move(BreakerState.DISCONNECTED, BreakerReason.NEW_RESIDENT);
  }

  // ---- reports: the image hands every transition to its outbox, oldest first

  /** The index in `log` of the oldest entry not yet reported, or -1. */
  unreported(): i32 {
    const n = this.log.count;
    for (let i = 0; i < n; i++) if (this.log.seqAt(i) > this.reportedSeq) return i;
    return -1;
  }

  /** Entries after the report mark that the log no longer holds (a gap to report). */
  lostReports(): u32 {
    const oldest = this.log.oldestSeq();
    return oldest > this.reportedSeq + 1 ? oldest - 1 - this.reportedSeq : 0;
  }

  /** The image's outbox holds every entry up to `seq`: stored as the report mark.
   *  UNCHANGED when not above the mark; E_INVAL above the newest entry. */
  reported(seq: u32): i32 {
    if (seq > this.log.newestSeq()) return E_INVAL;
    if (seq <= this.reportedSeq) return Breaker.UNCHANGED;
    const rc = this.store.putU32(BreakerRecord.REPORTED, seq, 0);
    if (rc != OK) return rc;
    this.reportedSeq = seq;
    return OK;
  }

  // The pin follows the state: 1 (closed) only when CONNECTED.
  private drive(): i32 {
    return board.gpioWrite(Pin.BREAKER, this.state == BreakerState.CONNECTED ? 1 : 0);
  }

  // One transition: opening, the pin opens before the write and stays open even when the
  // write fails (fail closed; the stored state applies at the next boot); closing or
  // readying, nothing changes unless the write is durable (rule 8: checked before acting).
  private move(to: u8, reason: u8): i32 {
    const from = this.state;
    const time = this.clock.wallMs();
    if (to == BreakerState.DISCONNECTED) {
      this.state = to;
      this.reason = reason;
      this.drive();
    }
    const n = this.log.encodeWith(this.buf, time, from, to, reason);
    const rc = this.write(this.buf.subarray(0, n));
    if (rc != OK) return rc;
    this.log.add(time, from, to, reason);
    this.state = to;
    this.reason = reason;
    return this.drive();
  }

  // The LOG record; the first one with STARTED in one transaction.
  private write(log: Uint8Array): i32 {
    if (this.log.count > 0) return this.store.put(BreakerRecord.LOG, ValueType.BYTES, Attr.PROTECTED, log);
    const t = this.store.begin();
    let rc = t.put(BreakerRecord.LOG, ValueType.BYTES, Attr.PROTECTED, log);
    if (rc == OK) rc = t.putU32(BreakerRecord.STARTED, 1, 0);
    if (rc != OK) { t.discard(); return rc; }
    return t.commit();
  }

  // OK with the stored state in RAM (a new meter when nothing is stored), else why not.
  private load(): i32 {
    this.log.clear();
    this.state = BreakerState.DISCONNECTED;
    this.reason = BreakerReason.NEW_RESIDENT;
    const started = this.store.records.has(BreakerRecord.STARTED);
    const v = this.store.getTyped(BreakerRecord.LOG, ValueType.BYTES);
    if (v === null) {
      if (this.store.lastError != E_NOTFOUND || this.store.records.has(BreakerRecord.LOG)) return this.store.lastError;
      // A new meter; a log that flash lost (scrubbed at mount) is not one.
      return started ? E_MALFORMED : OK;
    }
    if (!started || !this.log.decode(v)) return E_MALFORMED;
    const newest = this.log.count - 1;
    this.state = this.log.toAt(newest);
    this.reason = this.log.reasonAt(newest);
    return OK;
  }

  // The report mark, or 0 (everything in the log reported again; the receiver drops
  // what it has) when it is missing, unreadable or beyond the newest entry.
  private loadReportMark(): void {
    const m = this.store.getU32(BreakerRecord.REPORTED);
    this.reportedSeq = m < 0 || m > <i64>this.log.newestSeq() ? 0 : <u32>m;
  }
}
