// The flash view of each appliance: `{t: "flash", device}` answers with its FlashView
// (host-sim/flash/flash-view.ts: names, reset classes, wear; secrets masked), and from
// then on a new view is pushed after each call into the device that changed its flash.
import { readFileSync } from "node:fs";
import type { Home } from "../../home/world.ts";
import type { HomeDevice } from "../../home/home-device.ts";
import type { ClientMessage, Feed, FlashView, Reply, ServerMessage } from "../messages.ts";
import { flashView } from "../../flash/flash-view.ts";
import { imageName } from "../../flash/record-names.ts";
import { homeAppliances } from "./appliances.ts";

/** One device's view, made from its flash file and its wear. */
export async function deviceFlashView(d: HomeDevice): Promise<FlashView> {
  const image = readFileSync(d.o.flashFile);
  return flashView(d.o.name, image, { image: imageName(d.o.image), erasesPerPage: await d.wear() });
}

export function flashFeed(home: Home): Feed {
  const devices = homeAppliances(home).map((a) => a.device);
  /** The devices some page asked about, with the flash bytes their last view showed. */
  const watched = new Map<HomeDevice, Buffer>();
  let push: (m: ServerMessage) => void = () => {};
  const send = async (d: HomeDevice) => {
    const view = await deviceFlashView(d);
    push({ t: "flash", view });
    return view;
  };
  return {
    attach(p) {
      push = p;
      for (const d of devices) {
        d.onCall(() => {
          const last = watched.get(d);
          if (!last) return;
          // After the call that wrote it, not on a timer: the file is current once the
          // call returned (host-sim/board/flash.ts writes touched pages at that point).
          queueMicrotask(() => {
            const now = readFileSync(d.o.flashFile);
            if (now.equals(last)) return;
            watched.set(d, now);
            void send(d).catch(() => undefined);
          });
        });
      }
    },
    initial: () => [],
    async handle(m: ClientMessage): Promise<Reply | undefined> {
      if (m.t !== "flash") return undefined;
      const d = devices.find((x) => x.o.name === m.device);
      if (!d) return { text: `no device "${m.device}" (${devices.map((x) => x.o.name).join(", ")})`, error: true };
      watched.set(d, readFileSync(d.o.flashFile));
      const view = await send(d);
      return { text: `${view.records.filter((r) => r.state === "live").length} records on ${view.pages.filter((p) => p.usedBytes > 0).length} pages` };
    },
  };
}
