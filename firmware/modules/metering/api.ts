// What the metering module and its image (the meter, the power conditioner) give each
// other: the measurement source (over board measure()), the sink a hand-off appends
// readings to (the image's, into cloud-link's outbox), the events and the configuration.
import * as board from "../../board/index";
import { MEASURE_BYTES } from "../../board/index";
import { getU32LE } from "../../core/codecs/bytes";
import { OK } from "../../core/errors";
import { DataType } from "../contract-table/ids";
import { DEFAULT_LOG } from "./ids";
import { ReadingLog } from "./reading-log";

/** One sample of the metrology front end: each channel's power and register, in the
 *  order of the source's channels. */
export class Sample {
  /** How many channels the metering module asks for (MeteringConfig.channels). */
  readonly channels: i32;
  /** Power now per channel, W. */
  readonly powerW: Int32Array;
  /** The energy register per channel, Wh. */
  readonly energyWh: Int64Array;
  constructor(channels: i32 = 1) {
    this.channels = channels;
    this.powerW = new Int32Array(channels);
    this.energyWh = new Int64Array(channels);
  }
}

/** Where measurements come from. */
export abstract class MeasureSource {
  /** Every channel's power and energy register now into `into`: OK, or the board's error
   *  of a channel (the reading is then marked FAULT and carries no values). */
  abstract measure(into: Sample): i32;
  /** Whether the supply is cut now (the breaker open): the reading is marked SUPPLY_OFF. */
  supplyOff(): bool { return false; }
}

/** No board channel: BoardSource's second and third by default. */
export const NO_CHANNEL: i32 = -1;

/** The board's metering channels (board measure(), ABI v1.3), in the reading's order:
 *  the meter's one (IMPORT), the power conditioner's three (PV, CHARGE, DISCHARGE). The
 *  image sets `breakerOpen` as the breaker moves. A channel the sample asks for that is
 *  not given (NO_CHANNEL) fails as the board fails it (E_INVAL): a FAULT reading. */
export class BoardSource extends MeasureSource {
  breakerOpen: bool = false;
  private buf: Uint8Array = new Uint8Array(MEASURE_BYTES);
  constructor(public channel: i32 = 0 /* Channel.IMPORT */, public second: i32 = NO_CHANNEL,
    public third: i32 = NO_CHANNEL) { super(); }
  measure(into: Sample): i32 {
    const b = this.buf;
    for (let c = 0; c < into.channels; c++) {
      const rc = board.measure(c == 0 ? this.channel : c == 1 ? this.second : this.third, b);
      if (rc != OK) return rc;
      into.powerW[c] = <i32>getU32LE(b, 0);
      into.energyWh[c] = <i64>(<u64>getU32LE(b, 4) | (<u64>getU32LE(b, 8) << 32));
    }
    return OK;
  }
  supplyOff(): bool { return this.breakerOpen; }
}

/** One reading as handed to one company: only the values of `types` (contract-table
 *  DataType bits) are set, the others are 0 and must not be sent. One object, reused: read
 *  it inside ReadingSink.hand(). `powerW`, `energyWh` and `slotWh` are channel 0's (the
 *  meter's one); `powerAt(c)`, `energyAt(c)` and `slotWhAt(c)` give every channel's, the
 *  same way (0 outside the scope and outside 0..channels-1). */
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
  /** DataType.POWER: W at the measurement (channel 0). */
  powerW: i32 = 0;
  /** DataType.ENERGY: the register, Wh (modulo 2^32; channel 0). */
  energyWh: u32 = 0;
  /** DataType.HISTORY: Wh in the slot (all missed slots for a GAP reading; channel 0). */
  slotWh: u32 = 0;
  /** The meter's own number of the measurement (not for the wire: the company sees rseq). */
  mseq: u32 = 0;

  /** `log`: the module's, which holds reading `mseq` while it is handed. */
  constructor(private log: ReadingLog) {}

  /** How many channels each reading has (MeteringConfig.channels). */
  get channels(): i32 { return this.log.channels; }
  /** DataType.POWER of channel `c`, W. */
  powerAt(c: i32): i32 { return this.holds(c, DataType.POWER) ? this.log.powerAt(this.mseq, c) : 0; }
  /** DataType.ENERGY of channel `c`: its register, Wh (modulo 2^32). */
  energyAt(c: i32): u32 { return this.holds(c, DataType.ENERGY) ? this.log.energyAt(this.mseq, c) : 0; }
  /** DataType.HISTORY of channel `c`: Wh in the slot. */
  slotWhAt(c: i32): u32 { return this.holds(c, DataType.HISTORY) ? this.log.slotWhAt(this.mseq, c) : 0; }

  private holds(c: i32, type: u32): bool {
    return (this.types & type) != 0 && c >= 0 && c < this.log.channels && this.log.has(this.mseq);
  }
}

/** Takes a reading into the outbox (rule 7: the mark moves only after it answered OK). */
export abstract class ReadingSink {
  /** OK (or any non-negative answer) once the reading is stored for sending; a negative
   *  error (outbox full) stops the hand-off, which is tried again at the next transmission. */
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
  /** Channels each reading has, in the source's order (1..MAX_CHANNELS; out of range is
   *  clamped): 1 the meter's (chunk format 1), 3 the power conditioner's (format 2). */
  channels: i32 = 1;
}
