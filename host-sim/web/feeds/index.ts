// The page's feeds, one line each: each makes its Feed for a started home.
import type { Home } from "../../home/world.ts";
import type { Feed } from "../messages.ts";
import { panelsFeed } from "./panels.ts";
import { phonesFeed } from "./phones.ts";
import { flowFeed } from "./flow.ts";
import { consoleFeed } from "./console.ts";
import { flashFeed } from "./flash.ts";
import { clockFeed } from "./clock.ts";
import { seriesFeed } from "./series.ts";
import { recorderFeed } from "./recorder.ts";

export const FEEDS: readonly ((home: Home) => Feed)[] = [
  panelsFeed,
  phonesFeed,
  flowFeed,
  consoleFeed,
  flashFeed,
  clockFeed,
  seriesFeed,
  recorderFeed,
];
