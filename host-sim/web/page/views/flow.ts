// The message flow as a sequence diagram: a lane per actor, each message an arrow from
// its sender's lane to its receiver's (a note sits on its lane), newest at the bottom.
// Filters by actor and by protocol; a click shows the message's decoded fields (secrets
// arrive masked). A repeated error is one arrow with its count.
import type { FlowMessage, FlowProtocol, PageConnection, PageView } from "../../messages.ts";
import { el } from "../dom.ts";
import { addStyle } from "./style.ts";

const LANE = 120;
const ROW = 26;
/** Width of a character of the labels' 11px monospace. */
const CHAR = 6.7;
const KEEP = 1500;
/** Lanes in the order people think of them; actors not listed follow as they appear. */
const ORDER = ["alice", "bob", "owner", "worker", "heater", "printer", "meter", "pcs", "lock", "hems", "router", "broker", "cloud", "booking", "home"];
const PROTOCOLS: FlowProtocol[] = ["LAN", "NFC", "BLE", "WFD", "WLAN", "UDP", "MQTT", "HTTP", "HOME"];
const SVG = "http://www.w3.org/2000/svg";

const CSS = `
.flow-bar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; font-size: 12px; margin-bottom: 6px; }
.flow-bar .protocols label { margin-right: 6px; }
.flow-wrap { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 8px; }
.flow-scroll { overflow: auto; max-height: 60vh; border: 1px solid var(--line, #ddd); border-radius: 4px; }
.flow-head { position: sticky; top: 0; background: #f4f6fa; z-index: 1; display: flex; font: 600 12px system-ui, sans-serif; border-bottom: 1px solid var(--line, #ddd); }
.flow-head span { text-align: center; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.flow-row { display: flex; align-items: center; cursor: pointer; }
.flow-row:hover { background: #eef3ff; }
.flow-row.selected { background: #dbe6ff; }
.flow-row .t { flex: none; width: 64px; font: 11px ui-monospace, monospace; color: #667; padding-left: 4px; }
.flow-row svg { flex: none; overflow: visible; }
.flow-row text { font: 11px ui-monospace, monospace; fill: #1f2937; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.flow-row:hover text { stroke: #eef3ff; }
.flow-row.selected text { stroke: #dbe6ff; }
.flow-row.error text { fill: #b42318; }
.flow-row line.lane { stroke: #d7dce5; }
.flow-row line.arrow { stroke: #3b63c4; stroke-width: 1.4; }
.flow-row.error line.arrow { stroke: #b42318; }
.flow-row rect.note { fill: #fff7d6; stroke: #e5c96a; }
.flow-detail { font-size: 12px; border: 1px solid var(--line, #ddd); border-radius: 4px; padding: 6px; align-self: start; max-height: 60vh; overflow: auto; }
.flow-detail table { border-collapse: collapse; width: 100%; }
.flow-detail td { border-top: 1px solid #eee; padding: 2px 4px; vertical-align: top; word-break: break-all; font-family: ui-monospace, monospace; }
.flow-detail td:first-child { color: #667; white-space: nowrap; word-break: normal; }
.flow-count { background: #b42318; color: #fff; border-radius: 8px; padding: 0 5px; font-size: 10px; margin-left: 4px; }
`;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const time = (t: number) => new Date(t).toISOString().slice(11, 23);

export const flowView: PageView = {
  name: "flow",
  mount(root: HTMLElement, conn: PageConnection) {
    addStyle("flow", CSS);
    const messages = new Map<number, FlowMessage>();
    const lanes: string[] = [];
    let selected: number | null = null;

    const actor = el("select", { "data-filter": "actor", title: "only messages from or to this actor" }, el("option", { value: "" }, "every actor"));
    const protocolBoxes = PROTOCOLS.map((p) => {
      const box = el("input", { type: "checkbox", checked: true, "data-protocol": p, title: `show ${p} messages` });
      box.addEventListener("change", redraw);
      return el("label", {}, box, ` ${p}`);
    });
    const counter = el("span", { class: "muted" });
    const head = el("div", { class: "flow-head" });
    const rows = el("div", { class: "flow-rows" });
    const scroll = el("div", { class: "flow-scroll" }, head, rows);
    const detail = el("div", { class: "flow-detail", "data-flow-detail": "" }, "Click a message to see its fields.");
    root.append(
      el("div", { class: "flow-bar" }, actor, el("span", { class: "protocols" }, ...protocolBoxes), counter),
      el("div", { class: "flow-wrap" }, scroll, detail),
    );
    actor.addEventListener("change", redraw);

    const shownProtocols = () => new Set(protocolBoxes.map((l) => l.querySelector("input")!).filter((b) => b.checked).map((b) => b.dataset.protocol));
    const visible = (m: FlowMessage, who: string, protocols: Set<string | undefined>) =>
      protocols.has(m.protocol) && (who === "" || m.from === who || m.to === who);

    function addLane(a: string): boolean {
      if (lanes.includes(a)) return false;
      lanes.push(a);
      const rank = (x: string) => { const i = ORDER.indexOf(x); return i < 0 ? ORDER.length : i; };
      lanes.sort((x, y) => rank(x) - rank(y));
      actor.append(el("option", { value: a }, a));
      return true;
    }

    function drawHead(): void {
      head.replaceChildren(el("span", { style: "width:64px" }, "time"), ...lanes.map((l) => el("span", { style: `width:${LANE}px`, "data-lane": l }, l)));
    }

    function drawRow(m: FlowMessage): HTMLElement {
      const w = lanes.length * LANE;
      const x = (a: string) => lanes.indexOf(a) * LANE + LANE / 2;
      const s = svg("svg", { width: w, height: ROW });
      for (const l of lanes) s.append(svg("line", { class: "lane", x1: x(l), x2: x(l), y1: 0, y2: ROW }));
      // Device ids are long and all alike: their first group tells them apart here (the
      // row's title and the click-through have them whole).
      const short = m.summary.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "$1…");
      const fit = (text: string, chars: number) => text.length > chars ? text.slice(0, Math.max(chars - 1, 4)) + "…" : text;
      const label = fit(short, 60);
      if (m.from === m.to) {
        const room = w - x(m.from) + LANE / 2 - 10;
        const text = fit(short, Math.floor((room - 10) / CHAR));
        s.append(svg("rect", { class: "note", x: x(m.from) - 6, y: 3, width: Math.max(text.length * CHAR + 10, 40), height: ROW - 6, rx: 3 }));
        s.append(svg("text", { x: x(m.from), y: ROW / 2 + 4 }, text));
      } else {
        const x1 = x(m.from), x2 = x(m.to), dir = x2 > x1 ? 1 : -1, y = ROW - 6;
        s.append(svg("line", { class: "arrow", x1, x2, y1: y, y2: y }));
        s.append(svg("path", { d: `M${x2} ${y} l${-7 * dir} -4 l0 8 z`, fill: m.error ? "#b42318" : "#3b63c4" }));
        s.append(svg("text", { x: Math.min(x1, x2) + 4, y: y - 5 }, label));
      }
      const row = el("div", { class: `flow-row${m.error ? " error" : ""}${m.id === selected ? " selected" : ""}`, "data-flow-id": String(m.id), "data-protocol": m.protocol, title: `${m.protocol} ${m.from} → ${m.to}: ${m.summary}` },
        el("span", { class: "t" }, time(m.t).slice(0, 8)), s);
      if ((m.count ?? 1) > 1) row.append(el("span", { class: "flow-count", "data-count": String(m.count) }, `×${m.count}`));
      row.addEventListener("click", () => show(m.id));
      return row;
    }

    function show(id: number): void {
      selected = id;
      for (const r of rows.querySelectorAll<HTMLElement>(".flow-row")) r.classList.toggle("selected", r.dataset.flowId === String(id));
      const m = messages.get(id);
      if (!m) return;
      const fields: [string, string][] = [
        ["time", time(m.t)], ["protocol", m.protocol], ["from", m.from], ["to", m.to], ["summary", m.summary],
        ...((m.count ?? 1) > 1 ? [["repeated", `${m.count} times`] as [string, string]] : []),
        ...Object.entries(m.fields ?? {}),
      ];
      detail.replaceChildren(el("table", {}, ...fields.map(([k, v]) => el("tr", { "data-field": k }, el("td", {}, k), el("td", {}, v)))));
    }

    function redraw(): void {
      drawHead();
      const who = actor.value, protocols = shownProtocols();
      const list = [...messages.values()].filter((m) => visible(m, who, protocols));
      rows.replaceChildren(...list.map(drawRow));
      counter.textContent = `${list.length} of ${messages.size} messages`;
    }

    conn.on("flow", ({ message: m }) => {
      const atBottom = scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 4;
      const old = messages.has(m.id);
      messages.set(m.id, m);
      if (messages.size > KEEP) for (const id of [...messages.keys()].slice(0, messages.size - KEEP)) { messages.delete(id); rows.querySelector(`[data-flow-id="${id}"]`)?.remove(); }
      const newLane = [addLane(m.from), addLane(m.to)].some(Boolean);
      if (newLane) redraw();
      else {
        const row = visible(m, actor.value, shownProtocols()) ? drawRow(m) : null;
        const existing = old ? rows.querySelector(`[data-flow-id="${m.id}"]`) : null;
        if (existing && row) existing.replaceWith(row);
        else if (existing) existing.remove();
        else if (row) rows.append(row);
        counter.textContent = `${rows.childElementCount} of ${messages.size} messages`;
      }
      if (selected === m.id) show(m.id);
      if (atBottom) scroll.scrollTop = scroll.scrollHeight;
    });
  },
};
