// modules/auth-info: authentication information signed by a server, the credentials
// checked against it (and the factory maintenance credential), and the grant a match
// opens. README.md beside this file has the records, deadlines and events.
export { AuthInfo } from "./auth-info";
export { AuthConfig, AuthEvents, PartnerKey } from "./config";
export { Grant } from "./grant";
export { Kind, Via, AuthEvent, Reason, AuthRecord, AuthDeadline, KEYS, FLOOR_SLOTS } from "./ids";
export { Information, ALL_ITEMS, SALT_LEN, VERIFIER_LEN, SIGNATURE_LEN, DEVICE_MAX } from "./information";
