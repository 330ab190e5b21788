// The metering module's hand-off into the outbox (rule 7; PROTOCOL.md §4.1): each reading
// becomes a `reading` entry with the identifiers in force when it is handed (site id,
// capacities, the partner its lane names) and the MAC under the device key the partner
// issued, so the partner knows the relay did not change it. The module moves its mark
// only after the entry is stored: a power cut in between hands it again, same rseq.
import * as board from "../../board/index";
import { putU32LE, wipe } from "../../core/codecs/bytes";
import { OK, E_STATE } from "../../core/errors";
import { CredentialStore } from "../../modules/credential-store/index";
import { CloudLink } from "../../modules/cloud-link/index";
import { Handed, ReadingSink } from "../../modules/metering/index";
import { UniqueInfo } from "../../modules/unique-info/index";
import { CAP_AT, Entry, MAC_AT, READING_FIXED, SITE_AT, putI64 } from "./outbox-entries";

const LABEL = "pcs-reading-v1";
const MAX_SITE: i32 = 20;

export class ReadingsToOutbox extends ReadingSink {
  /** The last error the outbox gave (full, not installed): expected, not logged each time. */
  refusal: i32 = OK;
  private body: Uint8Array = new Uint8Array(READING_FIXED + MAX_SITE);

  constructor(private cloud: CloudLink, private unique: UniqueInfo, private store: CredentialStore) { super(); }

  hand(r: Handed): i32 {
    const site = this.unique.site();
    const key = this.unique.deviceKey();
    if (site === null || key === null || site.length > MAX_SITE) { if (key !== null) wipe(key); return this.refuse(E_STATE); }
    const s = board.utf8(site);
    const b = this.body;
    putU32LE(b, 0, r.company);
    putU32LE(b, 4, r.rseq);
    b[8] = r.quality;
    putI64(b, 9, r.endUtcMs);
    for (let c = 0; c < 3; c++) {
      putU32LE(b, 17 + 4 * c, r.slotWhAt(c));
      putU32LE(b, 29 + 4 * c, r.energyAt(c));
      const cap = this.unique.capacity(c);
      putU32LE(b, CAP_AT + 4 * c, cap < 0 ? 0 : <u32>cap);
    }
    b[SITE_AT] = <u8>s.length;
    b.set(s, SITE_AT + 1);
    const mac = board.hmacSha256(key, this.macInput(b, s));
    wipe(key);
    b.set(mac, MAC_AT);
    // Offered, not enqueued: the module keeps the reading, so a full outbox is no loss.
    const rc = this.cloud.offer(Entry.READING, b.subarray(0, READING_FIXED + s.length));
    return this.refuse(rc);
  }

  /** label ‖ serial ‖ co … e (as stored) ‖ site len ‖ site ‖ cap × 3: PROTOCOL.md §4.1. */
  private macInput(b: Uint8Array, site: Uint8Array): Uint8Array {
    const serial = this.store.serial();
    const l = board.utf8(LABEL), id = board.utf8(serial === null ? "" : serial);
    const m = new Uint8Array(l.length + id.length + CAP_AT + 1 + site.length + 12);
    let i = 0;
    m.set(l, i); i += l.length;
    m.set(id, i); i += id.length;
    m.set(b.subarray(0, CAP_AT), i); i += CAP_AT;
    m[i++] = <u8>site.length;
    m.set(site, i); i += site.length;
    m.set(b.subarray(CAP_AT, CAP_AT + 12), i);
    return m;
  }

  private refuse(rc: i32): i32 { this.refusal = rc; return rc; }
}
