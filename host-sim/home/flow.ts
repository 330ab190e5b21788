// The home's message flow: every message between two actors (or a note on one lane) as a
// FlowMessage, made where it happens (radio, LAN, MQTT, HTTP, UDP, the home's notes).
// The terminal's free-text FlowLine is derived from each message; the page gets the
// messages themselves, with identical errors in a row collapsed into one with a count.
import type { FlowMessage, FlowProtocol } from "../web/messages.ts";

/** One line of the terminal's flow (and of tests that read it as text). */
export interface FlowLine { t: number; via: FlowProtocol; text: string }

/** A message as its source makes it: the log gives it its id and time. */
export type FlowDraft = Omit<FlowMessage, "id" | "t" | "count">;

/** A note on one actor's lane (from = to); "home" is the home's own lane. */
export function flowNote(protocol: FlowProtocol, text: string, actor = "home", error?: boolean): FlowDraft {
  return { protocol, from: actor, to: actor, summary: text, ...(error ? { error } : {}) };
}

/** The terminal's line of a message: "from -> to  summary", or a note's text alone. */
export function flowLine(m: FlowMessage): FlowLine {
  return { t: m.t, via: m.protocol, text: m.from === m.to ? m.summary : `${m.from} -> ${m.to}  ${m.summary}` };
}

const KEEP = 2000;

export class FlowLog {
  /** The latest messages (a collapsed repeat is one entry whose count grows). */
  readonly messages: FlowMessage[] = [];
  private nextId = 1;
  private readonly listeners: ((m: FlowMessage) => void)[] = [];

  /** Called with every new message, and again (same id, higher count) with an error
   *  message each time an identical one collapses into it. */
  onMessage(l: (m: FlowMessage) => void): void { this.listeners.push(l); }

  add(d: FlowDraft, t = Date.now()): FlowMessage {
    const last = this.messages.at(-1);
    let m: FlowMessage;
    if (d.error && last?.error && sameMessage(last, d)) {
      last.count = (last.count ?? 1) + 1;
      last.t = t;
      m = last;
    } else {
      m = { id: this.nextId++, t, ...d };
      this.messages.push(m);
      if (this.messages.length > KEEP) this.messages.splice(0, KEEP / 2);
    }
    for (const l of this.listeners) l(m);
    return m;
  }
}

function sameMessage(a: FlowMessage, b: FlowDraft): boolean {
  return a.protocol === b.protocol && a.from === b.from && a.to === b.to && a.summary === b.summary
    && JSON.stringify(a.fields ?? {}) === JSON.stringify(b.fields ?? {});
}
