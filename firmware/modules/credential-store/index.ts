// The credential store's public API: typed records over the record store, sealed and
// protected at rest, attempt counters, erase on reset, and transactions. README.md beside
// this file says what it stores.
import { KeyRange } from "../../storage/keyspace";
import { FACTORY_KEYS, INTERNAL_KEYS } from "./ids";

export { CredentialStore, CredentialTransaction, Credential, EXHAUSTED, READ_INTO_SLACK } from "./credential-store";
export { Attr, RecordId, ValueType, MAX_VALUE, FACTORY_KEYS, INTERNAL_KEYS } from "./ids";

/** The record ids this module owns: factory identity (KEPT) and its own bookkeeping. */
export const KEYS: KeyRange[] = [FACTORY_KEYS, INTERNAL_KEYS];
