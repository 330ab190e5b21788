// The device's MQTT connection to the cloud: connect with this registration's
// credentials, reconnect with backoff, and an outbox in flash for messages that must not
// be lost (delivered, in order, after any outage or power cut; removed once the broker
// has acknowledged them). Topics: devices/<id>/up/<kind> out, devices/<id>/down in.
import * as board from "../../board/index";
import { getU32LE, putU32LE, wipe } from "../../core/bytes";
import { OK, E_STATE } from "../../core/errors";
import { CredentialStore } from "../credential-store/credential-store";
import { ValueType } from "../credential-store/ids";

export namespace LinkState {
  export const OFFLINE: i32 = 0;     // no registration, or stopped
  export const CONNECTING: i32 = 1;
  export const CONNECTED: i32 = 2;
  export const WAITING: i32 = 3;     // backing off before the next attempt
}

// Registration-class records: erased with the registration they belong to.
const OUTBOX_NEXT: u32 = 0x0205;
const OUTBOX_FIRST_SLOT: u32 = 0x0210;
export const OUTBOX_SLOTS: u32 = 16;
const MAX_BACKOFF_MS: i32 = 60000;

export class CloudLink {
  state: i32 = LinkState.OFFLINE;
  deviceId: string = "";
  /** Why the last attempt failed (MQTT_STATE argument), 0 if none. */
  lastRefusal: i32 = 0;
  private attempt: i32 = 0;
  private subscribePid: i32 = -1;
  private pidSlot: Map<i32, u32> = new Map<i32, u32>();

  constructor(private store: CredentialStore, private timerId: i32) {}

  /** Connects with the stored registration, if there is one. */
  start(): void {
    const id = this.store.registrationDeviceId();
    if (id === null) { this.stop(); return; }
    this.deviceId = id;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    if (this.state == LinkState.CONNECTED || this.state == LinkState.CONNECTING) board.mqttDisconnect();
    board.cancelTimer(this.timerId);
    this.state = LinkState.OFFLINE;
    this.deviceId = "";
    this.pidSlot.clear();
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

  /** MQTT_STATE. Returns true when the link has just come up (the image then says hello). */
  onState(arg: i32): bool {
    if (this.state == LinkState.OFFLINE) return false;
    if (arg == 1) {
      this.state = LinkState.CONNECTED;
      this.attempt = 0;
      this.lastRefusal = 0;
      this.pidSlot.clear();
      this.subscribePid = board.mqttSubscribe(this.topic("down"), 1);
      return true;
    }
    if (arg < 0) this.lastRefusal = arg;
    this.pidSlot.clear();
    this.backoff();
    return false;
  }

  onTimer(): void {
    if (this.state == LinkState.WAITING && this.deviceId.length > 0) this.connect();
  }

  /** MQTT_ACK: an outbox message has reached the broker, so it can leave flash. */
  onAck(pid: i32, granted: i32): void {
    if (pid == this.subscribePid && granted == 0x80) board.logError("cloud refused our command topic");
    if (!this.pidSlot.has(pid)) return;
    const slot = this.pidSlot.get(pid);
    this.pidSlot.delete(pid);
    if (granted != 0x80) this.store.records.remove(slot);
  }

  /** A message on this device's command topic, or null for anything else. */
  commandPayload(topic: string, payload: Uint8Array): Uint8Array | null {
    return this.state == LinkState.CONNECTED && topic == this.topic("down") ? payload : null;
  }

  get connected(): bool { return this.state == LinkState.CONNECTED; }

  topic(kind: string): string { return "devices/" + this.deviceId + (kind == "down" ? "/down" : "/up/" + kind); }

  /** Sends now if connected; lost if not (state and replies are re-sent on reconnect). */
  publish(kind: string, json: string): i32 {
    if (!this.connected) return E_STATE;
    return board.mqttPublish(this.topic(kind), board.utf8(json), 1, false);
  }

  /** Keeps the message in flash until the broker has it. */
  enqueue(kind: string, json: string): i32 {
    if (this.store.registrationDeviceId() === null) return E_STATE;
    const next = this.outboxNext();
    const slot = OUTBOX_FIRST_SLOT + next % OUTBOX_SLOTS;
    // The counter moves first: a power cut between the two writes then skips a number
    // instead of leaving a stored message outside the range flush() resends.
    const b = new Uint8Array(4);
    putU32LE(b, 0, next + 1);
    let rc = this.store.put(OUTBOX_NEXT, ValueType.U32, 0, b);
    if (rc < 0) return rc;
    // A full outbox overwrites its oldest message: the newest history matters most.
    rc = this.store.put(slot, ValueType.STRING, 0, board.utf8(kind + "\n" + json));
    if (rc < 0) return rc;
    if (this.connected) this.send(slot);
    return OK;
  }

  /** Resends everything still in the outbox, oldest first. */
  flush(): void {
    const next = this.outboxNext();
    const first = next > OUTBOX_SLOTS ? next - OUTBOX_SLOTS : 0;
    for (let n = first; n < next; n++) this.send(OUTBOX_FIRST_SLOT + n % OUTBOX_SLOTS);
  }

  pending(): i32 {
    let n = 0;
    for (let s: u32 = 0; s < OUTBOX_SLOTS; s++) if (this.store.records.has(OUTBOX_FIRST_SLOT + s)) n++;
    return n;
  }

  private send(slot: u32): void {
    const msg = this.store.getString(slot);
    if (msg === null) return;
    const nl = msg.indexOf("\n");
    if (nl <= 0) { this.store.records.remove(slot); return; }
    const pid = this.publish(msg.substring(0, nl), msg.substring(nl + 1));
    if (pid > 0) this.pidSlot.set(pid, slot);
  }

  private outboxNext(): u32 {
    const v = this.store.getTyped(OUTBOX_NEXT, ValueType.U32);
    return v === null || v.length != 4 ? 0 : getU32LE(v, 0);
  }
}
