// A meter for the breaker's specs: its store and breaker, rebooted as a power cycle would
// (a new store mounted from what the flash holds, a new breaker read from it), and a
// clock whose wall time the spec sets.
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../cloud-link/index";
import { KEYS as ONBOARDING_KEYS } from "../../onboarding/index";
import { Clock } from "../../scheduler/index";
import { BreakerConfig, BreakerState, SupplyBreaker, KEYS as BREAKER_KEYS } from "../index";
import { OK } from "../../../core/errors";
import { Pin, flashErase, flashPageCount, flashPageSize, flashRead, gpioRead, gpioWrite } from "../../../board/index";
import { getU16LE, putU32LE } from "../../../core/codecs/bytes";
import { crc32 } from "../../../core/crc32";

@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

/** 2026-11-22T00:00:00Z */
export const T0: i64 = 1795305600000;

export class TestClock extends Clock {
  wall: i64 = T0;
  wallMs(): i64 { return this.wall; }
}

export class Meter {
  store: CredentialStore;
  breaker: SupplyBreaker;
  clock: TestClock;
  /** What the breaker's open() answered at the last boot. */
  opened: i32 = OK;

  constructor(public config: BreakerConfig = new BreakerConfig()) {
    const store = mountStore();
    const clock = new TestClock();
    this.store = store;
    this.clock = clock;
    this.breaker = new SupplyBreaker(store, clock, config);
    this.opened = this.breaker.open();
  }

  /** A power cycle: the pin comes up at `powerOnPin` (by default the opposite of its
   *  level now), the store mounts what the flash holds and the breaker reads it, which
   *  must set the pin to what is stored. */
  reboot(powerOnPin: i32 = -1): void {
    gpioWrite(Pin.BREAKER, powerOnPin >= 0 ? powerOnPin : 1 - gpioRead(Pin.BREAKER));
    this.store = mountStore();
    this.breaker = new SupplyBreaker(this.store, this.clock, this.config);
    this.opened = this.breaker.open();
  }

  /** The pin as the hardware sees it. */
  pin(): i32 { return gpioRead(Pin.BREAKER); }

  /** The pin agrees with the state: closed exactly when CONNECTED. */
  pinFollows(): bool { return this.pin() == (this.breaker.state == BreakerState.CONNECTED ? 1 : 0); }
}

export function keyspace(): Keyspace {
  return new Keyspace([CREDENTIAL_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, BREAKER_KEYS]);
}

/** A boot that power cuts short (the spec armed flash_cut): whatever the mount managed
 *  to repair stays in flash for the next boot; the results do not matter. */
export function bootCut(): void {
  const store = new CredentialStore(new RecordStore(), keyspace());
  if (store.open() == OK) new SupplyBreaker(store, new TestClock()).open();
}

function mountStore(): CredentialStore {
  const store = new CredentialStore(new RecordStore(), keyspace());
  expect(store.open()).toBe(OK);
  return store;
}

/** Erased flash and a new meter on it: every spec starts from here. */
export function freshMeter(config: BreakerConfig = new BreakerConfig()): Meter {
  for (let p = 0; p < flashPageCount(); p++) expect(flashErase(p)).toBe(OK);
  return new Meter(config);
}

/** The whole flash partition, to put back later with restoreFlash. */
export function snapshotFlash(): Uint8Array {
  const size = flashPageSize() * flashPageCount();
  const all = new Uint8Array(size);
  expect(flashRead(0, all, 0, size)).toBe(OK);
  return all;
}

export function restoreFlash(all: Uint8Array): void {
  expect(flash_poke(0, all.dataStart, all.length)).toBe(OK);
}

/** Where `needle` last occurs in the flash (the newest copy of a record), or -1. */
export function lastInFlash(needle: Uint8Array): i32 {
  const all = snapshotFlash();
  for (let i = all.length - needle.length; i >= 0; i--) {
    let j = 0;
    while (j < needle.length && all[i + j] == needle[j]) j++;
    if (j == needle.length) return i;
  }
  return -1;
}

/** Sets byte `at` of the record whose data starts at `data` (FORMAT.md: the 20-byte
 *  header before it holds len at 8 and the data's CRC at 16) and fixes that CRC, so the
 *  record store still reads the record as intact: only the credential store's tag can tell. */
export function doctorRecord(data: i32, at: i32, v: u8): void {
  const h = new Uint8Array(20);
  expect(flashRead(data - 20, h, 0, 20)).toBe(OK);
  const len = <i32>getU16LE(h, 8);
  const d = new Uint8Array(len);
  expect(flashRead(data, d, 0, len)).toBe(OK);
  d[at] = v;
  putU32LE(h, 16, crc32(d, 0, len));
  expect(flash_poke(data, d.dataStart, len)).toBe(OK);
  expect(flash_poke(data - 20 + 16, h.dataStart + 16, 4)).toBe(OK);
}
