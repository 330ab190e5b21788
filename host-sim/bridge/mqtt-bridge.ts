// The board side of MQTT, for any host: turns the board's mqtt_* outputs into a real
// MQTT 3.1.1 connection over TLS (mqtt.js) and the broker's answers into board events
// (boards/ABI.md: MQTT_STATE, MQTT_MESSAGE, MQTT_ACK). The TS host and the posix board
// emit the same BoardOutput values, so one bridge serves both.
//
// Event mapping:
//   mqtt_connect      CONNACK accepted -> MQTT_STATE 1
//                     CONNACK 4/5 (bad username or password / not authorized) -> MQTT_STATE -6
//                     anything else (other CONNACK codes, TLS or TCP failure, timeout) -> -7
//                     connection lost after MQTT_STATE 1 -> MQTT_STATE 0, once
//   mqtt_subscribe    SUBACK -> MQTT_ACK arg=pid payload [granted qos] or [0x80]
//   mqtt_publish      QoS >= 1: broker's PUBACK/PUBCOMP -> MQTT_ACK arg=pid payload [qos];
//                     QoS 0: no event
//   inbound PUBLISH   MQTT_MESSAGE arg=topic byte length, payload = topic ‖ message;
//                     dropped (and logged) if longer than the board inbox
//   mqtt_disconnect   closes the connection; no event (the board already knows)
// The board's network (host-sim/radio: a device whose firmware joins the router itself):
//   mqtt_connect while `reachable()` is false -> MQTT_STATE -7, as an unreachable broker
//   networkDown() (the device left the router) -> MQTT_STATE 0 if connected, -7 if connecting
// A connect while a connection exists replaces it silently. The firmware decides when to
// reconnect: mqtt.js never reconnects on its own (reconnectPeriod 0).
import mqtt, { type MqttClient, type IClientOptions } from "mqtt";
import { EventKind, type BoardEvent, type BoardOutput } from "../device/types.ts";
import { createSecureContext, type SecureContext } from "node:tls";
import { E_AUTH, E_IO, INBOX_SIZE, QOS_REFUSED } from "../board/abi-constants.ts";
import { mqttNoDelay } from "../net/no-delay.ts";

export interface MqttBridgeOptions {
  /** mqtts://127.0.0.1:<port> */
  brokerUrl: string;
  /** PEM of the CA that signed the broker's certificate. */
  ca: string;
  /** PEM client certificate and key of this board. */
  clientCert: string;
  clientKey: string;
  /** Receives the board events, in order, asynchronously. */
  deliver: (ev: BoardEvent) => void;
  log?: (line: string) => void;
  /** Largest MQTT_MESSAGE payload (topic + message) the board takes; default INBOX_SIZE. */
  inboxSize?: number;
  /** CONNACK wait in ms; default 10000. */
  connectTimeoutMs?: number;
  /** MQTT keepalive in seconds; default 30. */
  keepalive?: number;
  /** Whether the board is on a network that reaches the broker now; default always
   *  (host-sim/radio: Airspace.isOnLan for a device that joins the router itself). */
  reachable?: () => boolean;
}

const enc = new TextEncoder();

type Phase = "connecting" | "connected" | "closed";

interface Conn {
  client: MqttClient;
  phase: Phase;
  /** Return code of a refused CONNACK, if one came. */
  refusedCode?: number;
  clientId: string;
}

export class MqttBridge {
  private readonly opts: MqttBridgeOptions;
  private readonly log: (line: string) => void;
  private conn: Conn | null = null;
  private closed = false;

  constructor(opts: MqttBridgeOptions) {
    this.opts = opts;
    this.log = opts.log ?? (() => {});
  }

  /** Whether a connection is up (CONNACK accepted and not lost since). */
  get connected(): boolean {
    return this.conn?.phase === "connected";
  }

  /** Acts on one board output; outputs that are not MQTT are ignored. */
  handle(output: BoardOutput): void {
    if (this.closed) return;
    switch (output.t) {
      case "mqtt_connect": this.connect(output.client, output.user, output.pass); break;
      case "mqtt_subscribe": this.subscribe(output.pid, output.topic, output.qos); break;
      case "mqtt_publish": this.publish(output.pid, output.topic, output.payload, output.qos, output.retain); break;
      case "mqtt_disconnect": this.disconnect(); break;
      default: break;
    }
  }

  /** The board left the network (its Wi-Fi station lost the router): the connection
   *  goes, and the board hears of it as of any lost connection. */
  networkDown(): void {
    const c = this.conn;
    if (!c || this.closed) return;
    const was = c.phase;
    void this.drop();
    this.log("mqtt: the board's network is gone");
    this.state(was === "connected" ? 0 : E_IO);
  }

  /** Drops the connection without any event; the bridge takes no more outputs. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }

  private deliver(ev: BoardEvent): void {
    try {
      this.opts.deliver(ev);
    } catch (err) {
      this.log(`mqtt: deliver threw: ${(err as Error).message}`);
    }
  }

  private state(arg: number): void {
    this.deliver({ kind: EventKind.MQTT_STATE, arg });
  }

  private ack(pid: number, code: number): void {
    this.deliver({ kind: EventKind.MQTT_ACK, arg: pid, payload: Uint8Array.of(code) });
  }

  /** Ends the current connection, if any, so that it produces no more events. */
  private drop(): Promise<void> {
    const c = this.conn;
    this.conn = null;
    if (!c) return Promise.resolve();
    c.phase = "closed";
    c.client.removeAllListeners("message");
    return new Promise((resolve) => c.client.end(true, {}, () => resolve()));
  }

  private secureContext: SecureContext | null = null;
  private tlsContext(): SecureContext {
    this.secureContext ??= createSecureContext({ ca: this.opts.ca, cert: this.opts.clientCert, key: this.opts.clientKey });
    return this.secureContext;
  }

  private connect(clientId: string, user: string, pass: Uint8Array): void {
    if (this.opts.reachable && !this.opts.reachable()) {
      if (this.conn) void this.drop();
      this.log(`mqtt: cannot reach ${this.opts.brokerUrl}: the board is not on the network`);
      // Later, as a TCP failure would come: never inside the call that asked for it.
      setImmediate(() => { if (!this.closed) this.state(E_IO); });
      return;
    }
    if (this.conn) {
      this.log("mqtt: connect while a connection exists; replacing it");
      void this.drop();
    }
    const options: IClientOptions = {
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      keepalive: this.opts.keepalive ?? 30,
      connectTimeout: this.opts.connectTimeoutMs ?? 10_000,
      clientId,
      username: user,
      password: Buffer.from(pass),
      // One TLS context per board (its CA and client certificate do not change): a new
      // connection does not parse the PEMs again.
      secureContext: this.tlsContext(),
      rejectUnauthorized: true,
      // A lost connection reports at once instead of queueing for a reconnect.
      queueQoSZero: false,
    };
    this.log(`mqtt: connecting to ${this.opts.brokerUrl} as ${user} (client id ${clientId})`);
    const client = mqttNoDelay(mqtt.connect(this.opts.brokerUrl, options));
    const conn: Conn = { client, phase: "connecting", clientId };
    this.conn = conn;
    let lastError = "";

    client.on("connect", () => {
      if (conn.phase !== "connecting" || this.conn !== conn) return;
      conn.phase = "connected";
      this.log(`mqtt: connected as ${user}`);
      this.state(1);
    });
    client.on("error", (err: Error & { code?: number | string }) => {
      lastError = err.message;
      if (conn.phase === "connecting" && typeof err.code === "number") conn.refusedCode = err.code;
    });
    client.on("message", (topic: string, message: Buffer) => {
      if (conn.phase !== "connected" || this.conn !== conn) return;
      this.message(topic, message);
    });
    client.on("close", () => {
      if (this.conn !== conn || conn.phase === "closed") return;
      const was = conn.phase;
      conn.phase = "closed";
      this.conn = null;
      client.end(true);
      if (was === "connected") {
        this.log(`mqtt: connection lost${lastError ? ` (${lastError})` : ""}`);
        this.state(0);
      } else {
        const code = conn.refusedCode;
        const auth = code === 4 || code === 5;
        this.log(`mqtt: connect refused: ${lastError || "connection closed"}`);
        this.state(auth ? E_AUTH : E_IO);
      }
    });
  }

  private message(topic: string, message: Buffer): void {
    const t = enc.encode(topic);
    const inbox = this.opts.inboxSize ?? INBOX_SIZE;
    const len = t.length + message.length;
    if (len > inbox) {
      this.log(`mqtt: dropped a message on ${topic}: ${len} bytes exceed the board inbox (${inbox})`);
      return;
    }
    const payload = new Uint8Array(len);
    payload.set(t, 0);
    payload.set(message, t.length);
    this.deliver({ kind: EventKind.MQTT_MESSAGE, arg: t.length, payload });
  }

  private subscribe(pid: number, topic: string, qos: number): void {
    const conn = this.conn;
    if (!conn || conn.phase !== "connected") {
      this.log(`mqtt: subscribe ${pid} to ${topic} while not connected; ignored`);
      return;
    }
    const q = (qos === 1 || qos === 2 ? qos : 0) as 0 | 1 | 2;
    conn.client.subscribe(topic, { qos: q }, (err, granted, packet) => {
      if (this.conn !== conn || conn.phase !== "connected") return;
      // A refusal comes as an error carrying the SUBACK; a lost connection as an
      // error without one (then MQTT_STATE 0 tells the board).
      const codes = (packet as { granted?: number[] } | undefined)?.granted;
      let code: number | undefined = codes?.[0];
      if (code === undefined && !err) code = granted?.[0]?.qos;
      if (code === undefined) {
        this.log(`mqtt: subscribe ${pid} to ${topic} failed: ${err?.message ?? "no answer"}`);
        return;
      }
      if (code & 0x80) {
        this.log(`mqtt: subscribe ${pid} to ${topic} refused`);
        this.ack(pid, QOS_REFUSED);
      } else {
        this.ack(pid, code);
      }
    });
  }

  private publish(pid: number, topic: string, payload: Uint8Array, qos: number, retain: boolean): void {
    const conn = this.conn;
    if (!conn || conn.phase !== "connected") {
      this.log(`mqtt: publish ${pid} to ${topic} while not connected; dropped`);
      return;
    }
    const q = (qos === 1 || qos === 2 ? qos : 0) as 0 | 1 | 2;
    conn.client.publish(topic, Buffer.from(payload), { qos: q, retain }, (err) => {
      if (q === 0) return;
      if (this.conn !== conn || conn.phase !== "connected") return;
      if (err) {
        this.log(`mqtt: publish ${pid} to ${topic} failed: ${err.message}`);
        return;
      }
      this.ack(pid, q);
    });
  }

  private disconnect(): void {
    if (!this.conn) return;
    const c = this.conn;
    this.conn = null;
    c.phase = "closed";
    c.client.removeAllListeners("message");
    this.log("mqtt: disconnecting");
    c.client.end(false); // sends DISCONNECT after pending packets
  }
}
