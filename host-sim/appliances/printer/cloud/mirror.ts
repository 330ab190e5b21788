// What the printer reports through its outbox (§4 up/history): the prepaid counter's
// mirror (only a higher version replaces the one kept: entries arrive in seq order, but a
// printer restored from an older state must not roll the cloud's view back), ink entries
// and print jobs. Each also becomes a row of the registration's generic history.
import type { Db } from "../../../cloud/schema.ts";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";

type Entry = FlatPayload & { seq: number };
const MIRROR_FIELDS = ["version", "balance", "free", "paid", "debited", "floor", "high"] as const;
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isLevel = (v: unknown): v is number => isCount(v) && v <= 100;

export class Mirror {
  private readonly q;

  constructor(db: Db, private readonly ctx: ServiceContext) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      put: p(`INSERT INTO mirrors (device_id, version, balance, free, paid, debited, floor, high, updated)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (device_id) DO UPDATE SET version = excluded.version, balance = excluded.balance,
                free = excluded.free, paid = excluded.paid, debited = excluded.debited, floor = excluded.floor,
                high = excluded.high, updated = excluded.updated
              WHERE excluded.version > mirrors.version`),
      get: p("SELECT version, balance FROM mirrors WHERE device_id = ?"),
      ink: p("INSERT OR IGNORE INTO ink_levels (device_id, seq, level, received) VALUES (?, ?, ?, ?)"),
      lastInk: p("SELECT level FROM ink_levels WHERE device_id = ? ORDER BY seq DESC LIMIT 1"),
    };
  }

  /** Outbox entry kind "mirror"; a reason when malformed. */
  mirror = (reg: Registration, e: Entry): string | null => {
    for (const f of MIRROR_FIELDS) if (!isCount(e[f])) return `mirror: ${f} is not a count`;
    const v = e as unknown as Record<(typeof MIRROR_FIELDS)[number], number>;
    const r = this.q.put.run(reg.deviceId, v.version, v.balance, v.free, v.paid, v.debited, v.floor, v.high, this.ctx.now());
    if (r.changes === 0) this.ctx.log(`printer ${reg.serial}: mirror version ${v.version} not newer than the one kept, ignored`);
    this.ctx.addHistory(reg.deviceId, e.seq, "mirror", v.balance, -1);
    return null;
  };

  /** Outbox entry kind "ink". */
  ink = (reg: Registration, e: Entry): string | null => {
    if (!isLevel(e.level)) return "ink: level is not 0..100";
    this.q.ink.run(reg.deviceId, e.seq, e.level, this.ctx.now());
    this.ctx.addHistory(reg.deviceId, e.seq, "ink", e.level, -1);
    return null;
  };

  /** Outbox entry kind "printed". */
  printed = (reg: Registration, e: Entry): string | null => {
    if (!isCount(e.pages) || e.pages === 0) return "printed: pages is not a positive count";
    this.ctx.addHistory(reg.deviceId, e.seq, "printed", e.pages, -1);
    return null;
  };

  /** The kept mirror (highest version), if any. */
  latest(deviceId: string): { version: number; balance: number } | undefined {
    return this.q.get.get(deviceId) as { version: number; balance: number } | undefined;
  }

  /** The printer's ink: its live state when it sent one, else its last ink entry. */
  inkLevel(deviceId: string): number | null {
    const live = this.ctx.state(deviceId)?.ink;
    if (isLevel(live)) return live;
    return (this.q.lastInk.get(deviceId) as { level: number } | undefined)?.level ?? null;
  }
}
