// The time controls: the home's clock (speed, pause, a single step to the next timer of
// any device) and the broker's and the cloud's outages as switches. Pushed when any of
// them changes; the page moves the shown time on by itself between pushes.
import type { Home } from "../../home/world.ts";
import type { ClockView, Feed, ServerMessage, ClientMessage, Reply } from "../messages.ts";
import { changesOf, LastSent } from "./changes.ts";
import { recorderOf } from "../../home/home-recorder.ts";

export function clockFeed(home: Home): Feed {
  const clock = home.clock;
  const sent = new LastSent<Omit<ClockView, "homeMs">>();
  const view = (): ClockView => ({
    speed: clock?.speed ?? 1, paused: clock?.paused ?? false,
    homeMs: home.homeNow(),
    brokerUp: home.brokerUpNow, cloudUp: home.cloudUpNow,
    // The home's recorder (host-sim/home/home-recorder.ts) tells; its start and stop are
    // flow notes, so the clock looks again then.
    recording: recorderOf(home).recording,
  });
  let push: (m: ServerMessage) => void = () => {};
  const show = (always: boolean) => {
    const v = view();
    const { homeMs: _, ...rest } = v;
    if (sent.changed("clock", rest) || always) push({ t: "clock", clock: v });
  };
  return {
    attach(p) {
      push = p;
      clock?.onChange(() => show(true));
      changesOf(home).on(() => show(false));
    },
    initial: () => { const v = view(); const { homeMs: _, ...rest } = v; sent.changed("clock", rest); return [{ t: "clock", clock: v }]; },
    async handle(m: ClientMessage): Promise<Reply | undefined> {
      if (m.t === "outage") {
        const up = m.part === "broker" ? home.brokerUpNow : home.cloudUpNow;
        if (up === m.up) return { text: `the ${m.part} is already ${up ? "up" : "down"}` };
        if (m.part === "broker") await (m.up ? home.brokerUp() : home.brokerDown());
        else await (m.up ? home.cloudUp() : home.cloudDown());
        show(false);
        return { text: `the ${m.part} is ${m.up ? "back" : "down"}` };
      }
      if (m.t !== "clock") return undefined;
      if (!clock) return { text: "this home runs on a virtual clock: its owner moves it", error: true };
      if (m.speed !== undefined) clock.setSpeed(m.speed);
      if (m.paused !== undefined) clock.setPaused(m.paused);
      if (m.step) {
        const at = await clock.step();
        return { text: at === null ? "no device has a timer armed: nothing to step to" : `stepped to ${(at / 1000).toFixed(3)} s of device time` };
      }
      return { text: `clock ${clock.paused ? "paused" : "running"} at ${clock.speed}×` };
    },
  };
}
