// How the credential store (firmware/modules/credential-store) lays out a record's data,
// decoded without running the firmware: type u8 | attributes u8 | body. A SECRET record's
// body is sealed (nonce ‖ AES-256-GCM ciphertext ‖ tag, under a key derived from the
// board's key slot), so nothing here can or tries to read its value.

export const ATTR_SECRET = 0x01;
export const ATTR_PROTECTED = 0x02;
const NONCE = 12, GCM_TAG = 16, HMAC_TAG = 32;
const TYPES: Record<number, string> = { 1: "bytes", 2: "u32", 3: "string", 4: "counter" };
/** Record classes whose data is not in the credential layout (the store's own bookkeeping). */
const INTERNAL_CLASS = 0x7f;

export interface CredentialView {
  type: string;
  /** "sealed": encrypted and authenticated; "protected": in clear with an HMAC tag. */
  form: "sealed" | "protected" | "clear";
  /** Bytes of the value (for a sealed record: of its ciphertext, the same length). */
  valueLength: number;
  /** The value in clear, for records that store it so; never set for a sealed record. */
  value?: Uint8Array;
}

/** The credential-store view of one record's data, or null for a key outside its layout. */
export function credentialView(key: number, data: Uint8Array): CredentialView | null {
  if (key >> 8 === INTERNAL_CLASS || data.length < 2) return null;
  const type = TYPES[data[0]] ?? `type ${data[0]}`, attrs = data[1];
  if (attrs & ATTR_SECRET) return { type, form: "sealed", valueLength: Math.max(0, data.length - 2 - NONCE - GCM_TAG) };
  if (attrs & ATTR_PROTECTED) {
    const n = Math.max(0, data.length - 2 - HMAC_TAG);
    return { type, form: "protected", valueLength: n, value: data.subarray(2, 2 + n) };
  }
  return { type, form: "clear", valueLength: data.length - 2, value: data.subarray(2) };
}
