// The booking service (PROTOCOL.md §7): its own HTTPS server (real TLS) and SQLite
// database; it holds slots at the maker's key server with its own account ("booking"),
// like any other client of it. It never asks for a grant: it has no phone key.
import type { Server } from "node:https";
import type { AddressInfo } from "node:net";
import { CloudEvents } from "../cloud/events.ts";
import { createCloudServer, HttpError, type Caller, type RequestContext, type Route } from "../cloud/http-server.ts";
import { isObject } from "../cloud/validate.ts";
import { CloudClient, CloudError } from "../phone/cloud-client.ts";
import { LockCloudClient } from "../appliances/lock/cloud/client.ts";
import { BookingStore, opaqueId } from "./store.ts";
import type { BookingGrantType, BookResponse, BookingsResponse, ListLockResponse, LocksResponse, NewUserResponse, ReceivedRequest } from "./types.ts";

export interface BookingServiceOptions {
  tls: { cert: string; key: string };
  /** Default in memory. */
  dbPath?: string;
  /** The key server (the cloud) and the service's account there. */
  keyServer: { url: string; ca: string; user: string; password: string };
  port?: number;
  /** Every request as received, body bytes included (tests scan them). */
  onRequest?: (r: ReceivedRequest) => void;
  now?: () => number;
}

export interface BookingService {
  url: string;
  store: BookingStore;
  events: CloudEvents;
  stop(): Promise<void>;
}

const HEX32 = /^[0-9a-f]{32}$/;
const TYPES: readonly BookingGrantType[] = ["scheduled", "disposable", "expiring"];

const body = (rc: RequestContext): Record<string, unknown> => {
  if (!isObject(rc.body)) throw new HttpError(400, "body must be a JSON object");
  return rc.body;
};
const userOf = (rc: RequestContext): string => { if (!rc.caller) throw new Error("route needs a session"); return rc.caller.user; };

/** What a key server refusal means to this service's caller; anything else is this
 *  service's own failure (500). */
const REFUSALS: Readonly<Record<number, string>> = {
  400: "the key server refused the booking's fields", 404: "the key server knows no such lock or booking",
  409: "the slot overlaps a booking held for this lock", 410: "cancelled already",
};
async function relayed<T>(p: Promise<T>): Promise<T> {
  try { return await p; } catch (e) {
    if (e instanceof CloudError && REFUSALS[e.status]) throw new HttpError(e.status, `key server: ${REFUSALS[e.status]}`);
    throw e;
  }
}

export async function startBookingService(o: BookingServiceOptions): Promise<BookingService> {
  const store = new BookingStore(o.dbPath ?? ":memory:");
  const now = o.now ?? Date.now;
  const keys = new LockCloudClient(new CloudClient(o.keyServer.url, o.keyServer.ca, { user: o.keyServer.user, password: o.keyServer.password, terminalId: "booking-service" }));
  const events = new CloudEvents();

  const routes: Route[] = [
    {
      method: "POST", pattern: /^\/users$/, auth: false,
      handle: () => ({ status: 201, body: store.newUser() satisfies NewUserResponse }),
    },
    {
      method: "POST", pattern: /^\/locks$/, auth: true,
      handle(rc) {
        const b = body(rc);
        if (typeof b.lockRef !== "string" || !HEX32.test(b.lockRef)) throw new HttpError(400, "lockRef: the key server's, 32 hex");
        if (typeof b.name !== "string" || b.name.length < 1 || b.name.length > 64) throw new HttpError(400, "name: 1..64 characters");
        const lock = store.listLock(b.lockRef, b.name, userOf(rc));
        if (!lock) throw new HttpError(409, "listed already");
        return { status: 201, body: { lock } satisfies ListLockResponse };
      },
    },
    { method: "GET", pattern: /^\/locks$/, auth: true, handle: () => ({ status: 200, body: store.locks() satisfies LocksResponse }) },
    {
      method: "POST", pattern: /^\/bookings$/, auth: true,
      async handle(rc) {
        const user = userOf(rc);
        const b = body(rc);
        if (typeof b.lock !== "string" || !HEX32.test(b.lock)) throw new HttpError(400, "lock: 32 hex");
        const int = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
        if (!int(b.start) || !int(b.end) || !((b.start as number) < (b.end as number))) throw new HttpError(400, "start < end, UTC ms");
        if (b.type !== undefined && !TYPES.includes(b.type as BookingGrantType)) throw new HttpError(400, `type: one of ${TYPES.join(", ")}`);
        if (b.timeoutS !== undefined && !int(b.timeoutS)) throw new HttpError(400, "timeoutS: seconds");
        const lock = store.lock(b.lock);
        if (!lock) throw new HttpError(404, "no such lock");
        const start = b.start as number, end = b.end as number;
        const { ticket } = await relayed(keys.hold({ lockRef: lock.lockRef, start, end, type: b.type as BookingGrantType | undefined, timeoutS: b.timeoutS as number | undefined }));
        const booking: BookResponse = { booking: opaqueId(), lock: lock.id, start, end, ticket };
        store.addBooking({ ...booking, user });
        return { status: 201, body: booking };
      },
    },
    {
      method: "DELETE", pattern: /^\/bookings\/([0-9a-f]{32})$/, auth: true,
      async handle(rc) {
        const user = userOf(rc);
        const b = store.booking(rc.params[0]);
        if (!b || (b.user !== user && store.lock(b.lock)?.owner !== user)) throw new HttpError(404, "no such booking of this user or of a lock of this owner");
        if (b.cancelled) throw new HttpError(410, "cancelled already");
        await relayed(keys.cancel(b.ticket));
        store.cancel(b.booking);
        return { status: 200, body: {} };
      },
    },
    { method: "GET", pattern: /^\/bookings$/, auth: true, handle: (rc) => ({ status: 200, body: store.bookingsOf(userOf(rc)) satisfies BookingsResponse }) },
  ];

  const server: Server = createCloudServer({
    tls: o.tls, routes, events, now,
    auth: { session: (token): Caller | null => { const user = store.userOf(token); return user ? { user, terminal: "" } : null; } },
  });
  if (o.onRequest) {
    const note = o.onRequest;
    // Before the router's own listener: the bytes exactly as they came.
    server.prependListener("request", (req) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => note({ method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers }, body: Buffer.concat(chunks) }));
    });
  }
  await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(o.port ?? 0, "127.0.0.1", () => { server.off("error", reject); resolve(); }); });
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    url: `https://127.0.0.1:${port}`, store, events,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      store.close();
    },
  };
}
