// The meter's panel (README.md, "Panel"): the meter code's short form, the companies in
// effect with their types, the pending changes, the breaker, the last reading, the card
// slots, and the date-time setting of FIG. 9. Composed in place by the board's text
// composer. The connection menu's screens are the onboarding module's steps.
import { compose, Composer } from "../../board/index";
import { EraseMenu, Step, Choice } from "../../modules/onboarding/index";
import { DataType } from "../../modules/contract-table/index";
import { BreakerState } from "../../modules/supply-breaker/index";
import { CardSlots, SlotState, SLOTS } from "./card";
import { CivilTime, civil } from "./utc";

/** A passing message until the next button (or the next one replaces it). */
export namespace Notice {
  export const NONE: i32 = 0;
  export const SWITCHED: i32 = 1;        // value: company
  export const SCHEDULED: i32 = 2;       // value: change id
  export const REFUSED: i32 = 3;         // value: the error
  export const NO_CARD: i32 = 4;         // value: slot + 1
  export const UNREADABLE: i32 = 5;      // value: slot + 1
  export const NO_TIME: i32 = 6;
  export const NOT_READY: i32 = 7;
  export const RECONNECTED: i32 = 8;
}

export class PanelView {
  meterCode: string = "";
  contract: u32 = 0;
  ctypes: u32 = 0;
  provision: u32 = 0;
  ptypes: u32 = 0;
  pending: i32 = 0;
  nextAt: i64 = -1;
  nextCode: u32 = 0;
  failure: i32 = 0;
  breaker: u8 = BreakerState.DISCONNECTED;
  breakerFailure: i32 = 0;
  /** The last reading: slot end UTC ms (-1: none yet), W, Wh. */
  readingAt: i64 = -1;
  readingW: i32 = 0;
  readingWh: i64 = 0;
  registered: bool = false;
  online: bool = false;
  notice: i32 = Notice.NONE;
  noticeValue: i64 = 0;
  /** The date-time setting (FIG. 9): the card picked (-1: none yet) and the time. */
  setting: bool = false;
  settingSlot: i32 = -1;
  settingAt: i64 = -1;
}

const time = new CivilTime();

export function showPanel(v: PanelView, cards: CardSlots): void {
  const c = compose().add("Smart meter ").add(v.meterCode.length > 0 ? v.meterCode : "(not installed)");
  if (v.setting) { showSetting(c, v, cards); return; }
  c.add("\nContract ");
  company(c, v.contract, v.ctypes);
  c.add("\nProvision ");
  company(c, v.provision, v.ptypes);
  if (v.failure != 0) c.add("\nTable unreadable (").num(v.failure).add(")");
  else if (v.pending > 0) {
    c.add("\nPending ").num(v.pending).add(": next ");
    code(c, v.nextCode);
    c.add(" at ");
    when(c, v.nextAt);
  }
  c.add("\nBreaker ").add(breakerText(v.breaker));
  if (v.breakerFailure != 0) c.add(" (fault ").num(v.breakerFailure).add(")");
  c.add("\nLast ");
  if (v.readingAt < 0) c.add("none");
  else { c.num(v.readingW).add(" W ").num(v.readingWh).add(" Wh at "); when(c, v.readingAt); }
  c.add("\nCards");
  for (let i = 0; i < SLOTS; i++) {
    c.add(" ").num(i + 1).add(":");
    const s = unchecked(cards.state[i]);
    if (s == SlotState.EMPTY) c.add("-");
    else if (s == SlotState.UNREADABLE) c.add("?");
    else code(c, unchecked(cards.code[i]));
  }
  c.add(v.online ? "\nOnline" : v.registered ? "\nOffline" : "\nNot registered");
  notice(c, v);
  c.show();
}

function showSetting(c: Composer, v: PanelView, cards: CardSlots): void {
  c.add("\nDate-time setting");
  const k = v.settingSlot;
  if (k < 0) c.add("\nSELECT 1-3: the card");
  else {
    c.add("\nCard ").num(k + 1).add(": ");
    code(c, unchecked(cards.code[k]));
    c.add(unchecked(cards.role[k]) == 0 ? " contract" : " provision");
    c.add("\nSwitch at ");
    when(c, v.settingAt);
    c.add("\nUP/DOWN: 30 min  OK: store");
  }
  c.add("  BACK: leave");
  notice(c, v);
  c.show();
}

function notice(c: Composer, v: PanelView): void {
  const n = v.notice;
  if (n == Notice.NONE) return;
  c.add("\n");
  if (n == Notice.SWITCHED) { c.add("Switched to "); code(c, <u32>v.noticeValue); }
  else if (n == Notice.SCHEDULED) c.add("Change ").num(v.noticeValue).add(" stored");
  else if (n == Notice.REFUSED) c.add("Refused (").num(v.noticeValue).add(")");
  else if (n == Notice.NO_CARD) c.add("No card in slot ").num(v.noticeValue);
  else if (n == Notice.UNREADABLE) c.add("Card ").num(v.noticeValue).add(" unreadable");
  else if (n == Notice.NO_TIME) c.add("Time not known yet");
  else if (n == Notice.NOT_READY) c.add("Reconnection not allowed now");
  else if (n == Notice.RECONNECTED) c.add("Supply reconnected");
}

function company(c: Composer, co: u32, types: u32): void {
  if (co == 0) { c.add("none"); return; }
  code(c, co);
  c.add(" [");
  if ((types & DataType.TIME) != 0) c.add("T");
  if ((types & DataType.POWER) != 0) c.add("P");
  if ((types & DataType.ENERGY) != 0) c.add("E");
  if ((types & DataType.HISTORY) != 0) c.add("H");
  c.add("]");
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
  if (ms < 0) { c.add("(no time)"); return; }
  civil(ms, time);
  c.num(time.year).add("-");
  two(c, time.month); c.add("-");
  two(c, time.day); c.add(" ");
  two(c, time.hour); c.add(":");
  two(c, time.minute);
}

function two(c: Composer, v: u32): void { if (v < 10) c.add("0"); c.num(v); }

function breakerText(s: u8): string {
  if (s == BreakerState.CONNECTED) return "on";
  if (s == BreakerState.READY_FOR_RECONNECTION) return "off: press RECONNECT";
  return "off";
}

export function showMenu(o: EraseMenu): void {
  const s = o.step;
  const c = compose().add("Smart meter\n");
  if (s == Step.MENU) {
    c.add("Menu");
    for (let i = o.firstChoice; i < Choice.COUNT; i++) c.add(i == o.cursor ? "\n> " : "\n  ").add(i == Choice.INITIALIZE ? "Initialize" : "Factory reset");
  }
  else if (s == Step.INIT_CONFIRM) c.add("Initialize?\nThe registration and the HEMS settings will be erased.\nThe contract and the breaker stay.\nOK: initialize  BACK: cancel");
  else if (s == Step.INIT_DONE) c.add("Initialization complete\nOK: next");
  else if (s == Step.FACTORY_CONFIRM) c.add("Factory reset?\nThe registration and settings will be erased.\nThe contract and the breaker stay.\nOK: reset  BACK: cancel");
  else if (s == Step.RETIRING) c.add("Telling the cloud\nPlease wait...");
  else if (s == Step.ERROR) c.add("Error\nErase failed (").num(o.failureRc).add(")\nOK: back");
  c.show();
}
