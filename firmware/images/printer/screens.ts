// The printer's panel (README.md, "Screen"): the title, then one line for the state; composed in
// place by the board's text composer (showing a screen allocates nothing). The connection
// menu's screens (initialize, factory reset) are the onboarding module's steps in the
// printer's words.
import { compose, Composer } from "../../board/index";
import { EraseMenu, Step, Choice, Failure } from "../../modules/onboarding/index";

/** A passing message the panel shows until the next button (or the next one replaces it). */
export namespace Notice {
  export const NONE: i32 = 0;
  export const PRINTING: i32 = 1;     // value: pages
  export const SHORT: i32 = 2;        // value: pages left
}

export namespace Panel {
  export const SET_UP: i32 = 0;
  export const JOINING: i32 = 1;
  export const KEY_REFUSED: i32 = 2;
  export const REGISTERING: i32 = 3;
  export const READY: i32 = 4;
}

export class PanelView {
  panel: i32 = Panel.SET_UP;
  ssid: string = "";
  pages: u32 = 0;
  ink: i32 = 100;
  inkLow: bool = false;
  notice: i32 = Notice.NONE;
  noticeValue: u32 = 0;
  connectOpen: bool = false;
}

export function showPanel(v: PanelView): void {
  const c = compose().add("Printer\n");
  if (v.notice == Notice.PRINTING) c.add("Printing ").num(v.noticeValue).add(" pages");
  else if (v.notice == Notice.SHORT) c.add("Not enough pages: ").num(v.noticeValue).add(" left");
  else if (v.connectOpen) c.add("Connect: open the app (60 s)");
  else if (v.panel == Panel.JOINING) c.add("Joining ").add(v.ssid).add("…");
  else if (v.panel == Panel.KEY_REFUSED) c.add("Wi-Fi key refused: try again from the app");
  else if (v.panel == Panel.REGISTERING) c.add("Registering…");
  else if (v.panel == Panel.READY) c.add("Ready  ").num(v.pages).add(" pages  ink ").num(v.ink).add("%");
  else c.add("Tap your phone to set up");
  if (v.inkLow && v.panel == Panel.READY) c.add("\nInk low");
  c.show();
}

export function showMenu(o: EraseMenu): void {
  const s = o.step;
  const c = compose().add("Printer\n");
  if (s == Step.MENU) {
    c.add("Menu");
    for (let i = o.firstChoice; i < Choice.COUNT; i++) c.add(i == o.cursor ? "\n> " : "\n  ").add(i == Choice.INITIALIZE ? "Initialize" : "Factory reset");
  }
  else if (s == Step.INIT_CONFIRM) c.add("Initialize?\nWi-Fi, registration and tokens will be erased.\nOK: initialize  BACK: cancel");
  else if (s == Step.INIT_DONE) c.add("Initialization complete\nOK: next");
  else if (s == Step.FACTORY_CONFIRM) c.add("Factory reset?\nAll settings and the connection will be erased.\nOK: reset  BACK: cancel");
  else if (s == Step.RETIRING) c.add("Telling the cloud\nPlease wait...");
  else if (s == Step.ERROR) failure(c.add("Error\n"), o.failure, o.failureRc).add("\nOK: back");
  c.show();
}

function failure(c: Composer, f: i32, rc: i32): Composer {
  if (f == Failure.ERASE_NOT_STARTED) return c.add("The erase could not start (").num(rc).add(")");
  if (f == Failure.INITIALIZE_FAILED) return c.add("Initialization failed (").num(rc).add(")");
  if (f == Failure.FACTORY_RESET_FAILED) return c.add("Factory reset failed (").num(rc).add(")");
  return c.add("Failed (").num(rc).add(")");
}
