// The names of flash records, for the page's flash view and `npm run flash:inspect`.
// Images carry no names (scripts/key-owners.mjs), so the table is kept here by hand, from
// the sources: RANGES is every `new KeyRange(...)` in firmware/ (which module owns an id,
// which reset erases it), RECORDS every record a module's or an image's README lists (its
// name, value type, whether it is a secret). test/record-names.test.ts fails when
// a KeyRange or a README's record is missing here.

export type ResetClassName = "KEPT" | "INITIALIZATION" | "FACTORY_RESET";

export interface RangeName {
  owner: string;
  first: number;
  last: number;
  reset: ResetClassName;
  /** Declared by this image only (images may reuse ids another image gives elsewhere). */
  image?: string;
}

export interface RecordName {
  key: number;
  /** A run of records of one kind (chunks, deadlines): the name gets the index in it. */
  last?: number;
  /** "module.record". */
  name: string;
  /** The value's layout in a few words ("u32", "string", "bytes: ..."). */
  type: string;
  /** SECRET in its README: its value is never shown, whatever the flash holds. */
  secret?: boolean;
  image?: string;
}

export const RANGES: readonly RangeName[] = [
  { owner: "credential-store: factory identity", first: 0x0100, last: 0x01ff, reset: "KEPT" },
  { owner: "credential-store: internal", first: 0x7f00, last: 0x7fff, reset: "KEPT" },
  { owner: "onboarding", first: 0x0200, last: 0x0202, reset: "INITIALIZATION" },
  { owner: "cloud-link commands", first: 0x0203, last: 0x0205, reset: "INITIALIZATION" },
  { owner: "cloud-link outbox", first: 0x0206, last: 0x025f, reset: "INITIALIZATION" },
  { owner: "scheduler", first: 0x0400, last: 0x043f, reset: "KEPT" },
  { owner: "scheduler", first: 0x0440, last: 0x047f, reset: "INITIALIZATION" },
  { owner: "scheduler", first: 0x0480, last: 0x04bf, reset: "FACTORY_RESET" },
  { owner: "tokens", first: 0x0500, last: 0x053f, reset: "INITIALIZATION" },
  { owner: "prepaid-counter", first: 0x0540, last: 0x057f, reset: "KEPT" },
  { owner: "contract-table", first: 0x0720, last: 0x073f, reset: "KEPT" },
  { owner: "supply-breaker: log", first: 0x0780, last: 0x078f, reset: "KEPT" },
  { owner: "supply-breaker: report mark", first: 0x0790, last: 0x079f, reset: "INITIALIZATION" },
  { owner: "metering", first: 0x0800, last: 0x083f, reset: "KEPT" },
  { owner: "unique-info: personal data, history", first: 0x0900, last: 0x0902, reset: "INITIALIZATION" },
  { owner: "unique-info: site, capacities, connection", first: 0x0903, last: 0x091f, reset: "FACTORY_RESET" },
  { owner: "auth-info: held authentication information", first: 0x0920, last: 0x092f, reset: "FACTORY_RESET" },
  { owner: "auth-info: maintenance credential, floors", first: 0x0930, last: 0x093f, reset: "KEPT" },
  { owner: "grants: maker key", first: 0x0980, last: 0x098f, reset: "FACTORY_RESET" },
  { owner: "grants: failures, time floor, revocations, first uses", first: 0x0990, last: 0x09bf, reset: "KEPT" },
  { owner: "water heater: settings", first: 0x0300, last: 0x03ff, reset: "FACTORY_RESET", image: "water-heater" },
  { owner: "printer: router", first: 0x0600, last: 0x0600, reset: "INITIALIZATION", image: "printer" },
  { owner: "printer: ink", first: 0x0601, last: 0x06ff, reset: "FACTORY_RESET", image: "printer" },
  { owner: "meter: echonet settings", first: 0x0840, last: 0x084f, reset: "INITIALIZATION", image: "meter" },
  { owner: "meter: reserved", first: 0x0850, last: 0x087f, reset: "KEPT", image: "meter" },
  { owner: "power conditioner: reserved", first: 0x0940, last: 0x097f, reset: "KEPT", image: "power-conditioner" },
  { owner: "lock: reserved", first: 0x09c0, last: 0x09ff, reset: "KEPT", image: "lock" },
  { owner: "devkit: registration", first: 0x0200, last: 0x02ff, reset: "INITIALIZATION", image: "devkit" },
  { owner: "devkit: user records", first: 0x0300, last: 0x03ff, reset: "FACTORY_RESET", image: "devkit" },
];

export const RECORDS: readonly RecordName[] = [
  // credential-store (its README, Records; ids.ts)
  { key: 0x0101, name: "credential-store.serial", type: "string" },
  { key: 0x0102, name: "credential-store.legacy_device_key", type: "bytes", secret: true },
  { key: 0x7f01, name: "credential-store.erase_intent", type: "u32 (0x04 initialization, 0x0C factory reset)" },
  // onboarding (the registration, through the credential store)
  { key: 0x0201, name: "onboarding.registration", type: "device id + password", secret: true },
  { key: 0x0202, name: "onboarding.attempts", type: "counter" },
  // cloud-link
  { key: 0x0203, name: "cloud-link.last_command", type: "u32" },
  { key: 0x0206, name: "cloud-link.outbox_floor", type: "u32" },
  { key: 0x0207, name: "cloud-link.outbox_dropped", type: "u32" },
  { key: 0x0220, last: 0x025f, name: "cloud-link.outbox_chunk", type: "bytes: outbox messages" },
  // scheduler: one record per persisted deadline, 0x0400 + 0x40·reset + name
  { key: 0x0400, last: 0x04bf, name: "scheduler.deadline", type: "bytes: deadline" },
  // tokens
  { key: 0x0500, name: "tokens.pwt", type: "bytes: PWT (8)", secret: true },
  { key: 0x0501, name: "tokens.pt", type: "bytes: PT (32) ‖ phone id (32)", secret: true },
  { key: 0x0502, name: "tokens.st", type: "bytes: ST (16-64)", secret: true },
  { key: 0x0503, name: "tokens.svwt", type: "bytes: SVWT (16-64)", secret: true },
  { key: 0x0504, name: "tokens.cwt", type: "bytes: presented u8 ‖ CWT (16-64)", secret: true },
  { key: 0x0510, name: "tokens.pwt_failures", type: "counter" },
  { key: 0x0511, name: "tokens.pt_failures", type: "counter" },
  { key: 0x0520, name: "tokens.svwt_exchanged_hash", type: "bytes: SHA-256 prefix (16)" },
  { key: 0x0521, name: "tokens.cwt_consumed_hash", type: "bytes: SHA-256 prefix (16)" },
  // prepaid-counter
  { key: 0x0540, name: "prepaid-counter.counter", type: "bytes: version, balance, totals (33)" },
  { key: 0x0541, name: "prepaid-counter.applied_ids", type: "bytes: applied ids" },
  // contract-table
  { key: 0x0720, name: "contract-table.meter_code", type: "bytes: meter code (1-32)" },
  { key: 0x0721, name: "contract-table.in_effect", type: "bytes: contract in effect (21)" },
  { key: 0x0722, name: "contract-table.pending", type: "bytes: pending changes" },
  // supply-breaker
  { key: 0x0780, name: "supply-breaker.log", type: "bytes: breaker log" },
  { key: 0x0781, name: "supply-breaker.started", type: "u32" },
  { key: 0x0790, name: "supply-breaker.report_mark", type: "u32" },
  // metering
  { key: 0x0800, name: "metering.lanes", type: "bytes: lanes" },
  { key: 0x0810, last: 0x083f, name: "metering.chunk", type: "bytes: readings" },
  // unique-info
  { key: 0x0901, name: "unique-info.personal", type: "bytes: name, address", secret: true },
  { key: 0x0902, name: "unique-info.history", type: "bytes: day totals", secret: true },
  { key: 0x0903, name: "unique-info.site", type: "bytes: site code" },
  { key: 0x0904, name: "unique-info.capacities", type: "bytes: PV W, battery Wh, EV Wh" },
  { key: 0x0905, name: "unique-info.connection", type: "bytes: partner, public key, device key", secret: true },
  // auth-info
  { key: 0x0920, name: "auth-info.held", type: "bytes: held information (75)", secret: true },
  { key: 0x0921, name: "auth-info.counters", type: "bytes: uses, failures" },
  { key: 0x0930, name: "auth-info.maintenance_credential", type: "bytes (117)", secret: true },
  { key: 0x0931, name: "auth-info.maintenance_failures", type: "counter" },
  { key: 0x0932, name: "auth-info.replay_floors", type: "bytes: issuer floors" },
  // grants
  { key: 0x0980, name: "grants.maker_key", type: "bytes: public key (65)" },
  { key: 0x0990, name: "grants.failures", type: "counter" },
  { key: 0x0991, name: "grants.time_floor", type: "bytes: UTC ms i64" },
  { key: 0x0992, name: "grants.revocations", type: "bytes: revocation list" },
  { key: 0x0993, name: "grants.first_uses", type: "bytes: first uses" },
  // the images' own records
  { key: 0x0301, name: "water-heater.settings", type: "bytes: hot water °C, bath °C, fill ÷10 L", image: "water-heater" },
  { key: 0x0600, name: "printer.router", type: "bytes: SSID ‖ WPA2 key", secret: true, image: "printer" },
  { key: 0x0601, name: "printer.ink", type: "bytes: ink %, pages", image: "printer" },
  { key: 0x0840, name: "meter.history_day", type: "ECHONET Lite E5: the day E2 answers for", image: "meter" },
  { key: 0x0841, name: "meter.location", type: "ECHONET Lite 81: installation location", image: "meter" },
  // the devkit: whatever its service port was told to write (host-sim/appliances/devkit)
  { key: 0x0300, last: 0x03ff, name: "devkit.user_record", type: "", image: "devkit" },
];

/** The record store's own key: a transaction's commit record (FORMAT.md). */
export const COMMIT_KEY = 0xffff;

export interface KeyDescription {
  /** "module.record" ("tokens.st", "metering.chunk[3]"), or the hex id when unnamed. */
  name: string;
  owner: string;
  type: string;
  reset: ResetClassName | "none";
  secret: boolean;
}

const hexId = (key: number) => `0x${key.toString(16).padStart(4, "0")}`;

/** What one record id is in an image (by image name: "water-heater"; undefined: any). */
export function describeKey(key: number, image?: string): KeyDescription {
  if (key === COMMIT_KEY) return { name: "record-store.commit", owner: "record-store", type: "bytes: first seq, members", reset: "none", secret: false };
  const mine = <T extends { image?: string }>(x: T) => x.image === undefined || image === undefined || x.image === image;
  const inRange = (first: number, last: number) => key >= first && key <= last;
  // An image's own declaration wins over a module's range it reuses (devkit over onboarding).
  const ownFirst = (a: { image?: string }, b: { image?: string }) => Number(b.image !== undefined) - Number(a.image !== undefined);
  const range = RANGES.filter((r) => mine(r) && inRange(r.first, r.last)).sort(ownFirst)[0];
  const record = RECORDS.filter((r) => mine(r) && inRange(r.key, r.last ?? r.key)).sort(ownFirst)[0];
  const name = record === undefined ? hexId(key) : record.last === undefined ? record.name : `${record.name}[${key - record.key}]`;
  return { name, owner: range?.owner ?? "(no module)", type: record?.type ?? "", reset: range?.reset ?? "none", secret: record?.secret === true };
}

/** An image's name from its path or name ("build/images/water-heater.wasm" -> "water-heater"). */
export function imageName(image: string): string {
  return image.replace(/^.*[\\/]/, "").replace(/\.wasm$/, "");
}
