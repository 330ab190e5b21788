// The printer's HTTPS routes (firmware/images/printer/PROTOCOL.md §4). Every route needs a phone session
// (as the generic API); all but the exchange also need the SVT in X-Service-Token, which
// alone names the printer: no device id in a path or body.
import { HttpError, type Caller, type RequestContext, type Route, type Registration } from "../../../cloud/index.ts";
import type { Charges } from "./charges.ts";
import { FREE_CHARGE_PAGES, PURCHASE_MAX, PURCHASE_MIN } from "./charges.ts";
import type { InkOrders } from "./ink-orders.ts";
import type { Mirror } from "./mirror.ts";
import type { PrinterRegistry } from "./registry.ts";
import type { ServiceAccess } from "./svt.ts";
import { decodeToken } from "./tokens.ts";
import {
  CHARGE_FREE, CHARGE_PAID, SVT_HEADER,
  type CwtResponse, type InkOrderResponse, type PrinterStatusResponse, type SvtResponse,
} from "./types.ts";

export interface PrinterRouteParts {
  registry: PrinterRegistry;
  access: ServiceAccess;
  charges: Charges;
  mirror: Mirror;
  orders: InkOrders;
  now(): number;
  /** Runs `fn` in one database transaction. */
  atomically<T>(fn: () => T): T;
}

function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error("route needs authentication");
  return ctx.caller;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function printerRoutes(o: PrinterRouteParts): Route[] {
  /** The printer the request's SVT stands for, or 401. */
  function printer(ctx: RequestContext): { reg: Registration; caller: Caller } {
    const caller = callerOf(ctx);
    const reg = o.access.printerOf(ctx.header(SVT_HEADER.toLowerCase()), caller);
    // Its own challenge, not the session's Bearer: the phone must not log in again for it.
    if (!reg) throw new HttpError(401, `${SVT_HEADER}: missing, unknown or expired: exchange a SVWT again`, { "WWW-Authenticate": `${SVT_HEADER} realm="printer"` });
    return { reg, caller };
  }

  return [
    {
      method: "POST", pattern: /^\/api\/printers\/svt$/, auth: true,
      handle(ctx) {
        if (!isObject(ctx.body)) throw new HttpError(400, "body must be a JSON object");
        const svwt = decodeToken(ctx.body.svwt);
        if (!svwt) throw new HttpError(400, "svwt: base64 of 16..64 bytes");
        const answer = o.access.exchange(svwt, callerOf(ctx));
        if (!answer) throw new HttpError(403, "unknown or used SVWT");
        return { status: 201, body: answer satisfies SvtResponse };
      },
    },
    {
      method: "POST", pattern: /^\/api\/printers\/free-charge$/, auth: true,
      handle(ctx) {
        const { reg, caller } = printer(ctx);
        const cwt = o.atomically(() => o.registry.takeFreeCharge(reg.deviceId)
          ? o.charges.issueCwt(reg.deviceId, CHARGE_FREE, FREE_CHARGE_PAGES, caller.user)
          : undefined);
        if (!cwt) throw new HttpError(409, "free charge already used");
        return { status: 201, body: cwt satisfies CwtResponse };
      },
    },
    {
      method: "POST", pattern: /^\/api\/printers\/purchase$/, auth: true,
      handle(ctx) {
        const { reg, caller } = printer(ctx);
        const pages = isObject(ctx.body) ? ctx.body.pages : undefined;
        if (typeof pages !== "number" || !Number.isSafeInteger(pages) || pages < PURCHASE_MIN || pages > PURCHASE_MAX) {
          throw new HttpError(400, `pages: an integer ${PURCHASE_MIN}..${PURCHASE_MAX}`);
        }
        // The payment itself is simulated: it always succeeds, and is recorded.
        const cwt = o.atomically(() => o.charges.issueCwt(reg.deviceId, CHARGE_PAID, pages, caller.user));
        return { status: 201, body: cwt satisfies CwtResponse };
      },
    },
    {
      method: "GET", pattern: /^\/api\/printers\/status$/, auth: true,
      handle(ctx) {
        const { reg } = printer(ctx);
        const m = o.mirror.latest(reg.deviceId);
        const body: PrinterStatusResponse = {
          deviceId: reg.deviceId,
          pages: m?.balance ?? null,
          ink: o.mirror.inkLevel(reg.deviceId),
          mirrorVersion: m?.version ?? null,
          charges: o.charges.list(reg.deviceId),
          inkOrders: o.orders.list(reg.deviceId),
        };
        return { status: 200, body };
      },
    },
    {
      method: "POST", pattern: /^\/api\/printers\/ink-orders$/, auth: true,
      handle(ctx) {
        const { reg, caller } = printer(ctx);
        const id = o.orders.place(reg.deviceId, caller.user, o.now());
        return { status: 201, body: { id } satisfies InkOrderResponse };
      },
    },
  ];
}
