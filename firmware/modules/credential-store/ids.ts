// Where each kind of credential lives. Which reset erases a record is its reset class in
// the image's keyspace (firmware/storage/keyspace.ts); the store's own ranges are here.
import { KeyRange, ResetClass } from "../../storage/keyspace";

/** Factory identity (the serial): written once at provisioning, kept by every reset. */
export const FACTORY_KEYS = new KeyRange("credential-store: factory identity", 0x0100, 0x01ff, ResetClass.KEPT);
/** The store's own bookkeeping (the erase intent): never written through put(). */
export const INTERNAL_KEYS = new KeyRange("credential-store: internal", 0x7f00, 0x7fff, ResetClass.KEPT);

export namespace RecordId {
  export const SERIAL: u32 = 0x0101;
  /** Held a device key in flash before the key slots of ABI v1.1: found only in flash
   *  from older firmware, which open() seals and then removes it. Never written again. */
  export const LEGACY_DEVICE_KEY: u32 = 0x0102;
  // The registration's records lie in the onboarding module's range (0x0200-0x0202,
  // INITIALIZATION); an image that registers declares that range.
  export const REGISTRATION: u32 = 0x0201;     // device id + password, one record so they change together
  export const REGISTRATION_ATTEMPTS: u32 = 0x0202;
  export const ERASE_INTENT: u32 = 0x7f01;     // an erase in progress: finished at the next boot
}

export namespace ValueType {
  export const BYTES: u8 = 1;
  export const U32: u8 = 2;
  export const STRING: u8 = 3;
  export const COUNTER: u8 = 4;
}

export namespace Attr {
  export const SECRET: u8 = 0x01;    // sealed at rest (AES-GCM), never logged, never read back over a link
  export const PROTECTED: u8 = 0x02; // stored with an HMAC under a key-slot key; tampering is detected
}

/** The largest value: one record holds it, and a sealed one with its nonce and tag still
 *  fits a transaction on one 4096-byte page (FORMAT.md, "Large values"). */
export const MAX_VALUE: i32 = 3072;
export const TAG_LEN: i32 = 32;       // a protected record's HMAC
export const NONCE_LEN: i32 = 12;     // a sealed record's AES-GCM nonce
export const SEAL_TAG_LEN: i32 = 16;  // and its GCM tag

