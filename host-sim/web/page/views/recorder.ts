// The recorder tab: a switch that records a session of every recordable device (each is
// power-cycled first, so its recording starts from a boot) and, when it stops, the files
// written with the command that replays each (README, "Record and replay").
import type { PageConnection, PageView } from "../../messages.ts";
import { el } from "../dom.ts";

export const recorderView: PageView = {
  name: "recorder",
  mount(root: HTMLElement, conn: PageConnection) {
    let recording = false;
    const button = el("button", { "data-record": "toggle", title: "record a scenario per device (each restarts from a boot)" }, "start recording");
    const state = el("span", { class: "record-state", "data-record": "state" }, "not recording");
    const log = el("pre", { class: "record-log", "data-record": "log" });
    const help = el("p", { class: "record-help" },
      "Recording power-cycles each device so that it starts from a boot; stopping writes one scenario file per device. ",
      "Replay one with npm run replay -- <file> (ts and posix); drop it into test/recorded/ to keep it as a test.");
    const show = () => {
      button.textContent = recording ? "stop recording" : "start recording";
      state.textContent = recording ? "● recording" : "not recording";
      root.classList.toggle("recording", recording);
    };
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const r = await conn.request({ t: "record", on: !recording });
        log.textContent = `${r.text}\n${log.textContent ?? ""}`.trim();
        log.classList.toggle("error", !!r.error);
      } finally { button.disabled = false; }
    });
    conn.on("clock", ({ clock }) => { recording = clock.recording; show(); });
    root.append(el("div", { class: "record-bar" }, button, state), help, log);
    show();
  },
};
