// The device's MQTT connection to the cloud: connect with this registration's
// credentials, reconnect with backoff, and the outbox (outbox.ts) for messages that must
// not be lost: each carries "seq", is sent in order after every connect and boot, and
// leaves flash only when the cloud acknowledges it with {"ack":n} on the down topic.
// The broker's PUBACK removes nothing. Topics: devices/<id>/up/<kind> out,
// devices/<id>/down in.
import * as board from "../../board/index";
import { getU32LE, wipe } from "../../core/codecs/bytes";
import { OK, E_STATE } from "../../core/errors";
import { JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore } from "../credential-store/credential-store";
import { Outbox, GAP } from "./outbox";

export namespace LinkState {
  export const OFFLINE: i32 = 0;     // no registration, or stopped
  export const CONNECTING: i32 = 1;
  export const CONNECTED: i32 = 2;
  export const WAITING: i32 = 3;     // backing off before the next attempt
}

const MAX_BACKOFF_MS: i32 = 60000;
/** Messages sent beyond the cloud's acknowledgement: paces a resend after an outage. */
const WINDOW: u32 = 8;
/** No acknowledgement for this long: the oldest unacknowledged message is sent again
 *  (the cloud holds what came after a hole and acknowledges it all once the hole fills). */
const RETRY_MIN_MS: i32 = 30000;
const RETRY_MAX_MS: i32 = 600000;

/** How an image's outbox entries look on the wire. The image extends it. */
export class OutboxFormat {
  /** The uplink kind (topic devices/<id>/up/<kind>) of an entry kind. */
  topicKind(kind: u8): string { return "history"; }
  /** The entry as flat JSON, including "seq". */
  json(seq: u32, kind: u8, body: Uint8Array): string { return new JsonWriter().num("seq", seq).toString(); }
}

export class CloudLink {
  state: i32 = LinkState.OFFLINE;
  deviceId: string = "";
  /** Why the last attempt failed (MQTT_STATE argument), 0 if none. */
  lastRefusal: i32 = 0;
  readonly outbox: Outbox;
  /** Everything up to here is held by the cloud (its latest {"ack":n}, or the floor in flash). */
  acked: u32 = 0;
  private sent: u32 = 0;
  private retryMs: i32 = RETRY_MIN_MS;
  private attempt: i32 = 0;
  private subscribePid: i32 = -1;

  constructor(private store: CredentialStore, private timerId: i32, private format: OutboxFormat = new OutboxFormat()) {
    this.outbox = new Outbox(store);
  }

  /** Connects with the stored registration, if there is one. */
  start(): void {
    const id = this.store.registrationDeviceId();
    if (id === null) { this.stop(); return; }
    this.deviceId = id;
    this.outbox.load();
    this.acked = this.outbox.floor;
    this.sent = this.acked;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    if (this.state == LinkState.CONNECTED || this.state == LinkState.CONNECTING) board.mqttDisconnect();
    board.cancelTimer(this.timerId);
    this.state = LinkState.OFFLINE;
    this.deviceId = "";
    this.outbox.forget();
    this.acked = 0;
    this.sent = 0;
  }

  private connect(): void {
    const pass = this.store.registrationPassword();
    if (pass === null) { this.state = LinkState.OFFLINE; return; }
    const rc = board.mqttConnect(this.deviceId, this.deviceId, pass);
    wipe(pass);
    this.state = rc == OK ? LinkState.CONNECTING : LinkState.WAITING;
    if (rc != OK) this.backoff();
  }

  private backoff(): void {
    this.state = LinkState.WAITING;
    const base = min(MAX_BACKOFF_MS, 1000 << min(this.attempt, 6));
    this.attempt++;
    const jitter = <i32>(board.randomBytes(1)[0]) * 4; // up to ~1 s, so devices do not reconnect in step
    board.setTimer(this.timerId, base + jitter);
  }

  /** MQTT_STATE. Returns true when the link has just come up (the image then says hello
   *  and calls flush()). */
  onState(arg: i32): bool {
    if (this.state == LinkState.OFFLINE) return false;
    if (arg == 1) {
      this.state = LinkState.CONNECTED;
      this.attempt = 0;
      this.lastRefusal = 0;
      // Subscribed before anything is published: the broker handles our packets in
      // order, so the cloud never sees our hello before it can reach our down topic.
      this.subscribePid = board.mqttSubscribe(this.topic("down"), 1);
      this.sent = this.acked;
      this.retryMs = RETRY_MIN_MS;
      return true;
    }
    if (arg < 0) this.lastRefusal = arg;
    this.backoff();
    return false;
  }

  onTimer(): void {
    if (this.state == LinkState.WAITING && this.deviceId.length > 0) { this.connect(); return; }
    if (this.state != LinkState.CONNECTED || this.acked >= this.outbox.last) return;
    // No acknowledgement in time: the oldest unacknowledged message once more, then wait
    // longer (while the cloud is away its broker session queues every resend).
    this.sent = this.acked;
    this.sendNext();
    this.retryMs = min(RETRY_MAX_MS, this.retryMs * 2);
    board.setTimer(this.timerId, this.retryMs);
  }

  /** MQTT_ACK: the broker's PUBACK/SUBACK. Only a refused subscription matters here. */
  onAck(pid: i32, granted: i32): void {
    if (pid == this.subscribePid && granted == 0x80) board.logError("cloud refused our command topic");
  }

  /** {"ack":n} from the cloud: it has stored every outbox message up to n. */
  onCloudAck(n: i64): i32 {
    if (n < 0 || n > 0xffffffff) return E_STATE;
    let upTo = <u32>n;
    const last = this.outbox.last;
    if (upTo > last) { board.logWarn("cloud acknowledged " + upTo.toString() + ", beyond our last " + last.toString()); upTo = last; }
    if (upTo > this.acked) {
      this.acked = upTo;
      if (this.sent < upTo) this.sent = upTo;
      this.retryMs = RETRY_MIN_MS;
      const rc = this.outbox.acknowledge(upTo);
      if (rc < 0) board.logError("outbox clean-up failed (" + rc.toString() + "); retried at the next acknowledgement");
    }
    if (this.connected) {
      if (this.acked < last) board.setTimer(this.timerId, this.retryMs);
      else board.cancelTimer(this.timerId);
      this.sendMore();
    }
    return OK;
  }

  /** A message on this device's down topic, or null for anything else. */
  commandPayload(topic: string, payload: Uint8Array): Uint8Array | null {
    return this.state == LinkState.CONNECTED && topic == this.topic("down") ? payload : null;
  }

  get connected(): bool { return this.state == LinkState.CONNECTED; }

  topic(kind: string): string { return "devices/" + this.deviceId + (kind == "down" ? "/down" : "/up/" + kind); }

  /** Sends now if connected; lost if not (hello and state are sent again on reconnect). */
  publish(kind: string, json: string): i32 {
    if (!this.connected) return E_STATE;
    return board.mqttPublish(this.topic(kind), board.utf8(json), 1, false);
  }

  /** Keeps the message in flash until the cloud acknowledges it. An error means it could
   *  not be stored: it is counted, logged, and reported to the cloud as a gap. */
  enqueue(kind: u8, body: Uint8Array): i32 {
    if (this.deviceId.length == 0) return E_STATE;
    const seq = this.outbox.append(kind, body);
    if (seq < 0) return <i32>seq;
    this.sendMore();
    return OK;
  }

  /** Sends what the cloud has not acknowledged, oldest first (after hello). */
  flush(): void {
    this.sendMore();
  }

  /** Messages stored and not yet acknowledged. */
  pending(): u32 { return this.outbox.last - this.acked; }

  private sendMore(): void {
    if (!this.connected) return;
    const wasIdle = this.sent == this.acked;
    while (this.sent < this.outbox.last && this.sent - this.acked < WINDOW) {
      if (!this.sendNext()) break;
    }
    if (wasIdle && this.sent > this.acked) board.setTimer(this.timerId, this.retryMs);
  }

  private sendNext(): bool {
    const seq = max(this.sent + 1, this.outbox.first);
    const e = this.outbox.entry(seq);
    if (e === null) { board.logError("outbox entry " + seq.toString() + " unreadable"); return false; }
    const json = e.kind == GAP
      ? new JsonWriter().num("seq", seq).str("event", "gap").num("value", e.body.length == 4 ? getU32LE(e.body, 0) : 0).num("t", -1).toString()
      : this.format.json(seq, e.kind, e.body);
    const pid = this.publish(e.kind == GAP ? "history" : this.format.topicKind(e.kind), json);
    if (pid < 0) return false;
    this.sent = seq;
    return true;
  }
}
