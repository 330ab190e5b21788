// The remote controller: buttons and screen, the heater's settings and operations, on
// the shared connected-appliance module (pairing, cloud link, commands). main.ts feeds it.
import * as board from "../../board/index";
import { OK, E_UNSUPPORTED } from "../../core/errors";
import { FlatJson } from "../../core/codecs/flat-json";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { LinkState, TopicSchema } from "../../modules/cloud-link/index";
import { Key } from "../../modules/onboarding/index";
import { SessionConfig, Role } from "../../modules/secure-session/index";
import { Scheduler } from "../../modules/scheduler/index";
import { PairingAppliance, Identity } from "../../modules/appliance/index";
import { Heater, Setting, settingIndex, Change, ChangeListener } from "./heater";
import { HeaterOutboxFormat, HISTORY, REPLY, historyEntry } from "./outbox-entries";
import { showOnboarding } from "./onboarding-screens";
import { MENU_LENGTH, CloudStatus, showHome, showMenu, showEditor, showNotSaved } from "./screens";

// The remote's buttons. Arrow, OK and BACK carry the onboarding module's key numbers,
// so those presses go to it unchanged while its screens are shown.
export namespace Button {
  export const MENU: i32 = 0;
  export const UP: i32 = Key.UP;
  export const DOWN: i32 = Key.DOWN;
  export const OK: i32 = Key.OK;
  export const BACK: i32 = Key.BACK;
  export const AUTO_BATH: i32 = 5;
  export const REHEAT: i32 = 6;
}

/** The board timer the scheduler owns: every deadline of the image goes through it. */
export const SCHEDULER_TIMER: i32 = 0;
export const IDENTITY = new Identity("water heater", "Water heater", "water-heater 1");
/** The water heater's topics (PROTOCOL.md §2) and its pairing session (§1). */
export const TOPICS = new TopicSchema("devices", "reply", "history");
export const LAN_SESSION = new SessionConfig("wh-lan-v2", board.Link.LAN, Role.RESPONDER);

const UI_HOME = 0, UI_MENU = 1, UI_EDIT = 2;

export class Remote extends PairingAppliance {
  heater: Heater;
  private ui: i32 = UI_HOME;
  private cursor: i32 = 0;
  private editing: i32 = 0;
  private draft: i32 = 0;
  /** A failure the user must see: the store's error for a setting that could not be
   *  saved (OK when there is none); any button clears it. */
  private notSaved: i32 = OK;

  constructor(store: CredentialStore, scheduler: Scheduler) {
    super(IDENTITY, store, scheduler, TOPICS, LAN_SESSION, new HeaterOutboxFormat(), REPLY);
    this.heater = new Heater(store, scheduler);
    this.heater.listener = new HeaterChanges(this);
  }

  restore(): void { this.heater.load(); }

  stateJson(): string { return this.heater.stateJson(); }

  // ------------------------------------------------------------ buttons

  onButton(b: i32): i32 {
    if (b < Button.MENU || b > Button.REHEAT) return E_UNSUPPORTED;
    if (this.notSaved != OK) this.notSaved = OK;
    else if (this.onboarding.active) {
      this.onboarding.onKey(b);
      if (!this.onboarding.active) this.ui = UI_HOME;
    } else if (this.ui == UI_HOME) {
      if (b == Button.MENU) { this.ui = UI_MENU; this.cursor = 0; }
      else if (b == Button.AUTO_BATH) this.applySetting(Setting.AUTO_BATH, 1 - this.heater.values[Setting.AUTO_BATH]);
      else if (b == Button.REHEAT) this.applySetting(Setting.REHEAT, 1 - this.heater.values[Setting.REHEAT]);
    } else if (this.ui == UI_MENU) {
      if (b == Button.UP) this.cursor = (this.cursor + MENU_LENGTH - 1) % MENU_LENGTH;
      else if (b == Button.DOWN) this.cursor = (this.cursor + 1) % MENU_LENGTH;
      else if (b == Button.BACK || b == Button.MENU) this.ui = UI_HOME;
      else if (b == Button.OK) {
        if (this.cursor == 3) { this.ui = UI_HOME; this.onboarding.openMenu(); }
        else { this.ui = UI_EDIT; this.editing = this.cursor; this.draft = this.heater.values[this.cursor]; }
      }
    } else {
      if (b == Button.UP || b == Button.DOWN) {
        const saved = this.heater.values[this.editing];
        this.heater.values[this.editing] = this.draft;
        this.draft = this.heater.step(this.editing, b == Button.UP ? 1 : -1);
        this.heater.values[this.editing] = saved;
      } else if (b == Button.OK) { this.applySetting(this.editing, this.draft); this.ui = UI_MENU; }
      else if (b == Button.BACK) this.ui = UI_MENU;
    }
    this.render();
    return OK;
  }

  // ------------------------------------------------------------ cloud commands

  check(j: FlatJson): i32 {
    const name = j.string("set");
    return Heater.check(name === null ? -1 : settingIndex(name), j.int("value", -1));
  }

  stage(j: FlatJson, t: CredentialTransaction): i32 {
    const name = j.string("set");
    return this.heater.stage(name === null ? -1 : settingIndex(name), <i32>j.int("value", -1), t);
  }

  apply(j: FlatJson): i32 {
    const name = j.string("set");
    return this.applySetting(name === null ? -1 : settingIndex(name), <i32>j.int("value", -1), true);
  }

  // ------------------------------------------------------------ shared

  /** A change the heater made on a deadline (bath ready, reheating done). */
  onHeaterChange(c: Change): void { this.report(c); }

  /** OK once the change took effect; a setting that could not be saved is not applied:
   *  the remote says so on its screen and the command's reply carries the store's error. */
  private applySetting(i: i32, value: i32, saved: bool = false): i32 {
    const c = this.heater.set(i, value, saved);
    if (c !== null) this.report(c);
    const rc = this.heater.saveError;
    if (rc != OK) {
      board.compose().add("setting ").num(i).add(" not saved: ").num(rc).error();
      this.notSaved = rc;
    }
    return rc;
  }

  /** Usage history goes through the outbox (never lost); state is simply re-sent. */
  private report(c: Change): void {
    if (this.store.registered()) {
      const rc = this.cloud.enqueue(HISTORY, historyEntry(c.event, c.value, board.wallMs()));
      if (rc < 0) board.compose().add("history ").add(c.event).add(" not stored (").num(rc).add(")").error();
    }
    this.publishState();
  }

  render(): void {
    if (this.onboarding.active) { showOnboarding(this.onboarding); return; }
    if (this.notSaved != OK) showNotSaved(this.notSaved);
    else if (this.ui == UI_MENU) showMenu(this.cursor);
    else if (this.ui == UI_EDIT) showEditor(this.editing, this.draft);
    else showHome(this.heater.values, this.heater.bathReady, this.cloudStatus());
  }

  private cloudStatus(): i32 {
    const s = this.cloud.state;
    if (s == LinkState.CONNECTED) return CloudStatus.CONNECTED;
    if (s == LinkState.CONNECTING) return CloudStatus.CONNECTING;
    if (s == LinkState.WAITING) return this.cloud.lastRefusal == -6 ? CloudStatus.LOGIN_REFUSED : CloudStatus.RETRYING;
    return this.store.registered() ? CloudStatus.OFFLINE : CloudStatus.NOT_REGISTERED;
  }
}

/** Passes the heater's own changes (bath ready, reheating done) to the remote, which
 *  reports them: the remote is already a PairingAppliance, and a class has one base. */
class HeaterChanges extends ChangeListener {
  constructor(private remote: Remote) { super(); }
  onHeaterChange(c: Change): void { this.remote.onHeaterChange(c); }
}
