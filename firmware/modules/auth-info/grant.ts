// The change screen's permission (PROTOCOL.md §2.3): in RAM only, so a power cut closes it.
import { Scheduler } from "../scheduler/index";
import { AuthDeadline } from "./ids";

export class Grant {
  private open: bool = false;
  /** Items it allows: bit `1 << item`. */
  items: u32 = 0;
  /** Via.PANEL or Via.BLE. */
  via: i32 = 0;
  /** Who issued the credential that opened it; 0:0 the maintenance credential. */
  issuer: u32 = 0;
  serial: u32 = 0;

  /** The scheduler's idle deadline is re-armed by touch(); AuthInfo owns the name. */
  constructor(private scheduler: Scheduler | null = null, private idleMs: i32 = 600000) {}

  isOpen(): bool { return this.open; }

  allows(item: i32): bool { return this.open && item >= 0 && item < 32 && (this.items & (<u32>1 << <u32>item)) != 0; }

  /** After a change: the idle time starts again. */
  touch(): void {
    const s = this.scheduler;
    if (this.open && s !== null) s.after(AuthDeadline.GRANT_IDLE, <i64>this.idleMs);
  }

  /** Opens it (AuthInfo.check). */
  openFor(items: u32, via: i32, issuer: u32, serial: u32): void {
    this.open = true;
    this.items = items;
    this.via = via;
    this.issuer = issuer;
    this.serial = serial;
    this.touch();
  }

  /** Closes it; true when it was open. */
  shut(): bool {
    const was = this.open;
    this.open = false;
    this.items = 0;
    const s = this.scheduler;
    if (was && s !== null) s.cancel(AuthDeadline.GRANT_IDLE);
    return was;
  }
}
