// Each device's flash: its pages (fill and wear, the erase count since the simulation
// started) and its records by name, owner, type and reset class, with their values;
// a secret shows as ••• (the server never sends its bytes). Refreshed after every call
// that wrote the flash.
import type { FlashView, PageConnection, PageView } from "../../messages.ts";
import { el } from "../dom.ts";
import { addStyle } from "./style.ts";

const CSS = `
.flash-bar { display: flex; gap: 8px; align-items: center; font-size: 12px; margin-bottom: 6px; }
.flash-pages { display: grid; grid-template-columns: repeat(16, minmax(34px, 1fr)); gap: 3px; margin-bottom: 8px; }
.flash-page { border: 1px solid var(--line, #ddd); border-radius: 3px; height: 44px; position: relative; background: #fff; font: 10px ui-monospace, monospace; overflow: hidden; }
.flash-page .fill { position: absolute; left: 0; right: 0; bottom: 0; background: #c7d7fb; }
.flash-page span { position: relative; display: block; text-align: center; line-height: 14px; }
.flash-records { border-collapse: collapse; width: 100%; font-size: 12px; }
.flash-records th { text-align: left; background: #f4f6fa; position: sticky; top: 0; }
.flash-records td, .flash-records th { border-bottom: 1px solid #eee; padding: 2px 6px; vertical-align: top; }
.flash-records td.value { font-family: ui-monospace, monospace; word-break: break-all; }
.flash-records tr.scrubbed, .flash-records tr.bad-crc { color: #98a2b3; }
.flash-records tr.secret td.value { color: #b42318; letter-spacing: 2px; }
.flash-table { max-height: 50vh; overflow: auto; }
`;

const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;

export const flashView: PageView = {
  name: "flash",
  mount(root: HTMLElement, conn: PageConnection) {
    addStyle("flash", CSS);
    const device = el("select", { "data-flash-device": "" });
    const note = el("span", { class: "muted" });
    const pages = el("div", { class: "flash-pages", "data-flash-pages": "" });
    const body = el("tbody");
    const table = el("table", { class: "flash-records", "data-flash-records": "" },
      el("thead", {}, el("tr", {}, ...["id", "name", "owner", "type", "reset class", "size", "state", "value"].map((h) => el("th", {}, h)))), body);
    root.append(el("div", { class: "flash-bar" }, el("label", {}, "device ", device), note), pages, el("div", { class: "flash-table" }, table));
    const devices = new Set<string>();

    const ask = async () => {
      if (!device.value) return;
      const r = await conn.request({ t: "flash", device: device.value });
      if (r.error) note.textContent = r.text;
      note.classList.toggle("error", !!r.error);
    };

    function draw(v: FlashView): void {
      const live = v.records.filter((r) => r.state === "live").length;
      note.textContent = `${live} live records, ${v.records.length - live} scrubbed or unreadable; ${v.pages.reduce((n, p) => n + p.eraseCount, 0)} page erases since the simulation started`;
      pages.replaceChildren(...v.pages.map((p) => {
        const pct = Math.round((100 * p.usedBytes) / p.sizeBytes);
        return el("div", { class: "flash-page", "data-page": String(p.index), "data-erases": String(p.eraseCount), title: `page ${p.index}: ${p.usedBytes} of ${p.sizeBytes} bytes used, erased ${p.eraseCount} times` },
          el("div", { class: "fill", style: `height:${pct}%` }), el("span", {}, `p${p.index}`), el("span", {}, `${pct}%`), el("span", {}, `e${p.eraseCount}`));
      }));
      body.replaceChildren(...v.records.map((r) => el("tr", { class: `${r.state}${r.secret ? " secret" : ""}`, "data-record": r.name, "data-state": r.state },
        el("td", {}, hex(r.key)), el("td", {}, r.name), el("td", {}, r.owner), el("td", {}, r.type), el("td", {}, r.resetClass),
        el("td", {}, `${r.size} B`), el("td", {}, r.state), el("td", { class: "value" }, r.value))));
    }

    device.addEventListener("change", () => void ask());
    conn.on("panel", ({ panel }) => {
      if (devices.has(panel.device)) return;
      devices.add(panel.device);
      device.append(el("option", { value: panel.device }, panel.device));
      if (devices.size === 1) void ask();
    });
    conn.on("flash", ({ view }) => { if (view.device === device.value) draw(view); });
  },
};
