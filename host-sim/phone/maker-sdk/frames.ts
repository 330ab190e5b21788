// The lock's BLE frames (firmware/images/lock/PROTOCOL.md §2): the handshake's plain frames,
// the sealed ones after it, OPERATE's fields and the phone's proof. Statuses are the
// board's error codes; reasons are §2.1's.
import { REASON_NAMES, type ReasonName } from "../../appliances/lock/cloud/types.ts";

export const LOCK_BLE_LABEL = "lock-ble-v1";

export const LockBle = {
  NONCE_REQUEST: 0x01, NONCE: 0x02, HELLO: 0x03, HELLO_REPLY: 0x04,
  CHALLENGE_REQUEST: 0x30, CHALLENGE: 0x31, OPERATE: 0x32, RESULT: 0x33, CLOSE: 0x34,
  ERROR: 0xff,
} as const;

/** Names for the home's flow of frames. */
export const LOCK_BLE_FRAME_NAMES: Readonly<Record<number, string>> = {
  0x01: "NONCE_REQUEST", 0x02: "NONCE", 0x03: "HELLO", 0x04: "HELLO_REPLY (sealed)",
  0x30: "CHALLENGE_REQUEST (sealed)", 0x31: "CHALLENGE (sealed)", 0x32: "OPERATE (sealed)", 0x33: "RESULT (sealed)",
  0x34: "CLOSE (sealed)", 0xff: "ERROR",
};

export type LockAction = "unlock" | "lock";
export const ACTION_CODES: Readonly<Record<LockAction, number>> = { unlock: 1, lock: 2 };

export const CHALLENGE_BYTES = 16, PROOF_BYTES = 64, MAX_GRANT_BYTES = 239;
const PROOF_LABEL = Buffer.from("lock-op-v1", "latin1");

/** What the lock answered an OPERATE with (RESULT, §2). */
export interface OperateResult {
  /** 0 granted, else the board's error code (E_AUTH, E_STATE, E_LOCKED, ...). */
  status: number;
  reason: ReasonName;
  bolt: "locked" | "unlocked";
}

/** The bytes the phone key signs: "lock-op-v1" ‖ serial ‖ nonce 16 ‖ grant id u32 ‖ action u8.
 *  `serial` is the §1 form (len u8 | ASCII), as everywhere in the protocol. */
export function proofMessage(serial: string, challenge: Uint8Array, grantId: number, action: number): Buffer {
  const s = Buffer.from(serial, "latin1");
  const id = Buffer.alloc(4);
  id.writeUInt32LE(grantId);
  return Buffer.concat([PROOF_LABEL, Buffer.of(s.length), s, Buffer.from(challenge), id, Buffer.of(action)]);
}

/** OPERATE's fields after the type byte: action u8 | grant len u8 | grant | proof 64. */
export function operateFields(action: number, grant: Uint8Array, proof: Uint8Array): Buffer {
  if (grant.length < 1 || grant.length > 255) throw new RangeError("a grant is 1..255 bytes");
  if (proof.length !== PROOF_BYTES) throw new RangeError("a proof is 64 bytes (r ‖ s)");
  return Buffer.concat([Buffer.of(action, grant.length), Buffer.from(grant), Buffer.from(proof)]);
}

/** RESULT's body: status i8 | reason u8 | bolt u8. */
export function readResult(body: Uint8Array): OperateResult {
  if (body.length !== 3 || body[1] >= REASON_NAMES.length || body[2] > 1) throw new Error("the lock's RESULT is malformed");
  return { status: (body[0] << 24) >> 24, reason: REASON_NAMES[body[1]], bolt: body[2] === 1 ? "locked" : "unlocked" };
}
