// The message flow: every message of the home as it happens (host-sim/home/flow.ts); an
// error that repeats is pushed again under its id with its count grown.
import type { Home } from "../../home/world.ts";
import type { Feed, ServerMessage } from "../messages.ts";

/** How many of the latest messages a page that connects now gets. */
const INITIAL = 1000;

export function flowFeed(home: Home): Feed {
  return {
    attach(push) { home.flowLog.onMessage((m) => push({ t: "flow", message: { ...m } })); },
    initial: (): ServerMessage[] => home.flowLog.messages.slice(-INITIAL).map((m) => ({ t: "flow", message: { ...m } })),
  };
}
