// Failed-login delays of the brokers (issue 6, item 3). A password guesser gets a few
// free tries per account, then every further failure closes the account for a window
// that doubles up to a cap. During the window every login of that account is refused
// without looking at the password, the right one too: otherwise the window would tell
// the guesser which guess was right. A success (outside a window) clears the count.
// The embedded broker uses this class; the mosquitto plugin (broker-plugin/) follows the
// same policy in C.
//
// Only accounts that exist are tracked, so the table is bounded by the accounts and an
// attacker cannot grow it with made-up names (a made-up name can never log in anyway).

export interface LoginLimitPolicy {
  /** Failures allowed before the first window. */
  freeFailures: number;
  /** Length of the first window; each further failure doubles it. */
  firstWindowMs: number;
  /** Longest window. */
  maxWindowMs: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimitPolicy = { freeFailures: 5, firstWindowMs: 1_000, maxWindowMs: 60_000 };

/** The window after the n-th consecutive failure (0 while failures are free). */
export function windowAfter(policy: LoginLimitPolicy, failures: number): number {
  const over = failures - policy.freeFailures;
  if (over <= 0) return 0;
  return Math.min(policy.maxWindowMs, policy.firstWindowMs * 2 ** Math.min(over - 1, 30));
}

export function checkLoginLimitPolicy(p: LoginLimitPolicy): void {
  const ok = Number.isInteger(p.freeFailures) && p.freeFailures >= 0 && p.freeFailures <= 1000 &&
    Number.isInteger(p.firstWindowMs) && p.firstWindowMs >= 1 &&
    Number.isInteger(p.maxWindowMs) && p.maxWindowMs >= p.firstWindowMs && p.maxWindowMs <= 86_400_000;
  if (!ok) throw new Error(`login limit: bad policy ${JSON.stringify(p)}`);
}

export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(readonly policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMIT, private readonly now: () => number = Date.now) {
    checkLoginLimitPolicy(policy);
  }

  /** Milliseconds until `user` may try again; 0: may try now. */
  closedFor(user: string): number {
    const f = this.failures.get(user);
    return f ? Math.max(0, f.until - this.now()) : 0;
  }

  failed(user: string): void {
    const f = this.failures.get(user) ?? { count: 0, until: 0 };
    f.count++;
    f.until = this.now() + windowAfter(this.policy, f.count);
    this.failures.set(user, f);
  }

  succeeded(user: string): void { this.failures.delete(user); }

  /** The account is gone: its count goes with it. */
  forget(user: string): void { this.failures.delete(user); }
}
