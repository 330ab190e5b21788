// modules/metering: the measurements of a meter or a power conditioner (every interval,
// aligned in UTC, 1 to 3 channels, kept in a ring of chunk records) and their lossless
// hand-off to each company that owns them (per-company rseq, data scope, confirmation).
// README.md beside this file has the API, the records and the figures.
export { Metering, HandOff, HAND_BATCH, LATE_AFTER_MS, RETRY_MS } from "./metering";
export { BoardSource, Handed, MeasureSource, MeteringConfig, MeteringEvents, NO_CHANNEL, ReadingSink, Sample } from "./api";
export { Recipients, SoleRecipient } from "./recipients";
export { ReadingLog } from "./reading-log";
export {
  KEYS, MeteringRecord, MeteringDeadline, Quality, PER_CHUNK, MAX_CHUNKS, MAX_LOG, DEFAULT_LOG, MAX_LANES, MAX_COMPANIES,
  MAX_CHANNELS,
} from "./ids";
