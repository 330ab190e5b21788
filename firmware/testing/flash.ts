// The unit-test board's flash, as module specs reach it (host-sim/board/unit-test-board.ts,
// the `testing` imports): erase it all, save and put back the whole partition (a power-cut
// sweep replays one change from the same state at every cut point), find bytes in it, and
// alter a stored record the way a programmer clip would. Only __tests__ import this.
import { flashErase, flashPageCount, flashPageSize, flashRead } from "../board/index";
import { OK } from "../core/errors";
import { getU16LE, putU32LE } from "../core/codecs/bytes";
import { crc32 } from "../core/crc32";

@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

/** Every page erased: a new device. */
export function eraseFlash(): void {
  for (let p = 0; p < flashPageCount(); p++) expect(flashErase(p)).toBe(OK);
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
  for (let i = 0; i + needle.length <= all.length; i++) if (matchesAt(all, i, needle)) return i;
  return -1;
}

/** Where `needle` last occurs in the flash (the newest copy of a record), or -1. */
export function lastInFlash(needle: Uint8Array): i32 {
  const all = snapshotFlash();
  for (let i = all.length - needle.length; i >= 0; i--) if (matchesAt(all, i, needle)) return i;
  return -1;
}

function matchesAt(all: Uint8Array, i: i32, needle: Uint8Array): bool {
  let j = 0;
  while (j < needle.length && all[i + j] == needle[j]) j++;
  return j == needle.length;
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
