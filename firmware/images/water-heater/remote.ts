// The remote controller: buttons and screen, the heater's settings and operations, the
// cloud link and the registration screens, wired together. main.ts feeds it events.
import * as board from "../../board/index";
import { parseRequest, reply } from "../../modules/service-port/frame";
import { OK, E_INVAL, E_MALFORMED, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { JsonWriter, parseFlatJson } from "../../core/flat-json";
import { CredentialStore } from "../../modules/credential-store/credential-store";
import { ValueType } from "../../modules/credential-store/ids";
import { CloudLink, LinkState } from "../../modules/cloud-link/cloud-link";
import { Registration, Key } from "../../modules/registration/registration";
import { Heater, Setting, settingIndex, Change, REHEAT_TIMER } from "./heater";
import { getU32LE, putU32LE } from "../../core/bytes";

// The remote's buttons. Arrow, OK and BACK carry the registration module's key numbers,
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

export const CLOUD_TIMER: i32 = 0;
export const REGISTRATION_TIMER: i32 = 1;
const LAST_COMMAND: u32 = 0x0203;  // registration records: a new registration starts afresh
const HISTORY_NEXT: u32 = 0x0204;
export const FIRMWARE = "water-heater 1";

const MENU_ITEMS: string[] = ["Hot water temp", "Bath temp", "Fill volume", "Connection"];
const UI_HOME = 0, UI_MENU = 1, UI_EDIT = 2;

export class Remote {
  heater: Heater;
  cloud: CloudLink;
  registration: Registration;
  private ui: i32 = UI_HOME;
  private cursor: i32 = 0;
  private editing: i32 = 0;
  private draft: i32 = 0;
  /** A failure the user must see (a setting that could not be saved); any button clears it. */
  private notice: string = "";

  constructor(public store: CredentialStore) {
    const cloud = new CloudLink(store, CLOUD_TIMER);
    this.heater = new Heater(store);
    this.cloud = cloud;
    this.registration = new Registration(store, cloud, REGISTRATION_TIMER);
  }

  boot(): void {
    this.heater.load();
    this.cloud.start();
    this.render();
  }

  // ------------------------------------------------------------ buttons

  onButton(b: i32): i32 {
    if (b < Button.MENU || b > Button.REHEAT) return E_UNSUPPORTED;
    if (this.notice.length > 0) this.notice = "";
    else if (this.registration.active) {
      this.registration.onButton(b);
      if (!this.registration.active) this.ui = UI_HOME;
    } else if (this.ui == UI_HOME) {
      if (b == Button.MENU) { this.ui = UI_MENU; this.cursor = 0; }
      else if (b == Button.AUTO_BATH) this.apply(Setting.AUTO_BATH, 1 - this.heater.values[Setting.AUTO_BATH]);
      else if (b == Button.REHEAT) this.apply(Setting.REHEAT, 1 - this.heater.values[Setting.REHEAT]);
    } else if (this.ui == UI_MENU) {
      if (b == Button.UP) this.cursor = (this.cursor + MENU_ITEMS.length - 1) % MENU_ITEMS.length;
      else if (b == Button.DOWN) this.cursor = (this.cursor + 1) % MENU_ITEMS.length;
      else if (b == Button.BACK || b == Button.MENU) this.ui = UI_HOME;
      else if (b == Button.OK) {
        if (this.cursor == 3) { this.ui = UI_HOME; this.registration.openMenu(); }
        else { this.ui = UI_EDIT; this.editing = this.cursor; this.draft = this.heater.values[this.cursor]; }
      }
    } else {
      if (b == Button.UP || b == Button.DOWN) {
        const saved = this.heater.values[this.editing];
        this.heater.values[this.editing] = this.draft;
        this.draft = this.heater.step(this.editing, b == Button.UP ? 1 : -1);
        this.heater.values[this.editing] = saved;
      } else if (b == Button.OK) { this.apply(this.editing, this.draft); this.ui = UI_MENU; }
      else if (b == Button.BACK) this.ui = UI_MENU;
    }
    this.render();
    return OK;
  }

  // ------------------------------------------------------------ cloud

  onMqttState(arg: i32): i32 {
    // The board reports on a connection only after the firmware asked for one.
    if (this.cloud.state == LinkState.OFFLINE) return E_STATE;
    if (this.cloud.onState(arg)) this.sayHello();
    this.render();
    return OK;
  }

  private sayHello(): void {
    const serial = this.store.serial();
    this.cloud.publish("hello", new JsonWriter().str("serial", serial === null ? "" : serial).str("fw", FIRMWARE).toString());
    this.cloud.publish("state", this.heater.stateJson());
    this.cloud.flush();
  }

  /** A command from the cloud: {"cmd":n,"set":name,"value":v}. Replies to every one. */
  onMqttMessage(topic: string, payload: Uint8Array): i32 {
    const body = this.cloud.commandPayload(topic, payload);
    if (body === null) return E_STATE;
    const j = parseFlatJson(body);
    const cmd = j === null ? -1 : j.int("cmd", -1);
    if (j === null || cmd < 1 || cmd > 0xffffffff) {
      board.logWarn("malformed command refused");
      this.cloud.publish("reply", new JsonWriter().num("cmd", cmd).num("status", E_MALFORMED).toString());
      return E_MALFORMED;
    }
    let status = OK;
    const name = j.string("set");
    const i = name === null ? -1 : settingIndex(name);
    const value = j.int("value", -1);
    if (cmd <= <i64>this.lastCommand()) status = E_STATE;          // replayed or out of order
    else status = Heater.check(i, value);
    if (status == OK) {
      this.setLastCommand(<u32>cmd);
      status = this.apply(i, <i32>value);
    }
    this.cloud.publish("reply", new JsonWriter().num("cmd", cmd).num("status", status).toString());
    this.render();
    return status;
  }

  onMqttAck(pid: i32, granted: i32): i32 {
    if (!this.cloud.connected) return E_STATE;
    this.cloud.onAck(pid, granted);
    return OK;
  }

  // ------------------------------------------------------------ timers and LAN

  onTimer(id: i32): i32 {
    if (id < CLOUD_TIMER || id > REHEAT_TIMER) return E_INVAL;
    if (id == CLOUD_TIMER) this.cloud.onTimer();
    else if (id == REGISTRATION_TIMER) this.registration.onTimer();
    else { const c = this.heater.onTimer(id); if (c !== null) this.report(c); }
    this.render();
    return OK;
  }

  onLan(frame: Uint8Array): i32 {
    const rc = this.registration.onLan(frame);
    this.render();
    return rc;
  }

  // ------------------------------------------------------------ shared

  /** OK once the change took effect; a setting that could not be saved is not applied:
   *  the remote says so on its screen and the command's reply carries the store's error. */
  private apply(i: i32, value: i32): i32 {
    const c = this.heater.set(i, value);
    if (c !== null) this.report(c);
    const rc = this.heater.saveError;
    if (rc != OK) {
      board.logError("setting " + i.toString() + " not saved: " + rc.toString());
      this.notice = "Setting not saved\nStorage error " + rc.toString() + ": the old value stays.\nOK: back";
    }
    return rc;
  }

  /** Usage history goes through the outbox (never lost); state is simply re-sent. */
  private report(c: Change): void {
    if (this.store.registered()) {
      const n = this.nextHistory();
      this.cloud.enqueue("history", new JsonWriter().num("n", n).str("event", c.event).num("value", c.value).num("t", board.wallMs()).toString());
    }
    this.cloud.publish("state", this.heater.stateJson());
  }

  private lastCommand(): u32 { const v = this.store.getTyped(LAST_COMMAND, ValueType.U32); return v === null || v.length != 4 ? 0 : getU32LE(v, 0); }
  private setLastCommand(n: u32): void { this.store.putU32(LAST_COMMAND, n, 0); }

  private nextHistory(): u32 {
    const v = this.store.getTyped(HISTORY_NEXT, ValueType.U32);
    const n: u32 = v === null || v.length != 4 ? 1 : getU32LE(v, 0);
    const b = new Uint8Array(4);
    putU32LE(b, 0, n + 1);
    this.store.put(HISTORY_NEXT, ValueType.U32, 0, b);
    return n;
  }

  render(): void {
    if (this.registration.active) { board.show(this.registration.render()); return; }
    if (this.notice.length > 0) { board.show(this.notice); return; }
    const v = this.heater.values;
    if (this.ui == UI_MENU) {
      let t = "Menu";
      for (let i = 0; i < MENU_ITEMS.length; i++) t += "\n" + (i == this.cursor ? "> " : "  ") + MENU_ITEMS[i];
      board.show(t);
      return;
    }
    if (this.ui == UI_EDIT) {
      const unit = this.editing == Setting.FILL_L ? " L" : " C";
      board.show(MENU_ITEMS[this.editing] + "\n< " + this.draft.toString() + unit + " >\nOK: save  BACK: cancel");
      return;
    }
    board.show("Water heater\nHot water " + v[0].toString() + " C   Bath " + v[1].toString() + " C\n"
      + "Fill " + v[2].toString() + " L   Auto bath " + (v[3] == 1 ? (this.heater.bathReady ? "ready" : "filling") : "off")
      + (v[4] == 1 ? "   Reheating" : "") + "\nCloud: " + this.cloudStatus());
  }

  private cloudStatus(): string {
    const s = this.cloud.state;
    if (s == LinkState.CONNECTED) return "connected";
    if (s == LinkState.CONNECTING) return "connecting";
    if (s == LinkState.WAITING) return this.cloud.lastRefusal == -6 ? "login refused, retrying" : "offline, retrying";
    return this.store.registered() ? "offline" : "not registered";
  }
}

/** The factory's service-port request (devkit WIRE.md op 01 PROVISION); nothing else is
 *  offered on a production image's service port. */
export function handleFactory(store: CredentialStore, frame: Uint8Array): i32 {
  const req = parseRequest(frame);
  const op: u8 = frame.length > 0 ? frame[0] : 0;
  if (req === null) return reply(op, E_MALFORMED, new Uint8Array(0));
  return reply(op, req.op == 0x01 ? store.provisionFactory(board.text(req.data)) : E_UNSUPPORTED, new Uint8Array(0));
}
