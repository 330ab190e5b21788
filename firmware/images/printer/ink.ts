// The ink cartridge's level: 100 % from the factory and after a new cartridge, 1 % less
// per 10 pages printed. Kept in flash (INK_RECORD) with the pages printed since the last
// percent, so the count carries over between jobs and power cuts.
import { OK } from "../../core/errors";
import { CredentialStore, ValueType } from "../../modules/credential-store/index";
import { INK_RECORD } from "./keys";

/** Below this the printer says "Ink low", reports it once, and a tap offers the exchange. */
export const INK_LOW: i32 = 15;
const PAGES_PER_PERCENT: i32 = 10;

export class Ink {
  level: i32 = 100;
  private pages: i32 = 0;
  private buf: Uint8Array = new Uint8Array(2);

  constructor(private store: CredentialStore) {}

  load(): void {
    const v = this.store.getTyped(INK_RECORD, ValueType.BYTES);
    const ok = v !== null && v.length == 2 && v[0] <= 100 && <i32>v[1] < PAGES_PER_PERCENT;
    this.level = ok ? <i32>v![0] : 100;
    this.pages = ok ? <i32>v![1] : 0;
  }

  get low(): bool { return this.level < INK_LOW; }

  /** Uses ink for `n` printed pages; true when the level just fell below INK_LOW. */
  printed(n: i32): bool {
    const wasLow = this.low;
    const total = this.pages + n;
    this.level = max(0, this.level - total / PAGES_PER_PERCENT);
    this.pages = total % PAGES_PER_PERCENT;
    this.save();
    return this.low && !wasLow;
  }

  /** A new cartridge. */
  replaced(): i32 {
    this.level = 100;
    this.pages = 0;
    return this.save();
  }

  private save(): i32 {
    this.buf[0] = <u8>this.level;
    this.buf[1] = <u8>this.pages;
    const rc = this.store.put(INK_RECORD, ValueType.BYTES, 0, this.buf);
    return rc == OK ? OK : rc;
  }
}
