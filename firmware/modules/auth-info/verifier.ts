// What the PCS keeps of a credential (PROTOCOL.md §2.1): the server's salted verifier,
// bound to this device's key slot, so a flash dump gives nothing to test guesses against
// off the device. Both steps write into caller-owned buffers: a check allocates only the
// board's 32-byte results.
import * as board from "../../board/index";
import { wipe } from "../../core/codecs/bytes";

const CREDENTIAL_LABEL = "pcs-credential-v1";
const BIND_LABEL = "pcs-verifier";
export const W_LEN: i32 = 32;
/** Room for the longest verifier input: label ‖ serial 32 ‖ salt 16 ‖ digits 32. */
export const SCRATCH_LEN: i32 = 17 + 32 + 16 + 32;

/** SHA-256("pcs-credential-v1" ‖ serial ‖ salt ‖ digits): what the server computed. */
export function verifierOf(scratch: Uint8Array, serial: Uint8Array, salt: Uint8Array, digits: Uint8Array): Uint8Array {
  let n = putLabel(scratch, CREDENTIAL_LABEL);
  scratch.set<Uint8Array>(serial, n); n += serial.length;
  scratch.set<Uint8Array>(salt, n); n += salt.length;
  scratch.set<Uint8Array>(digits, n); n += digits.length;
  const v = board.sha256(scratch.subarray(0, n));
  wipe(scratch);
  return v;
}

/** w = HMAC(key slot 0, "pcs-verifier" ‖ verifier), or null on a board without the slot. */
export function bind(scratch: Uint8Array, verifier: Uint8Array): Uint8Array | null {
  let n = putLabel(scratch, BIND_LABEL);
  scratch.set<Uint8Array>(verifier, n); n += verifier.length;
  const w = board.hmacSha256KeySlot(board.KeySlot.SEAL, scratch.subarray(0, n));
  wipe(scratch);
  return w;
}

function putLabel(into: Uint8Array, label: string): i32 {
  for (let i = 0; i < label.length; i++) into[i] = <u8>label.charCodeAt(i);
  return label.length;
}
