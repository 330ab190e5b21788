// Exports every image shares (boards/ABI.md, "Exports"). An image's main.ts re-exports
// these and adds its own fw_boot and fw_event.
import { INBOX_SIZE } from "./constants";
// Compiled into every image: asconfig routes the compiler's abort to it.
import "./abort";

const inbox = memory.data(INBOX_SIZE);

export function fw_abi_version(): i32 { return 1; }
export function fw_inbox(): usize { return inbox; }
export function fw_inbox_size(): i32 { return INBOX_SIZE; }

/** A copy of the first len bytes of the inbox; the caller has checked len. */
export function inboxBytes(len: i32): Uint8Array {
  const b = new Uint8Array(len);
  memory.copy(b.dataStart, inbox, <usize>len);
  return b;
}
