// How many password guesses a login may take, per account and per source address, kept in
// SQLite so that a restart of the cloud forgets nothing. Numbers and reasons: PROTOCOL.md
// §3 "Login limits" (from ../shared/reference/security-baselines.md).
//
// An attempt is counted as a failure *before* its password is checked and forgiven when
// it turns out right: parallel guesses cannot slip through while scrypt runs, and a crash
// mid-check counts against the guesser (fail closed).
import type { Db } from "./schema.ts";

export interface LimitPolicy {
  /** Failures allowed back to back (typing mistakes). */
  free: number;
  /** The wait after failure number `free`; it doubles with each further failure... */
  firstDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** After this many failures in a row: locked for lockoutMs. */
  lockoutAfter: number;
  lockoutMs: number;
  /** Failures are forgotten this long after the last one (and never before a wait ends). */
  forgetMs: number;
}

const HOUR = 3_600_000, DAY = 24 * HOUR;

/** Per account (any user name, whether the account exists or not, so that a lockout says
 *  nothing about existence). STS meters: 3 wrong entries, then 10 s doubling to 1280 s;
 *  Matter closes a commissioning window after 20 failures: lock a day. */
export const ACCOUNT_LIMIT: LimitPolicy = {
  free: 3, firstDelayMs: 10_000, maxDelayMs: 1_280_000, lockoutAfter: 20, lockoutMs: DAY, forgetMs: DAY,
};
/** Per source address (an IPv4 address, an IPv6 /64): catches one machine spraying guesses
 *  over many accounts. Looser at first, as a household or a carrier NAT shares one
 *  address; the same 1280 s ceiling; locked a day after 100. */
export const SOURCE_LIMIT: LimitPolicy = {
  free: 10, firstDelayMs: 1_000, maxDelayMs: 1_280_000, lockoutAfter: 100, lockoutMs: DAY, forgetMs: DAY,
};

/** How long to wait after the `failures`-th failure in a row. */
export function waitAfter(p: LimitPolicy, failures: number): number {
  if (failures >= p.lockoutAfter) return p.lockoutMs;
  if (failures < p.free) return 0;
  return Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** (failures - p.free));
}

/** The key of a source address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 *  because one IPv6 host commonly holds a whole /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return groups.slice(0, 4).map((g) => parseInt(g || "0", 16).toString(16)).join(":") + "::/64";
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

const DDL = `
-- Failed logins in a row, per account name and per source address (login-limits.ts).
CREATE TABLE IF NOT EXISTS login_failures (
  scope    TEXT NOT NULL,                -- 'account' or 'source'
  key      TEXT NOT NULL,                -- user name as typed, or source address key
  failures INTEGER NOT NULL,
  last     INTEGER NOT NULL,             -- cloud clock (ms) of the last counted attempt
  PRIMARY KEY (scope, key)
);
`;

type Scope = "account" | "source";

export class LoginLimiter {
  private readonly q;
  private readonly policy: Record<Scope, LimitPolicy>;

  constructor(private readonly db: Db, private readonly now: () => number,
    account: LimitPolicy = ACCOUNT_LIMIT, source: LimitPolicy = SOURCE_LIMIT) {
    db.exec(DDL);
    this.policy = { account, source };
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      get: p("SELECT failures, last FROM login_failures WHERE scope = ? AND key = ?"),
      put: p("INSERT OR REPLACE INTO login_failures (scope, key, failures, last) VALUES (?, ?, ?, ?)"),
      drop: p("DELETE FROM login_failures WHERE scope = ? AND key = ?"),
      purge: p("DELETE FROM login_failures WHERE last < ?"),
    };
  }

  /** Failures in a row that still count at `t` (0 once forgotten). */
  private failures(scope: Scope, key: string, t: number): { failures: number; last: number } {
    const row = this.q.get.get(scope, key) as { failures: number; last: number } | undefined;
    if (!row) return { failures: 0, last: 0 };
    const p = this.policy[scope];
    if (t >= row.last + Math.max(p.forgetMs, waitAfter(p, row.failures))) return { failures: 0, last: 0 };
    return row;
  }

  /** Before a password is checked: may this attempt go ahead? If so it is counted as a
   *  failure of `user` and `source` until succeeded() is called. */
  begin(user: string, source: string): Admission {
    return this.db.transaction((): Admission => {
      const t = this.now();
      const acc = this.failures("account", user, t), src = this.failures("source", source, t);
      const readyAt = Math.max(
        acc.failures ? acc.last + waitAfter(this.policy.account, acc.failures) : 0,
        src.failures ? src.last + waitAfter(this.policy.source, src.failures) : 0);
      if (readyAt > t) return { ok: false, retryAfterMs: readyAt - t };
      this.q.put.run("account", user, acc.failures + 1, t);
      this.q.put.run("source", source, src.failures + 1, t);
      // Rows nobody has touched for longer than any wait are dead weight.
      this.q.purge.run(t - Math.max(DAY, ...Object.values(this.policy).map((x) => x.forgetMs + x.lockoutMs)));
      return { ok: true };
    })();
  }

  /** The password was right: the account starts afresh; the source only gets this one
   *  attempt back, so logging in to an own account does not wash out guesses at others. */
  succeeded(user: string, source: string): void {
    this.db.transaction(() => {
      this.q.drop.run("account", user);
      const row = this.q.get.get("source", source) as { failures: number; last: number } | undefined;
      if (row && row.failures > 1) this.q.put.run("source", source, row.failures - 1, row.last);
      else if (row) this.q.drop.run("source", source);
    })();
  }
}
