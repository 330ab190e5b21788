// The cloud's side of PROTOCOL.md §2: what it does with each uplink message, and how a
// phone's command goes down. Anything from an unknown or retired device id, and any
// malformed payload, is logged and dropped: a retired registration "sees no new data".
import type { CloudEvents } from "./events.ts";
import type { ServedAppliance, Services } from "./services.ts";
import type { CloudStore, Registration } from "./store.ts";
import type { DeviceDirectory, MqttTransport } from "./transport.ts";
import type { AckPayload, CommandFields, CommandPayload, RetiredPayload, UpKind } from "./types.ts";
import {
  checkApprove, checkHello, checkHistory, checkReply, checkState, parseFlatJson, type Checked,
} from "./validate.ts";

/** PROTOCOL.md §1: the remote's approval of a terminal is good for 5 minutes. */
export const APPROVAL_TTL_MS = 5 * 60_000;
/** PROTOCOL.md §2: a command not answered within 10 minutes has expired and is not sent
 *  again; a bath filling hours after it was asked for is a surprise, not a service. */
export const COMMAND_TTL_MS = 10 * 60_000;

const UP_KINDS: ReadonlySet<string> = new Set<UpKind>(["hello", "state", "history", "reply", "approve", "retire"]);

export interface DeviceLinkOptions {
  store: CloudStore;
  events: CloudEvents;
  now: () => number;
  transport?: MqttTransport;
  directory?: DeviceDirectory;
  /** The appliances served: a registration's messages go to its appliance's hooks. */
  services: Services;
  approvalTtlMs?: number;
  commandTtlMs?: number;
}

export class DeviceLink {
  private readonly approvalTtlMs: number;
  private readonly commandTtlMs: number;

  constructor(private readonly o: DeviceLinkOptions) {
    this.approvalTtlMs = o.approvalTtlMs ?? APPROVAL_TTL_MS;
    this.commandTtlMs = o.commandTtlMs ?? COMMAND_TTL_MS;
    o.transport?.onMessage((topic, payload) => this.handle(topic, payload));
  }

  private log(message: string): void {
    this.o.events.emitEvent({ kind: "log", t: this.o.now(), message });
  }

  /** How long an unanswered command of this registration is sent again. */
  private ttlOf(reg: Registration): number {
    return this.o.services.of(reg.appliance)?.service.commandTtlMs ?? this.commandTtlMs;
  }

  /** One uplink message. Exposed so a simulator can deliver messages without a broker. */
  handle(topic: string, payload: Buffer | string): void {
    const text = payload.toString();
    this.o.events.emitEvent({ kind: "mqtt-in", t: this.o.now(), topic, payload: this.o.services.redact(text) });
    try {
      this.dispatch(topic, payload);
    } catch (err) {
      // A database error on one message must not take the MQTT client down.
      this.log(`${topic}: ${(err as Error).message}`);
    }
  }

  private dispatch(topic: string, payload: Buffer | string): void {
    const parts = topic.split("/");
    if (parts.length !== 4 || parts[0] !== "devices" || parts[2] !== "up") {
      return this.log(`${topic}: not a device uplink topic, ignored`);
    }
    const [, deviceId, , kind] = parts as [string, string, string, UpKind];
    const { store, now } = this.o;
    const reg = store.registration(deviceId);
    // Exact match: the broker only lets a device publish under its own id, as announced.
    if (!reg || reg.deviceId !== deviceId) return this.log(`${topic}: unknown device id, ignored`);
    if (reg.retiredAt !== null) return this.log(`${topic}: registration retired, ignored`);
    const served = this.o.services.of(reg.appliance);
    const own = UP_KINDS.has(kind) ? undefined : served?.hooks.uplinks?.[kind];
    if (!UP_KINDS.has(kind) && !own) return this.log(`${topic}: not an uplink of a ${reg.appliance}, ignored`);

    const flat = parseFlatJson(payload);
    if (!flat.ok) return this.log(`${topic}: ${flat.error}, ignored`);
    if (own) return own(reg, flat.value);
    const need = <T>(c: Checked<T>): T | undefined => {
      if (c.ok) return c.value;
      this.log(`${topic}: ${c.error}, ignored`);
      return undefined;
    };

    switch (kind) {
      case "history":
      case "reply": {
        // The remote's outbox: stored in order of seq, then acknowledged cumulatively.
        const seq = flat.value.seq;
        if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) return this.log(`${topic}: seq missing or malformed, ignored`);
        // An entry of the appliance's own kind is checked as it is applied.
        const ownEntry = kind === "history" && typeof flat.value.kind === "string";
        const check = ownEntry ? undefined : kind === "history" ? checkHistory(flat.value) : checkReply(flat.value);
        if (check && !check.ok) this.log(`${topic}: ${check.error}, stored as received and skipped`);
        const r = store.receiveOutbox(deviceId, seq, kind, payload.toString(), (k, body) => this.applyOutbox(reg, served, k, body));
        if (r === "duplicate") this.log(`${topic}: seq ${seq} stored already (resend)`);
        else if (r !== "applied") this.log(`${topic}: seq ${seq} ${r} (expecting ${store.outboxAcked(deviceId) + 1})`);
        return this.sendAck(deviceId);
      }
      case "hello": {
        const hello = need(checkHello(flat.value));
        if (!hello) return;
        // The serial is the registration's, which the broker checked against the
        // certificate; the payload's copy is only compared, never used.
        if (hello.serial !== reg.serial) return this.log(`${topic}: hello names serial ${hello.serial}, the registration's remote is ${reg.serial}: ignored`);
        const r = store.recordHello(deviceId, now());
        if (!r.ok) return this.log(`${topic}: ${r.reason}, ignored`);
        for (const old of r.retired) {
          this.o.events.emitEvent({ kind: "retired", t: now(), deviceId: old, by: deviceId, serial: r.serial });
          void this.forget(old);
        }
        // A remote that rebooted learns what is stored; commands published while it was
        // away reached nobody (its session is clean), so the unexpired ones go again, in order.
        this.sendAck(deviceId);
        const ttl = this.ttlOf(reg);
        const since = ttl === Infinity ? 0 : now() - ttl;
        for (const body of store.unrepliedCommands(deviceId, since)) void this.publish(`devices/${deviceId}/down`, body);
        served?.hooks.onHello?.(reg);
        return;
      }
      case "retire": {
        if (Object.keys(flat.value).length !== 0) return this.log(`${topic}: retire takes no fields, ignored`);
        if (!store.retire(deviceId, now())) return this.log(`${topic}: not current, ignored`);
        this.o.events.emitEvent({ kind: "retired", t: now(), deviceId, by: deviceId, serial: reg.serial ?? "" });
        void this.answerRetired(deviceId);
        return;
      }
      case "state": {
        const state = need(checkState(flat.value));
        if (state) store.putState(deviceId, state, now());
        return;
      }
      case "approve": {
        const a = need(checkApprove(flat.value));
        if (a) store.putApproval(deviceId, a.terminal, now() + this.approvalTtlMs);
        return;
      }
    }
  }

  /** Applies one outbox message, inside CloudStore.receiveOutbox's transaction. A message
   *  that fails its shape check still takes its place in the sequence (the remote will
   *  not send it differently), so it is skipped rather than blocking everything after. */
  private applyOutbox(reg: Registration, served: ServedAppliance | undefined, kind: string, body: string): void {
    const flat = parseFlatJson(body);
    if (!flat.ok) return;
    const { store, now } = this.o;
    const deviceId = reg.deviceId;
    if (kind === "history") {
      const entryKind = flat.value.kind;
      if (typeof entryKind === "string") {
        const apply = served?.hooks.history?.[entryKind];
        const why = apply ? apply(reg, flat.value as typeof flat.value & { seq: number }) : `no outbox kind ${entryKind} for a ${reg.appliance}`;
        if (why) this.log(`devices/${deviceId}/up/history: ${why}, skipped`);
        return;
      }
      const h = checkHistory(flat.value);
      if (h.ok) store.addHistory(deviceId, h.value, now());
    } else if (kind === "reply") {
      const r = checkReply(flat.value);
      if (!r.ok) return;
      const res = store.setReply(deviceId, r.value.cmd, r.value.status, now());
      if (res !== "set") return this.log(`devices/${deviceId}/up/reply: reply to cmd ${r.value.cmd} ignored (${res}, the first reply stands)`);
      const sent = store.commandBody(deviceId, r.value.cmd);
      const parsed = sent === undefined ? undefined : parseFlatJson(sent);
      served?.hooks.onReply?.(reg, r.value.cmd, r.value.status, parsed?.ok ? parsed.value : undefined);
      // Never sent again now: the stored copy keeps no secret.
      if (sent !== undefined) {
        const blanked = this.o.services.redact(sent);
        if (blanked !== sent) store.setCommandBody(deviceId, r.value.cmd, blanked);
      }
    }
  }

  private sendAck(deviceId: string): void {
    void this.publish(`devices/${deviceId}/down`, JSON.stringify({ ack: this.o.store.outboxAcked(deviceId) } satisfies AckPayload));
  }

  /** The broker stops accepting a retired registration's credentials (and drops its
   *  sessions). The remote has erased them or is about to; this also defeats a copy. */
  private async forget(deviceId: string): Promise<void> {
    const d = this.o.directory;
    if (!d?.removeDevice) return;
    try {
      await d.removeDevice(deviceId);
      this.o.events.emitEvent({ kind: "login-removed", t: this.o.now(), deviceId });
    } catch (err) {
      this.log(`directory: removing ${deviceId} failed: ${(err as Error).message}`);
    }
  }

  /** The answer to a retire goes out before the login is removed: removing it drops the
   *  remote's session, and with it any answer not yet delivered. The registration is
   *  retired already, so nothing the remote sends in between is accepted. */
  private async answerRetired(deviceId: string): Promise<void> {
    await this.publish(`devices/${deviceId}/down`, JSON.stringify({ retired: 1 } satisfies RetiredPayload));
    await this.forget(deviceId);
  }

  /** Whether a command of `reg` still unanswered is too old to be sent again. */
  expired(reg: Registration, created: number): boolean { return this.o.now() - created > this.ttlOf(reg); }

  /** Numbers, stores and publishes a command; the caller has checked membership, that the
   *  registration is current and, through the appliance's cloud service, the fields. */
  sendCommand(deviceId: string, fields: CommandFields): number {
    const { cmd, body } = this.o.store.newCommand(deviceId, (cmd) => JSON.stringify({ cmd, ...fields } satisfies CommandPayload), this.o.now());
    void this.publish(`devices/${deviceId}/down`, body);
    return cmd;
  }

  /** Resolves when the broker acknowledged the message (or it failed: logged). */
  private async publish(topic: string, payload: string): Promise<void> {
    this.o.events.emitEvent({ kind: "mqtt-out", t: this.o.now(), topic, payload: this.o.services.redact(payload) });
    const t = this.o.transport;
    if (!t) return this.log(`${topic}: no MQTT transport, not sent`);
    try {
      await t.publish(topic, payload);
    } catch (err) {
      this.log(`${topic}: publish failed: ${(err as Error).message}`);
    }
  }
}
