// The board's key slots (ABI v1.1, hmac_sha256_keyslot): HMAC keys the firmware can use
// but never read. An ESP32 keeps them in eFuse key blocks read-protected from software and
// wired to the HMAC peripheral; the simulated boards keep them in a file beside the flash
// file (never inside the flash image), burned once per device by the "factory" (this
// controller) before its first power-on. Both hosts read that same file, so the same
// device configuration gives the same keys, the same sealed records and equal flash
// images on either host.
//
// File: KEY_SLOTS blocks of KEY_LEN bytes; an all-zero block is a slot never burned.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { KeySlot } from "./abi-constants.ts";

export const KEY_SLOTS = KeySlot.COUNT;
export const KEY_LEN = 32;
export const EFUSE_FILE_SIZE = KEY_SLOTS * KEY_LEN;
/** Slot 0: the device's storage sealing key (the credential store derives its keys from it). */
export const SLOT_SEAL = KeySlot.SEAL;

/** Where a device's key slots live when its options do not say. */
export function efuseFileFor(flashFile: string): string {
  return `${flashFile}.efuse`;
}

/** The key a simulated factory burns into a slot. Real keys are random; the simulation's
 *  are a function of the device's key seed so that a scenario replays identically. */
export function simulatedSlotKey(keySeed: string, slot: number): Uint8Array {
  return Uint8Array.from(createHash("sha256").update(`simulated eFuse key\0${keySeed}\0`).update(Uint8Array.of(slot)).digest());
}

/** Burns the device's key slots if that has not happened yet (slot 0 only; the others stay
 *  blank). An existing file is never rewritten: eFuses are burned once. */
export function burnEfuse(file: string, keySeed = ""): void {
  if (existsSync(file)) return;
  const b = new Uint8Array(EFUSE_FILE_SIZE);
  b.set(simulatedSlotKey(keySeed, SLOT_SEAL), SLOT_SEAL * KEY_LEN);
  writeFileSync(file, b, { flag: "wx" });
}

/** The burned keys, by slot (null: never burned). */
export function readEfuse(file: string): (Uint8Array | null)[] {
  const b = readFileSync(file);
  if (b.length !== EFUSE_FILE_SIZE) throw new Error(`${file}: an eFuse file holds ${EFUSE_FILE_SIZE} bytes, not ${b.length}`);
  const keys: (Uint8Array | null)[] = [];
  for (let s = 0; s < KEY_SLOTS; s++) {
    const k = Uint8Array.from(b.subarray(s * KEY_LEN, (s + 1) * KEY_LEN));
    keys.push(k.some((x) => x !== 0) ? k : null);
  }
  return keys;
}
