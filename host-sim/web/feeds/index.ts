// The page's feeds, one line each: each makes its Feed for a started home.
import type { Home } from "../../home/world.ts";
import type { Feed } from "../messages.ts";
import { panelsFeed } from "./panels.ts";
import { phonesFeed } from "./phones.ts";
import { clockFeed } from "./clock.ts";
import { seriesFeed } from "./series.ts";
import { recorderFeed } from "./recorder.ts";

export const FEEDS: readonly ((home: Home) => Feed)[] = [
  panelsFeed,
  phonesFeed,
  clockFeed,
  seriesFeed,
  recorderFeed,
];
