// modules/grants: the lock's checks of a maker-signed grant and the phone's proof
// (images/lock/PROTOCOL.md §1, §2.1, §6), the key server's time and revocation list.
// README.md beside this file has the records, deadlines and costs.
export { Grants, LockoutListener } from "./grants";
export { LockClock } from "./clock";
export { Decision, GrantsConfig } from "./config";
export { Action, GrantType, GrantsDeadline, GrantsRecord, KEYS, Reason, reasonName } from "./ids";
