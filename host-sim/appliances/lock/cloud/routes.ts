// The key server's HTTPS routes (PROTOCOL.md §7). Identity is the session's account; the
// grant route has none: the ticket is the authority, and the phone key it binds.
import { HttpError, isObject, type Caller, type RequestContext, type Route, type ServiceContext } from "../../../cloud/index.ts";
import { isDeviceId } from "../../../cloud/validate.ts";
import type { KeyServer } from "./keyserver.ts";
import {
  LOCK_APPLIANCE, type EventsResponse, type GrantResponse, type GrantType, type HoldSlotResponse, type RegisterLockResponse,
  type RevokeResponse,
} from "./types.ts";

const SERIAL = "([A-Za-z0-9][A-Za-z0-9._-]{0,31})";
const HEX32 = /^[0-9a-f]{32}$/;
const TYPES: readonly GrantType[] = ["scheduled", "disposable", "expiring"];
/** A booking's slot is at most a year long. */
const MAX_SLOT_MS = 366 * 24 * 3600 * 1000;

const callerOf = (rc: RequestContext): Caller => { if (!rc.caller) throw new Error("route needs authentication"); return rc.caller; };
const body = (rc: RequestContext): Record<string, unknown> => {
  if (!isObject(rc.body)) throw new HttpError(400, "body must be a JSON object");
  return rc.body;
};
const ms = (v: unknown, what: string): number => {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new HttpError(400, `${what}: UTC ms`);
  return v;
};

export function lockRoutes(ks: KeyServer, ctx: ServiceContext, bookingAccounts: readonly string[]): Route[] {
  /** The lock `serial` when the caller is a member of its registration. */
  function ownLock(serial: string, caller: Caller) {
    const lock = ks.lockBySerial(serial);
    if (!lock || !ks.isMember(lock.deviceId, caller.user, caller.terminal)) throw new HttpError(403, "not a lock of this user and terminal");
    return lock;
  }
  function bookingService(rc: RequestContext): string {
    const caller = callerOf(rc);
    if (!bookingAccounts.includes(caller.user)) throw new HttpError(403, "not a booking service's account");
    return caller.user;
  }

  return [
    {
      method: "POST", pattern: /^\/api\/lock\/locks$/, auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const b = body(rc);
        if (!isDeviceId(b.deviceId)) throw new HttpError(400, "deviceId: a UUID (8-4-4-4-12 hex)");
        if (typeof b.devicePassword !== "string" || b.devicePassword.length < 1 || b.devicePassword.length > 128) throw new HttpError(400, "devicePassword: the registration's");
        const reg = ctx.registration(b.deviceId);
        if (!reg || reg.appliance !== LOCK_APPLIANCE || !ks.isMember(reg.deviceId, caller.user, caller.terminal)) throw new HttpError(403, "not a lock registration of this user and terminal");
        if (reg.retiredAt !== null) throw new HttpError(410, "registration retired");
        const made = ks.register(reg, b.devicePassword);
        if (!made) throw new HttpError(403, "not the registration's device password");
        return { status: 201, body: { serial: made.lock.serial, lockRef: made.lock.lockRef, data: made.data.toString("hex"), makerKey: ks.makerPublic.toString("hex") } satisfies RegisterLockResponse };
      },
    },
    {
      method: "POST", pattern: /^\/api\/lock\/bookings$/, auth: true,
      handle(rc) {
        const account = bookingService(rc);
        const b = body(rc);
        if (typeof b.lockRef !== "string" || !HEX32.test(b.lockRef)) throw new HttpError(400, "lockRef: 32 hex");
        const start = ms(b.start, "start"), end = ms(b.end, "end");
        if (!(start < end) || end - start > MAX_SLOT_MS) throw new HttpError(400, "start < end, at most a year apart");
        const type = b.type ?? "scheduled";
        if (!TYPES.includes(type as GrantType)) throw new HttpError(400, `type: one of ${TYPES.join(", ")}`);
        const timeoutS = b.timeoutS ?? 0;
        if (typeof timeoutS !== "number" || !Number.isInteger(timeoutS) || timeoutS < 0 || timeoutS > 0xffffffff) throw new HttpError(400, "timeoutS: u32");
        if ((type === "expiring") !== (timeoutS > 0)) throw new HttpError(400, "timeoutS: above 0 with an expiring grant and only then");
        const lock = ks.lockByRef(b.lockRef);
        if (!lock) throw new HttpError(404, "no such lock");
        const ticket = ks.hold(lock, account, { start, end, type: type as GrantType, timeoutS });
        if (!ticket) throw new HttpError(409, "the slot overlaps a booking held for this lock");
        return { status: 201, body: { ticket } satisfies HoldSlotResponse };
      },
    },
    {
      method: "DELETE", pattern: /^\/api\/lock\/bookings\/([0-9a-f]{32})$/, auth: true,
      handle(rc) {
        const account = bookingService(rc);
        const r = ks.cancel(rc.params[0], account);
        if (r === "none") throw new HttpError(404, "no such booking of this account");
        if (r === "gone") throw new HttpError(410, "cancelled already");
        return { status: 200, body: {} };
      },
    },
    {
      method: "POST", pattern: /^\/api\/lock\/grants$/, auth: false,
      handle(rc) {
        const b = body(rc);
        if (typeof b.ticket !== "string" || !HEX32.test(b.ticket)) throw new HttpError(400, "ticket: 32 hex");
        if (typeof b.phoneKey !== "string" || !/^04[0-9a-fA-F]{128}$/.test(b.phoneKey)) throw new HttpError(400, "phoneKey: 65 bytes hex from 04");
        const r = ks.grant(b.ticket, Buffer.from(b.phoneKey, "hex"));
        if (!r.ok) throw new HttpError(r.status, r.reason);
        return { status: 201, body: { grant: r.grant.toString("base64"), grantId: r.grantId, serial: r.serial, start: r.start, end: r.end } satisfies GrantResponse };
      },
    },
    {
      method: "POST", pattern: new RegExp(`^/api/lock/locks/${SERIAL}/revocations$`), auth: true,
      handle(rc) {
        const lock = ownLock(rc.params[0], callerOf(rc));
        const b = body(rc);
        if (typeof b.grantId !== "number" || !Number.isInteger(b.grantId) || b.grantId < 1 || b.grantId > 0xffffffff) throw new HttpError(400, "grantId: u32 above 0");
        if (!ks.grantOf(lock.serial, b.grantId)) throw new HttpError(404, "no such grant for this lock");
        const version = ks.revoke(lock.serial, b.grantId);
        if (version < 0) throw new HttpError(409, "the lock's revocation list is full (32 grants whose slots are not over)");
        return { status: 200, body: { version } satisfies RevokeResponse };
      },
    },
    {
      method: "GET", pattern: new RegExp(`^/api/lock/locks/${SERIAL}/events$`), auth: true,
      handle(rc) {
        const lock = ownLock(rc.params[0], callerOf(rc));
        return { status: 200, body: ks.events(lock.serial) satisfies EventsResponse };
      },
    },
  ];
}
