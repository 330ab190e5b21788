// Where the token ladder lives: its record ids (0x0500-0x053F), its scheduler deadline
// names (0x20-0x2F) and the sizes of its tokens. README.md has the table.
import { KeyRange, ResetClass } from "../../storage/keyspace";

/** Every token belongs to one registration: initialization (and factory reset) erase them. */
export const KEYS: KeyRange[] = [new KeyRange("tokens", 0x0500, 0x053f, ResetClass.INITIALIZATION)];

export namespace TokenRecord {
  export const PWT: u32 = 0x0500;           // SECRET: the current printer one-time token
  export const PT: u32 = 0x0501;            // SECRET: printer token ‖ its phone's identity
  export const ST: u32 = 0x0502;            // SECRET: server token
  export const SVWT: u32 = 0x0503;          // SECRET: service one-time token
  export const CWT: u32 = 0x0504;           // SECRET: presented flag u8 ‖ charge token
  export const PWT_ATTEMPTS: u32 = 0x0510;  // COUNTER, PROTECTED
  export const PT_ATTEMPTS: u32 = 0x0511;   // COUNTER, PROTECTED
  export const SVWT_SPENT: u32 = 0x0520;    // BYTES: fingerprint of the last SVWT exchanged
  export const CWT_SPENT: u32 = 0x0521;     // BYTES: fingerprint of the last CWT consumed
}

/** Scheduler deadline names (registered with reset class INITIALIZATION). */
export namespace TokenDeadline {
  export const PWT_ROTATE: u32 = 0x20;      // periodic
  export const PT_IDLE: u32 = 0x21;         // one-shot, moved on each successful use
  export const SVWT_PREFETCH: u32 = 0x22;   // periodic
  export const SVWT_EXPIRY: u32 = 0x23;     // one-shot
  export const CWT_EXPIRY: u32 = 0x24;      // one-shot
}

/** Token sizes in bytes. PWT is short because it is read out by NFC and lives at most
 *  one rotation period behind an attempt counter; PT is a full 256-bit secret. The cloud
 *  chooses its tokens' sizes within [CLOUD_MIN, CLOUD_MAX]. */
export const PWT_LEN: i32 = 8;
export const PT_LEN: i32 = 32;
/** The phone's identity a PT is bound to: a hash of what was verified (a session's peer key). */
export const PHONE_ID_LEN: i32 = 32;
export const CLOUD_MIN: i32 = 16;
export const CLOUD_MAX: i32 = 64;
/** How much of a spent token's SHA-256 is kept to refuse it when replayed. */
export const FINGERPRINT_LEN: i32 = 16;
