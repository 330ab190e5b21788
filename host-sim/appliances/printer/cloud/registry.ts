// The printer registry (S57-S61): a printer registration gets its server token (ST) by
// command after its first verified hello, once; from then on the printer presents it in
// up/svwt and up/charge, and the cloud compares it with the hash it kept.
import type { Db } from "../../../cloud/schema.ts";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import { decodeToken, encodeToken, newToken, sameHash, tokenHash } from "./tokens.ts";
import type { StoreStCommand } from "./types.ts";

export class PrinterRegistry {
  private readonly q;

  constructor(private readonly db: Db, private readonly ctx: ServiceContext) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      get: p("SELECT st_hash FROM printers WHERE device_id = ?"),
      insert: p("INSERT INTO printers (device_id, serial, st_hash, st_cmd, free_used, created) VALUES (?, ?, ?, ?, 0, ?)"),
      freeUsed: p("SELECT 1 FROM printers WHERE serial = ? AND free_used = 1"),
      useFree: p("UPDATE printers SET free_used = 1 WHERE device_id = ?"),
      serial: p("SELECT serial FROM printers WHERE device_id = ?"),
    };
  }

  /** After a verified hello: the first one of a registration issues its ST. Later hellos
   *  change nothing here (the generic cloud sends the unreplied ST command again). */
  onHello(reg: Registration): void {
    this.db.transaction(() => {
      if (this.q.get.get(reg.deviceId)) return;
      const st = newToken();
      // The command is stored in this transaction and published at once: last, so
      // nothing after it can fail and leave a published ST without its row.
      const fields: Omit<StoreStCommand, "cmd"> = { st: encodeToken(st) };
      const hash = tokenHash(st);
      st.fill(0);
      const cmd = this.ctx.sendCommand(reg.deviceId, fields);
      this.q.insert.run(reg.deviceId, reg.serial, hash, cmd, this.ctx.now());
      this.ctx.log(`printer ${reg.serial}: server token issued (cmd ${cmd})`);
    })();
  }

  /** Whether `st` (base64 from the payload) is the ST issued to this registration. */
  stMatches(reg: Registration, st: unknown): boolean {
    const row = this.q.get.get(reg.deviceId) as { st_hash: Buffer } | undefined;
    const bytes = decodeToken(st);
    if (!row || !bytes) return false;
    return sameHash(tokenHash(bytes), row.st_hash);
  }

  /** Hands out the free charge of the printer behind this registration: false when that
   *  printer (its serial, whichever registration or phone asks) had it already. */
  takeFreeCharge(deviceId: string): boolean {
    const row = this.q.serial.get(deviceId) as { serial: string } | undefined;
    if (!row || this.q.freeUsed.get(row.serial)) return false;
    this.q.useFree.run(deviceId);
    return true;
  }
}
