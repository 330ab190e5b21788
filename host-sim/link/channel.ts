// A device link over a byte stream pair (a child's stdio today, a serial port later):
// frames out, decoded board messages in, awaited one at a time.
import type { Readable, Writable } from "node:stream";
import { encodeFrame, FrameDecoder } from "./codec.ts";
import { decodeBoardFrame, type BoardMessage, type OutFrame } from "./messages.ts";

export class LinkChannel {
  private readonly decoder = new FrameDecoder();
  private readonly queue: BoardMessage[] = [];
  private waiter: ((m: BoardMessage | Error) => void) | null = null;
  private failure: Error | null = null;

  constructor(input: Readable, private readonly output: Writable) {
    input.on("data", (chunk: Buffer) => {
      try {
        for (const f of this.decoder.push(chunk)) this.deliver(decodeBoardFrame(f));
      } catch (e) {
        this.fail(e as Error);
      }
    });
    input.on("end", () => this.fail(new Error("device link closed")));
    input.on("error", (e) => this.fail(e));
    // A board that lost power or panicked has closed its end: a late write must end the
    // link, not the simulator (EPIPE arrives as an event, not as a throw).
    output.on("error", (e) => this.fail(e));
  }

  send(f: OutFrame): void {
    this.output.write(encodeFrame(f.type, f.payload));
  }

  /** The next message from the board; rejects when the link ends or after timeoutMs. */
  next(timeoutMs: number): Promise<BoardMessage> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no answer on the device link within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (x) => {
        clearTimeout(timer);
        this.waiter = null;
        if (x instanceof Error) reject(x); else resolve(x);
      };
    });
  }

  /** Ends the link from this side, e.g. when the process behind it has exited. */
  fail(e: Error): void {
    this.failure ??= e;
    this.waiter?.(this.failure);
  }

  private deliver(m: BoardMessage): void {
    if (this.waiter) this.waiter(m); else this.queue.push(m);
  }
}
