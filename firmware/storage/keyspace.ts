// The record-id keyspace. AGREED API (issue 7 brief): each module owns ranges of record
// ids and says which reset erases them; an image's keyspace is the list of its modules'
// ranges. The storage helper completes it (reset-class lookup used by the credential
// store's resets, overlap check, tests).

/** Which reset erases a record. */
export namespace ResetClass {
  export const KEPT: u8 = 0;            // factory identity: kept by every reset
  export const INITIALIZATION: u8 = 1;  // erased by initialization (and by factory reset)
  export const FACTORY_RESET: u8 = 2;   // user data: erased by factory reset only
}

export class KeyRange {
  constructor(public owner: string, public first: u32, public last: u32, public reset: u8) {}
}
