// The appliances' panels: each one's screen, buttons, pins, links and power, pushed
// whenever a call into it changed any of them. Pressing a button and the power switch
// are this feed's actions.
import type { Home } from "../../home/world.ts";
import type { Feed, PanelView, ServerMessage, ClientMessage, Reply } from "../messages.ts";
import type { HomeDevice } from "../../home/home-device.ts";
import { homeAppliances, type HomeAppliance } from "./appliances.ts";
import { changesOf, LastSent } from "./changes.ts";

/** The keyboard shortcut shown on a button: the arrows, Enter, Escape, digits, a name's
 *  last digit, and the first free letter of its name otherwise. */
export function shortcuts(names: readonly string[]): Record<string, string> {
  const fixed: Record<string, string> = { up: "ArrowUp", down: "ArrowDown", ok: "Enter", back: "Escape" };
  const keys: Record<string, string> = {};
  const used = new Set<string>();
  for (const n of names) if (fixed[n] || /^\d$/.test(n)) { keys[n] = fixed[n] ?? n; used.add(keys[n]); }
  for (const n of names) {
    if (keys[n]) continue;
    // select1..select3: their digit.
    const digit = /(\d)$/.exec(n)?.[1];
    if (digit && !used.has(digit)) { keys[n] = digit; used.add(digit); continue; }
    const c = [...n.toLowerCase()].find((ch) => /[a-z]/.test(ch) && !used.has(ch));
    if (c) { keys[n] = c; used.add(c); }
  }
  return keys;
}

function mqttText(m: HomeDevice["mqtt"]): string {
  return m === "none" ? "MQTT not connected" : typeof m === "string" ? `MQTT ${m}` : `MQTT refused (${m.refused})`;
}

class Panel {
  restarting = false;
  readonly keys: Record<string, string>;

  constructor(readonly a: HomeAppliance) { this.keys = shortcuts(Object.keys(a.buttons)); }

  view(): PanelView {
    const { a } = this, d = a.device;
    const links = [
      { name: "network", state: a.network() },
      { name: "cloud", state: mqttText(d.mqtt) },
    ];
    if (a.installed) links.push({ name: "install", state: a.installed() ? "installed" : "not installed" });
    const power = d.state.up && !this.restarting ? "on" : "off";
    return {
      device: a.name, title: a.title, image: d.o.image, host: d.o.host, power,
      // A board without power shows nothing (its last screen is kept for its next call).
      screen: power === "on" ? d.screen : "",
      buttons: Object.entries(a.buttons).map(([name, id]) => ({ name, id, key: this.keys[name] })),
      pins: a.pins.map(({ flip, ...p }) => {
        const level = (p.dir === "out" ? d.pins : d.inputs).get(p.pin) ?? 0;
        return { ...p, level, ...(flip ? { command: flip(level) } : {}) };
      }),
      links,
    };
  }
}

export function panelsFeed(home: Home): Feed {
  const panels = homeAppliances(home).map((a) => new Panel(a));
  const sent = new LastSent<PanelView>();
  let push: (m: ServerMessage) => void = () => {};
  const show = (p: Panel) => { const v = p.view(); if (sent.changed(v.device, v)) push({ t: "panel", panel: v }); };
  const find = (device: string) => panels.find((p) => p.a.name === device);
  return {
    attach(p) {
      push = p;
      for (const panel of panels) panel.a.device.onCall(() => show(panel));
      // Links and installations change without a call into the device (an installer's
      // visit, the lock's network going).
      changesOf(home).on(() => { for (const panel of panels) show(panel); });
    },
    initial: () => panels.map((p) => { const v = p.view(); sent.changed(v.device, v); return { t: "panel", panel: v } as const; }),
    async handle(m: ClientMessage): Promise<Reply | undefined> {
      if (m.t === "press") {
        const p = find(m.device);
        if (!p) return { text: `no appliance "${m.device}"`, error: true };
        const id = p.a.buttons[m.button];
        if (id === undefined) return { text: `the ${p.a.title} has no button "${m.button}"`, error: true };
        await p.a.device.press(id);
        return { text: "" };
      }
      if (m.t === "power") {
        const p = find(m.device);
        if (!p) return { text: `no appliance "${m.device}"`, error: true };
        p.restarting = true;
        show(p);
        try { await p.a.powerCycle(); } finally { p.restarting = false; show(p); }
        return { text: `${p.a.title}: power cut and restarted` };
      }
      return undefined;
    },
  };
}
