// A device's firmware console, like `idf.py monitor`: every log line the image wrote, in
// device time with its level, and its panics (the board's abort: message, line and
// column; images carry no file names, scripts/abort-files.mjs). A bounded ring per device.
import type { DeviceCall } from "../device/runner-types.ts";
import type { ConsoleLine, LogLevel } from "../web/messages.ts";

/** The board ABI's log levels (boards/ABI.md, log): 0 error .. 3 debug. */
export const LOG_LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

export const CONSOLE_LINES = 2000;

export class DeviceConsole {
  readonly lines: ConsoleLine[] = [];
  private seq = 0;
  private readonly listeners: ((lines: ConsoleLine[]) => void)[] = [];

  constructor(readonly device: string, private readonly keep = CONSOLE_LINES) {}

  /** Called with the lines of each call that wrote any. */
  onLines(l: (lines: ConsoleLine[]) => void): void { this.listeners.push(l); }

  /** The lines of one call into the image: its logs, and its panic if it died of one. */
  take(c: DeviceCall): ConsoleLine[] {
    const out: ConsoleLine[] = [];
    const line = (level: LogLevel, text: string, panic?: ConsoleLine["panic"]) =>
      out.push({ device: this.device, seq: ++this.seq, simMs: Math.floor(c.simMs), level, text, ...(panic ? { panic } : {}) });
    for (const o of c.outputs) {
      if (o.t === "log") line(LOG_LEVELS[o.level] ?? "debug", o.text);
      else if (o.t === "panic") {
        // Line 0 is a trap (unreachable, out of bounds): the message says which.
        const at = o.line > 0 ? ` at line ${o.line}:${o.col}` : "";
        line("error", `panic: ${o.text}${at}`, { message: o.text, ...(o.line > 0 ? { line: o.line } : {}) });
      }
    }
    if (out.length === 0) return out;
    this.lines.push(...out);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    for (const l of this.listeners) l(out);
    return out;
  }
}
