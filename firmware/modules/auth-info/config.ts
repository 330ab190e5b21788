// What an image chooses about credentials, and what it gives and hears back.

/** Defaults and caps: a field of the authentication information asks for less, never
 *  more (`min(field or default, default)`). */
export class AuthConfig {
  /** Lifetime from arrival, seconds. */
  lifetimeS: u32 = 86400;
  /** N: successful checks before the information is used up. */
  uses: i32 = 3;
  /** M: failed checks before it is erased. */
  failures: i32 = 5;
  /** Failed maintenance checks in a row that lock the maintenance credential. */
  maintenanceFailures: i32 = 5;
  /** A grant closes after this long without a change. */
  grantIdleMs: i32 = 600000;
}

/** The image's side: every event of §2 (the outbox's `auth` entry), and a grant that
 *  closed by itself (the idle deadline). issuer:serial 0:0 is the maintenance credential;
 *  on a REFUSED event they are what the information claimed (0 when it did not parse). */
export abstract class AuthEvents {
  abstract onAuthEvent(event: i32, issuer: u32, serial: u32, via: i32, reason: i32): void;
  abstract onGrantClosed(): void;
}

/** The contract partner in effect: the image adapts unique-info's CONNECTION. */
export abstract class PartnerKey {
  /** Its company code, 0 when there is none (no CONNECTION, or a tampered one). */
  abstract code(): u32;
  /** Its P-256 public key (65 bytes, 0x04 ‖ X ‖ Y), or null. */
  abstract publicKey(): Uint8Array | null;
}
