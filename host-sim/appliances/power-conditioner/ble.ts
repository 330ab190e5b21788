// The PCS's BLE frames (firmware/images/power-conditioner/PROTOCOL.md §3): the handshake's
// plain frames and the sealed ones that follow. Statuses are the board's error codes.
export const PCS_BLE_LABEL = "pcs-ble-v1";

export const BleMsg = {
  NONCE_REQUEST: 0x01, NONCE: 0x02, HELLO: 0x03, HELLO_REPLY: 0x04,
  AUTH: 0x10, AUTH_RESULT: 0x11, READ: 0x12, ITEM: 0x13, CHANGE: 0x14, RESULT: 0x15, DELETE: 0x16, CLOSE: 0x17,
  ERROR: 0xff,
} as const;

/** Names for the home's flow of frames. */
export const BLE_FRAME_NAMES: Readonly<Record<number, string>> = {
  0x01: "NONCE_REQUEST", 0x02: "NONCE", 0x03: "HELLO", 0x04: "HELLO_REPLY (sealed)",
  0x10: "AUTH (sealed)", 0x11: "AUTH_RESULT (sealed)", 0x12: "READ (sealed)", 0x13: "ITEM (sealed)",
  0x14: "CHANGE (sealed)", 0x15: "RESULT (sealed)", 0x16: "DELETE (sealed)", 0x17: "CLOSE (sealed)", 0xff: "ERROR",
};

/** AUTH's `kind` (§2.2): a server-issued credential or the factory maintenance one. */
export const CredentialKind = { SERVER: 1, MAINTENANCE: 2 } as const;

export interface AuthResult { status: number; items: number; usesLeft: number; triesLeft: number }
export interface ItemAnswer { item: number; status: number; value: Uint8Array }
export interface ItemResult { item: number; status: number }
