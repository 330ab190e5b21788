// The page's record switch (ClientMessage "record"): starts recording every recordable
// device of the home (each is power-cycled to start from a boot) or stops and writes one
// scenario file per device (host-sim/home/home-recorder.ts). Whether it records reaches
// the page in the clock's `recording`; the files written, in this action's reply.
import type { Home } from "../../home/world.ts";
import type { Feed, ClientMessage, Reply } from "../messages.ts";
import { recorderOf } from "../../home/home-recorder.ts";

export function recorderFeed(home: Home): Feed {
  return {
    attach() {},
    initial: () => [],
    async handle(m: ClientMessage): Promise<Reply | undefined> {
      if (m.t !== "record") return undefined;
      const r = recorderOf(home);
      if (m.on) {
        if (r.recording) return { text: `already recording ${r.devices.join(", ")}` };
        const text = await r.start();
        return r.recording ? { text } : { text, error: true };
      }
      if (!r.recording) return { text: "not recording" };
      const { text, files } = r.stop();
      return files.length ? { text: `${text}\n${files.map((f) => `npm run replay -- ${f}`).join("\n")}` } : { text, error: true };
    },
  };
}
