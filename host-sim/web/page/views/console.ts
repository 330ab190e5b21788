// Each device's firmware console, like `idf.py monitor`: its log lines in device time
// (seconds since the simulation started) with their level, a level filter and a device
// selector; a panic stands out with its message and line.
import type { ConsoleLine, LogLevel, PageConnection, PageView } from "../../messages.ts";
import { el } from "../dom.ts";
import { addStyle } from "./style.ts";

const LEVELS: LogLevel[] = ["error", "warn", "info", "debug"];
const LETTER: Record<LogLevel, string> = { error: "E", warn: "W", info: "I", debug: "D" };
const KEEP = 2000;

const CSS = `
.console-bar { display: flex; gap: 8px; align-items: center; font-size: 12px; margin-bottom: 6px; }
.console-lines { background: #0f172a; color: #e2e8f0; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; padding: 6px 8px; border-radius: 4px; max-height: 60vh; overflow: auto; white-space: pre-wrap; word-break: break-word; margin: 0; }
.console-lines .error { color: #fca5a5; }
.console-lines .warn { color: #fde68a; }
.console-lines .debug { color: #94a3b8; }
.console-lines .panic { background: #7f1d1d; color: #fff; font-weight: 600; }
`;

const stamp = (ms: number) => `(${(ms / 1000).toFixed(3).padStart(9)})`;

export const consoleView: PageView = {
  name: "console",
  mount(root: HTMLElement, conn: PageConnection) {
    addStyle("console", CSS);
    const byDevice = new Map<string, Map<number, ConsoleLine>>();
    const device = el("select", { "data-console-device": "" });
    const level = el("select", { "data-console-level": "" }, ...LEVELS.map((l) => el("option", { value: l, selected: l === "info" }, `${l} and above`)));
    const count = el("span", { class: "muted" });
    const out = el("pre", { class: "console-lines", "data-console-lines": "" });
    root.append(el("div", { class: "console-bar" }, el("label", {}, "device ", device), el("label", {}, "level ", level), count), out);

    const shown = (l: ConsoleLine) => LEVELS.indexOf(l.level) <= LEVELS.indexOf(level.value as LogLevel);
    const line = (l: ConsoleLine) => el("div", { class: l.panic ? "panic" : l.level, "data-level": l.level, "data-seq": String(l.seq), ...(l.panic ? { "data-panic": l.panic.message } : {}) },
      `${LETTER[l.level]} ${stamp(l.simMs)} ${l.text}`);

    function addDevice(name: string): void {
      if (byDevice.has(name)) return;
      byDevice.set(name, new Map());
      device.append(el("option", { value: name }, name));
    }

    function redraw(): void {
      const lines = [...(byDevice.get(device.value)?.values() ?? [])];
      const visible = lines.filter(shown);
      out.replaceChildren(...visible.map(line));
      count.textContent = `${visible.length} of ${lines.length} lines`;
      out.scrollTop = out.scrollHeight;
    }

    device.addEventListener("change", () => { redraw(); void conn.request({ t: "console", device: device.value }); });
    level.addEventListener("change", redraw);
    conn.on("panel", ({ panel }) => { const first = byDevice.size === 0; addDevice(panel.device); if (first) redraw(); });
    conn.on("console", ({ lines }) => {
      const fresh: ConsoleLine[] = [];
      for (const l of lines) {
        addDevice(l.device);
        const ring = byDevice.get(l.device)!;
        if (ring.has(l.seq)) continue;
        ring.set(l.seq, l);
        if (ring.size > KEEP) ring.delete(ring.keys().next().value!);
        if (l.device === device.value) fresh.push(l);
      }
      if (fresh.length === 0) return;
      // Lines arrive in order except when a device's whole ring comes after its newest.
      const ring = byDevice.get(device.value)!;
      const last = [...ring.keys()].at(-1);
      if (fresh.some((l, i) => i > 0 && l.seq < fresh[i - 1].seq) || (last !== undefined && fresh.at(-1)!.seq !== last)) { redraw(); return; }
      const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
      out.append(...fresh.filter(shown).map(line));
      while (out.childElementCount > KEEP) out.firstElementChild!.remove();
      count.textContent = `${out.childElementCount} of ${ring.size} lines`;
      if (atBottom) out.scrollTop = out.scrollHeight;
    });
  },
};
