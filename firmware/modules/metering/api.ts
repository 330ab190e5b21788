// What the metering module and the meter image give each other: the measurement source
// (the image's, over board measure()), the sink a hand-off appends readings to (the
// image's, into cloud-link's outbox), the events and the configuration.
import * as board from "../../board/index";
import { MEASURE_BYTES } from "../../board/index";
import { getU32LE } from "../../core/codecs/bytes";
import { OK } from "../../core/errors";
import { DEFAULT_LOG } from "./ids";

/** One sample of the metrology front end. */
export class Sample {
  /** Power now, W. */
  powerW: i32 = 0;
  /** The energy register, Wh. */
  energyWh: i64 = 0;
}

/** Where measurements come from. */
export abstract class MeasureSource {
  /** The power and energy register now into `into`: OK, or the board's error (the
   *  reading is then marked FAULT and carries no values). */
  abstract measure(into: Sample): i32;
  /** Whether the supply is cut now (the breaker open): the reading is marked SUPPLY_OFF. */
  supplyOff(): bool { return false; }
}

/** The board's metering channel (board measure(), ABI v1.3); the image sets
 *  `breakerOpen` as the breaker moves. */
export class BoardSource extends MeasureSource {
  breakerOpen: bool = false;
  private buf: Uint8Array = new Uint8Array(MEASURE_BYTES);
  constructor(public channel: i32 = 0 /* Channel.IMPORT */) { super(); }
  measure(into: Sample): i32 {
    const rc = board.measure(this.channel, this.buf);
    if (rc != OK) return rc;
    into.powerW = <i32>getU32LE(this.buf, 0);
    into.energyWh = <i64>(<u64>getU32LE(this.buf, 4) | (<u64>getU32LE(this.buf, 8) << 32));
    return OK;
  }
  supplyOff(): bool { return this.breakerOpen; }
}

/** One reading as handed to one company: only the values of `types` (contract-table
 *  DataType bits) are set, the others are 0 and must not be sent. One object, reused. */
export class Handed {
  /** The company it goes to. */
  company: u32 = 0;
  /** Its number for that company: from 1, never reused; the same on a repeated hand-off. */
  rseq: u32 = 0;
  /** Quality bits (Quality). */
  quality: u8 = 0;
  /** Which of the values below the company may receive (DataType bits). */
  types: u32 = 0;
  /** DataType.TIME: the slot's end, UTC ms. */
  endUtcMs: i64 = 0;
  /** DataType.POWER: W at the measurement. */
  powerW: i32 = 0;
  /** DataType.ENERGY: the register, Wh (modulo 2^32). */
  energyWh: u32 = 0;
  /** DataType.HISTORY: Wh used in the slot (all missed slots for a GAP reading). */
  slotWh: u32 = 0;
  /** The meter's own number of the measurement (not for the wire: the company sees rseq). */
  mseq: u32 = 0;
}

/** Takes a reading into the outbox (rule 7: the mark moves only after it answered OK). */
export abstract class ReadingSink {
  /** OK once the reading is stored for sending; an error (outbox full) stops the hand-off,
   *  which is tried again at the next transmission. */
  abstract hand(r: Handed): i32;
}

/** How the image hears of the module; each method does nothing unless overridden. */
export class MeteringEvents {
  /** A measurement was stored (reading `mseq`): e.g. the ECHONET EA announcement. */
  onMeasured(mseq: u32): void {}
  /** A transmission time came: the image calls handOff(sink). */
  onTransmission(): void {}
}

export class MeteringConfig {
  /** Minutes between measurements, aligned to UTC midnight (a divisor of 1440). */
  intervalMin: i32 = 30;
  /** Minutes between transmissions, aligned the same way (a divisor of 1440). */
  transmitMin: i32 = 30;
  /** Readings the log keeps (PER_CHUNK..MAX_LOG; out of range is clamped). */
  logSize: i32 = DEFAULT_LOG;
}
