// The routes of PROTOCOL.md §3. Every route that names a device id first resolves it to a
// registration the caller (user + terminal) is a member of, or answers 403 — the same
// answer for "not yours" and "does not exist", so ids cannot be probed.
import { hashPassword } from "../net/password-hash.ts";
import type { DeviceLink } from "./device-link.ts";
import { HttpError, type Caller, type RequestContext, type Route } from "./http-server.ts";
import type { CloudStore, Registration } from "./store.ts";
import type { DeviceDirectory } from "./transport.ts";
import type {
  AddUserResponse, CommandAccepted, CommandStatusResponse, CreateRegistrationResponse,
  CreateUserResponse, DeviceListResponse, HistoryResponse, StateResponse,
} from "./types.ts";
import { hashUserPassword } from "./user-password.ts";
import type { Services } from "./services.ts";
import { checkCreateRegistration, checkCreateUser, isDeviceId, type Checked } from "./validate.ts";

export interface ApiOptions {
  store: CloudStore;
  link: DeviceLink;
  /** The appliances this cloud serves: a registration's commands are its appliance's. */
  services: Services;
  directory?: DeviceDirectory;
  now: () => number;
  /** scrypt cost (log2 N) of user password hashes. */
  userHashLogN: number;
  /** PBKDF2 iterations of device password hashes ($7$). */
  deviceHashIterations: number;
  log: (message: string) => void;
}

const ID = "([^/]+)";

function valid<T>(c: Checked<T>): T {
  if (!c.ok) throw new HttpError(400, c.error);
  return c.value;
}

function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error("route needs authentication");
  return ctx.caller;
}

export function apiRoutes(o: ApiOptions): Route[] {
  const { store, now } = o;

  /** The registration `id` names, if the caller is one of its members. */
  function mine(id: string, caller: Caller): Registration {
    if (!isDeviceId(id)) throw new HttpError(400, "device id: a UUID (8-4-4-4-12 hex)");
    const reg = store.registration(id);
    if (!reg || !store.isMember(reg.deviceId, caller.user, caller.terminal)) throw new HttpError(403, "not a registration of this user and terminal");
    return reg;
  }

  function current(reg: Registration): void {
    if (reg.retiredAt !== null) throw new HttpError(410, "registration retired: the remote has been registered anew");
  }

  return [
    {
      method: "POST", pattern: /^\/api\/users$/, auth: false,
      async handle(ctx) {
        const req = valid(checkCreateUser(ctx.body));
        if (store.userPasswordHash(req.user) !== undefined) throw new HttpError(409, "user name taken");
        const hash = await hashUserPassword(req.password, o.userHashLogN);
        if (!store.createUser(req.user, hash, now())) throw new HttpError(409, "user name taken");
        return { status: 201, body: { user: req.user } satisfies CreateUserResponse, user: req.user };
      },
    },
    {
      // S86 -> S33/S34: a new storage area for a new device id.
      method: "POST", pattern: /^\/api\/registrations$/, auth: true,
      async handle(ctx) {
        const caller = callerOf(ctx);
        const req = valid(checkCreateRegistration(ctx.body));
        const appliance = req.appliance ?? o.services.defaultAppliance;
        if (!o.services.of(appliance)) throw new HttpError(400, `appliance: one of ${o.services.names().join(", ")}`);
        if (store.registration(req.deviceId)) throw new HttpError(409, "device id already registered");
        const hash = hashPassword(req.devicePassword, o.deviceHashIterations);
        const since = now();
        if (!store.createRegistration(req.deviceId, hash, req.serial, appliance, caller.user, caller.terminal, since)) {
          throw new HttpError(409, "device id already registered");
        }
        // The broker must accept the remote before we say "ready for connection".
        if (o.directory) {
          try {
            await o.directory.setDevice(req.deviceId, hash, req.serial);
          } catch (err) {
            store.deleteNewRegistration(req.deviceId);
            o.log(`directory: announcing ${req.deviceId} failed: ${(err as Error).message}`);
            throw new HttpError(503, "broker unavailable, registration not made");
          }
        }
        return { status: 201, body: { deviceId: req.deviceId, since } satisfies CreateRegistrationResponse };
      },
    },
    {
      // S88 -> S51/S52: join an existing registration, vouched for by the remote.
      method: "POST", pattern: new RegExp(`^/api/registrations/${ID}/users$`), auth: true,
      handle(ctx) {
        const caller = callerOf(ctx);
        const id = ctx.params[0];
        if (!isDeviceId(id)) throw new HttpError(400, "device id: a UUID (8-4-4-4-12 hex)");
        const reg = store.registration(id);
        const r = store.addMember(reg?.deviceId ?? id, caller.user, caller.terminal, now());
        if (r === "already-member") throw new HttpError(409, "this user and terminal are on the registration already");
        if (r !== "added") throw new HttpError(403, "no current approval from the remote for this terminal");
        return { status: 201, body: { deviceId: reg!.deviceId, user: caller.user, terminal: caller.terminal } satisfies AddUserResponse };
      },
    },
    {
      method: "GET", pattern: /^\/api\/devices$/, auth: true,
      handle(ctx) {
        const caller = callerOf(ctx);
        return { status: 200, body: store.listFor(caller.user, caller.terminal) satisfies DeviceListResponse };
      },
    },
    {
      method: "GET", pattern: new RegExp(`^/api/devices/${ID}/state$`), auth: true,
      handle(ctx) {
        const reg = mine(ctx.params[0], callerOf(ctx));
        current(reg);
        const s = store.state(reg.deviceId);
        if (!s) throw new HttpError(404, "no state received yet");
        return { status: 200, body: s.state satisfies StateResponse, headers: { "X-State-Updated": String(s.updated) } };
      },
    },
    {
      // Retired registrations too: the old tenant keeps its own past (patent, S33 note).
      method: "GET", pattern: new RegExp(`^/api/devices/${ID}/history$`), auth: true,
      handle(ctx) {
        const reg = mine(ctx.params[0], callerOf(ctx));
        return { status: 200, body: store.history(reg.deviceId) satisfies HistoryResponse };
      },
    },
    {
      method: "POST", pattern: new RegExp(`^/api/devices/${ID}/commands$`), auth: true,
      handle(ctx) {
        const reg = mine(ctx.params[0], callerOf(ctx));
        current(reg);
        const service = o.services.of(reg.appliance)?.service;
        if (!service?.checkCommand) throw new HttpError(400, `a ${reg.appliance} takes no commands here`);
        const fields = valid(service.checkCommand(ctx.body));
        const cmd = o.link.sendCommand(reg.deviceId, fields);
        return { status: 202, body: { cmd } satisfies CommandAccepted };
      },
    },
    {
      method: "GET", pattern: new RegExp(`^/api/devices/${ID}/commands/([0-9]{1,15})$`), auth: true,
      handle(ctx) {
        const reg = mine(ctx.params[0], callerOf(ctx));
        const c = store.command(reg.deviceId, Number(ctx.params[1]));
        if (!c) throw new HttpError(404, "no such command");
        const expired = c.status === null && o.link.expired(reg, c.created);
        return { status: 200, body: { cmd: c.cmd, status: c.status, ...(expired ? { expired } : {}) } satisfies CommandStatusResponse };
      },
    },
  ];
}
