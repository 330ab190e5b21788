// What an image chooses about its token ladder, and how it hears of what the ladder does
// on its own (deadlines).

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/** Periods and limits; the defaults are the printer's. */
export class TokenConfig {
  /** A PWT is replaced this often (and at once when used). */
  pwtRotateMs: i64 = HOUR;
  /** A PT is dropped this long after its last successful use. */
  ptIdleMs: i64 = 30 * MINUTE;
  /** How often the printer fetches a fresh SVWT with its ST. */
  svwtPrefetchMs: i64 = 6 * HOUR;
  /** A stored SVWT is dropped this long after it arrived (the cloud's validity). */
  svwtLifetimeMs: i64 = 24 * HOUR;
  /** A CWT not consumed within this is dropped. */
  cwtLifetimeMs: i64 = 24 * HOUR;
  /** Wrong PWTs accepted before PWT checks lock until the next hourly rotation. */
  pwtAttempts: i32 = 5;
  /** Failed PT checks before the PT is dropped (its phone taps again). */
  ptAttempts: i32 = 10;
}

/** The image's side of the ladder: called from the scheduler's TIMER event. Each method
 *  does nothing unless the image overrides it. */
export class TokenEvents {
  /** A new PWT is current (hourly, after a use, at boot): an NFC answer built earlier is stale. */
  onPwtRotated(): void {}
  /** The PT was dropped for idleness or too many failed checks. */
  onPtDropped(): void {}
  /** Time to fetch a fresh SVWT from the cloud with the ST. */
  onSvwtPrefetchDue(): void {}
  /** The stored SVWT outlived its lifetime and was dropped. */
  onSvwtExpired(): void {}
  /** The stored CWT outlived its lifetime and was dropped. */
  onCwtExpired(): void {}
}
