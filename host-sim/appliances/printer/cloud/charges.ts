// Charges (S85-S107): a phone with an SVT gets a single-use CWT (the free 2000 pages once
// per printer, or pages it paid for); the phone hands it to the printer, the printer
// redeems it in up/charge with its ST, and only then does the cloud create the charge and
// send the charge command, which the printer applies exactly once and answers.
import type { Db } from "../../../cloud/schema.ts";
import type { Registration, ServiceContext } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import { encodeToken, newToken, tokenHash } from "./tokens.ts";
import {
  CHARGE_APPLIED, CHARGE_FREE, CHARGE_OLD, CHARGE_PAID, CHARGE_USED,
  type ChargeCommand, type ChargeKindCode, type ChargeStatus, type ChargeSummary, type CwtResponse,
} from "./types.ts";

export const FREE_CHARGE_PAGES = 2000;
export const PURCHASE_MIN = 1, PURCHASE_MAX = 10_000;
/** A CWT is good for 24 hours (the printer keeps it as long). */
export const CWT_LIFETIME_MS = 24 * 3_600_000;

/** The printer's cloud link answers a command numbered below the last one it applied
 *  with E_STATE without looking at it (firmware/modules/cloud-link/commands.ts): a charge
 *  command that reached it after a newer command. The charge id, not the command number,
 *  makes a charge exactly once (prepaid-counter: USED when applied before), so the charge
 *  is sent again under a new number, a few times at most. */
export const E_STATE = -3;
export const MAX_CHARGE_RESENDS = 3;

export type RedeemResult = "charged" | "unknown" | "used" | "expired" | "another-printer";

const statusName = (s: number | null): ChargeStatus =>
  s === null ? "pending" : s === CHARGE_APPLIED ? "applied" : s === CHARGE_USED ? "used" : s === CHARGE_OLD ? "old" : "failed";


export class Charges {
  private readonly q;

  constructor(private readonly db: Db, private readonly ctx: ServiceContext) {
    const p = (sql: string) => db.prepare(sql);
    this.q = {
      putCwt: p("INSERT INTO cwts (cwt_hash, device_id, kind, pages, created, expires, used) VALUES (?, ?, ?, ?, ?, ?, NULL)"),
      getCwt: p("SELECT device_id, kind, pages, expires, used FROM cwts WHERE cwt_hash = ?"),
      useCwt: p("UPDATE cwts SET used = ? WHERE cwt_hash = ? AND used IS NULL"),
      purchase: p("INSERT INTO purchases (device_id, cwt_hash, pages, user, created) VALUES (?, ?, ?, ?, ?)"),
      // Above every id this printer (its verified serial, whichever registration) was
      // sent, and above the highest it reports applied: its applied ids outlive every
      // reset (prepaid-counter: KEPT), so an id below them would be USED or OLD there.
      nextId: p(`SELECT MAX(
                   COALESCE((SELECT MAX(c.id) FROM charges c JOIN printers r ON r.device_id = c.device_id WHERE r.serial = s.serial), 0),
                   COALESCE((SELECT MAX(m.high) FROM mirrors m JOIN printers r ON r.device_id = m.device_id WHERE r.serial = s.serial), 0)
                 ) + 1 AS id
                 FROM printers s WHERE s.device_id = ?`),
      putCharge: p("INSERT INTO charges (device_id, id, pages, kind, cmd, status, created) VALUES (?, ?, ?, ?, ?, NULL, ?)"),
      pending: p("SELECT id, pages, kind, resends FROM charges WHERE device_id = ? AND cmd = ? AND status IS NULL"),
      reply: p("UPDATE charges SET status = ? WHERE device_id = ? AND id = ?"),
      reissued: p("UPDATE charges SET status = ?, reissued_as = ? WHERE device_id = ? AND id = ?"),
      resent: p("UPDATE charges SET cmd = ?, resends = resends + 1 WHERE device_id = ? AND id = ?"),
      list: p("SELECT id, pages, kind, status, reissued_as FROM charges WHERE device_id = ? ORDER BY id"),
    };
  }

  /** A new CWT for this printer: the free one (the caller took the printer's free charge
   *  in the same transaction) or a paid one (the payment recorded with it). */
  issueCwt(deviceId: string, kind: ChargeKindCode, pages: number, user: string): CwtResponse {
    const now = this.ctx.now();
    const cwt = newToken();
    const hash = tokenHash(cwt);
    this.q.putCwt.run(hash, deviceId, kind, pages, now, now + CWT_LIFETIME_MS);
    if (kind === CHARGE_PAID) this.q.purchase.run(deviceId, hash, pages, user, now);
    const answer = { cwt: encodeToken(cwt), pages };
    cwt.fill(0);
    return answer;
  }

  /** up/charge with a valid ST: the CWT is used up and the charge made and sent, or
   *  nothing happens (a CWT is accepted once, from the printer it was issued for). */
  redeem(reg: Registration, cwt: Buffer): RedeemResult {
    return this.db.transaction((): RedeemResult => {
      const hash = tokenHash(cwt);
      const row = this.q.getCwt.get(hash) as { device_id: string; kind: ChargeKindCode; pages: number; expires: number; used: number | null } | undefined;
      if (!row) return "unknown";
      if (row.device_id !== reg.deviceId) return "another-printer";
      if (row.used !== null) return "used";
      const now = this.ctx.now();
      if (row.expires <= now) return "expired";
      this.q.useCwt.run(now, hash);
      const id = this.send(reg, row.pages, row.kind, encodeToken(cwt));
      this.ctx.log(`printer ${reg.serial}: charge ${id} of ${row.pages} pages sent`);
      return "charged";
    })();
  }

  /** A new charge id for these pages, its command sent and its row made (inside the
   *  caller's transaction): the id. */
  private send(reg: Registration, pages: number, kind: ChargeKindCode, cwt: string): number {
    const id = (this.q.nextId.get(reg.deviceId) as { id: number }).id;
    const fields: Omit<ChargeCommand, "cmd"> = { charge: id, pages, kind, cwt };
    const cmd = this.ctx.sendCommand(reg.deviceId, fields);
    this.q.putCharge.run(reg.deviceId, id, pages, kind, cmd, this.ctx.now());
    return id;
  }

  /** The printer's first reply to a command: if it was a pending charge's, the charge's
   *  status, or the charge sent again (see E_STATE). */
  onReply(reg: Registration, cmd: number, status: number, sent: FlatPayload | undefined): void {
    const row = this.q.pending.get(reg.deviceId, cmd) as { id: number; pages: number; kind: ChargeKindCode; resends: number } | undefined;
    if (!row) return;
    // A charge answered OLD (2) is issued again under a new id, once per OLD reply, when
    //  that OLD reply proves its pages never arrived: the charge was sent under one command
    //  only (never resent after E_STATE), and the printer answered that command OLD.
    //  - The printer applies a charge only inside a command (CommandHandler.stage), and the
    //    cloud sent this id in no other command.
    //  - That command was not applied before: an applied command, delivered again, is
    //    answered 0 (the last one) or E_STATE (an older one), never OLD; so the OLD answer
    //    came from a delivery that ran the charge against the window, and OLD stages nothing:
    //    the replay floor did not move either.
    //  - It cannot be applied later: OLD stays OLD (the floor and the window's oldest id only
    //    rise, and the applied ids are KEPT by every reset), so a late duplicate of the
    //    command is answered OLD again (its reply ignored: the first one stands).
    //  - The new id is above every id this printer was sent or reported applied, so it is
    //    not USED there; like any charge it is applied at most once.
    //  A charge resent after E_STATE is different: E_STATE also answers a command that was
    //  applied while its reply was lost to a power cut (cloud-link enqueues the reply after
    //  the commit) and a newer command went first; if 32 newer charges were applied before
    //  the resend came, it is answered OLD although its pages arrived. Issuing it again could
    //  double them, so such a charge stays `old` (not issued again) for a person to settle
    //  against the mirror's totals.
    if (status === CHARGE_OLD && row.resends === 0 && sent && typeof sent.cwt === "string") {
      this.db.transaction(() => {
        const again = this.send(reg, row.pages, row.kind, sent.cwt as string);
        this.q.reissued.run(status, again, reg.deviceId, row.id);
        this.ctx.log(`printer ${reg.serial}: charge ${row.id} too old for the printer: its ${row.pages} pages issued again as charge ${again}`);
      })();
      return;
    }
    if (status === E_STATE && row.resends < MAX_CHARGE_RESENDS && sent && typeof sent.charge === "number") {
      const { cmd: _old, ...fields } = sent;
      const again = this.ctx.sendCommand(reg.deviceId, fields);
      this.q.resent.run(again, reg.deviceId, row.id);
      this.ctx.log(`printer ${reg.serial}: charge ${row.id} reached it after a newer command: sent again (cmd ${again})`);
      return;
    }
    this.q.reply.run(status, reg.deviceId, row.id);
    this.ctx.log(`printer ${reg.serial}: charge ${row.id} ${statusName(status)}`);
  }

  list(deviceId: string): ChargeSummary[] {
    return (this.q.list.all(deviceId) as { id: number; pages: number; kind: number; status: number | null; reissued_as: number | null }[])
      .map((r): ChargeSummary => {
        const kind = r.kind === CHARGE_FREE ? "free" : "paid";
        if (r.reissued_as !== null) return { id: r.id, pages: r.pages, kind, status: "reissued", reissuedAs: r.reissued_as };
        return { id: r.id, pages: r.pages, kind, status: statusName(r.status) };
      });
  }
}
