// The firmware consoles: each appliance's log lines and panics in device time, pushed
// per call that wrote any (host-sim/home/device-console.ts). A page that connects gets
// the latest lines of each; `{t: "console", device}` sends that device's whole ring.
import type { Home } from "../../home/world.ts";
import type { ClientMessage, ConsoleLine, Feed, Reply, ServerMessage } from "../messages.ts";
import { homeAppliances } from "./appliances.ts";

/** Lines per device a page that connects now gets (the ring keeps more). */
const INITIAL = 300;

export function consoleFeed(home: Home): Feed {
  const devices = homeAppliances(home).map((a) => a.device);
  const batch = (lines: ConsoleLine[]): ServerMessage => ({ t: "console", lines });
  let push: (m: ServerMessage) => void = () => {};
  return {
    attach(p) {
      push = p;
      for (const d of devices) d.console.onLines((lines) => push(batch(lines)));
    },
    initial: () => devices.map((d) => batch(d.console.lines.slice(-INITIAL))),
    async handle(m: ClientMessage): Promise<Reply | undefined> {
      if (m.t !== "console") return undefined;
      const d = devices.find((x) => x.o.name === m.device);
      if (!d) return { text: `no device "${m.device}" (${devices.map((x) => x.o.name).join(", ")})`, error: true };
      push(batch(d.console.lines.slice()));
      return { text: `${d.console.lines.length} lines of ${d.o.name}` };
    },
  };
}
