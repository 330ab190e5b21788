// The remote's own screens (home, menu, setting editor, notice), composed in place by the
// board's text composer: showing a screen allocates nothing.
import { compose, Composer } from "../../board/index";
import { Setting } from "./heater";

/** The menu: the four settings' editors, then the connection (registration) menu. Each
 *  text is written out where it is added: the build stores such literals as UTF-8. */
export const MENU_LENGTH = 4;
function addMenuItem(c: Composer, i: i32): Composer {
  return c.add(i == 0 ? "Hot water temp" : i == 1 ? "Bath temp" : i == 2 ? "Fill volume" : "Connection");
}

/** How the cloud link is doing, as the home screen says it. */
export namespace CloudStatus {
  export const CONNECTED = 0;
  export const CONNECTING = 1;
  export const LOGIN_REFUSED = 2;
  export const RETRYING = 3;
  export const OFFLINE = 4;
  export const NOT_REGISTERED = 5;
}

/** Settings and operations at a glance, and how the cloud link is doing. */
export function showHome(v: i32[], bathReady: bool, cloud: i32): void {
  const c = compose()
    .add("Water heater\nHot water ").num(v[Setting.HOT_WATER_TEMP])
    .add(" C   Bath ").num(v[Setting.BATH_TEMP])
    .add(" C\nFill ").num(v[Setting.FILL_L])
    .add(" L   Auto bath ").add(v[Setting.AUTO_BATH] == 1 ? (bathReady ? "ready" : "filling") : "off");
  if (v[Setting.REHEAT] == 1) c.add("   Reheating");
  c.add("\nCloud: ").add(cloud == CloudStatus.CONNECTED ? "connected" : cloud == CloudStatus.CONNECTING ? "connecting"
    : cloud == CloudStatus.LOGIN_REFUSED ? "login refused, retrying" : cloud == CloudStatus.RETRYING ? "offline, retrying"
    : cloud == CloudStatus.OFFLINE ? "offline" : "not registered").show();
}

export function showMenu(cursor: i32): void {
  const c = compose().add("Menu");
  for (let i = 0; i < MENU_LENGTH; i++) addMenuItem(c.add(i == cursor ? "\n> " : "\n  "), i);
  c.show();
}

/** A setting being changed: its draft value is saved only on OK. */
export function showEditor(setting: i32, draft: i32): void {
  addMenuItem(compose(), setting).add("\n< ").num(draft).add(setting == Setting.FILL_L ? " L" : " C")
    .add(" >\nOK: save  BACK: cancel").show();
}

/** A setting the store could not save: the user must see it (any button clears it). */
export function showNotSaved(rc: i32): void {
  compose().add("Setting not saved\nStorage error ").num(rc).add(": the old value stays.\nOK: back").show();
}
