// The meter's HTTPS routes for the customer's phone (PROTOCOL.md §4, third embodiment):
// order a switch through the company it moves to, and read the notices. A meter is the
// caller's when the caller is one of its residents (named by a member: the installer or
// the operator) or a member itself; otherwise 403, the same for "not yours" and "none".
import { HttpError, isObject, type Caller, type RequestContext, type Route, type ServiceContext } from "../../../cloud/index.ts";
import { isDeviceId, isUserName } from "../../../cloud/validate.ts";
import { METER_APPLIANCE, type HeadEnd } from "./head-end.ts";
import type {
  AddResidentResponse, MeterNoticesResponse, SwitchOrderRequest, SwitchOrderResponse,
} from "./types.ts";

const ID = "([^/]+)";

function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error("route needs authentication");
  return ctx.caller;
}

function checkSwitchOrder(body: unknown): SwitchOrderRequest {
  if (!isObject(body)) throw new HttpError(400, "body must be a JSON object");
  const { company, at } = body;
  if (typeof company !== "number" || !Number.isInteger(company) || company < 1 || company > 0xffffffff) throw new HttpError(400, "company: a company code");
  if (typeof at !== "number" || !Number.isSafeInteger(at) || at < -1) throw new HttpError(400, "at: UTC ms, or -1 at once");
  return { company, at };
}

export function meterRoutes(headEnd: HeadEnd, ctx: ServiceContext): Route[] {
  /** The current meter registration `id` names, if the caller may use it. */
  function meter(id: string, caller: Caller, membersOnly = false) {
    if (!isDeviceId(id)) throw new HttpError(400, "device id: a UUID (8-4-4-4-12 hex)");
    const reg = ctx.registration(id);
    const allowed = reg !== undefined && reg.appliance === METER_APPLIANCE &&
      (headEnd.isMember(reg.deviceId, caller.user, caller.terminal) || (!membersOnly && headEnd.isResident(reg.deviceId, caller.user)));
    if (!allowed) throw new HttpError(403, "not a meter of this user");
    return reg!;
  }

  return [
    {
      method: "POST", pattern: new RegExp(`^/api/meter/${ID}/residents$`), auth: true,
      handle(rc) {
        const reg = meter(rc.params[0], callerOf(rc), true);
        const user = isObject(rc.body) ? rc.body.user : undefined;
        if (!isUserName(user)) throw new HttpError(400, "user: a user name");
        if (!headEnd.addResident(reg.deviceId, user)) throw new HttpError(404, "no such user");
        return { status: 201, body: { deviceId: reg.deviceId, user } satisfies AddResidentResponse };
      },
    },
    {
      // Steps (1)-(2): the company the customer moves to sends its change and confirmation.
      method: "POST", pattern: new RegExp(`^/api/meter/${ID}/switch$`), auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const reg = meter(rc.params[0], caller);
        if (reg.retiredAt !== null) throw new HttpError(410, "registration retired");
        const order = checkSwitchOrder(rc.body);
        const company = headEnd.company(order.company);
        if (!company) throw new HttpError(404, "no such company");
        // Only a registration the meter itself logged in with speaks for the meter: a
        // registration that merely claims its serial must not move its supply.
        if (reg.serial === null || !reg.serialVerified) throw new HttpError(409, "the meter has not connected with this registration");
        const workflow = company.orderSwitch(reg.serial, order.at, `phone:${caller.user}`);
        return { status: 202, body: { company: company.code, workflow } satisfies SwitchOrderResponse };
      },
    },
    {
      // Step (5): switches, scheduled ends and security errors, oldest first.
      method: "GET", pattern: new RegExp(`^/api/meter/${ID}/notices$`), auth: true,
      handle(rc) {
        const reg = meter(rc.params[0], callerOf(rc));
        return { status: 200, body: headEnd.notices(reg.deviceId) satisfies MeterNoticesResponse };
      },
    },
  ];
}
