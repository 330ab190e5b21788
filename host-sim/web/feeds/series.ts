// The plots' series, from what the home already knows: what the meter's front end
// measured at each of its calls (power and the energy register), what each company
// server received from the meter, what each partner received from the power conditioner
// (generation and charge), and the page balance the printer reports to the cloud (its
// outbox's mirror entries). Each series is pushed whenever it gained points.
import type { Home } from "../../home/world.ts";
import type { Feed, SeriesView, ServerMessage } from "../messages.ts";
import { METER_SERIAL } from "../../appliances/meter/panel.ts";
import { PCS_SERIAL } from "../../appliances/power-conditioner/panel.ts";
import { changesOf, LastSent } from "./changes.ts";

/** Points kept per series (the newest). */
const KEEP = 2000;

class Series {
  readonly x: number[] = [];
  readonly y: number[] = [];
  constructor(readonly name: string, readonly unit: string) {}
  add(x: number, y: number): void {
    this.x.push(x); this.y.push(y);
    if (this.x.length > KEEP) { this.x.splice(0, this.x.length - KEEP); this.y.splice(0, this.y.length - KEEP); }
  }
  view(): SeriesView { return { name: this.name, unit: this.unit, x: [...this.x], y: [...this.y] }; }
}

const lastOf = <T>(rows: T[]) => rows.slice(-KEEP);

export function seriesFeed(home: Home): Feed {
  const power = new Series("meter power", "W"), energy = new Series("meter energy", "Wh");
  const balance = new Series("printer page balance", "pages");
  const balanceSeqs = new Set<number>();

  /** Series read again from the servers' stores on every change. */
  const stored = (): SeriesView[] => {
    const out: SeriesView[] = [];
    for (const c of home.meterCloud?.companies ?? []) {
      const r = lastOf(c.readings(METER_SERIAL).filter((x) => x.wh !== undefined && x.wh !== null));
      out.push({ name: `${c.name}: received energy`, unit: "Wh", x: r.map((x) => x.t ?? x.received), y: r.map((x) => x.wh!) });
    }
    for (const p of home.pcsCloud?.partners ?? []) {
      const r = lastOf(p.readings(PCS_SERIAL));
      out.push({ name: `${p.name}: pcs generation`, unit: "W", x: r.map((x) => x.t), y: r.map((x) => x.pv) });
      out.push({ name: `${p.name}: pcs charge`, unit: "W", x: r.map((x) => x.t), y: r.map((x) => x.ch) });
    }
    return out;
  };
  const own = (): SeriesView[] => [
    ...(home.meter ? [power.view(), energy.view()] : []),
    ...(home.printer ? [balance.view()] : []),
  ];
  const all = () => [...own(), ...stored()];

  // A series only grows or slides: its length and its ends tell whether it changed,
  // without comparing every point.
  const sent = new LastSent<string>();
  const signature = (s: SeriesView) => `${s.x.length} ${s.x[0]} ${s.x.at(-1)} ${s.y[0]} ${s.y.at(-1)}`;
  return {
    attach(push: (m: ServerMessage) => void) {
      home.meter?.device.onCall((c) => {
        const s = c.time.meter?.[0];
        if (!s || c.time.wallMs < 0) return;
        power.add(c.time.wallMs, s.powerW);
        energy.add(c.time.wallMs, s.energyWh);
      });
      home.printer?.device.onCall((c) => {
        for (const o of c.outputs) {
          if (o.t !== "mqtt_publish" || !o.topic.endsWith("up/history")) continue;
          let e: { seq?: number; kind?: string; balance?: number };
          try { e = JSON.parse(Buffer.from(o.payload).toString()); } catch { continue; }
          // The outbox sends an entry again until it is acknowledged: one point per entry.
          if (e.kind !== "mirror" || typeof e.balance !== "number" || typeof e.seq !== "number" || balanceSeqs.has(e.seq)) continue;
          balanceSeqs.add(e.seq);
          balance.add(Math.floor(c.time.wallMs >= 0 ? c.time.wallMs : Date.now()), e.balance);
        }
      });
      changesOf(home).on(() => { for (const s of all()) if (sent.changed(s.name, signature(s))) push({ t: "series", series: s }); });
    },
    initial: () => all().map((s) => { sent.changed(s.name, signature(s)); return { t: "series", series: s } as const; }),
  };
}
