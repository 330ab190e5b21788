// Where the metering module lives: its record ids (0x0800-0x083F, KEPT), its scheduler
// deadline names (0x50-0x53), the quality bits of a reading and the module's limits.
// README.md beside this file has the tables.
import { KeyRange, ResetClass } from "../../storage/keyspace";

/** KEPT by every reset: the readings belong to the supply point and the companies that
 *  bill or use them, not to a resident; an initialization must not drop or renumber them. */
export const KEYS: KeyRange[] = [new KeyRange("metering", 0x0800, 0x083f, ResetClass.KEPT)];

export namespace MeteringRecord {
  /** PROTECTED BYTES: the delivery lanes and the per-company sequence table (LANES_FORMAT). */
  export const LANES: u32 = 0x0800;
  /** BYTES: the first of MAX_CHUNKS measurement chunks (CHUNK_FORMAT). */
  export const FIRST_CHUNK: u32 = 0x0810;
}

export namespace MeteringDeadline {
  /** The next measurement boundary (UTC, aligned to the interval). */
  export const MEASURE: u32 = 0x50;
  /** The next transmission (UTC, aligned; fires after MEASURE when both are due). */
  export const TRANSMIT: u32 = 0x51;
}

/** A reading's quality bits (PROTOCOL.md §3.1 `q`). */
export namespace Quality {
  /** Taken after its boundary: the meter was off (or without wall time) at it. */
  export const LATE: u8 = 1;
  /** Boundaries were missed before it: its slot energy covers all of them. */
  export const GAP: u8 = 2;
  /** The breaker was open at the measurement. */
  export const SUPPLY_OFF: u8 = 4;
  /** The metrology front end failed: the reading has no power, energy or slot energy. */
  export const FAULT: u8 = 8;
}

/** Readings per chunk record: a measurement rewrites one chunk (≤ 6 + 8 × 17 bytes). */
export const PER_CHUNK: i32 = 8;
/** Chunk record ids 0x0810-0x083F. */
export const MAX_CHUNKS: i32 = 48;
/** The most readings the log may keep: one chunk stays free for the one being filled. */
export const MAX_LOG: i32 = (MAX_CHUNKS - 1) * PER_CHUNK;
export const DEFAULT_LOG: i32 = 96;
/** Lanes kept at once (open ones and closed ones still handing their readings). */
export const MAX_LANES: i32 = 8;
/** Companies whose sequence numbers are remembered. */
export const MAX_COMPANIES: i32 = 16;

/** Measurement channels a reading may have (the power conditioner: PV, charge, discharge). */
export const MAX_CHANNELS: i32 = 3;

/** A one-channel chunk (the meter's): format u8 | first mseq u32 | count u8 */
export const CHUNK_FORMAT: u8 = 1;
export const CHUNK_HEADER: i32 = 6;
/** A chunk of n > 1 channels: format u8 | first mseq u32 | count u8 | channels u8 */
export const CHUNK_FORMAT_CHANNELS: u8 = 2;
export const CHUNK_HEADER_CHANNELS: i32 = 7;
/** slot end UTC minutes u32 | power W i32 | energy Wh u32 | slot Wh u32 | quality u8 (channel 0) */
export const READING_BYTES: i32 = 17;
/** Each further channel: power W i32 | energy Wh u32 | slot Wh u32 */
export const CHANNEL_BYTES: i32 = 12;
/** The largest chunk record of `channels` channels (142 bytes for one, 335 for three). */
export function chunkMaxBytes(channels: i32): i32 {
  return (channels == 1 ? CHUNK_HEADER : CHUNK_HEADER_CHANNELS) + PER_CHUNK * (READING_BYTES + (channels - 1) * CHANNEL_BYTES);
}

export const LANES_FORMAT: u8 = 1;
/** format u8 | lost u32 | rseq floor u32 | companies u8 | lanes u8 */
export const LANES_HEADER: i32 = 11;
/** code u32 | next rseq u32 | flags u8 */
export const COMPANY_BYTES: i32 = 9;
/** code u32 | types u32 | role u8 | from UTC ms i64 | to UTC ms i64 | mark u32 */
export const LANE_BYTES: i32 = 29;
export const LANES_MAX_BYTES: i32 = LANES_HEADER + MAX_COMPANIES * COMPANY_BYTES + MAX_LANES * LANE_BYTES;

/** A lane still open: its company is in effect. */
export const OPEN_END: i64 = i64.MAX_VALUE;
