// The lock's panel (PROTOCOL.md §5): one screen, its lines in the contract's words.
import * as board from "../../board/index";
import { CivilTime, civil } from "../meter/utc";
import { reasonName } from "../../modules/grants/index";

export namespace Last {
  export const NONE: i32 = 0;
  export const UNLOCKED: i32 = 1;
  export const LOCKED: i32 = 2;
  export const DENIED: i32 = 3;
}

export class PanelView {
  serial: string = "";
  locked: bool = true;
  doorOpen: bool = false;
  /** The lock's UTC ms, -1 unknown. */
  timeMs: i64 = -1;
  revocations: u32 = 0;
  /** The last OPERATE: Last.NONE before any; "Unlocked: grant 7", "Denied: outside-schedule". */
  last: i32 = Last.NONE;
  lastGrant: u32 = 0;
  lastReason: i32 = 0;
  /** Remaining lockout ms, 0 none. */
  lockedOutMs: i64 = 0;
  /** No maker key yet (not installed). */
  installed: bool = false;
}

const civ = new CivilTime();

function two(c: board.Composer, v: u32): board.Composer { return (v < 10 ? c.add("0") : c).num(v); }

export function showPanel(v: PanelView): void {
  const c = board.compose().add("Lock ").add(v.serial);
  c.add(v.locked ? "\nBolt locked" : "\nBolt unlocked");
  c.add(v.doorOpen ? "\nDoor open" : "\nDoor closed");
  if (v.timeMs < 0) c.add("\nTime unknown");
  else {
    civil(v.timeMs, civ);
    c.add("\nTime ").num(civ.year).add("-");
    two(c, civ.month).add("-");
    two(c, civ.day).add(" ");
    two(c, civ.hour).add(":");
    two(c, civ.minute).add(" UTC");
  }
  if (!v.installed) c.add("\nNot installed");
  else c.add("\nRevocations v").num(v.revocations);
  if (v.last == Last.DENIED) c.add("\nDenied: ").add(reasonName(v.lastReason));
  else if (v.last != Last.NONE) c.add(v.last == Last.UNLOCKED ? "\nUnlocked: grant " : "\nLocked: grant ").num(v.lastGrant);
  if (v.lockedOutMs > 0) c.add("\nLOCKED OUT ").num((v.lockedOutMs + 999) / 1000).add(" s");
  c.show();
}
