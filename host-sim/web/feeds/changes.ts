// "Something happened in the home": every flow line, every call into a device and every
// action of the page. Feeds whose state has no event of its own (a phone's screen) look
// again then, once per turn of the event loop however many things happened in it; when
// nothing happens nothing runs.
import type { Home } from "../../home/world.ts";
import { homeAppliances } from "./appliances.ts";

export class HomeChanges {
  private readonly listeners: (() => void)[] = [];
  private pending = false;

  constructor(home: Home) {
    home.onNote(() => this.nudge());
    for (const a of homeAppliances(home)) a.device.onCall(() => this.nudge());
  }

  /** Calls `l` after things happened (at most once per turn of the event loop). */
  on(l: () => void): void { this.listeners.push(l); }

  nudge(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      for (const l of this.listeners) l();
    });
  }
}

const byHome = new WeakMap<Home, HomeChanges>();

/** The one HomeChanges of a started home. */
export function changesOf(home: Home): HomeChanges {
  let c = byHome.get(home);
  if (!c) byHome.set(home, (c = new HomeChanges(home)));
  return c;
}

/** Pushes a view only when it differs from the one pushed last under the same key. */
export class LastSent<V> {
  private readonly last = new Map<string, string>();
  /** True when `view` is new for `key` (and remembers it). */
  changed(key: string, view: V): boolean {
    const text = JSON.stringify(view);
    if (this.last.get(key) === text) return false;
    this.last.set(key, text);
    return true;
  }
}
