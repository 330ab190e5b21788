// The whole flash partition, saved and put back: a power-cut sweep replays one change from
// the same flash state at every cut point.
import { flashPageCount, flashPageSize, flashRead } from "../../../board/index";
import { OK } from "../../../core/errors";

@external("testing", "flash_poke") declare function flash_poke(addr: i32, ptr: usize, len: i32): i32;

export function snapshotFlash(): Uint8Array {
  const size = flashPageSize() * flashPageCount();
  const all = new Uint8Array(size);
  expect(flashRead(0, all, 0, size)).toBe(OK);
  return all;
}

export function restoreFlash(all: Uint8Array): void {
  expect(flash_poke(0, all.dataStart, all.length)).toBe(OK);
}
