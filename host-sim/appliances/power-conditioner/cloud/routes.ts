// The power conditioner's HTTPS routes (PROTOCOL.md §7): the partner's installer's
// installation, authentication requests, the mailbox, a new partner's enrolment, a
// partner's readings and the factory's maintenance record. Every route needs a session.
import { HttpError, isObject, type Caller, type RequestContext, type Route, type ServiceContext } from "../../../cloud/index.ts";
import { isDeviceId, isSerial, isUserName } from "../../../cloud/validate.ts";
import { isAddress, type MessageOutbox } from "./messages.ts";
import type { Issuer } from "./issuer.ts";
import type { CredentialOperator } from "./operator.ts";
import type { PartnerServer } from "./partner.ts";
import type { Relay } from "./relay.ts";
import {
  ALL_ITEMS, PCS_APPLIANCE, type AuthRequestBody, type AuthRequestResponse, type Contact, type EnrolmentResponse,
  type FactoryResponse, type InstallationResponse, type MessagesResponse, type ReadingsResponse,
} from "./types.ts";

const SERIAL = "([A-Za-z0-9][A-Za-z0-9._-]{0,31})";
const MAX_CONTACTS = 4;

export interface PcsRouteParts {
  relay: Relay;
  partners: readonly PartnerServer[];
  operator: CredentialOperator;
  messages: MessageOutbox;
  ctx: ServiceContext;
}

function callerOf(rc: RequestContext): Caller {
  if (!rc.caller) throw new Error("route needs authentication");
  return rc.caller;
}

const body = (rc: RequestContext): Record<string, unknown> => {
  if (!isObject(rc.body)) throw new HttpError(400, "body must be a JSON object");
  return rc.body;
};
const code = (v: unknown, what: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new HttpError(400, `${what}: a company code`);
  return v;
};
const small = (v: unknown, what: string, max: number): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new HttpError(400, `${what}: 0..${max}`);
  return v;
};

export function pcsRoutes(o: PcsRouteParts): Route[] {
  const { relay, partners, operator, messages } = o;
  const partner = (c: number) => partners.find((p) => p.code === c);
  const issuer = (c: number): Issuer | undefined => (c === operator.code ? operator : partner(c));

  /** Contacts from a body: each an address and an existing user, whose mailbox it is
   *  (or becomes); 409 when the address is another user's. */
  function contacts(v: unknown): Contact[] {
    if (!Array.isArray(v) || v.length < 1 || v.length > MAX_CONTACTS) throw new HttpError(400, `contacts: 1..${MAX_CONTACTS} of {to, user}`);
    const out = v.map((c): Contact => {
      if (!isObject(c) || !isAddress(c.to) || !isUserName(c.user)) throw new HttpError(400, "contacts: {to: an e-mail address or +SMS number, user: a user name}");
      if (!relay.userExists(c.user)) throw new HttpError(404, `no such user: ${c.user}`);
      return { to: c.to, user: c.user };
    });
    for (const c of out) {
      const owner = messages.owner(c.to);
      if (owner !== undefined && owner !== c.user) throw new HttpError(409, `${c.to} is another user's mailbox`);
    }
    for (const c of out) messages.claim(c.to, c.user);
    return out;
  }

  return [
    {
      // The partner's installer registered the PCS (POST /api/registrations) and now has
      // the partner issue its device key; the answer goes into INSTALL.
      method: "POST", pattern: /^\/api\/pcs\/installations$/, auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const b = body(rc);
        if (!isDeviceId(b.deviceId)) throw new HttpError(400, "deviceId: a UUID (8-4-4-4-12 hex)");
        const reg = o.ctx.registration(b.deviceId);
        if (!reg || reg.appliance !== PCS_APPLIANCE || !relay.isMember(reg.deviceId, caller.user, caller.terminal)) throw new HttpError(403, "not a power conditioner registration of this user and terminal");
        if (reg.retiredAt !== null) throw new HttpError(410, "registration retired");
        const p = partner(code(b.partner, "partner"));
        if (!p) throw new HttpError(404, "no such partner");
        // Anyone may register a device id claiming a serial; only the partner's own
        // installer makes it the partner's PCS and puts its residents on file.
        if (!p.installers.includes(caller.user)) throw new HttpError(403, "not an installer of this partner");
        const list = contacts(b.contacts);
        const fields = p.install(reg.serial!, reg.deviceId, list);
        relay.installed(reg.serial!, p.code);
        return { status: 201, body: { deviceId: reg.deviceId, serial: reg.serial!, ...fields } satisfies InstallationResponse };
      },
    },
    {
      // S11/S21: the user asks an issuer for authentication information; the PCS gets it
      // as a command, the credential goes to the user's mailbox.
      method: "POST", pattern: new RegExp(`^/api/pcs/${SERIAL}/auth-requests$`), auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const pcs = rc.params[0];
        const b = body(rc);
        const ask: AuthRequestBody = {
          issuer: code(b.issuer, "issuer"),
          items: small(b.items, "items", ALL_ITEMS) ?? 0,
          to: typeof b.to === "string" ? b.to : "",
          lifetimeS: small(b.lifetimeS, "lifetimeS", 0xffffffff), uses: small(b.uses, "uses", 255), failures: small(b.failures, "failures", 255),
        };
        if (ask.items === 0) throw new HttpError(400, "items: bits 1 << item, 1..0x1F");
        if (!isAddress(ask.to)) throw new HttpError(400, "to: an e-mail address or +SMS number");
        const who = issuer(ask.issuer);
        if (!who) throw new HttpError(404, "no such issuer");
        // Same answer for a PCS the issuer does not serve and an address it does not hold
        // for it: the caller learns nothing about other people's PCSs.
        const mine = who.serves(pcs) && who.contacts(pcs).some((c) => c.to === ask.to && c.user === caller.user);
        if (!mine) throw new HttpError(403, "not a contact of this issuer for this power conditioner");
        const made = who.requestAuth(pcs, ask, caller.user);
        if (!made) throw new HttpError(409, "the power conditioner has no registration with the cloud");
        return { status: 202, body: { issuer: who.code, request: made.id, authSerial: made.authSerial, cmd: made.cmd } satisfies AuthRequestResponse };
      },
    },
    {
      method: "GET", pattern: /^\/api\/pcs\/messages$/, auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const to = rc.query("to");
        if (!isAddress(to)) throw new HttpError(400, "to: an e-mail address or +SMS number");
        if (messages.owner(to) !== caller.user) throw new HttpError(403, "not this user's mailbox");
        return { status: 200, body: messages.inbox(to) satisfies MessagesResponse };
      },
    },
    {
      // Use case 2: ownership passes to the consumer, who moves the PCS to this partner.
      method: "POST", pattern: /^\/api\/pcs\/partners\/([0-9]{1,10})\/enrolments$/, auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const p = partner(Number(rc.params[0]));
        if (!p) throw new HttpError(404, "no such partner");
        const b = body(rc);
        if (!isSerial(b.serial)) throw new HttpError(400, "serial: a power conditioner's serial");
        const pcs = b.serial;
        if (relay.currentDevice(pcs) === undefined) throw new HttpError(409, "the power conditioner has no registration with the cloud");
        // Only the consumer the partner in effect knows (its contact for this PCS) takes
        // the PCS elsewhere: a stranger must not become a partner's contact for it.
        const current = relay.partnerOfSerial(pcs);
        if (!partner(current)?.contacts(pcs).some((c) => c.user === caller.user)) throw new HttpError(403, "not a contact of this power conditioner's partner");
        if (current === p.code) throw new HttpError(409, "already the power conditioner's partner");
        const list = contacts([{ to: b.to, user: caller.user }]);
        return { status: 201, body: { serial: pcs, ...p.enrol(pcs, list) } satisfies EnrolmentResponse };
      },
    },
    {
      method: "GET", pattern: new RegExp(`^/api/pcs/${SERIAL}/readings$`), auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        const pcs = rc.params[0];
        const c = Number(rc.query("partner"));
        const p = Number.isInteger(c) ? partner(c) : undefined;
        if (!p) throw new HttpError(404, "partner: a partner's code");
        // A member of the PCS's current registration (the one it logged in with before any
        // that only claims its serial), or one of the partner's contacts for it.
        const device = relay.currentDevice(pcs);
        const allowed = (device !== undefined && relay.isMember(device, caller.user, caller.terminal)) || p.contacts(pcs).some((k) => k.user === caller.user);
        if (!allowed) throw new HttpError(403, "not a power conditioner of this user");
        return { status: 200, body: p.readings(pcs) satisfies ReadingsResponse };
      },
    },
    {
      method: "POST", pattern: /^\/api\/pcs\/factory$/, auth: true,
      handle(rc) {
        const caller = callerOf(rc);
        if (!operator.factoryUsers.includes(caller.user)) throw new HttpError(403, "not the factory's account");
        const b = body(rc);
        if (!isSerial(b.serial)) throw new HttpError(400, "serial: a power conditioner's serial");
        const made = operator.makeMaintenance(b.serial);
        if (!made) throw new HttpError(409, "the maintenance credential of this power conditioner was made already");
        return { status: 201, body: made satisfies FactoryResponse };
      },
    },
  ];
}
