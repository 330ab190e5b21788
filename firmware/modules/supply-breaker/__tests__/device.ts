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
import { Pin, gpioRead, gpioWrite } from "../../../board/index";
import { eraseFlash } from "../../../testing/flash";
export { doctorRecord, lastInFlash, restoreFlash, snapshotFlash } from "../../../testing/flash";

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
  eraseFlash();
  return new Meter(config);
}

