// The MQTT broker of the simulated world (firmware/images/water-heater/PROTOCOL.md §2),
// in two interchangeable kinds:
//   embedded   aedes in this process behind node:tls (fast, no external program)
//   mosquitto  Debian's mosquitto 2.0 as a child process (the broker a real install uses)
// Both: TLS only on 127.0.0.1, server certificate from the development PKI, client
// certificate required and checked against the CA, MQTT username/password decide who
// the client is, passwords held only as mosquitto-format hashes (password-hash.ts).
// A device account is bound to its remote's serial: the login is refused unless the
// client certificate's CN is that serial (the remote's factory identity, pki.ts), so a
// password alone, or a certificate of another remote, is not enough. Repeated failed
// logins of one account are refused for a growing window (login-limit.ts).
//
// Access rules, the same for both kinds:
//   device  (username = its device id)  publish devices/<id>/up/#, subscribe devices/<id>/down
//   service (e.g. "cloud")              publish and subscribe devices/#
//   anonymous, unknown user, wrong password: CONNACK refused.
//   client id: a device must connect with client id = its username. The embedded broker
//   refuses any other (CONNACK 2, identifier rejected); mosquitto has no such check and
//   instead replaces every client's id by its username (use_username_as_clientid), so a
//   device still cannot take another's session. With mosquitto a service user therefore
//   has one session at a time (a second "cloud" connection takes the first one over).
//   SUBSCRIBE outside the rules: the embedded broker answers SUBACK 0x80. mosquitto
//   2.0's acl_file never refuses a SUBSCRIBE (measured with 2.0.11, deny rules included):
//   it grants it and applies the "read" rule to every delivery, so the subscriber
//   receives nothing it may not read. Firmware must not rely on seeing 0x80.
//   A refused PUBLISH is acknowledged as
//   usual (PUBACK for QoS 1) and dropped, delivered to nobody, the connection kept:
//   mosquitto does this for MQTT 3.1.1, and the embedded broker does the same by default
//   (aedes' own way, closing the connection, is available as refusedPublish: "disconnect").
//   Changing or removing a user's password disconnects that user's sessions whose
//   password no longer verifies (mosquitto does this on reload; embedded does likewise).
import type { LoginLimitPolicy } from "./login-limit.ts";

export interface Broker {
  /** mqtts://127.0.0.1:<port> */
  readonly url: string;
  readonly kind: BrokerKind;
  readonly port: number;
  /** Adds a device or changes its password; effective when the promise resolves. The
   *  device may log in only with a client certificate whose CN is `serial`. */
  setDevice(deviceId: string, passwordHash: string, serial: string): Promise<void>;
  /** Removes a device (its sessions are disconnected); effective on resolve. */
  removeDevice(deviceId: string): Promise<void>;
  /** Adds a service user (devices/#) or changes its password. */
  setService(user: string, passwordHash: string): Promise<void>;
  stop(): Promise<void>;
}

export type BrokerKind = "embedded" | "mosquitto";

export interface BrokerOptions {
  /** Where the development PKI lives (created if missing), e.g. data/pki. */
  pkiDir: string;
  /** Working files of the broker, one broker per directory, no whitespace in the path:
   *  mosquitto's config, password and ACL files and its persistence file; the embedded
   *  broker's session file. A broker restarted on the same directory keeps persistent
   *  sessions (the cloud's) and the QoS 1 messages queued for them. */
  dataDir: string;
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Broker log lines (never a password). */
  log?: (line: string) => void;
  /** Failed-login delays; default DEFAULT_LOGIN_LIMIT (login-limit.ts). */
  loginLimit?: LoginLimitPolicy;
}

/** Usernames the brokers accept: 1..64 printable characters, none of which could bend a
 *  topic pattern or the password file (no / + # : whitespace or control characters). */
export function checkUsername(user: string): void {
  if (typeof user !== "string" || user.length < 1 || user.length > 64 ||
      /[\/+#:\s\u0000-\u001f\u007f]/.test(user) || user.startsWith("$")) {
    throw new Error(`broker: unacceptable username ${JSON.stringify(user)}`);
  }
}

/** Serials the brokers bind accounts to: what a certificate CN of the development PKI
 *  can be (pki.ts names), so the comparison is exact. */
export function checkSerial(serial: unknown): asserts serial is string {
  if (typeof serial !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(serial)) {
    throw new Error(`broker: unacceptable serial ${JSON.stringify(serial)}`);
  }
}

/** FW_BROKER=embedded|mosquitto, default embedded. */
export function brokerKindFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerKind {
  const v = (env.FW_BROKER ?? "embedded").trim().toLowerCase();
  if (v === "embedded" || v === "") return "embedded";
  if (v === "mosquitto") return "mosquitto";
  throw new Error(`FW_BROKER must be "embedded" or "mosquitto", not ${JSON.stringify(env.FW_BROKER)}`);
}

/** Starts a broker of `kind` (default: from FW_BROKER). */
export async function createBroker(kind: BrokerKind | undefined, opts: BrokerOptions): Promise<Broker> {
  const k = kind ?? brokerKindFromEnv();
  if (k === "embedded") {
    const { startEmbeddedBroker } = await import("./broker-embedded.ts");
    return startEmbeddedBroker(opts);
  }
  if (k === "mosquitto") {
    const { startMosquittoBroker } = await import("./broker-mosquitto.ts");
    return startMosquittoBroker(opts);
  }
  throw new Error(`unknown broker kind ${JSON.stringify(k)}`);
}
