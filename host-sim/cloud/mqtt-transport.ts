// MqttTransport over mqtt.js: the cloud logs in as the service user "cloud" over TLS
// (client certificate + password) and subscribes to every device's uplink.
import mqtt from "mqtt";
import { mqttNoDelay } from "../net/no-delay.ts";
import type { MqttTransport } from "./transport.ts";

export interface MqttConnectOptions {
  /** e.g. mqtts://localhost:8883 */
  brokerUrl: string;
  /** PEM of the CA the broker's certificate chains to. */
  ca?: string;
  /** The cloud's client certificate and key (PEM). */
  cert?: string;
  key?: string;
  /** Password of the service user. */
  password: string;
  /** Service user name; PROTOCOL.md §2 says "cloud". */
  username?: string;
  /** Give up on the first connection after this long (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** Reports connection trouble (never includes the password). */
  log?: (message: string) => void;
}

export const UPLINK_FILTER = "devices/+/up/#";

/** Connects and resolves once the broker accepted the cloud and the subscription is in
 *  place; rejects if the first attempt fails (bad credentials, no broker). Afterwards
 *  mqtt.js reconnects by itself and the persistent session (clean: false, fixed client
 *  id) lets the broker keep QoS 1 uplink for the cloud while it is away. */
export function connectMqttTransport(o: MqttConnectOptions): Promise<MqttTransport> {
  const username = o.username ?? "cloud";
  const log = o.log ?? (() => {});
  const client = mqttNoDelay(mqtt.connect(o.brokerUrl, {
    clientId: username,
    username,
    password: o.password,
    ca: o.ca,
    cert: o.cert,
    key: o.key,
    rejectUnauthorized: true,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
  }));
  const listeners: ((topic: string, payload: Buffer) => void)[] = [];
  // With a persistent session the broker hands over queued uplink right after CONNACK,
  // possibly before the cloud has attached its handler: hold those until it does.
  let early: [string, Buffer][] | null = [];
  client.on("message", (topic, payload) => {
    if (early) early.push([topic, payload]);
    else for (const cb of listeners) cb(topic, payload);
  });

  // Down-link messages wait until the uplink subscription of the current connection is in
  // place: a command sent right after a reconnect would otherwise reach the device, and
  // its reply come back, before the cloud has subscribed again, and a broker that lost the
  // cloud's session (a restart of the embedded one) drops that reply. The device would
  // send it again only after its retry timer, long after the phone gave up.
  const subscribed = new Gate();
  client.on("close", () => subscribed.close());

  const transport: MqttTransport = {
    async publish(topic, payload) {
      await subscribed.pass();
      await client.publishAsync(topic, payload, { qos: 1 });
    },
    onMessage(cb) {
      listeners.push(cb);
      const held = early;
      early = null;
      for (const [topic, payload] of held ?? []) cb(topic, payload);
    },
    close() {
      subscribed.end(new Error("the cloud's MQTT transport is closed"));
      // A graceful end waits for the broker to acknowledge what is in flight; while the
      // broker is away (reconnecting) that never comes and mqtt.js would wait for ever,
      // so the end is forced then. Nothing is lost by it: the devices resend what the
      // cloud did not acknowledge, and unanswered commands are sent again.
      return client.endAsync(!client.connected);
    },
  };

  const timeoutMs = o.connectTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return resolve(transport);
      client.end(true);
      reject(new Error(`MQTT connect to ${o.brokerUrl} as ${username} failed: ${err.message}`));
    };
    const timer = setTimeout(() => settle(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs + 500);
    // Before the first connection an error is fatal (misconfiguration); after it, mqtt.js
    // reconnects and errors are only reported.
    client.on("error", (err) => (settled ? log(`MQTT error: ${err.message}`) : settle(err)));
    client.on("connect", () => {
      // (Re)subscribe on every connect: cheap, and right even if the broker lost the session.
      client.subscribe(UPLINK_FILTER, { qos: 1 }, (err, granted) => {
        const refused = granted?.some((g) => g.qos === 128);
        const problem = err ?? (refused ? new Error(`subscription to ${UPLINK_FILTER} refused`) : undefined);
        if (problem && settled) log(`MQTT: ${problem.message}`);
        if (!problem) subscribed.open();
        settle(problem);
      });
    });
  });
}

/** Open while the current connection's subscription is in place; pass() waits for that. */
class Gate {
  private isOpen = false;
  private ended: Error | null = null;
  private waiting: { go: () => void; stop: (e: Error) => void }[] = [];

  open(): void {
    this.isOpen = true;
    for (const w of this.waiting.splice(0)) w.go();
  }

  close(): void { this.isOpen = false; }

  /** For good: waiting and later callers get `e`. */
  end(e: Error): void {
    this.ended = e;
    for (const w of this.waiting.splice(0)) w.stop(e);
  }

  pass(): Promise<void> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.isOpen) return Promise.resolve();
    return new Promise((go, stop) => this.waiting.push({ go, stop }));
  }
}
