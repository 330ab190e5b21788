// The simulated cloud (the patent's external server 30): HTTPS API for phones, MQTT link
// to the remotes, SQLite storage. startCloud wires the pieces and returns a handle.
import type { AddressInfo } from "node:net";
import { DEFAULT_ITERATIONS } from "../net/password-hash.ts";
import { apiRoutes } from "./api.ts";
import { DeviceLink, APPROVAL_TTL_MS } from "./device-link.ts";
import { CloudEvents, type CloudEventListener } from "./events.ts";
import { createCloudServer } from "./http-server.ts";
import { LoginLimiter, type LimitPolicy } from "./login-limits.ts";
import { connectMqttTransport, type MqttConnectOptions } from "./mqtt-transport.ts";
import { openDatabase } from "./schema.ts";
import type { CloudService } from "./service.ts";
import { Services } from "./services.ts";
import { SessionStore, sessionRoutes } from "./sessions.ts";
import { CloudStore } from "./store.ts";
import type { DeviceDirectory, MqttTransport } from "./transport.ts";
import { DEFAULT_USER_HASH_LOG_N, hashUserPassword, verifyUserPassword } from "./user-password.ts";

export type { CloudEvent, CloudEventListener } from "./events.ts";
export type { DeviceDirectory, MqttTransport } from "./transport.ts";
export type { MqttConnectOptions } from "./mqtt-transport.ts";
export type * from "./types.ts";
export { CloudEvents } from "./events.ts";
export type { CloudService, ServiceContext, ServiceHooks } from "./service.ts";
export { HttpError, type Route, type RequestContext, type Caller } from "./http-server.ts";
export type { Registration } from "./store.ts";
export { bad, ok, isObject, type Checked } from "./validate.ts";
export { ACCOUNT_LIMIT, SOURCE_LIMIT, waitAfter, type LimitPolicy } from "./login-limits.ts";
export { SESSION_TTL_MS } from "./sessions.ts";

export interface CloudOptions {
  /** The appliances this cloud serves, each by its cloud service
   *  (host-sim/appliances/<name>/, found through host-sim/appliances/index.ts). The first
   *  is the default of a registration that names no appliance. */
  services?: readonly CloudService[];
  /** One appliance only: the same as `services: [service]` (callers from before the
   *  cloud served several). Give `service` or `services`. */
  service?: CloudService;
  /** TLS of the HTTPS API (PEM). `ca` is only passed through to the TLS context. */
  tls: { cert: string; key: string; ca?: string };
  /** SQLite file; default data/cloud.db. ":memory:" for throwaway runs. */
  dbPath?: string;
  /** HTTPS port; default 0 (any free port). */
  httpsPort?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Either a ready transport (tests, the deterministic simulator)... */
  transport?: MqttTransport;
  /** ...or how to reach the broker with mqtt.js as the service user "cloud". */
  mqtt?: MqttConnectOptions;
  /** The broker's list of accepted device credentials. */
  directory?: DeviceDirectory;
  /** The cloud's clock (ms). Approvals, sessions and login waits expire by it;
   *  timestamps come from it. */
  now?: () => number;
  /** Called with every event (also available as handle.events). */
  onEvent?: CloudEventListener;
  /** Where "log" events are also written; default stderr. Pass () => {} for silence. */
  log?: (line: string) => void;
  /** scrypt cost of user passwords (log2 N); default 14. Tests use less. */
  userHashLogN?: number;
  /** PBKDF2 iterations of device password hashes; default password-hash.ts's. */
  deviceHashIterations?: number;
  /** How long a remote's approval of a terminal lasts; default 5 minutes. */
  approvalTtlMs?: number;
  /** How long an unanswered command is sent again after the remote's hello; default 10 minutes. */
  commandTtlMs?: number;
  /** How long a phone's session lasts; default SESSION_TTL_MS (7 days). */
  sessionTtlMs?: number;
  /** Login limits; default ACCOUNT_LIMIT and SOURCE_LIMIT (login-limits.ts). */
  loginLimits?: { account?: LimitPolicy; source?: LimitPolicy };
}

export interface CloudHandle {
  httpsPort: number;
  /** https://<host>:<port> */
  url: string;
  events: CloudEvents;
  /** Tells the broker every registration again (after the broker restarted). */
  reannounce(): Promise<void>;
  /** Deliver an uplink message as if it came from the broker (simulator use). */
  deliver(topic: string, payload: Buffer | string): void;
  stop(): Promise<void>;
}

export async function startCloud(options: CloudOptions): Promise<CloudHandle> {
  const now = options.now ?? Date.now;
  const events = new CloudEvents();
  const logLine = options.log ?? ((line: string) => process.stderr.write(`[cloud] ${line}\n`));
  events.onEvent((e) => { if (e.kind === "log") logLine(e.message); });
  if (options.onEvent) events.onEvent(options.onEvent);
  const log = (message: string) => events.emitEvent({ kind: "log", t: now(), message });

  const db = openDatabase(options.dbPath ?? "data/cloud.db");
  const cleanups: (() => unknown)[] = [() => db.close()];
  const cleanup = async () => { for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {}); };

  try {
    const services = new Services(options.services ?? (options.service ? [options.service] : []));
    const store = new CloudStore(db, services.defaultAppliance);

    // A restarted broker knows nothing: tell it every current registration again, and
    // make sure retired ones stay refused. At start-up and after a broker outage.
    const directory = options.directory;
    const reannounce = async () => {
      if (!directory) return;
      for (const reg of store.registrations()) {
        // A registration without a serial predates certificate-bound logins: the broker
        // could not tell its remote from any other, so it is not let in.
        if (reg.retiredAt === null && reg.serial !== null) await directory.setDevice(reg.deviceId, reg.passwordHash, reg.serial);
        else if (directory.removeDevice) await directory.removeDevice(reg.deviceId);
      }
    };
    await reannounce();

    let transport = options.transport;
    if (!transport && options.mqtt) transport = await connectMqttTransport({ log, ...options.mqtt });
    if (transport?.close) { const t = transport; cleanups.push(() => t.close!()); }
    if (!transport) log("no MQTT transport: commands are stored but not sent");

    const link = new DeviceLink({ store, events, now, transport, directory, services, approvalTtlMs: options.approvalTtlMs ?? APPROVAL_TTL_MS, commandTtlMs: options.commandTtlMs });

    services.start({
      db, now, log,
      registration: (deviceId) => store.registration(deviceId),
      sendCommand: (deviceId, fields) => link.sendCommand(deviceId, fields),
      state: (deviceId) => store.state(deviceId)?.state,
      addHistory: (deviceId, n, event, value, t) => { store.addHistory(deviceId, { seq: n, event, value, t }, now()); },
    });

    const userHashLogN = options.userHashLogN ?? DEFAULT_USER_HASH_LOG_N;
    // Unknown users are checked against this, so they take as long as known ones.
    const decoy = await hashUserPassword("decoy password, never matches anything", userHashLogN);
    const sessions = new SessionStore(db, now, options.sessionTtlMs);
    const limiter = new LoginLimiter(db, now, options.loginLimits?.account, options.loginLimits?.source);
    const server = createCloudServer({
      tls: options.tls,
      events,
      now,
      auth: { session: (token) => sessions.caller(token) },
      routes: [
        ...sessionRoutes({
          sessions, limiter,
          async checkPassword(user, password) {
            const stored = store.userPasswordHash(user);
            const okay = await verifyUserPassword(password, stored ?? decoy);
            return okay && stored !== undefined;
          },
          noteTerminal: (user, terminal) => store.noteTerminal(user, terminal, now()),
        }),
        ...apiRoutes({
          store, link, services, directory: options.directory, now, log,
          userHashLogN,
          deviceHashIterations: options.deviceHashIterations ?? DEFAULT_ITERATIONS,
        }),
        ...services.routes(),
      ],
    });
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.httpsPort ?? 0, host, () => { server.off("error", reject); resolve(); });
    });
    cleanups.push(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    const port = (server.address() as AddressInfo).port;

    let stopped = false;
    return {
      httpsPort: port,
      url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
      events,
      reannounce,
      deliver: (topic, payload) => link.handle(topic, payload),
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
