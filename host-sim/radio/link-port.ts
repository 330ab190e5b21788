// A phone's end of one radio link to one device: frames from the device queue here until
// the app reads them; request() sends a frame and awaits the answer (the model of
// host-sim/home/router.ts LanPort).
export class LinkPort {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((f: Uint8Array) => void) | null = null;

  constructor(
    /** What the port is, for messages ("alice BLE printer"). */
    readonly label: string,
    private readonly sendFrame: (frame: Uint8Array) => Promise<number | null>,
  ) {}

  /** Sends one frame; resolves with the device's result for that event (null: it was down). */
  send(frame: Uint8Array): Promise<number | null> { return this.sendFrame(frame); }

  /** The next frame from the device; rejects after timeoutMs. */
  next(timeoutMs: number): Promise<Uint8Array> {
    const f = this.queue.shift();
    if (f) return Promise.resolve(f);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.waiter = null; reject(new Error(`${this.label}: no answer within ${timeoutMs} ms`)); }, timeoutMs);
      this.waiter = (x) => { clearTimeout(t); this.waiter = null; resolve(x); };
    });
  }

  /** Forgets frames not read yet, sends `frame` and resolves with the device's answer. The
   *  device answers in the same event, so the answer is queued when send resolves. */
  async request(frame: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
    this.clear();
    await this.send(frame);
    return this.next(timeoutMs);
  }

  /** Called by the model with a frame from the device. */
  deliver(f: Uint8Array): void { if (this.waiter) this.waiter(f); else this.queue.push(f); }
  clear(): void { this.queue.length = 0; }
  /** Frames waiting to be read. */
  get pending(): number { return this.queue.length; }
}
