// What an image chooses about its grants (PROTOCOL.md §2.1's lockout and §1.1's uses).
export class GrantsConfig {
  /** The failure in a row from which OPERATE is locked out. */
  lockoutAfter: i32 = 5;
  /** The lockout at that failure; it doubles with every further one. */
  lockoutBaseMs: i64 = 30000;
  lockoutMaxMs: i64 = 3600000;
  /** First uses kept (DISPOSABLE and EXPIRING grants whose schedules are not over). */
  usesCapacity: i32 = 16;
}

/** What OPERATE decided: the image moves the bolt on status OK. grantId 0 when the grant
 *  did not parse. */
export class Decision {
  status: i32 = 0;
  reason: i32 = 0;
  grantId: u32 = 0;
  action: i32 = 0;
}
