// Appliance panels in a grid: each a small LCD with the appliance's screen, its buttons
// (clickable; keyboard shortcuts act on the selected panel), its pins as lamps, its link
// and cloud state, and a power switch (cut and restart).
import type { PageConnection, PageView, PanelView } from "../../messages.ts";
import { el } from "../dom.ts";

const KEY_LABEL: Record<string, string> = { ArrowUp: "↑", ArrowDown: "↓", Enter: "⏎", Escape: "Esc" };

export const panelsView: PageView = {
  name: "panels",
  mount(root: HTMLElement, conn: PageConnection) {
    const cards = new Map<string, HTMLElement>();
    const latest = new Map<string, PanelView>();
    let selected: string | null = null;
    const select = (device: string) => {
      selected = device;
      for (const [d, c] of cards) c.classList.toggle("selected", d === device);
    };
    const press = (device: string, button: string) => void conn.request({ t: "press", device, button });

    const draw = (p: PanelView): HTMLElement => {
      const lcd = el("pre", { class: "lcd", "data-screen": p.device, "aria-label": `${p.title}'s screen` }, p.screen || " ");
      const buttons = el("div", { class: "buttons" }, ...p.buttons.map((b) => {
        // Named for a screen reader, with its shortcut (which acts on the selected panel).
        const btn = el("button", { "data-button": b.name, "aria-label": `${b.name} on ${p.title}`, "aria-keyshortcuts": b.key,
          title: `press ${b.name}${b.key ? ` (key ${KEY_LABEL[b.key] ?? b.key} while this panel is selected)` : ""}` }, b.name, ...(b.key ? [el("kbd", { "aria-hidden": "true" }, KEY_LABEL[b.key] ?? b.key)] : []));
        btn.addEventListener("click", (e) => { e.stopPropagation(); select(p.device); press(p.device, b.name); });
        return btn;
      }));
      const pins = el("ul", { class: "pins" }, ...p.pins.map((pin) => {
        const li = el("li", { class: `pin ${pin.level ? "high" : "low"}${pin.command ? " input" : ""}`, "data-pin": String(pin.pin), title: pin.command ? `click: ${pin.command}` : `logical pin ${pin.pin} (${pin.dir})`,
          role: pin.command ? "button" : undefined, "aria-label": `${pin.name}: ${pin.level ? "high" : "low"}${pin.command ? ` (click: ${pin.command})` : ""}` },
          el("span", { class: "lamp" }), `${pin.name} `, el("small", {}, `${pin.dir} ${pin.level}`));
        // An input the home can change (the lock's door): a click flips it.
        if (pin.command) li.addEventListener("click", (e) => { e.stopPropagation(); void conn.request({ t: "command", line: pin.command! }); });
        return li;
      }));
      const links = el("ul", { class: "links" }, ...p.links.map((l) =>
        el("li", { class: /connected|HomeNet|wired|^installed|online/.test(l.state) && !/not/.test(l.state) ? "ok" : "off" }, `${l.name}: ${l.state}`)));
      const power = el("button", { class: `power ${p.power}`, "data-power": p.device, title: "power cut and restart", "aria-label": `cut the power of ${p.title} and restart it (now ${p.power})` }, p.power === "on" ? "power on" : "power off");
      power.addEventListener("click", (e) => { e.stopPropagation(); power.disabled = true; void conn.request({ t: "power", device: p.device }); });
      const card = el("article", { class: `panel power-${p.power}`, "data-panel": p.device, tabindex: "0", "aria-label": p.title,
        title: p.buttons.some((b) => b.key) ? "click to select: the keyboard's shortcuts then press this panel's buttons" : undefined },
        el("header", {}, el("h2", {}, p.title), el("small", {}, `${p.image} · ${p.host}`), power),
        lcd, buttons, pins, links);
      card.addEventListener("click", () => select(p.device));
      return card;
    };

    conn.on("panel", ({ panel }) => {
      latest.set(panel.device, panel);
      const card = draw(panel);
      const old = cards.get(panel.device);
      if (old) old.replaceWith(card); else root.append(card);
      cards.set(panel.device, card);
      if (selected === null) select(panel.device); else card.classList.toggle("selected", selected === panel.device);
    });

    document.addEventListener("keydown", (e) => {
      const t = e.target as HTMLElement;
      if (selected === null || e.ctrlKey || e.metaKey || e.altKey || t.closest("input, textarea, select")) return;
      const b = latest.get(selected)?.buttons.find((x) => x.key === e.key);
      if (!b) return;
      e.preventDefault();
      press(selected, b.name);
    });
  },
};
