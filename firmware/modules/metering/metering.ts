// The metering of the smart meter (seed 003; SPEC §M4; its PROTOCOL.md §3.1) and of the
// power conditioner (seed 002; its PROTOCOL.md §4.1): a measurement of 1 to 3 channels at
// every interval boundary (UTC), kept in a ring of chunk records, and the hand-off of
// each reading to every company that owns it (the one the recipients name in its role at
// the slot's last instant), numbered per company, only the types of that company's scope,
// only once it confirmed, and each hand-off's mark persisted after the outbox took the
// reading (rule 7: a power cut in between hands it again, with the same rseq and content).
import * as board from "../../board/index";
import { E_MALFORMED, E_NOTFOUND, E_STATE, OK } from "../../core/errors";
import { Attr, CredentialStore, READ_INTO_SLACK, ValueType } from "../credential-store/index";
import { Clock, DeadlineOwner, Durability, Scheduler } from "../scheduler/index";
import { DataType, NO_COMPANY } from "../contract-table/ids";
import { Handed, MeasureSource, MeteringConfig, MeteringEvents, ReadingSink, Sample } from "./api";
import {
  LANES_MAX_BYTES, MAX_CHANNELS, MAX_CHUNKS, MAX_LOG, MeteringDeadline, MeteringRecord, OPEN_END, PER_CHUNK, Quality,
  chunkMaxBytes,
} from "./ids";
import { Recipients } from "./recipients";
import { CompanyFlag, Lanes } from "./lanes";
import { ReadingLog } from "./reading-log";

const MINUTE: i64 = 60_000;
/** A reading taken more than this after its boundary is LATE (the meter was off at it). */
export const LATE_AFTER_MS: i64 = 60_000;
/** A measurement the store could not write is tried again this much later (as LATE). */
export const RETRY_MS: i64 = 60_000;
/** Readings one handOff() call hands at most: each persists a mark, and an event's heap
 *  garbage must stay small; the image calls again (handOff answers MORE) in a later event. */
export const HAND_BATCH: i32 = 4;
/** Switches heard before boot() (the contract table boots first), applied by boot(). */
const EARLY_MAX: i32 = 8;
const UNKNOWN_TYPES: u32 = 0xffffffff;

/** handOff()'s answer besides a count and the negative errors. */
export namespace HandOff {
  /** Readings are still owed beyond this call's batch: call again in a later event. */
  export const MORE: i32 = 0x10000;
}

export class Metering extends DeadlineOwner {
  /** Why stored data could not be read at boot (E_TAMPER, E_MALFORMED, a store error), or
   *  OK. A lane table that cannot be read hands nothing (rseqs could repeat); a chunk that
   *  cannot be read loses its readings (counted in lost()), and measuring goes on. */
  failure: i32 = OK;
  /** Set when the lane table cannot be trusted: nothing is handed. */
  lanesFailure: i32 = OK;
  readonly log: ReadingLog;
  private lanes: Lanes = new Lanes();
  private next: Lanes = new Lanes();
  private readonly chunkBuf: Uint8Array;
  private lanesBuf: Uint8Array = new Uint8Array(LANES_MAX_BYTES);
  private readonly sample: Sample;
  private readonly handed: Handed;
  private registered: i32 = OK;
  private booted: bool = false;
  private readonly intervalMs: i64;
  private readonly transmitMs: i64;
  // Switches heard before boot().
  private earlyCount: i32 = 0;
  private earlyRoles: Uint8Array = new Uint8Array(EARLY_MAX);
  private earlyCodes: Uint32Array = new Uint32Array(EARLY_MAX);
  private earlyTypes: Uint32Array = new Uint32Array(EARLY_MAX);
  private earlyAt: Int64Array = new Int64Array(EARLY_MAX);

  /** Registers deadlines 0x50 (measurement) and 0x51 (transmission); the image then calls
   *  scheduler.boot(), the recipients' boot (a contract table's) and this boot().
   *  `recipients`: who may receive readings (the meter's ContractTable, the power conditioner's
   *  SoleRecipient); `source` measures `config.channels` channels. */
  constructor(private store: CredentialStore, private scheduler: Scheduler, private recipients: Recipients,
    private source: MeasureSource, private events: MeteringEvents = new MeteringEvents(),
    private clock: Clock = new Clock(), config: MeteringConfig = new MeteringConfig()) {
    super();
    const n = config.logSize < PER_CHUNK ? PER_CHUNK : config.logSize > MAX_LOG ? MAX_LOG : config.logSize;
    const c = config.channels < 1 ? 1 : config.channels > MAX_CHANNELS ? MAX_CHANNELS : config.channels;
    const log = new ReadingLog(n, c);
    this.log = log;
    this.chunkBuf = new Uint8Array(chunkMaxBytes(c) + READ_INTO_SLACK);
    this.sample = new Sample(c);
    this.handed = new Handed(log);
    this.intervalMs = <i64>validMinutes(config.intervalMin) * MINUTE;
    this.transmitMs = <i64>validMinutes(config.transmitMin) * MINUTE;
    let rc = scheduler.register(MeteringDeadline.MEASURE, this);
    if (rc == OK) rc = scheduler.register(MeteringDeadline.TRANSMIT, this);
    this.registered = rc;
  }

  /** After the contract table's boot() (the recipients'): reads the log and the lanes, follows switches the
   *  lanes missed, takes the reading of a boundary that passed while the meter was off
   *  (LATE; GAP when more than one) and arms both deadlines. OK or the boot failure. */
  boot(): i32 {
    if (this.registered != OK) return this.registered;
    this.failure = OK;
    this.loadLog();
    this.lanesFailure = this.loadLanes();
    if (this.lanesFailure != OK) this.failure = this.lanesFailure;
    this.booted = true;
    for (let i = 0; i < this.earlyCount; i++) {
      this.onSwitched(this.earlyRoles[i], 0, this.earlyCodes[i], this.earlyAt[i], this.earlyTypes[i]);
    }
    this.earlyCount = 0;
    this.sync();
    this.catchUp();
    this.armTransmission();
    return this.failure;
  }

  // ------------------------------------------------------------------ reading

  /** Readings that left the log before every company owning them had them handed. */
  lost(): u32 { return this.lanes.lost; }

  /** The energy register (Wh) of the reading whose slot ends at `utcMs`, or -1 when the
   *  log holds none (never taken, a FAULT, or out of the log): ECHONET E2 and EA. */
  registerAt(utcMs: i64): i64 {
    if (utcMs < 0 || utcMs % MINUTE != 0) return -1;
    const m = this.log.find(<u32>(utcMs / MINUTE));
    if (m == 0 || (this.log.quality(m) & Quality.FAULT) != 0) return -1;
    return <i64>this.log.energy(m);
  }

  /** The newest reading's slot end (UTC ms), or -1. */
  latestEnd(): i64 { return this.log.has(this.log.newest) ? <i64>this.log.newestEndMin() * MINUTE : -1; }

  /** Lanes kept now, and each one's company, role, span and next mseq (for the panel). */
  laneCount(): i32 { return this.lanes.count; }
  laneCode(i: i32): u32 { return i < this.lanes.count ? this.lanes.codes[i] : 0; }
  laneRole(i: i32): u8 { return i < this.lanes.count ? this.lanes.roles[i] : 0; }
  laneFrom(i: i32): i64 { return i < this.lanes.count ? this.lanes.froms[i] : 0; }
  laneTo(i: i32): i64 { return i < this.lanes.count ? this.lanes.tos[i] : 0; }
  laneMark(i: i32): u32 { return i < this.lanes.count ? this.lanes.marks[i] : 0; }
  /** The rseq the company's next reading will get (0: the company is not known). */
  nextRseq(code: u32): u32 { const i = this.lanes.company(code); return i < 0 ? 0 : this.lanes.nextRseqs[i]; }
  /** Whether the company confirmed and is not blocked by a security error. */
  mayHand(code: u32): bool { return this.lanes.mayHand(code); }

  // ------------------------------------------------------------------ the recipients (contract table)

  /** The table switched `role` from `oldCode` to `newCode` (0: abolished) at `atUtc`
   *  (-1: immediate without wall time: the readings taken so far stay the old company's).
   *  `types`: the new company's data types (by default the table's for `role` now, when
   *  it still names `newCode`). Closes the old lane at `atUtc`, opens the new one. */
  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, types: u32 = 0xffffffff /* UNKNOWN_TYPES */): i32 {
    if (types == UNKNOWN_TYPES) types = this.recipients.code(role) == newCode ? this.recipients.types(role) : 0;
    if (!this.booted) {
      if (this.earlyCount == EARLY_MAX) return E_STATE;   // boot()'s sync follows the table
      const i = this.earlyCount++;
      this.earlyRoles[i] = role; this.earlyCodes[i] = newCode; this.earlyTypes[i] = types; this.earlyAt[i] = atUtc;
      return OK;
    }
    if (this.lanesFailure != OK) return this.lanesFailure;
    const at = atUtc < 0 ? this.newestEndMs() : atUtc;
    const next = this.next;
    next.copyFrom(this.lanes);
    if (!this.switchIn(next, role, newCode, types, at)) return OK;
    return this.commitLanes();
  }

  /** A matching confirmation from `code` (the company the image verified): its lanes may
   *  hand readings, also a lane that opens later (a confirmation before the switch); a
   *  block by an earlier security error is lifted. The image calls handOff next. */
  confirmed(code: u32): i32 { return this.setFlags(code, CompanyFlag.CONFIRMED, CompanyFlag.BLOCKED); }

  /** A confirmation from `code` did not match: nothing is handed to it until a later match. */
  securityError(code: u32): i32 {
    // A company never seen has nothing to block: it needs a match before anything anyway.
    if (this.lanes.company(code) < 0) return code == NO_COMPANY ? E_NOTFOUND : OK;
    return this.setFlags(code, CompanyFlag.BLOCKED, 0);
  }

  // ------------------------------------------------------------------ hand-off

  /** Hands every reading not yet handed to a confirmed, unblocked company that owns it,
   *  lane by lane in the order they opened, oldest reading first, to `sink`; after each
   *  OK the lane's mark and the company's rseq move in one record write. At most `max`
   *  readings per call: the count handed, plus HandOff.MORE when more are owed; the
   *  sink's error (the rest waits for the next transmission); a store error. */
  handOff(sink: ReadingSink, max: i32 = 4 /* HAND_BATCH */): i32 {
    if (this.lanesFailure != OK) return this.lanesFailure;
    if (this.recipients.failure != OK) return this.recipients.failure;
    this.sync();
    const log = this.log;
    let done = 0;
    for (let k = 0; k < this.lanes.count; ) {
      const code = this.lanes.codes[k];
      if (!this.lanes.mayHand(code)) { k++; continue; }
      const scope = this.scope(k);
      let m = this.lanes.marks[k];
      let finished = false;
      while (m <= log.newest) {
        if (!log.has(m)) { m++; continue; }   // out of the log: counted when it left
        const end = <i64>log.endMin(m) * MINUTE;
        if (end <= this.lanes.froms[k]) { m++; continue; }
        if (end > this.lanes.tos[k]) { finished = true; break; }
        if (done == max) return done | HandOff.MORE;
        const c = this.lanes.company(code);
        this.fill(code, this.lanes.nextRseqs[c], m, scope);
        const rc = this.handTo(sink);
        if (rc < 0) return rc;
        const next = this.next;
        next.copyFrom(this.lanes);
        next.marks[k] = m + 1;
        next.nextRseqs[c]++;
        const w = this.commitLanes();
        if (w != OK) return w;
        done++;
        m++;
      }
      // A closed lane is done once no reading it owns can still come or is unhanded.
      if (this.lanes.tos[k] != OPEN_END && (finished || this.newestEndMs() >= this.lanes.tos[k])) {
        const next = this.next;
        next.copyFrom(this.lanes);
        next.removeLane(k);
        const w = this.commitLanes();
        if (w != OK) return w;
        continue;
      }
      k++;
    }
    return done;
  }

  // ------------------------------------------------------------------ deadlines

  onDeadline(name: u32, lateMs: i64): void {
    if (name == MeteringDeadline.MEASURE) this.catchUp();
    else if (name == MeteringDeadline.TRANSMIT) {
      this.armTransmission();
      this.events.onTransmission();
    }
  }

  // ------------------------------------------------------------------ internals

  /** Takes the reading of the latest boundary when it is due and arms the next one. */
  private catchUp(): void {
    const wall = this.clock.wallMs();
    if (wall < 0) {
      // Nothing is measured without wall time: this fires once the board knows it.
      this.scheduler.atUtc(MeteringDeadline.MEASURE, 0, 0, Durability.VOLATILE);
      return;
    }
    const I = this.intervalMs;
    const b = wall / I * I;
    const late = wall - b > LATE_AFTER_MS;
    let due = false;
    let q: u8 = 0;
    if (this.log.has(this.log.newest)) {
      const last = this.newestEndMs();
      if (b > last) {
        due = true;
        if (late) q |= Quality.LATE;
        if (b - last > I) q |= Quality.GAP;
      }
    } else {
      // A new meter starts at a boundary. One whose newest reading was lost (a chunk it
      // could not read) does too: that boundary may be one it already measured and handed.
      due = !late;
      if (this.log.newest != 0) q = Quality.GAP;
    }
    let nextAt = b + I;
    if (due && this.take(b, q) != OK) nextAt = wall + RETRY_MS;
    this.scheduler.atUtc(MeteringDeadline.MEASURE, nextAt, 0, Durability.VOLATILE);
  }

  /** Measures for the boundary `endMs` and stores the reading: OK or the store's error
   *  (nothing changed). A reading that pushes an unhanded one out of the log moves the
   *  marks of the lanes owning it and counts it lost, in the same transaction. */
  private take(endMs: i64, q: u8): i32 {
    const log = this.log;
    const prev = log.newest;
    const hasPrev = log.has(prev);
    const s = this.sample;
    if (this.source.supplyOff()) q |= Quality.SUPPLY_OFF;
    // A channel that fails faults the whole reading: every register is carried, so the
    // next slot's Wh is right.
    const measured = this.source.measure(s) == OK;
    if (!measured) q |= Quality.FAULT;
    for (let c = 0; c < log.channels; c++) {
      let power: i32 = 0, energy: u32 = hasPrev ? log.energyAt(prev, c) : 0, slot: u32 = 0;
      if (measured) {
        power = s.powerW[c];
        const e = <u32>s.energyWh[c];
        slot = hasPrev ? e - energy : 0;
        energy = e;
      }
      log.stage(c, power, energy, slot);
    }
    const endMin = <u32>(endMs / MINUTE);
    const n = log.encodeWith(this.chunkBuf, endMin, q);
    const chunk = this.chunkBuf.subarray(0, n);
    const id = log.chunkId(prev + 1);
    let rc: i32;
    if (this.evict(prev + 1)) {
      const t = this.store.begin();
      rc = t.put(id, ValueType.BYTES, 0, chunk);
      const ln = this.next.encode(this.lanesBuf);
      if (rc == OK) rc = t.put(MeteringRecord.LANES, ValueType.BYTES, Attr.PROTECTED, this.lanesBuf.subarray(0, ln));
      if (rc != OK) t.discard(); else rc = t.commit();
      if (rc == OK) this.adoptNext();
    } else rc = this.store.put(id, ValueType.BYTES, 0, chunk);
    if (rc != OK) {
      board.compose().add("metering: reading not stored, rc ").num(rc).error();
      return rc;
    }
    log.add(endMin, q);
    this.events.onMeasured(log.newest);
    return OK;
  }

  /** Stages in `next` what reading `m` pushes out of the log: lanes that had not handed
   *  it pass it (counted lost when they own it). True when the lanes change. */
  private evict(m: u32): bool {
    const log = this.log;
    if (m <= <u32>log.capacity || this.lanesFailure != OK) return false;
    const gone = m - <u32>log.capacity;
    const next = this.next;
    next.copyFrom(this.lanes);
    let changed = false;
    for (let k = 0; k < next.count; k++) {
      if (next.marks[k] > gone) continue;
      if (log.has(gone) && next.owns(k, <i64>log.endMin(gone) * MINUTE)) next.lost++;
      next.marks[k] = gone + 1;
      changed = true;
    }
    return changed;
  }

  private handTo(sink: ReadingSink): i32 { return sink.hand(this.handed); }

  /** The Handed object for reading `m` to `code` with `rseq`, only the values of `scope`. */
  private fill(code: u32, rseq: u32, m: u32, scope: u32): void {
    const h = this.handed, log = this.log;
    const q = log.quality(m);
    const types = (q & Quality.FAULT) != 0 ? scope & DataType.TIME : scope;
    h.company = code;
    h.rseq = rseq;
    h.quality = q;
    h.types = types;
    h.mseq = m;
    h.endUtcMs = (types & DataType.TIME) != 0 ? <i64>log.endMin(m) * MINUTE : 0;
    h.powerW = (types & DataType.POWER) != 0 ? log.power(m) : 0;
    h.energyWh = (types & DataType.ENERGY) != 0 ? log.energy(m) : 0;
    h.slotWh = (types & DataType.HISTORY) != 0 ? log.slotWh(m) : 0;
  }

  /** What lane k may hand: its types as they were while in effect; an open lane's also
   *  what the table allows its company now. */
  private scope(k: i32): u32 {
    let types = this.lanes.types[k] & DataType.ALL;
    if (this.lanes.tos[k] != OPEN_END) return types;
    const code = this.lanes.codes[k];
    for (let t: u32 = 1; t <= DataType.HISTORY; t <<= 1) {
      if ((types & t) != 0 && !this.recipients.mayReceive(code, t)) types &= ~t;
    }
    return types;
  }

  /** Follows the table where an onSwitched call was lost (a power cut after the table's
   *  commit, before its event): an open lane that no longer matches is closed, and the
   *  company in effect gets one, at the newest reading's end. */
  private sync(): void {
    if (this.lanesFailure != OK || this.recipients.failure != OK) return;
    const next = this.next;
    next.copyFrom(this.lanes);
    let changed = false;
    const at = this.newestEndMs();
    for (let r: u8 = 0; r < 2; r++) {
      if (this.switchIn(next, r, this.recipients.code(r), this.recipients.types(r), at)) changed = true;
    }
    if (changed && this.commitLanes() != OK) board.compose().add("metering: lanes not stored").error();
  }

  /** In `next`: `role`'s open lane closes at `at` and `code` (unless 0) opens one there.
   *  False when the open lane already is `code` with `types` (nothing to do). */
  private switchIn(next: Lanes, role: u8, code: u32, types: u32, at: i64): bool {
    const k = next.openLane(role);
    if (k >= 0 && next.codes[k] == code && next.types[k] == types) return false;
    if (k < 0 && code == NO_COMPANY) return false;
    if (k >= 0) next.tos[k] = at > next.froms[k] ? at : next.froms[k];
    if (code == NO_COMPANY) return true;
    if (next.count == next.codes.length) this.dropOldestClosed(next);
    if (!next.open(code, types, role, at, this.firstAfter(at))) {
      board.compose().add("metering: no room for a lane").error();
    }
    return true;
  }

  /** Makes room for a lane: the oldest closed lane goes, its unhanded readings lost. */
  private dropOldestClosed(next: Lanes): void {
    for (let k = 0; k < next.count; k++) {
      if (next.tos[k] == OPEN_END) continue;
      const log = this.log;
      for (let m = next.marks[k]; m <= log.newest; m++) {
        if (log.has(m) && next.owns(k, <i64>log.endMin(m) * MINUTE)) next.lost++;
      }
      next.removeLane(k);
      return;
    }
  }

  /** The first reading whose slot ends after `at` (newest + 1 when none has yet). */
  private firstAfter(at: i64): u32 {
    const log = this.log;
    let m = log.newest + 1;
    while (m > log.oldest && m > 1 && log.has(m - 1) && <i64>log.endMin(m - 1) * MINUTE > at) m--;
    return m;
  }

  private newestEndMs(): i64 { return <i64>this.log.newestEndMin() * MINUTE; }

  private setFlags(code: u32, set: u8, clear: u8): i32 {
    if (this.lanesFailure != OK) return this.lanesFailure;
    if (code == NO_COMPANY) return E_NOTFOUND;
    const next = this.next;
    next.copyFrom(this.lanes);
    const i = next.addCompany(code);
    if (i < 0) return E_STATE;
    const f = (next.flags[i] | set) & ~clear;
    if (f == next.flags[i] && this.lanes.company(code) >= 0) return OK;
    next.flags[i] = f;
    return this.commitLanes();
  }

  /** Writes `next` as the LANES record and adopts it once durable. */
  private commitLanes(): i32 {
    const n = this.next.encode(this.lanesBuf);
    const rc = this.store.put(MeteringRecord.LANES, ValueType.BYTES, Attr.PROTECTED, this.lanesBuf.subarray(0, n));
    if (rc != OK) return rc;
    this.adoptNext();
    return OK;
  }

  private adoptNext(): void {
    const t = this.lanes;
    this.lanes = this.next;
    this.next = t;
  }

  private armTransmission(): void {
    const wall = this.clock.wallMs();
    const at = wall < 0 ? 0 : (wall / this.transmitMs + 1) * this.transmitMs;
    this.scheduler.atUtc(MeteringDeadline.TRANSMIT, at, 0, Durability.VOLATILE);
  }

  // Chunks are plain records read into one buffer: reading up to 48 of them at boot
  // allocates nothing (a protected record's check allocates ≈ 1 KiB each, all garbage
  // until the boot ends). The outbox holds the same readings as plain chunks too.
  private loadLog(): void {
    this.log.clear();
    const buf = this.chunkBuf;
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const id = MeteringRecord.FIRST_CHUNK + <u32>i;
      if (!this.store.records.has(id)) continue;
      const n = this.store.readInto(id, ValueType.BYTES, buf);
      if (n < 0 || !this.log.decode(buf, n)) {
        // Its readings are gone (a FAULT gap when the chunk is written again).
        if (this.failure == OK) this.failure = n < 0 ? n : E_MALFORMED;
      }
    }
  }

  private loadLanes(): i32 {
    this.lanes.clear();
    const v = this.store.getTyped(MeteringRecord.LANES, ValueType.BYTES);
    if (v === null) {
      if (this.store.lastError != E_NOTFOUND || this.store.records.has(MeteringRecord.LANES)) return this.store.lastError;
      // A new meter writes its empty lanes first thing; readings without them were not
      // left by this module (a record the flash lost): rseqs could repeat, so fail closed.
      if (this.log.newest != 0) return E_MALFORMED;
      this.next.clear();
      return this.commitLanes();
    }
    if (!this.lanes.decode(v)) return E_MALFORMED;
    // The numbering never goes back, even when the newest chunk was lost.
    for (let k = 0; k < this.lanes.count; k++) {
      if (this.lanes.marks[k] - 1 > this.log.newest) this.log.newest = this.lanes.marks[k] - 1;
    }
    return OK;
  }
}

function validMinutes(m: i32): i32 { return m >= 1 && m <= 1440 && 1440 % m == 0 ? m : 30; }
