// The PCS's screen (PROTOCOL.md §6): the main screen (measurements, site, partner, the
// authentication information held, the tamper alarm), the credential's entry (masked),
// the change screen and its items, the phone's window with the session's code, and the
// connection menu's erase steps. Composed in place by the board's text composer.
import { compose, Composer } from "../../board/index";
import { EraseMenu, Step } from "../../modules/onboarding/index";
import { Item } from "../../modules/unique-info/index";
import { Kind } from "../../modules/auth-info/index";
import { Choice, Keypad, Mode, ROW_FACTORY, ROW_INITIALIZE } from "./panel";
import { CivilTime, civil } from "../meter/utc";

export class PanelView {
  serial: string = "";
  registered: bool = false;
  online: bool = false;
  installed: bool = false;
  pv: i32 = 0;
  charge: i32 = 0;
  discharge: i32 = 0;
  site: string | null = null;
  partner: u32 = 0;
  tampered: u32 = 0;
  /** The authentication information held: expiry UTC ms (-1: none), uses and tries left. */
  authUntil: i64 = -1;
  usesLeft: i32 = 0;
  triesLeft: i32 = 0;
  maintenanceLocked: bool = false;
  /** The phone's session: open, and the code both screens show. */
  bleConnected: bool = false;
  bleCode: string = "";
  /** Entries not acknowledged that keep an erase from starting (0: none held). */
  menuHeld: i32 = 0;
}

const ITEM_TITLES: string[] = ["Personal data", "Usage history", "Site id", "Capacities", "Partner connection"];
const time = new CivilTime();

export function showPanel(v: PanelView, k: Keypad, menu: EraseMenu): void {
  if (menu.active) { showMenu(menu, v.menuHeld); return; }
  const c = compose().add("Power conditioner ").add(v.serial);
  const m = k.mode;
  if (m == Mode.MAIN) main(c, v);
  else if (m == Mode.MENU) {
    for (let i = 0; i < Choice.COUNT; i++) {
      c.add(i == k.cursor ? "\n> " : "\n  ").add(i == Choice.CODE ? "Change data (code)" : i == Choice.MAINTENANCE ? "Maintenance (code)" : "Phone (BLE)");
    }
  } else if (m == Mode.CODE) {
    c.add(k.kind == Kind.MAINTENANCE ? "\nMaintenance code: " : "\nEnter code: ");
    for (let i = 0; i < k.capacity; i++) c.add(i < k.length ? "*" : "_");
    c.add("\nOK: enter  BACK: delete");
  } else if (m == Mode.CHANGE) {
    c.add("\nChange data");
    for (let i = 0; i < k.rows; i++) {
      c.add(i == k.cursor ? "\n> " : "\n  ");
      if (i == ROW_INITIALIZE) c.add("Initialize");
      else if (i == ROW_FACTORY) c.add("Factory reset");
      else {
        c.add(unchecked(ITEM_TITLES[i]));
        if ((v.tampered & (1 << <u32>i)) != 0) c.add(" (TAMPER)");
      }
    }
    c.add("\nOK: choose  BACK: close");
  } else if (m == Mode.ACTION) {
    c.add("\n").add(unchecked(ITEM_TITLES[k.item]));
    if (k.editable) c.add(k.cursor == 0 ? "\n> New value\n  Delete" : "\n  New value\n> Delete");
    else c.add("\n> Delete");
    c.add("\nOK: choose  BACK: back");
  } else if (m == Mode.EDIT) {
    if (k.item == Item.SITE) c.add("\nNew site id: ");
    else c.add(k.field == 0 ? "\nPV capacity W: " : k.field == 1 ? "\nBattery capacity Wh: " : "\nEV capacity Wh: ");
    for (let i = 0; i < k.length; i++) c.add(String.fromCharCode(k.entry[i]));
    c.add("\nOK: next  BACK: delete");
  } else if (m == Mode.BLE) {
    c.add("\nPhone (BLE)");
    if (v.bleConnected) c.add("\nCode ").add(v.bleCode).add("\nCompare it with the app's");
    else c.add("\nWaiting for the app");
    c.add("\nBACK: close");
  }
  if (k.shown) result(c, k.status, v);
  c.show();
}

function main(c: Composer, v: PanelView): void {
  c.add("\nPV ").num(v.pv).add(" W  Charge ").num(v.charge).add(" W  Discharge ").num(v.discharge).add(" W");
  if (!v.installed) { c.add("\nNot installed"); return; }
  c.add("\nSite ").add(v.site !== null ? v.site! : "-");
  c.add("\nPartner ");
  code(c, v.partner);
  c.add(v.online ? " Online" : v.registered ? " Offline" : " Not registered");
  c.add("\nAuthentication info: ");
  if (v.authUntil < 0) c.add("none");
  else { c.add("until "); when(c, v.authUntil); c.add(" UTC, ").num(v.usesLeft).add(" uses, ").num(v.triesLeft).add(" tries"); }
  if (v.maintenanceLocked) c.add("\nMaintenance code locked");
  if (v.tampered != 0) {
    c.add("\nTAMPER:");
    for (let i = 0; i < Item.COUNT; i++) if ((v.tampered & (1 << <u32>i)) != 0) c.add(" ").add(unchecked(ITEM_NAMES[i]));
    c.add(" - data refused");
  }
}

const ITEM_NAMES: string[] = ["personal", "history", "site", "capacities", "connection"];

/** What the last code or change did. */
function result(c: Composer, rc: i32, v: PanelView): void {
  c.add("\n");
  if (rc == 0) { c.add("Done"); return; }
  if (rc == -6) c.add("Wrong code or not allowed (").num(v.triesLeft).add(" tries left)");
  else if (rc == -11) c.add("Locked");
  else if (rc == -5) c.add("No authentication info");
  else if (rc == -3) c.add("Time not known yet");
  else if (rc == -8) c.add("Readings not yet handed");
  else if (rc == -10) c.add("Invalid value");
  else c.add("Refused (").num(rc).add(")");
}

const HEX = "0123456789ABCDEF";

function code(c: Composer, co: u32): void {
  if (co == 0) { c.add("none"); return; }
  let started = false;
  for (let s = 28; s >= 0; s -= 4) {
    const d = <i32>((co >> <u32>s) & 0xf);
    if (d != 0 || started || s < 16) { started = true; c.add(HEX.charAt(d)); }
  }
}

function when(c: Composer, ms: i64): void {
  civil(ms, time);
  c.num(time.year).add("-");
  two(c, time.month); c.add("-");
  two(c, time.day); c.add(" ");
  two(c, time.hour); c.add(":");
  two(c, time.minute);
}

function two(c: Composer, v: u32): void { if (v < 10) c.add("0"); c.num(v); }

/** The connection menu's erase steps (behind a grant for every item). */
function showMenu(o: EraseMenu, held: i32): void {
  const s = o.step;
  const c = compose().add("Power conditioner\n");
  if (s == Step.INIT_CONFIRM) c.add("Initialize?\nPersonal data, usage history and the registration will be erased.\nOK: initialize  BACK: cancel");
  else if (s == Step.INIT_DONE) c.add("Initialization complete\nOK: next");
  else if (s == Step.FACTORY_CONFIRM) c.add("Factory reset?\nAll unique information and the registration will be erased.\nOK: reset  BACK: cancel");
  else if (s == Step.RETIRING) c.add("Telling the cloud\nPlease wait...");
  else if (s == Step.ERROR) c.add("Error\nErase failed (").num(o.failureRc).add(")\nOK: back");
  else c.add("Menu");
  if (held > 0) c.add("\nNot yet delivered: ").num(held).add(" entries. Try again once online.");
  c.show();
}
