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
import { getU32LE } from "../../core/bytes";
import { HeaterOutboxFormat, HISTORY, REPLY, historyEntry, replyEntry } from "./outbox-entries";
import { MENU_ITEMS, showHome, showMenu, showEditor, showNotSaved } from "./screens";

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
export const FIRMWARE = "water-heater 1";

const UI_HOME = 0, UI_MENU = 1, UI_EDIT = 2;

export class Remote {
  heater: Heater;
  cloud: CloudLink;
  registration: Registration;
  private ui: i32 = UI_HOME;
  private cursor: i32 = 0;
  private editing: i32 = 0;
  private draft: i32 = 0;
  /** A failure the user must see: the store's error for a setting that could not be
   *  saved (OK when there is none); any button clears it. */
  private notSaved: i32 = OK;

  constructor(public store: CredentialStore) {
    const cloud = new CloudLink(store, CLOUD_TIMER, new HeaterOutboxFormat());
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
    if (this.notSaved != OK) this.notSaved = OK;
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

  /** From the cloud: {"ack":n} acknowledges our outbox; {"cmd":n,"set":name,"value":v} is
   *  a command, answered through the outbox (so the reply survives outages). A command
   *  not above the last one applied (a resend after an outage, or a replay) is not
   *  applied again: the last applied one is answered 0 again (it was applied; this also
   *  answers it if a power cut came between applying it and storing its reply), older
   *  ones -3. The cloud keeps the first reply to each command. */
  onMqttMessage(topic: string, payload: Uint8Array): i32 {
    const body = this.cloud.commandPayload(topic, payload);
    if (body === null) return E_STATE;
    const j = parseFlatJson(body);
    if (j !== null && j.get("cmd") === null && j.int("retired", 0) == 1) { this.registration.onRetired(); this.render(); return OK; }
    if (j !== null && j.get("cmd") === null && j.get("ack") !== null) return this.cloud.onCloudAck(j.int("ack", -1));
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
    const last = <i64>this.lastCommand();
    let again = false;
    if (cmd == last && last > 0) again = true;                   // applied already: answer as then
    else if (cmd < last) status = E_STATE;                       // resent, replayed or out of order
    else status = Heater.check(i, value);
    // The replay floor must be durable before the command acts: otherwise a power cut
    // could let the same command be applied twice.
    if (status == OK && !again) status = this.store.putU32(LAST_COMMAND, <u32>cmd, 0);
    if (status == OK && !again) status = this.apply(i, <i32>value);
    if (status != OK && status != E_STATE) board.logWarn("command " + cmd.toString() + " not applied: " + status.toString());
    const rc = this.cloud.enqueue(REPLY, replyEntry(<u32>cmd, status));
    if (rc < 0) board.logError("reply to command " + cmd.toString() + " not stored (" + rc.toString() + ")");
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
      this.notSaved = rc;
    }
    return rc;
  }

  /** Usage history goes through the outbox (never lost); state is simply re-sent. */
  private report(c: Change): void {
    if (this.store.registered()) {
      const rc = this.cloud.enqueue(HISTORY, historyEntry(c.event, c.value, board.wallMs()));
      if (rc < 0) board.logError("history " + c.event + " not stored (" + rc.toString() + ")");
    }
    this.cloud.publish("state", this.heater.stateJson());
  }

  private lastCommand(): u32 { const v = this.store.getTyped(LAST_COMMAND, ValueType.U32); return v === null || v.length != 4 ? 0 : getU32LE(v, 0); }

  render(): void {
    if (this.registration.active) { board.show(this.registration.render()); return; }
    if (this.notSaved != OK) showNotSaved(this.notSaved);
    else if (this.ui == UI_MENU) showMenu(this.cursor);
    else if (this.ui == UI_EDIT) showEditor(this.editing, this.draft);
    else showHome(this.heater.values, this.heater.bathReady, this.cloudStatus());
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
