// The PCS's keypad (PROTOCOL.md §6; operation example 1): the menu, the credential's
// entry, the change screen (S17) with its items, and the digit entry of SITE and
// CAPACITIES. It keeps only where the user is and what they typed; what a choice does is
// the appliance's (PanelActions). The digits typed are wiped as soon as they are used.
import { wipe } from "../../core/codecs/bytes";
import { Kind } from "../../modules/auth-info/index";
import { Item } from "../../modules/unique-info/index";

/** PROTOCOL.md §6's buttons. */
export namespace Button {
  export const OK: i32 = 10;
  export const BACK: i32 = 11;
  export const MENU: i32 = 12;
  export const UP: i32 = 13;
  export const DOWN: i32 = 14;
}

export namespace Mode {
  export const MAIN: i32 = 0;
  export const MENU: i32 = 1;
  export const CODE: i32 = 2;      // entering a credential (`kind`)
  export const CHANGE: i32 = 3;    // the change screen: the items, then Initialize and Factory reset
  export const ACTION: i32 = 4;    // one item: New value (SITE, CAPACITIES) or Delete
  export const EDIT: i32 = 5;      // digits of the new value (`field` of CAPACITIES)
  export const BLE: i32 = 6;       // the phone's window
}

/** The main menu's choices. */
export namespace Choice {
  export const CODE: i32 = 0;
  export const MAINTENANCE: i32 = 1;
  export const PHONE: i32 = 2;
  export const COUNT: i32 = 3;
}

/** The change screen's rows after the items (with a grant for every item). */
export const ROW_INITIALIZE: i32 = Item.COUNT;
export const ROW_FACTORY: i32 = Item.COUNT + 1;

export const SERVER_DIGITS: i32 = 10;
export const MAINTENANCE_DIGITS: i32 = 12;
/** A site id typed on the panel (digits only: letters come from the phone). */
export const SITE_DIGITS: i32 = 20;
/** A capacity: up to 9 digits (W or Wh). */
export const CAPACITY_DIGITS: i32 = 9;

/** What the keypad asks of the appliance. */
export abstract class PanelActions {
  /** A credential entered: OK opens the grant (the change screen follows). */
  abstract credential(kind: i32, digits: Uint8Array): i32;
  /** Opens the phone's window. */
  abstract openBle(): void;
  /** The window closed from the panel (BACK). */
  abstract closeBle(): void;
  /** Leaving the change screen (BACK): the grant closes. */
  abstract closeGrant(): void;
  /** Whether the grant allows `item` (ALL for the erase rows). */
  abstract allows(item: i32): bool;
  /** A guarded change: SITE's text, or CAPACITIES' three numbers; null deletes. */
  abstract change(item: i32, value: Uint8Array | null): i32;
  /** Initialize or Factory reset: opens the connection menu's confirmation. */
  abstract erase(factory: bool): void;
}

export class Keypad {
  mode: i32 = Mode.MAIN;
  cursor: i32 = 0;
  kind: i32 = Kind.SERVER;
  /** The digits typed so far (credential or value). */
  entry: Uint8Array = new Uint8Array(SITE_DIGITS);
  length: i32 = 0;
  /** The item of ACTION and EDIT; the CAPACITIES field being typed and the ones before. */
  item: i32 = 0;
  field: i32 = 0;
  fields: Uint32Array = new Uint32Array(3);
  /** The last result to show (a status), and what it was for. */
  status: i32 = 0;
  shown: bool = false;

  constructor(private actions: PanelActions) {}

  /** The digits a credential of `kind` has. */
  get capacity(): i32 {
    if (this.mode == Mode.CODE) return this.kind == Kind.MAINTENANCE ? MAINTENANCE_DIGITS : SERVER_DIGITS;
    return this.item == Item.SITE ? SITE_DIGITS : CAPACITY_DIGITS;
  }

  /** The change screen's rows: the items, and the erases behind a grant for all. */
  get rows(): i32 { return this.actions.allows(0x1f) ? ROW_FACTORY + 1 : Item.COUNT; }

  onButton(b: i32): void {
    this.shown = false;
    const m = this.mode;
    if (m == Mode.MAIN) { if (b == Button.MENU) this.go(Mode.MENU); return; }
    if (m == Mode.MENU) { this.menuKey(b); return; }
    if (m == Mode.BLE) { if (b == Button.BACK || b == Button.MENU) { this.actions.closeBle(); this.go(Mode.MAIN); } return; }
    if (m == Mode.CODE || m == Mode.EDIT) { this.digitKey(b); return; }
    if (m == Mode.CHANGE) { this.changeKey(b); return; }
    if (m == Mode.ACTION) this.actionKey(b);
  }

  /** The grant closed by itself (idle, a power cut, the BLE session's end): the change
   *  screen goes with it. */
  grantClosed(): void {
    if (this.mode == Mode.CHANGE || this.mode == Mode.ACTION || this.mode == Mode.EDIT) { this.clear(); this.go(Mode.MAIN); }
  }

  private menuKey(b: i32): void {
    if (b == Button.BACK || b == Button.MENU) { this.go(Mode.MAIN); return; }
    if (b == Button.UP) { this.cursor = (this.cursor + Choice.COUNT - 1) % Choice.COUNT; return; }
    if (b == Button.DOWN) { this.cursor = (this.cursor + 1) % Choice.COUNT; return; }
    if (b != Button.OK) return;
    if (this.cursor == Choice.PHONE) { this.actions.openBle(); this.go(Mode.BLE); return; }
    this.kind = this.cursor == Choice.MAINTENANCE ? Kind.MAINTENANCE : Kind.SERVER;
    this.clear();
    this.go(Mode.CODE);
  }

  private digitKey(b: i32): void {
    if (b >= 0 && b <= 9) { if (this.length < this.capacity) this.entry[this.length++] = <u8>(0x30 + b); return; }
    if (b == Button.BACK) {
      if (this.length > 0) { this.entry[--this.length] = 0; return; }
      this.go(this.mode == Mode.CODE ? Mode.MAIN : Mode.CHANGE);
      return;
    }
    if (b != Button.OK || this.length == 0) return;
    if (this.mode == Mode.CODE) {
      const rc = this.actions.credential(this.kind, this.entry.subarray(0, this.length));
      this.clear();
      this.result(rc);
      this.go(rc == 0 ? Mode.CHANGE : Mode.MAIN);
      return;
    }
    if (this.item == Item.CAPACITIES) {
      this.fields[this.field] = this.number();
      this.clear();
      if (++this.field < 3) return;
      const v = new Uint8Array(12);
      for (let i = 0; i < 3; i++) {
        const n = this.fields[i];
        v[4 * i] = <u8>n; v[4 * i + 1] = <u8>(n >>> 8); v[4 * i + 2] = <u8>(n >>> 16); v[4 * i + 3] = <u8>(n >>> 24);
      }
      this.finish(this.actions.change(Item.CAPACITIES, v));
      return;
    }
    // SITE: `len u8 | id`.
    const v = new Uint8Array(1 + this.length);
    v[0] = <u8>this.length;
    v.set(this.entry.subarray(0, this.length), 1);
    this.clear();
    this.finish(this.actions.change(Item.SITE, v));
  }

  private changeKey(b: i32): void {
    const n = this.rows;
    if (b == Button.BACK) { this.actions.closeGrant(); this.go(Mode.MAIN); return; }
    if (b == Button.UP) { this.cursor = (this.cursor + n - 1) % n; return; }
    if (b == Button.DOWN) { this.cursor = (this.cursor + 1) % n; return; }
    if (b != Button.OK) return;
    if (this.cursor == ROW_INITIALIZE || this.cursor == ROW_FACTORY) { this.actions.erase(this.cursor == ROW_FACTORY); return; }
    this.item = this.cursor;
    this.go(Mode.ACTION);
  }

  /** SITE and CAPACITIES: New value (0) or Delete (1); the other items: Delete only. */
  private actionKey(b: i32): void {
    const choices = this.editable ? 2 : 1;
    if (b == Button.BACK) { this.go(Mode.CHANGE, this.item); return; }
    if (b == Button.UP || b == Button.DOWN) { this.cursor = (this.cursor + 1) % choices; return; }
    if (b != Button.OK) return;
    if (this.editable && this.cursor == 0) { this.clear(); this.field = 0; this.go(Mode.EDIT); return; }
    this.finish(this.actions.change(this.item, null));
  }

  get editable(): bool { return this.item == Item.SITE || this.item == Item.CAPACITIES; }

  private finish(rc: i32): void {
    this.result(rc);
    this.go(Mode.CHANGE, this.item);
  }

  private result(rc: i32): void { this.status = rc; this.shown = true; }

  private number(): u32 {
    let n: u32 = 0;
    for (let i = 0; i < this.length; i++) n = n * 10 + <u32>(this.entry[i] - 0x30);
    return n;
  }

  private clear(): void { wipe(this.entry); this.length = 0; }

  go(mode: i32, cursor: i32 = 0): void { this.mode = mode; this.cursor = cursor; }
}
