// Helpers that build scenario steps with the ABI's payload layouts, so scenario modules
// read as inputs ("press button 1") rather than as byte arithmetic.
import type { Expect, Step } from "./types.ts";

const enc = new TextEncoder();
export const utf8 = (s: string): Uint8Array => enc.encode(s);

export const boot = (expect?: Expect, label?: string): Step => ({ boot: true, expect, label });
export const advance = (ms: number): Step => ({ advance: ms });

export const button = (id: number, expect?: Expect, label?: string): Step =>
  ({ event: { kind: "BUTTON", arg: id }, expect, label });

/** An input pin changes level (GPIO arg = pin | level << 8). */
export const gpioIn = (pin: number, level: number, expect?: Expect, label?: string): Step =>
  ({ event: { kind: "GPIO", arg: pin | ((level ? 1 : 0) << 8) }, expect, label });

export const linkFrame = (link: number, frame: Uint8Array, expect?: Expect, label?: string): Step =>
  ({ event: { kind: "LINK", arg: link, payload: frame }, expect, label });

/** 1 connected, 0 connection lost, negative: connect refused with that code. */
export const mqttState = (state: number, expect?: Expect, label?: string): Step =>
  ({ event: { kind: "MQTT_STATE", arg: state }, expect, label });

/** arg = topic length; payload = topic bytes then message bytes. */
export function mqttMessage(topic: string, message: Uint8Array | string, expect?: Expect, label?: string): Step {
  const t = utf8(topic), m = typeof message === "string" ? utf8(message) : message;
  const payload = new Uint8Array(t.length + m.length);
  payload.set(t); payload.set(m, t.length);
  return { event: { kind: "MQTT_MESSAGE", arg: t.length, payload }, expect, label };
}

/** An event of a kind the ABI does not define: every host refuses it (E_INVAL) unseen. */
export const unknownEvent = (kind: number, expect?: Expect, label?: string): Step =>
  ({ event: { kind, arg: 0 }, expect, label });

/** Broker's answer to a publish/subscribe: granted QoS 0..2, or 0x80 refused. */
export const mqttAck = (pid: number, granted: number, expect?: Expect, label?: string): Step =>
  ({ event: { kind: "MQTT_ACK", arg: pid, payload: Uint8Array.of(granted) }, expect, label });
