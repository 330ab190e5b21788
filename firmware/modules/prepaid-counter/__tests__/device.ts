// A device for the prepaid counter's specs: its store and counter, rebooted as a power
// cycle would (a new store mounted from what the flash holds, a new counter read from it).
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../cloud-link/index";
import { KEYS as ONBOARDING_KEYS } from "../../onboarding/index";
import { PrepaidCounter, KEYS as PREPAID_KEYS } from "../index";
import { OK } from "../../../core/errors";
import { eraseFlash } from "../../../testing/flash";
export { doctorRecord, findInFlash, pokeByte, restoreFlash, snapshotFlash } from "../../../testing/flash";

export class Device {
  store: CredentialStore;
  counter: PrepaidCounter;

  /** What the counter's open() answered at the last boot. */
  opened: i32 = OK;

  constructor(public maxBalance: u32 = u32.MAX_VALUE) {
    const store = mountStore();
    this.store = store;
    this.counter = new PrepaidCounter(store, maxBalance);
    this.opened = this.counter.open();
  }

  /** A power cycle: the store mounts what the flash holds and the counter reads it. */
  reboot(): void {
    this.store = mountStore();
    this.counter = new PrepaidCounter(this.store, this.maxBalance);
    this.opened = this.counter.open();
  }
}

/** A boot that power cuts short (the spec armed flash_cut): whatever the mount managed
 *  to repair stays in flash for the next boot; the results do not matter. */
export function bootCut(): void {
  const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, PREPAID_KEYS]));
  if (store.open() == OK) new PrepaidCounter(store).open();
}

function mountStore(): CredentialStore {
  const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, ONBOARDING_KEYS, CLOUD_LINK_KEYS, PREPAID_KEYS]));
  expect(store.open()).toBe(OK);
  return store;
}

/** Erased flash and a device on it: every spec starts from here. */
export function freshDevice(maxBalance: u32 = u32.MAX_VALUE): Device {
  eraseFlash();
  return new Device(maxBalance);
}
