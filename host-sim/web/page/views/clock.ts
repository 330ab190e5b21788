// The time controls in the page's header: the home's time, its speed, pause and a single
// step to the next device timer, and the broker's and the cloud's outages as switches.
import type { ClockView, PageConnection, PageView } from "../../messages.ts";
import { el } from "../dom.ts";

const SPEEDS = [0.25, 0.5, 1, 2, 5, 10, 60];

export const clockView: PageView = {
  name: "clock",
  mount(root: HTMLElement, conn: PageConnection) {
    let last: ClockView | null = null;
    let receivedAt = 0;
    const time = el("output", { class: "time", "data-clock": "time", title: "the home's time (UTC)", "aria-label": "the home's time" }, "--:--:--");
    const speed = el("select", { "data-clock": "speed", title: "device time per real second" },
      ...SPEEDS.map((s) => el("option", { value: String(s) }, `${s}×`)));
    const pause = el("button", { "data-clock": "pause", title: "pause or resume the simulated clock", "aria-pressed": "false" }, "pause");
    const step = el("button", { "data-clock": "step", title: "run the next timer of any device", disabled: true }, "step");
    const switchFor = (part: "broker" | "cloud") => {
      const box = el("input", { type: "checkbox", "data-outage": part, checked: true, title: `clear: a ${part} outage; check: the ${part} comes back` });
      box.addEventListener("change", () => void conn.request({ t: "outage", part, up: box.checked }));
      return { box, label: el("label", { class: "switch" }, box, ` ${part} up`) };
    };
    const broker = switchFor("broker"), cloud = switchFor("cloud");
    const note = el("small", { class: "clock-note" });
    speed.addEventListener("change", () => void conn.request({ t: "clock", speed: Number(speed.value) }));
    pause.addEventListener("click", () => void conn.request({ t: "clock", paused: !(last?.paused ?? false) }));
    step.addEventListener("click", async () => { const r = await conn.request({ t: "clock", step: true }); note.textContent = r.text; });
    root.append(time, speed, pause, step, broker.label, cloud.label, note);

    // The shown time moves on between pushes at the clock's speed (the page's own ticking:
    // the home pushes only when something changes).
    const tick = () => {
      if (!last) return;
      const ms = last.paused ? last.homeMs : last.homeMs + (Date.now() - receivedAt) * last.speed;
      time.textContent = new Date(ms).toISOString().slice(11, 19);
    };
    setInterval(tick, 250);

    conn.on("clock", ({ clock }) => {
      last = clock;
      receivedAt = Date.now();
      if (!SPEEDS.includes(clock.speed)) speed.append(el("option", { value: String(clock.speed) }, `${clock.speed}×`));
      speed.value = String(clock.speed);
      pause.textContent = clock.paused ? "resume" : "pause";
      pause.setAttribute("aria-pressed", String(clock.paused));
      root.classList.toggle("paused", clock.paused);
      step.disabled = !clock.paused;
      broker.box.checked = clock.brokerUp;
      cloud.box.checked = clock.cloudUp;
      broker.label.classList.toggle("down", !clock.brokerUp);
      cloud.label.classList.toggle("down", !clock.cloudUp);
      tick();
    });
  },
};
