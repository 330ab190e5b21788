// The metering module's hand-off into the outbox (rule 7): each reading becomes a
// `reading` entry (PROTOCOL.md §3.1) carrying its company, rseq, quality and only the
// values of that company's scope at hand-off; the module moves its mark only after the
// entry is stored, so a power cut in between hands it again with the same rseq.
import { putU32LE } from "../../core/codecs/bytes";
import { OK } from "../../core/errors";
import { CloudLink } from "../../modules/cloud-link/index";
import { DataType } from "../../modules/contract-table/index";
import { Handed, ReadingSink, Quality } from "../../modules/metering/index";
import { Entry, Field, READING_BYTES, putI64 } from "./outbox-entries";

export class ReadingsToOutbox extends ReadingSink {
  /** The last error the outbox gave (full, not installed): expected, not logged each time. */
  refusal: i32 = OK;
  private body: Uint8Array = new Uint8Array(READING_BYTES);

  constructor(private cloud: CloudLink) { super(); }

  hand(r: Handed): i32 {
    const b = this.body;
    let f: u8 = 0;
    if ((r.types & DataType.TIME) != 0) f |= Field.T;
    // A FAULT reading has no values (measure failed).
    if ((r.quality & Quality.FAULT) == 0) {
      if ((r.types & DataType.POWER) != 0) f |= Field.W;
      if ((r.types & DataType.ENERGY) != 0) f |= Field.WH;
      if ((r.types & DataType.HISTORY) != 0) f |= Field.D;
    }
    putU32LE(b, 0, r.company);
    putU32LE(b, 4, r.rseq);
    b[8] = r.quality;
    b[9] = f;
    // What the scope leaves out is not even in flash.
    putI64(b, 10, (f & Field.T) != 0 ? r.endUtcMs : 0);
    putU32LE(b, 18, (f & Field.W) != 0 ? <u32>r.powerW : 0);
    putI64(b, 22, (f & Field.WH) != 0 ? <i64>r.energyWh : 0);
    putU32LE(b, 30, (f & Field.D) != 0 ? r.slotWh : 0);
    const rc = this.cloud.enqueue(Entry.READING, b);
    this.refusal = rc;
    return rc;
  }
}
