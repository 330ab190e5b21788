// Service access (S43-S49, S67-S81): the printer fetches a SVWT with its ST and hands it to
// tapping phones; a phone exchanges it here for an SVT, which then stands for that printer
// in every printer route (header X-Service-Token). Exchanging deletes the SVWT and tells
// the printer (`exchanged` command), which deletes its copy and fetches a new one.
import { randomBytes } from "node:crypto";
import type { Db } from "../../../cloud/schema.ts";
import type { Caller, Registration, ServiceContext } from "../../../cloud/index.ts";
import { decodeSvt, encodeSvt, encodeToken, newToken, tokenHash } from "./tokens.ts";
import type { StoreSvwtCommand, SvtResponse, SvwtExchangedCommand } from "./types.ts";

/** A printer gets at most one new SVWT a minute (cloud clock) while its newest one is not
 *  exchanged yet: a printer (or a stolen ST) cannot make the cloud mint them without
 *  bound. After an exchange the next request is served at once: the printer asks for a
 *  new one right away (S79), and the next phone should find it. */
export const SVWT_MIN_INTERVAL_MS = 60_000;
/** The SVT expires after 30 minutes without use (each use restarts it). */
export const SVT_IDLE_MS = 30 * 60_000;
const SVT_BYTES = 32;

export class ServiceAccess {
  private readonly q;

  constructor(private readonly db: Db, private readonly ctx: ServiceContext) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      current: p("SELECT created FROM svwts WHERE device_id = ?"),
      putSvwt: p("INSERT OR REPLACE INTO svwts (device_id, svwt_hash, created) VALUES (?, ?, ?)"),
      takeSvwt: p("DELETE FROM svwts WHERE svwt_hash = ? RETURNING device_id"),
      putSvt: p("INSERT INTO svts (svt_hash, device_id, user, terminal, expires) VALUES (?, ?, ?, ?, ?)"),
      getSvt: p("SELECT device_id FROM svts WHERE svt_hash = ? AND user = ? AND terminal = ? AND expires > ?"),
      touchSvt: p("UPDATE svts SET expires = ? WHERE svt_hash = ?"),
      purge: p("DELETE FROM svts WHERE expires <= ?"),
    };
  }

  /** up/svwt with a valid ST: a new SVWT for this printer (it replaces any unexchanged
   *  one: the printer keeps only the newest, so only the newest can reach a phone), or
   *  nothing when the unexchanged one is younger than SVWT_MIN_INTERVAL_MS. The printer
   *  then still gets that one: its command is sent again after every hello until the
   *  printer replies. */
  issueSvwt(reg: Registration): void {
    this.db.transaction(() => {
      const now = this.ctx.now();
      const current = this.q.current.get(reg.deviceId) as { created: number } | undefined;
      if (current && now - current.created < SVWT_MIN_INTERVAL_MS) {
        this.ctx.log(`printer ${reg.serial}: up/svwt ${Math.ceil((current.created + SVWT_MIN_INTERVAL_MS - now) / 1000)} s too early (one SVWT a minute until exchanged), ignored: the current one stays`);
        return;
      }
      const svwt = newToken();
      this.q.putSvwt.run(reg.deviceId, tokenHash(svwt), now);
      const fields: Omit<StoreSvwtCommand, "cmd"> = { svwt: encodeToken(svwt) };
      svwt.fill(0);
      this.ctx.sendCommand(reg.deviceId, fields);
    })();
  }

  /** S77-S81: the SVWT for an SVT bound to the caller; undefined for an unknown, used or
   *  superseded SVWT, or one of a registration no longer current. */
  exchange(svwt: Buffer, caller: Caller): SvtResponse | undefined {
    return this.db.transaction((): SvtResponse | undefined => {
      const row = this.q.takeSvwt.get(tokenHash(svwt)) as { device_id: string } | undefined;
      if (!row) return undefined;
      const reg = this.ctx.registration(row.device_id);
      if (!reg || reg.retiredAt !== null) return undefined;
      const now = this.ctx.now();
      this.q.purge.run(now);
      const svt = randomBytes(SVT_BYTES);
      const expires = now + SVT_IDLE_MS;
      this.q.putSvt.run(tokenHash(svt), reg.deviceId, caller.user, caller.terminal, expires);
      const fields: Omit<SvwtExchangedCommand, "cmd"> = { exchanged: encodeToken(svwt) };
      this.ctx.sendCommand(reg.deviceId, fields);
      return { svt: encodeSvt(svt), deviceId: reg.deviceId, expires };
    })();
  }

  /** The current printer registration an SVT (header value) stands for, for this caller;
   *  its idle time restarts. Undefined: missing, malformed, unknown, another caller's,
   *  expired, or its registration retired. */
  printerOf(header: string | undefined, caller: Caller): Registration | undefined {
    const svt = decodeSvt(header);
    if (!svt) return undefined;
    const hash = tokenHash(svt);
    const now = this.ctx.now();
    const row = this.q.getSvt.get(hash, caller.user, caller.terminal, now) as { device_id: string } | undefined;
    if (!row) return undefined;
    const reg = this.ctx.registration(row.device_id);
    if (!reg || reg.retiredAt !== null) return undefined;
    this.q.touchSvt.run(now + SVT_IDLE_MS, hash);
    return reg;
  }
}
