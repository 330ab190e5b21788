// The plots (uPlot): one chart per series (the meter's power and energy, each company's
// received readings, the power conditioner's generation and charge per partner, the
// printer's page balance), each redrawn when its series is pushed again.
import uPlot from "uplot";
import type { PageConnection, PageView, SeriesView } from "../../messages.ts";
import { el } from "../dom.ts";
import { timeLabels, xRange } from "./plot-span.ts";

interface Chart { box: HTMLElement; plot: uPlot | null; series: SeriesView }

export const plotsView: PageView = {
  name: "plots",
  mount(root: HTMLElement, conn: PageConnection) {
    root.classList.add("plots");
    const charts = new Map<string, Chart>();
    const width = (c: Chart) => Math.max(260, c.box.clientWidth - 16 || 360);

    const draw = (c: Chart) => {
      const s = c.series;
      c.box.dataset.points = String(s.x.length);
      c.box.querySelector(".count")!.textContent = `${s.x.length} points`;
      const data: uPlot.AlignedData = [s.x.map((t) => t / 1000), s.y];
      const empty = c.box.querySelector<HTMLElement>(".empty")!;
      empty.hidden = s.x.length > 0;
      if (c.plot) { c.plot.setData(data); return; }
      // Hidden (drawn when its tab shows) or nothing to draw yet.
      if (c.box.offsetParent === null || s.x.length === 0) return;
      c.plot = new uPlot({
        width: width(c), height: 180,
        // A minute at least: points at one time would stretch the axis to years.
        scales: { x: { time: true, range: (u, min, max) => xRange(u.data[0], min, max) } },
        series: [{}, { label: `${s.name} (${s.unit})`, stroke: "#2f5bd3", width: 1.5, points: { show: s.x.length < 60 } }],
        axes: [{ values: (_u, splits) => timeLabels(splits), space: 90 }, { label: s.unit, size: 76 }],
        legend: { show: false },
      }, data, c.box.querySelector<HTMLElement>(".chart")!);
    };

    conn.on("series", ({ series }) => {
      let c = charts.get(series.name);
      if (!c) {
        const box = el("figure", { class: "plot", "data-series": series.name },
          el("figcaption", {}, `${series.name} `, el("small", { class: "count" })),
          el("p", { class: "empty" }, "nothing received yet"), el("div", { class: "chart" }));
        root.append(box);
        c = { box, plot: null, series };
        charts.set(series.name, c);
      }
      c.series = series;
      draw(c);
    });

    window.addEventListener("resize", () => {
      for (const c of charts.values()) {
        if (c.plot) c.plot.setSize({ width: width(c), height: 180 });
        else draw(c);
      }
    });
  },
};
