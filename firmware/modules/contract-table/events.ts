// How the image hears what the contract table did: each method does nothing unless the
// image overrides it (as modules/tokens' TokenEvents).

export class ContractEvents {
  /** A scheduled change was stored: `oldCode`, the company in effect just before it for
   *  `role`, ends at `atUtc`; the image tells that company (its scheduled end). Not called
   *  for a change applied at once, nor when the company stays the same. */
  onScheduledEnd(role: u8, oldCode: u32, atUtc: i64, changeId: u32): void {}
  /** `role` switched from `oldCode` to `newCode` (0: abolished): at a switching time, at
   *  boot for one passed while off, or at once. `atUtc` is the change's time (-1: immediate
   *  while the board had no wall time). Delivery follows the table from now on. */
  onSwitched(role: u8, oldCode: u32, newCode: u32, atUtc: i64, changeId: u32): void {}
  /** A confirmation did not match the table: a security error. `role` is the role the
   *  company holds or is scheduled for (Role.NONE: unknown to the table); for
   *  Role.CONTRACT (an electricity company) the image opens the breaker. */
  onSecurityError(role: u8, code: u32): void {}
}
