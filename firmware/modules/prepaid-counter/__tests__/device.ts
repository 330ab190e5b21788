// A device for the prepaid counter's specs: its store and counter, rebooted as a power
// cycle would (a new store mounted from what the flash holds, a new counter read from it).
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { KEYS as CLOUD_LINK_KEYS } from "../../cloud-link/index";
import { KEYS as ONBOARDING_KEYS } from "../../onboarding/index";
import { PrepaidCounter, KEYS as PREPAID_KEYS } from "../index";
import { OK } from "../../../core/errors";
import { flashErase, flashPageCount, flashPageSize, flashRead } from "../../../board/index";
import { getU16LE, putU32LE } from "../../../core/codecs/bytes";
import { crc32 } from "../../../core/crc32";

@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

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
  for (let p = 0; p < flashPageCount(); p++) expect(flashErase(p)).toBe(OK);
  return new Device(maxBalance);
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

/** Where `needle` first occurs in the flash, or -1. */
export function findInFlash(needle: Uint8Array): i32 {
  const all = snapshotFlash();
  for (let i = 0; i + needle.length <= all.length; i++) {
    let j = 0;
    while (j < needle.length && all[i + j] == needle[j]) j++;
    if (j == needle.length) return i;
  }
  return -1;
}

export function pokeByte(addr: i32, v: u8): void {
  const b = new Uint8Array(1);
  b[0] = v;
  expect(flash_poke(addr, b.dataStart, 1)).toBe(OK);
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
