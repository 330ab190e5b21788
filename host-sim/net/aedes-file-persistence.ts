// A file-backed persistence for the embedded broker, so that a persistent session (the
// cloud's: clean=false, fixed client id) and the QoS 1 messages queued for it survive a
// broker stop/start in the same data directory, as with mosquitto's persistence file.
//
// Why our own: of aedes 1.x's persistence packages, redis and mongodb need a server, and
// aedes-persistence-level brings a native LevelDB build (classic-level) and the
// unmaintained msgpack-lite into what is only the simulator's broker. This one is
// aedes-persistence's in-memory store (the reference implementation) plus a snapshot of
// what a session needs (subscriptions, queued outgoing packets, retained messages)
// written atomically after every change (coalesced within one event-loop turn) and on
// close, and loaded at start. QoS 2 in-flight state and wills are not kept: nothing here
// uses them.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MemoryPersistence from "aedes-persistence/asyncPersistence.js";
import { CallBackPersistence } from "aedes-persistence/callBackPersistence.js";

interface StoredPacket { topic: string; payload: string; qos: number; retain: boolean; brokerId?: string; brokerCounter?: number }
interface Snapshot {
  version: 1;
  subscriptions: Record<string, { topic: string; qos: number; rh?: number; rap?: number; nl?: number }[]>;
  outgoing: Record<string, StoredPacket[]>;
  retained: StoredPacket[];
}

type Packet = { topic: string; payload: Buffer; qos: number; retain: boolean; brokerId?: string; brokerCounter?: number };
type ClientRef = { id: string };

const toStored = (p: Packet): StoredPacket =>
  ({ topic: p.topic, payload: Buffer.from(p.payload).toString("base64"), qos: p.qos, retain: p.retain, brokerId: p.brokerId, brokerCounter: p.brokerCounter });
const fromStored = (p: StoredPacket): Packet =>
  ({ cmd: "publish", topic: p.topic, payload: Buffer.from(p.payload, "base64"), qos: p.qos, retain: p.retain, brokerId: p.brokerId, brokerCounter: p.brokerCounter } as Packet);

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

class FileStore extends MemoryPersistence {
  private readonly clients = new Set<string>();
  private readonly retainedTopics = new Set<string>();
  private dirty = false;
  private saving: Promise<void> | null = null;

  constructor(private readonly file: string) { super(); }

  async setup(broker: unknown): Promise<void> {
    await super.setup(broker);
    let snap: Snapshot | null = null;
    try { snap = JSON.parse(readFileSync(this.file, "utf8")) as Snapshot; } catch { /* first start */ }
    if (!snap || snap.version !== 1) return;
    for (const [id, subs] of Object.entries(snap.subscriptions)) {
      this.clients.add(id);
      await super.addSubscriptions({ id } as never, subs as never);
    }
    for (const [id, packets] of Object.entries(snap.outgoing)) {
      this.clients.add(id);
      for (const p of packets) await super.outgoingEnqueue({ clientId: id } as never, fromStored(p) as never);
    }
    for (const p of snap.retained) { this.retainedTopics.add(p.topic); await super.storeRetained(fromStored(p) as never); }
  }

  async storeRetained(p: Packet): Promise<void> { await super.storeRetained(p as never); this.retainedTopics.add(p.topic); this.changed(); }
  async addSubscriptions(c: ClientRef, subs: unknown[]): Promise<void> { await super.addSubscriptions(c as never, subs as never); this.clients.add(c.id); this.changed(); }
  async removeSubscriptions(c: ClientRef, subs: string[]): Promise<void> { await super.removeSubscriptions(c as never, subs as never); this.changed(); }
  async cleanSubscriptions(c: ClientRef): Promise<void> { await super.cleanSubscriptions(c as never); this.changed(); }
  async outgoingEnqueue(sub: { clientId: string }, p: Packet): Promise<void> { await super.outgoingEnqueue(sub as never, p as never); this.clients.add(sub.clientId); this.changed(); }
  async outgoingEnqueueCombi(subs: { clientId: string }[], p: Packet): Promise<void> {
    await super.outgoingEnqueueCombi(subs as never, p as never);
    for (const s of subs) this.clients.add(s.clientId);
    this.changed();
  }
  async outgoingUpdate(c: ClientRef, p: Packet): Promise<void> { await super.outgoingUpdate(c as never, p as never); this.changed(); }
  async outgoingClearMessageId(c: ClientRef, p: Packet): Promise<unknown> { const r = await super.outgoingClearMessageId(c as never, p as never); this.changed(); return r; }

  /** Resolves when everything changed so far is in the file. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
    if (this.dirty) { this.changed(); await this.saving; }
  }

  private changed(): void {
    this.dirty = true;
    if (this.saving) return;
    this.saving = (async () => {
      await new Promise((r) => setImmediate(r));
      while (this.dirty) {
        this.dirty = false;
        await this.write();
      }
      this.saving = null;
    })();
  }

  private async write(): Promise<void> {
    const snap: Snapshot = { version: 1, subscriptions: {}, outgoing: {}, retained: [] };
    for (const id of this.clients) {
      const subs = await super.subscriptionsByClient({ id } as never) as Snapshot["subscriptions"][string];
      if (subs.length > 0) snap.subscriptions[id] = subs.map((s) => ({ topic: s.topic, qos: s.qos, rh: s.rh, rap: s.rap, nl: s.nl }));
      const queued = await collect<Packet>(super.outgoingStream({ id } as never) as AsyncIterable<Packet>);
      if (queued.length > 0) snap.outgoing[id] = queued.map(toStored);
    }
    for (const topic of this.retainedTopics) {
      const found = await collect<Packet>(super.createRetainedStream(topic) as AsyncIterable<Packet>);
      snap.retained.push(...found.map(toStored));
    }
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(snap));
    renameSync(tmp, this.file);
  }
}

export interface FilePersistence {
  /** What aedes gets as its `persistence` option. */
  persistence: unknown;
  /** Writes what is pending; call after the broker closed. */
  flush(): Promise<void>;
}

/** A persistence kept in `dir`/aedes-sessions.json. */
export function filePersistence(dir: string): FilePersistence {
  let store: FileStore | null = null;
  const persistence = new CallBackPersistence(() => (store = new FileStore(join(dir, "aedes-sessions.json"))));
  return { persistence, flush: () => store?.flush() ?? Promise.resolve() };
}
