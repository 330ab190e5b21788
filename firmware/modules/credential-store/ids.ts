// Where each kind of credential lives. The high byte of a record id is its class, and
// the class decides which reset erases it.

export namespace RecordClass {
  export const FACTORY: u32 = 0x01;      // factory identity: kept by every reset
  export const REGISTRATION: u32 = 0x02; // this registration's credentials: erased by initialization
  export const USER: u32 = 0x03;         // user data and settings: erased by factory reset
  export const INTERNAL: u32 = 0x7f;     // the store's own bookkeeping
}

export namespace RecordId {
  export const SERIAL: u32 = 0x0101;
  /** Held a device key in flash before the key slots of ABI v1.1: found only in flash
   *  from older firmware, which open() seals and then removes it. Never written again. */
  export const LEGACY_DEVICE_KEY: u32 = 0x0102;
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

export const MAX_VALUE: i32 = 512;
export const TAG_LEN: i32 = 32;       // a protected record's HMAC
export const NONCE_LEN: i32 = 12;     // a sealed record's AES-GCM nonce
export const SEAL_TAG_LEN: i32 = 16;  // and its GCM tag

@inline export function classOf(id: u32): u32 { return id >>> 8; }
