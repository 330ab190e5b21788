// The page's end of the WebSocket: actions out with an id, their replies matched back,
// every other message handed to the views that asked for its kind. A lost connection
// (the home restarted) is tried again; the views then get the new home's initial state.
import type { ClientMessage, PageConnection, Reply, ServerMessage, WithoutId } from "../messages.ts";

type Listener = (m: ServerMessage) => void;

export class SocketConnection implements PageConnection {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private readonly listeners = new Map<string, Listener[]>();
  /** Every message received so far, by kind, for views that subscribe late. */
  private readonly received = new Map<string, ServerMessage[]>();
  private readonly queue: string[] = [];

  constructor(private readonly url: string, private readonly onState: (open: boolean) => void) { this.connect(); }

  request(m: WithoutId<ClientMessage>): Promise<Reply> {
    const id = this.nextId++;
    const text = JSON.stringify({ ...m, id });
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text); else this.queue.push(text);
    });
  }

  on<T extends ServerMessage["t"]>(t: T, f: (m: Extract<ServerMessage, { t: T }>) => void): void {
    const l = f as Listener;
    (this.listeners.get(t) ?? this.listeners.set(t, []).get(t)!).push(l);
    for (const m of this.received.get(t) ?? []) l(m);
  }

  private connect(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.onState(true);
      // A new home (or the same one again) sends everything afresh.
      this.received.clear();
      for (const text of this.queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as ServerMessage);
    ws.onclose = () => {
      this.onState(false);
      for (const [id, resolve] of this.waiting) { resolve({ text: "the home went away", error: true }); this.waiting.delete(id); }
      setTimeout(() => this.connect(), 1000);
    };
  }

  private receive(m: ServerMessage): void {
    if (m.t === "reply") {
      const r = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      r?.({ text: m.text, error: m.error });
      return;
    }
    const kept = this.received.get(m.t) ?? this.received.set(m.t, []).get(m.t)!;
    kept.push(m);
    if (kept.length > 5000) kept.splice(0, 2500);
    for (const l of this.listeners.get(m.t) ?? []) l(m);
  }
}
