// The printer's part of the cloud (firmware/images/printer/PROTOCOL.md §3, §4), as a CloudService: the
// generic cloud routes a printer registration's extra uplinks (up/svwt, up/charge), its
// outbox entries (mirror, ink, printed), its hellos and replies, and the /api/printers
// routes here. Start a cloud serving it beside others:
//   startCloud({ services: [waterHeaterCloud, printerCloud], ... })
import type { CloudService, Registration, ServiceContext, ServiceHooks } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import { Charges } from "./charges.ts";
import { InkOrders } from "./ink-orders.ts";
import { Mirror } from "./mirror.ts";
import { PrinterRegistry } from "./registry.ts";
import { printerRoutes } from "./routes.ts";
import { createPrinterTables } from "./schema.ts";
import { ServiceAccess } from "./svt.ts";
import { decodeToken } from "./tokens.ts";

export * from "./types.ts";
export { SVT_IDLE_MS, SVWT_MIN_INTERVAL_MS } from "./svt.ts";
export { CWT_LIFETIME_MS, FREE_CHARGE_PAGES, PURCHASE_MAX, PURCHASE_MIN } from "./charges.ts";

function start(ctx: ServiceContext): ServiceHooks {
  const { db } = ctx;
  createPrinterTables(db);
  const registry = new PrinterRegistry(db, ctx);
  const access = new ServiceAccess(db, ctx);
  const charges = new Charges(db, ctx);
  const mirror = new Mirror(db, ctx);
  const orders = new InkOrders(db);

  /** The payload's ST is the one issued to this registration; otherwise logged (never
   *  the token) and the message is ignored. */
  const withSt = (what: string, fn: (reg: Registration, p: FlatPayload) => void) => (reg: Registration, p: FlatPayload) => {
    if (!registry.stMatches(reg, p.st)) return ctx.log(`devices/${reg.deviceId}/up/${what}: server token missing or not this printer's, ignored`);
    fn(reg, p);
  };

  return {
    uplinks: {
      svwt: withSt("svwt", (reg) => access.issueSvwt(reg)),
      charge: withSt("charge", (reg, p) => {
        const cwt = decodeToken(p.cwt);
        if (!cwt) return ctx.log(`devices/${reg.deviceId}/up/charge: cwt missing or malformed, ignored`);
        const r = charges.redeem(reg, cwt);
        if (r !== "charged") ctx.log(`devices/${reg.deviceId}/up/charge: CWT refused (${r}), ignored`);
      }),
    },
    history: { mirror: mirror.mirror, ink: mirror.ink, printed: mirror.printed },
    onHello: (reg) => registry.onHello(reg),
    onReply: (reg, cmd, status, sent) => charges.onReply(reg, cmd, status, sent),
    routes: printerRoutes({ registry, access, charges, mirror, orders, now: ctx.now, atomically: (fn) => db.transaction(fn)() }),
  };
}

export const printerCloud: CloudService = {
  appliance: "printer",
  // Phones reach the printer through /api/printers routes and the printer itself, never
  // through POST /api/devices/<id>/commands: no checkCommand.
  secretFields: ["st", "svwt", "cwt", "exchanged"],
  // Every printer command is applied at most once by the printer (replay floor), and a
  // lost ST or charge would cost the user: sent again after every hello until replied.
  commandTtlMs: Infinity,
  start,
};
