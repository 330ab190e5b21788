// The device's link to the cloud: the transport (transport.ts) plus delivery of the
// outbox (outbox.ts), for messages that must not be lost: each carries "seq", is sent in
// order after every connect and boot, and leaves flash only when the cloud acknowledges
// it with {"ack":n} on the down topic. The broker's PUBACK removes nothing. One deadline
// (RETRY_DEADLINE) serves both: the next connection attempt while backing off, the resend
// of the oldest unacknowledged message while connected.
import * as board from "../../board/index";
import { getU32LE } from "../../core/codecs/bytes";
import { OK, E_STATE } from "../../core/errors";
import { JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore } from "../credential-store/index";
import { DeadlineOwner, Scheduler } from "../scheduler/index";
import { Outbox, GAP } from "./outbox";
import { CloudTransport, LinkState } from "./transport";
import { TopicSchema } from "./topics";

/** Deadline name of the cloud link's retry (the brief's scheduler names). */
export const RETRY_DEADLINE: u32 = 0x01;
/** Messages sent beyond the cloud's acknowledgement: paces a resend after an outage. */
const WINDOW: u32 = 8;
/** Outbox chunks an offered message (Outbox.offer) leaves free for messages with no other
 *  copy: 8 of 40 hold a few hundred replies and reports. */
export const OFFER_RESERVE: i32 = 8;
/** No acknowledgement for this long: the oldest unacknowledged message is sent again
 *  (the cloud holds what came after a hole and acknowledges it all once the hole fills). */
const RETRY_MIN_MS: i32 = 30000;
const RETRY_MAX_MS: i32 = 600000;

/** How an image's outbox entries look on the wire. The image extends it. */
export class OutboxFormat {
  /** The uplink kind (topic .../up/<kind>) of an entry kind. */
  topicKind(kind: u8): string { return ""; }
  /** The entry as flat JSON, including "seq". */
  json(seq: u32, kind: u8, body: Uint8Array): string { return new JsonWriter().num("seq", seq).toString(); }
}

export class CloudLink extends DeadlineOwner {
  readonly transport: CloudTransport;
  readonly outbox: Outbox;
  /** Everything up to here is held by the cloud (its latest {"ack":n}, or the floor in flash). */
  acked: u32 = 0;
  private sent: u32 = 0;
  private retryMs: i32 = RETRY_MIN_MS;
  /** The outbox is loaded for a registration: entries can be stored, connected or not. */
  private ready: bool = false;

  constructor(private store: CredentialStore, readonly topics: TopicSchema, private scheduler: Scheduler,
              private format: OutboxFormat, private deadline: u32 = RETRY_DEADLINE) {
    super();
    this.transport = new CloudTransport(store, topics, scheduler, deadline);
    this.outbox = new Outbox(store);
    scheduler.register(deadline, this);
  }

  get state(): i32 { return this.transport.state; }
  get deviceId(): string { return this.transport.deviceId; }
  get lastRefusal(): i32 { return this.transport.lastRefusal; }
  get connected(): bool { return this.transport.connected; }

  /** Loads the outbox of the stored registration, if there is one, and connects with it
   *  unless `connect` is false (a device without its network yet: entries are stored and
   *  sent once start() connects). */
  start(connect: bool = true): void {
    const id = this.store.registrationDeviceId();
    if (id === null) { this.stop(); return; }
    this.outbox.load();
    this.acked = this.outbox.floor;
    this.sent = this.acked;
    this.ready = true;
    if (connect) this.transport.begin(id);
  }

  stop(): void {
    this.transport.stop();
    this.scheduler.cancel(this.deadline);
    this.outbox.forget();
    this.acked = 0;
    this.sent = 0;
    this.ready = false;
  }

  /** Drops the connection but keeps the outbox, which still takes entries: the device lost
   *  its network (the printer's WIFI 0). start() connects again and sends them. */
  pause(): void {
    this.transport.stop();
    this.scheduler.cancel(this.deadline);
  }

  /** MQTT_STATE. Returns true when the link has just come up (the image then says hello
   *  and calls flush()). */
  onState(arg: i32): bool {
    if (!this.transport.onState(arg)) return false;
    this.sent = this.acked;
    this.retryMs = RETRY_MIN_MS;
    return true;
  }

  onDeadline(name: u32, lateMs: i64): void {
    if (this.transport.retry()) return;
    if (!this.connected || this.acked >= this.outbox.last) return;
    // No acknowledgement in time: the oldest unacknowledged message once more, then wait
    // longer (while the cloud is away its broker session queues every resend).
    this.sent = this.acked;
    this.sendNext();
    this.retryMs = min(RETRY_MAX_MS, this.retryMs * 2);
    this.scheduler.after(this.deadline, this.retryMs);
  }

  /** MQTT_ACK: the broker's PUBACK/SUBACK. */
  onAck(pid: i32, granted: i32): void { this.transport.onAck(pid, granted); }

  /** {"ack":n} from the cloud: it has stored every outbox message up to n. */
  onCloudAck(n: i64): i32 {
    if (n < 0 || n > 0xffffffff) return E_STATE;
    let upTo = <u32>n;
    const last = this.outbox.last;
    if (upTo > last) { board.compose().add("cloud acknowledged ").num(upTo).add(", beyond our last ").num(last).warn(); upTo = last; }
    if (upTo > this.acked) {
      this.acked = upTo;
      if (this.sent < upTo) this.sent = upTo;
      this.retryMs = RETRY_MIN_MS;
      const rc = this.outbox.acknowledge(upTo);
      if (rc < 0) board.compose().add("outbox clean-up failed (").num(rc).add("); retried at the next acknowledgement").error();
    }
    if (this.connected) {
      if (this.acked < last) this.scheduler.after(this.deadline, this.retryMs);
      else this.scheduler.cancel(this.deadline);
      this.sendMore();
    }
    return OK;
  }

  /** A message on this device's down topic, or null for anything else. */
  commandPayload(topic: string, payload: Uint8Array): Uint8Array | null {
    return this.transport.isDown(topic) ? payload : null;
  }

  /** Sends now if connected; lost if not (hello and state are sent again on reconnect). */
  publish(kind: string, json: string): i32 { return this.transport.publish(kind, json); }

  /** Keeps the message in flash until the cloud acknowledges it. An error means it could
   *  not be stored: it is counted, logged, and reported to the cloud as a gap. */
  enqueue(kind: u8, body: Uint8Array): i32 {
    if (!this.ready) return E_STATE;
    const seq = this.outbox.append(kind, body);
    if (seq < 0) return <i32>seq;
    this.sendMore();
    return OK;
  }

  /** As enqueue, for a message its producer keeps and offers again (Outbox.offer): E_NOSPACE,
   *  counted as no loss, while fewer than OFFER_RESERVE chunks would stay free. */
  offer(kind: u8, body: Uint8Array): i32 {
    if (!this.ready) return E_STATE;
    const seq = this.outbox.offer(kind, body, OFFER_RESERVE);
    if (seq < 0) return <i32>seq;
    this.sendMore();
    return OK;
  }

  /** Sends what the cloud has not acknowledged, oldest first (after hello). */
  flush(): void { this.sendMore(); }

  /** Messages stored and not yet acknowledged. */
  pending(): u32 { return this.outbox.last - this.acked; }

  private sendMore(): void {
    if (!this.connected) return;
    const wasIdle = this.sent == this.acked;
    while (this.sent < this.outbox.last && this.sent - this.acked < WINDOW) {
      if (!this.sendNext()) break;
    }
    if (wasIdle && this.sent > this.acked) this.scheduler.after(this.deadline, this.retryMs);
  }

  private sendNext(): bool {
    const seq = max(this.sent + 1, this.outbox.first);
    const e = this.outbox.entry(seq);
    if (e === null) { board.compose().add("outbox entry ").num(seq).add(" unreadable").error(); return false; }
    const json = e.kind == GAP
      ? new JsonWriter().num("seq", seq).str("event", "gap").num("value", e.body.length == 4 ? getU32LE(e.body, 0) : 0).num("t", -1).toString()
      : this.format.json(seq, e.kind, e.body);
    const pid = this.publish(e.kind == GAP ? this.topics.gapKind : this.format.topicKind(e.kind), json);
    if (pid < 0) return false;
    this.sent = seq;
    return true;
  }
}

export { LinkState };
