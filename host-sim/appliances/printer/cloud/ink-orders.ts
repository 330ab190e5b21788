// Ink orders (S117-S119): a phone holding the printer's SVT orders a cartridge; the order
// is recorded against the printer (shipping is outside this simulation).
import type { Db } from "../../../cloud/schema.ts";
import type { InkOrderSummary } from "./types.ts";

export class InkOrders {
  private readonly q;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      next: p("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM ink_orders WHERE device_id = ?"),
      put: p("INSERT INTO ink_orders (device_id, id, user, created) VALUES (?, ?, ?, ?)"),
      list: p("SELECT id, created FROM ink_orders WHERE device_id = ? ORDER BY id"),
    };
    this.place = db.transaction((deviceId: string, user: string, now: number): number => {
      const id = (this.q.next.get(deviceId) as { id: number }).id;
      this.q.put.run(deviceId, id, user, now);
      return id;
    });
  }

  /** Records an order; its number (1, 2, ... per printer registration). */
  readonly place: (deviceId: string, user: string, now: number) => number;

  list(deviceId: string): InkOrderSummary[] {
    return this.q.list.all(deviceId) as InkOrderSummary[];
  }
}
