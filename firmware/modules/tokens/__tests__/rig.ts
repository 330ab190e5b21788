// What every tokens spec runs on: the ladder over a real credential store on the test
// board's flash and a real scheduler, with device and wall time moved by hand.
import * as board from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { OK } from "../../../core/errors";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { SpecClock } from "../../../testing/clock";
import { KEYS as TOKEN_KEYS, PHONE_ID_LEN, PT_LEN, PWT_LEN, TokenConfig, TokenEvents, Tokens } from "..";

export const T0: i64 = 1_790_000_000_000;   // a wall time in 2026
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;

/** Device time and wall time moved by the test; the one timer is remembered, not run. */
export class TestClock extends SpecClock {
  constructor() { super(T0); }
}

/** Counts what the ladder told the image. */
export class Recorder extends TokenEvents {
  rotated: i32 = 0;
  ptDropped: i32 = 0;
  prefetchDue: i32 = 0;
  svwtExpired: i32 = 0;
  cwtExpired: i32 = 0;
  onPwtRotated(): void { this.rotated++; }
  onPtDropped(): void { this.ptDropped++; }
  onSvwtPrefetchDue(): void { this.prefetchDue++; }
  onSvwtExpired(): void { this.svwtExpired++; }
  onCwtExpired(): void { this.cwtExpired++; }
}

/** A record store whose reads of one key fail, as a flash read error or bit rot would,
 *  and which counts its writes. */
export class FlakyRecords extends RecordStore {
  broken: u32 = 0;
  /** Records appended to flash by put() and remove() (transactions not counted). */
  writes: i32 = 0;
  get(key: u32): Uint8Array | null { return key == this.broken ? null : super.get(key); }
  put(key: u32, data: Uint8Array): i32 { this.writes++; return super.put(key, data); }
  remove(key: u32): i32 { if (this.has(key)) this.writes++; return super.remove(key); }
}

/** One boot of the printer: store, scheduler and ladder, booted in the image's order. */
export class Rig {
  records: FlakyRecords;
  store: CredentialStore;
  scheduler: Scheduler;
  events: Recorder;
  tokens: Tokens;
  config: TokenConfig;

  constructor(public clock: TestClock, config: TokenConfig | null = null) {
    const cfg = config === null ? new TokenConfig() : config;
    const records = new FlakyRecords();
    const store = new CredentialStore(records, new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, TOKEN_KEYS]));
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    const events = new Recorder();
    const tokens = new Tokens(store, scheduler, cfg, events);
    this.records = records;
    this.store = store;
    this.scheduler = scheduler;
    this.events = events;
    this.tokens = tokens;
    this.config = cfg;
    scheduler.boot();
    expect(tokens.boot()).toBe(OK);
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.scheduler.onTimer(0);
    c.moveTo(at);
  }

  /** Delivers the timer if it is due now (the first TIMER event after boot). */
  settle(): void { this.runTo(this.clock.now); }

  /** A power cut of `offMs`: RAM and the timer go, flash stays, device time restarts. */
  reboot(offMs: i64): Rig {
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Rig(this.clock, this.config);
  }

  pwt(): Uint8Array {
    const out = new Uint8Array(PWT_LEN);
    expect(this.tokens.currentPwt(out)).toBe(PWT_LEN);
    return out;
  }

  /** A PT for `phone` against the current PWT. */
  issuePt(phone: Uint8Array): Uint8Array {
    const out = new Uint8Array(PT_LEN);
    expect(this.tokens.issuePt(this.pwt(), phone, out)).toBe(PT_LEN);
    return out;
  }
}

/** Blank flash and a clock at T0: every test starts here. */
export function freshRig(config: TokenConfig | null = null): Rig {
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  return new Rig(new TestClock(), config);
}

/** A phone's verified identity (a peer key hash stand-in). */
export function phone(tag: u8): Uint8Array {
  const id = new Uint8Array(PHONE_ID_LEN);
  for (let i = 0; i < PHONE_ID_LEN; i++) id[i] = tag ^ <u8>i;
  return id;
}

/** A cloud-issued token of `len` bytes. */
export function cloudToken(tag: u8, len: i32 = 24): Uint8Array {
  const t = new Uint8Array(len);
  for (let i = 0; i < len; i++) t[i] = <u8>(tag * 31 + i);
  return t;
}

export function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

export function copyOf(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length);
  c.set(b);
  return c;
}
