// The MQTT connection to the cloud: connect with this registration's credentials,
// reconnect with backoff (the cloud link's retry deadline), subscribe to the down topic
// before anything is published, publish. Knows nothing of what the messages mean.
import * as board from "../../board/index";
import { wipe } from "../../core/codecs/bytes";
import { OK, E_STATE } from "../../core/errors";
import { CredentialStore } from "../credential-store/index";
import { Scheduler } from "../scheduler/index";
import { TopicSchema } from "./topics";

export namespace LinkState {
  export const OFFLINE: i32 = 0;     // no registration, or stopped
  export const CONNECTING: i32 = 1;
  export const CONNECTED: i32 = 2;
  export const WAITING: i32 = 3;     // backing off before the next attempt
}

const MAX_BACKOFF_MS: i32 = 60000;

export class CloudTransport {
  state: i32 = LinkState.OFFLINE;
  deviceId: string = "";
  /** Why the last attempt failed (MQTT_STATE argument), 0 if none. */
  lastRefusal: i32 = 0;
  private attempt: i32 = 0;
  private subscribePid: i32 = -1;
  // The topics this device publishes and listens on, made once per device id: building
  // them for every message was most of a publish's heap garbage (firmware/board/heap.ts).
  private topicsOf: string = "";
  private upKinds: string[] = [];
  private upTopics: Uint8Array[] = [];
  private downTopic: string = "";

  constructor(private store: CredentialStore, readonly topics: TopicSchema, private scheduler: Scheduler, private deadline: u32) {}

  /** Connects as `deviceId` with the stored password. */
  begin(deviceId: string): void {
    this.deviceId = deviceId;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    if (this.state == LinkState.CONNECTED || this.state == LinkState.CONNECTING) board.mqttDisconnect();
    this.state = LinkState.OFFLINE;
    this.deviceId = "";
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
    this.scheduler.after(this.deadline, base + jitter);
  }

  /** MQTT_STATE. True when the link has just come up. */
  onState(arg: i32): bool {
    if (this.state == LinkState.OFFLINE) return false;
    if (arg == 1) {
      this.state = LinkState.CONNECTED;
      this.attempt = 0;
      this.lastRefusal = 0;
      // Subscribed before anything is published: the broker handles our packets in
      // order, so the cloud never sees our hello before it can reach our down topic.
      this.subscribePid = board.mqttSubscribe(this.topics.down(this.deviceId), 1);
      return true;
    }
    if (arg < 0) this.lastRefusal = arg;
    this.backoff();
    return false;
  }

  /** The retry deadline while backing off: the next attempt. False when not waiting. */
  retry(): bool {
    if (this.state != LinkState.WAITING || this.deviceId.length == 0) return false;
    this.connect();
    return true;
  }

  /** MQTT_ACK: the broker's PUBACK/SUBACK. Only a refused subscription matters here. */
  onAck(pid: i32, granted: i32): void {
    if (pid == this.subscribePid && granted == 0x80) board.compose().add("cloud refused our command topic").error();
  }

  get connected(): bool { return this.state == LinkState.CONNECTED; }

  /** True for this device's down topic while connected. */
  isDown(topic: string): bool { return this.state == LinkState.CONNECTED && topic == this.down(); }

  /** Sends now if connected (QoS 1); E_STATE if not. Returns the packet id. */
  publish(kind: string, json: string): i32 {
    if (!this.connected) return E_STATE;
    return board.mqttPublishTo(this.up(kind), board.utf8(json), 1, false);
  }

  private down(): string {
    this.follow();
    if (this.downTopic.length == 0) this.downTopic = this.topics.down(this.deviceId);
    return this.downTopic;
  }

  /** The up topic of `kind` as UTF-8 (a device publishes a handful of kinds). */
  private up(kind: string): Uint8Array {
    this.follow();
    for (let i = 0; i < this.upKinds.length; i++) if (this.upKinds[i] == kind) return this.upTopics[i];
    const t = board.utf8(this.topics.up(this.deviceId, kind));
    if (this.upKinds.length < 8) { this.upKinds.push(kind); this.upTopics.push(t); }
    return t;
  }

  /** Forgets the topics made for another device id. */
  private follow(): void {
    if (this.topicsOf == this.deviceId) return;
    this.topicsOf = this.deviceId;
    this.upKinds = [];
    this.upTopics = [];
    this.downTopic = "";
  }
}
