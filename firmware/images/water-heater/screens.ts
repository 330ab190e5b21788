// The remote's own screens (home, menu, setting editor, notice), composed in place by the
// board's text composer: showing a screen allocates nothing.
import { compose } from "../../board/index";
import { Setting } from "./heater";

export const MENU_ITEMS: string[] = ["Hot water temp", "Bath temp", "Fill volume", "Connection"];

/** Settings and operations at a glance, and how the cloud link is doing. */
export function showHome(v: i32[], bathReady: bool, cloud: string): void {
  const c = compose()
    .add("Water heater\nHot water ").num(v[Setting.HOT_WATER_TEMP])
    .add(" C   Bath ").num(v[Setting.BATH_TEMP])
    .add(" C\nFill ").num(v[Setting.FILL_L])
    .add(" L   Auto bath ").add(v[Setting.AUTO_BATH] == 1 ? (bathReady ? "ready" : "filling") : "off");
  if (v[Setting.REHEAT] == 1) c.add("   Reheating");
  c.add("\nCloud: ").add(cloud).show();
}

export function showMenu(cursor: i32): void {
  const c = compose().add("Menu");
  for (let i = 0; i < MENU_ITEMS.length; i++) c.add(i == cursor ? "\n> " : "\n  ").add(MENU_ITEMS[i]);
  c.show();
}

/** A setting being changed: its draft value is saved only on OK. */
export function showEditor(setting: i32, draft: i32): void {
  compose().add(MENU_ITEMS[setting]).add("\n< ").num(draft).add(setting == Setting.FILL_L ? " L" : " C")
    .add(" >\nOK: save  BACK: cancel").show();
}

/** A setting the store could not save: the user must see it (any button clears it). */
export function showNotSaved(rc: i32): void {
  compose().add("Setting not saved\nStorage error ").num(rc).add(": the old value stays.\nOK: back").show();
}
