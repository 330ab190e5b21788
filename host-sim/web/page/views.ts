// The page's views, one line each: each mounts into its `data-view` element.
import type { PageView } from "../messages.ts";
import { panelsView } from "./views/panels.ts";
import { phonesView } from "./views/phones.ts";
import { flowView } from "./views/flow.ts";
import { consoleView } from "./views/console.ts";
import { flashView } from "./views/flash.ts";
import { clockView } from "./views/clock.ts";
import { plotsView } from "./views/plots.ts";
import { recorderView } from "./views/recorder.ts";

export const VIEWS: readonly PageView[] = [
  panelsView,
  phonesView,
  flowView,
  consoleView,
  flashView,
  clockView,
  plotsView,
  recorderView,
];
