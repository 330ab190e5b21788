// The embedded broker: aedes (MQTT 3.1.1) behind node:tls on 127.0.0.1, with the access
// rules of broker.ts implemented in aedes' authenticate / authorize hooks. Sessions and
// queued messages are kept in opts.dataDir (aedes-file-persistence.ts), so a persistent
// session survives a stop/start there.
import { mkdirSync } from "node:fs";
import { createServer, type Server, type TLSSocket } from "node:tls";
import type { AddressInfo, Socket } from "node:net";
import { Aedes, type Client, type PublishPacket, type Subscription } from "aedes";
import { loadOrCreatePki } from "./pki.ts";
import { filePersistence } from "./aedes-file-persistence.ts";
import { isPasswordHash, verifyPasswordAsync } from "./password-hash.ts";
import { checkUsername, checkSerial, type Broker, type BrokerOptions } from "./broker.ts";
import { DEFAULT_LOGIN_LIMIT, LoginLimiter } from "./login-limit.ts";

export interface EmbeddedBrokerOptions extends BrokerOptions {
  /** What a refused PUBLISH does: "drop" (default) acknowledges it as usual and delivers
   *  it to nobody, like mosquitto with MQTT 3.1.1; "disconnect" is aedes' own way: no
   *  PUBACK, the connection is closed (allowed by MQTT-3.3.5-2). */
  refusedPublish?: "drop" | "disconnect";
}

type Role = "device" | "service";
/** serial: a device account's remote, whose certificate CN must be the serial. */
interface Account { role: Role; hash: string; serial: string | null }
interface Session { user: string; role: Role; password: Buffer; cn: string | null }

/** Topic a refused, "dropped" publish is re-addressed to: a $-topic, which no '#'
 *  subscription matches and which no client is allowed to subscribe to. */
const DROP_TOPIC = "$drop/refused";

const AUTH_BAD_CREDENTIALS = 4;
const AUTH_NOT_AUTHORIZED = 5;
const AUTH_IDENTIFIER_REJECTED = 2;

/** The CN of the client certificate the TLS handshake verified against the CA. */
function peerCommonName(client: Client): string | null {
  const sock = client.conn as unknown as TLSSocket;
  const cn = typeof sock.getPeerCertificate === "function" ? sock.getPeerCertificate()?.subject?.CN : undefined;
  return typeof cn === "string" ? cn : null;
}

function authError(message: string, returnCode: number): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

/** May `s` publish to `topic`? (a topic name: no wildcards, checked by aedes first) */
function mayPublish(s: Session, topic: string): boolean {
  if (s.role === "service") return topic === "devices" || topic.startsWith("devices/");
  const up = `devices/${s.user}/up`;
  return topic === up || topic.startsWith(up + "/");
}

/** May `s` subscribe to `filter`? A service user may take any filter inside devices/#;
 *  a device exactly its own down topic. */
function maySubscribe(s: Session, filter: string): boolean {
  if (s.role === "service") return filter === "devices" || filter.startsWith("devices/");
  return filter === `devices/${s.user}/down`;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<Broker> {
  const log = opts.log ?? (() => {});
  const refusedPublish = opts.refusedPublish ?? "drop";
  const pki = loadOrCreatePki(opts.pkiDir);
  const accounts = new Map<string, Account>();
  const sessions = new Map<Client, Session>();
  const limiter = new LoginLimiter(opts.loginLimit ?? DEFAULT_LOGIN_LIMIT);

  mkdirSync(opts.dataDir, { recursive: true });
  const store = filePersistence(opts.dataDir);
  const aedes = await Aedes.createBroker({ heartbeatInterval: 3_600_000, connectTimeout: 10_000, persistence: store.persistence });

  aedes.authenticate = (client, username, password, done) => {
    if (username === undefined || username === "" || password === undefined) {
      return done(authError("anonymous", AUTH_NOT_AUTHORIZED), null);
    }
    const acct = accounts.get(username);
    if (!acct) return done(authError("unknown user", AUTH_NOT_AUTHORIZED), null);
    if (acct.role === "device" && client.id !== username) {
      return done(authError("client id must equal username", AUTH_IDENTIFIER_REJECTED), null);
    }
    const closed = limiter.closedFor(username);
    if (closed > 0) {
      log(`refused ${username}: too many failed logins, closed for ${closed} ms more`);
      return done(authError("too many failed logins", AUTH_NOT_AUTHORIZED), null);
    }
    const cn = peerCommonName(client);
    const pw = Buffer.from(password);
    verifyPasswordAsync(pw, acct.hash).then((ok) => {
      // The account may have changed while PBKDF2 ran: check against the current one.
      const now = accounts.get(username);
      if (!ok || now !== acct) {
        if (now) limiter.failed(username);
        return done(authError("bad credentials", AUTH_BAD_CREDENTIALS), null);
      }
      // A device account belongs to one remote: its factory certificate must name it.
      if (acct.serial !== null && cn !== acct.serial) {
        limiter.failed(username);
        log(`refused ${username}: certificate CN ${JSON.stringify(cn)} is not its remote ${acct.serial}`);
        return done(authError("certificate does not match the account", AUTH_NOT_AUTHORIZED), null);
      }
      limiter.succeeded(username);
      sessions.set(client, { user: username, role: acct.role, password: pw, cn });
      client.conn.once("close", () => { sessions.delete(client); });
      done(null, true);
    });
  };

  aedes.authorizePublish = (client, packet: PublishPacket, done) => {
    const s = client ? sessions.get(client) : undefined;
    if (s && mayPublish(s, packet.topic)) return done(null);
    log(`refused publish by ${s?.user ?? "?"} to ${packet.topic}`);
    if (refusedPublish === "disconnect" || !s) return done(new Error(`not authorized to publish to ${packet.topic}`));
    packet.topic = DROP_TOPIC;
    packet.retain = false;
    packet.payload = Buffer.alloc(0);
    done(null);
  };

  aedes.authorizeSubscribe = (client, sub: Subscription, done) => {
    const s = sessions.get(client);
    if (s && maySubscribe(s, sub.topic)) return done(null, sub);
    log(`refused subscribe by ${s?.user ?? "?"} to ${sub.topic}`);
    done(null, null); // SUBACK 0x80
  };

  // Belt and braces: nothing reaches a device but its own down topic, and nothing
  // ever reaches anyone on the drop topic.
  aedes.authorizeForward = (client, packet) => {
    if (packet.topic === DROP_TOPIC) return null;
    const s = sessions.get(client);
    if (!s) return null;
    if (s.role === "device" && packet.topic !== `devices/${s.user}/down`) return null;
    return packet;
  };

  aedes.on("clientDisconnect", (client) => { sessions.delete(client); });
  aedes.on("clientError", (client, err) => { log(`client ${client?.id ?? "?"}: ${err.message}`); });
  aedes.on("connectionError", (client, err) => { log(`connection ${client?.id ?? "?"}: ${err.message}`); });

  const server: Server = createServer({
    key: pki.server.key,
    cert: pki.server.cert,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  }, (socket: TLSSocket) => { aedes.handle(socket); });
  server.on("tlsClientError", (err) => log(`tls: ${err.message}`));
  // Every TCP connection, handshaken or not, so stop() can end them all.
  const sockets = new Set<Socket>();
  server.on("connection", (sock: Socket) => {
    sock.setNoDelay(true); // CONNACK and PUBACK leave at once (no-delay.ts says why)
    sockets.add(sock);
    sock.once("close", () => sockets.delete(sock));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;

  /** Closes the sessions of `user` whose password no longer verifies. */
  async function recheck(user: string): Promise<void> {
    const acct = accounts.get(user);
    const closing: Promise<void>[] = [];
    for (const [client, s] of sessions) {
      if (s.user !== user) continue;
      const ok = acct !== undefined && acct.role === s.role && (acct.serial === null || acct.serial === s.cn) &&
        await verifyPasswordAsync(s.password, acct.hash);
      if (!ok) {
        sessions.delete(client);
        log(`disconnecting ${client.id}: credentials no longer valid`);
        closing.push(new Promise((r) => client.close(() => r())));
      }
    }
    await Promise.all(closing);
  }

  async function set(user: string, hash: string, role: Role, serial: string | null): Promise<void> {
    checkUsername(user);
    if (role === "device") checkSerial(serial);
    if (!isPasswordHash(hash)) throw new Error(`broker: password for ${user} is not a mosquitto hash`);
    const old = accounts.get(user);
    if (old && old.role !== role) throw new Error(`broker: ${user} is already a ${old.role} user`);
    accounts.set(user, { role, hash, serial });
    await recheck(user);
  }

  let stopped = false;
  return {
    url: `mqtts://127.0.0.1:${port}`,
    kind: "embedded",
    port,
    setDevice: (id, hash, serial) => set(id, hash, "device", serial),
    setService: (user, hash) => set(user, hash, "service", null),
    async removeDevice(id) {
      const old = accounts.get(id);
      if (old?.role !== "device") return;
      accounts.delete(id);
      limiter.forget(id);
      await recheck(id);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((r) => aedes.close(() => r()));
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const sock of sockets) sock.destroy();
      await closed;
      sessions.clear();
      await store.flush();
    },
  };
}
