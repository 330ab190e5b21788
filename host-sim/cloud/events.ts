// The cloud's event log, for the simulated home's "message flow" view and for tests.
// Built only from values that are safe to show: HTTP method, path, status and the
// authenticated user name; MQTT topics and payloads (which carry no secrets by protocol).
// Request bodies and headers are never put here, so no password or Authorization value
// can leak through it.
import { EventEmitter } from "node:events";

export type CloudEvent =
  | { kind: "http"; t: number; method: string; path: string; status: number; user?: string; terminal?: string }
  | { kind: "mqtt-in"; t: number; topic: string; payload: string }
  | { kind: "mqtt-out"; t: number; topic: string; payload: string }
  /** Something ignored or failed (bad payload, unknown device id, broker unreachable...). */
  | { kind: "log"; t: number; message: string }
  /** A registration was retired: a newer one of the same remote said hello (`by` is the
   *  newer one), or the remote asked before erasing it (`by` = deviceId). */
  | { kind: "retired"; t: number; deviceId: string; by: string; serial: string }
  /** The broker no longer accepts a retired registration's login. */
  | { kind: "login-removed"; t: number; deviceId: string };

export type CloudEventListener = (e: CloudEvent) => void;

/** EventEmitter with one event name, "event", carrying a CloudEvent. */
export class CloudEvents extends EventEmitter {
  emitEvent(e: CloudEvent): void {
    // A throwing listener must not break request handling.
    try { this.emit("event", e); } catch { /* ignored */ }
  }
  onEvent(fn: CloudEventListener): () => void {
    this.on("event", fn);
    return () => this.off("event", fn);
  }
}
