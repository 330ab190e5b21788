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
import { checkUsername, type Broker, type BrokerOptions } from "./broker.ts";

export interface EmbeddedBrokerOptions extends BrokerOptions {
  /** What a refused PUBLISH does: "drop" (default) acknowledges it as usual and delivers
   *  it to nobody, like mosquitto with MQTT 3.1.1; "disconnect" is aedes' own way: no
   *  PUBACK, the connection is closed (allowed by MQTT-3.3.5-2). */
  refusedPublish?: "drop" | "disconnect";
}

type Role = "device" | "service";
interface Account { role: Role; hash: string }
interface Session { user: string; role: Role; password: Buffer }

/** Topic a refused, "dropped" publish is re-addressed to: a $-topic, which no '#'
 *  subscription matches and which no client is allowed to subscribe to. */
const DROP_TOPIC = "$drop/refused";

const AUTH_BAD_CREDENTIALS = 4;
const AUTH_NOT_AUTHORIZED = 5;
const AUTH_IDENTIFIER_REJECTED = 2;

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
    const pw = Buffer.from(password);
    verifyPasswordAsync(pw, acct.hash).then((ok) => {
      // The account may have changed while PBKDF2 ran: check against the current one.
      const now = accounts.get(username);
      if (!ok || now !== acct) return done(authError("bad credentials", AUTH_BAD_CREDENTIALS), null);
      sessions.set(client, { user: username, role: acct.role, password: pw });
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
      const ok = acct !== undefined && acct.role === s.role && await verifyPasswordAsync(s.password, acct.hash);
      if (!ok) {
        sessions.delete(client);
        log(`disconnecting ${client.id}: credentials no longer valid`);
        closing.push(new Promise((r) => client.close(() => r())));
      }
    }
    await Promise.all(closing);
  }

  async function set(user: string, hash: string, role: Role): Promise<void> {
    checkUsername(user);
    if (!isPasswordHash(hash)) throw new Error(`broker: password for ${user} is not a mosquitto hash`);
    const old = accounts.get(user);
    if (old && old.role !== role) throw new Error(`broker: ${user} is already a ${old.role} user`);
    accounts.set(user, { role, hash });
    await recheck(user);
  }

  let stopped = false;
  return {
    url: `mqtts://127.0.0.1:${port}`,
    kind: "embedded",
    port,
    setDevice: (id, hash) => set(id, hash, "device"),
    setService: (user, hash) => set(user, hash, "service"),
    async removeDevice(id) {
      const old = accounts.get(id);
      if (old?.role !== "device") return;
      accounts.delete(id);
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
