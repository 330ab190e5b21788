// The remote controller's registration state machine (seed 000, FIG. 5 steps S1..S16,
// screens of FIG. 9): new registration, additional registration, new registration after
// initialization (notice, explicit confirmation, erase), initialization and factory
// reset from the menu. The LAN is open only while the screen waits for the app or shows
// the code the user compares with the app's; five refused frames close it.
import * as board from "../../board/index";
import { Link } from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_AUTH, E_LOCKED } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { CredentialStore } from "../credential-store/credential-store";
import { CloudLink } from "../cloud-link/cloud-link";
import { LanSession, COMMIT_LEN, NONCE_LEN, PUBLIC_LEN } from "../lan-session/session";
import { FieldReader, Mode, Msg, statusFrame, withString } from "./messages";
import { JsonWriter } from "../../core/codecs/flat-json";

export namespace Screen {
  export const NONE: i32 = 0;          // not in the connection screens
  export const MENU: i32 = 1;          // FIG. 9(a) connection menu
  export const INIT_NOTICE: i32 = 2;   // 9(b) initialization required
  export const INIT_CONFIRM: i32 = 3;  // 9(c) initialize? (explicit confirmation)
  export const INIT_DONE: i32 = 4;     // 9(d) initialization complete
  export const START_CONFIRM: i32 = 5; // 9(e) start connecting to the app?
  export const WAITING: i32 = 6;       // 9(f) waiting for the app
  export const CONNECTING: i32 = 7;    // 9(g) connecting, registration in progress (code confirmed)
  export const DONE: i32 = 8;          // 9(h) registration complete
  export const ERROR: i32 = 9;
  export const FACTORY_CONFIRM: i32 = 10;
  export const RETIRING: i32 = 11;     // telling the cloud before erasing
  export const CODE: i32 = 12;         // key agreed: the user compares the code with the app's
}

export namespace Key {
  export const UP: i32 = 1;
  export const DOWN: i32 = 2;
  export const OK: i32 = 3;
  export const BACK: i32 = 4;
}

const MENU_ITEMS: string[] = ["New registration", "Additional registration", "Initialize", "Factory reset"];
export const WINDOW_MS: i32 = 180000;     // the LAN listens at most this long (Matter's minimum window)
export const HANDSHAKE_MS: i32 = 60000;
/** How long an erase waits for the cloud to confirm the registration is retired; without
 *  an answer it erases anyway and the next registration's hello retires the old one. */
export const RETIRE_WAIT_MS: i32 = 10000;
const ERASE_INITIALIZE: i32 = 1, ERASE_FACTORY: i32 = 2;
/** Refused LAN frames a window tolerates; the next one closes it. */
export const MAX_BAD_FRAMES: i32 = 5;

export class Registration {
  screen: i32 = Screen.NONE;
  private cursor: i32 = 0;
  private mode: u8 = Mode.NEW;
  private continueToNew: bool = false;
  private error: string = "";
  private session: LanSession = new LanSession();
  private pendingErase: i32 = 0;
  private badFrames: i32 = 0;
  private terminal: string = "";
  /** CREDENTIALS / ADDED that arrived before the user confirmed the code on the remote. */
  private held: Uint8Array | null = null;
  private heldType: u8 = 0;

  constructor(private store: CredentialStore, private cloud: CloudLink, private timerId: i32) {}

  get active(): bool { return this.screen != Screen.NONE; }

  /** S1: the user opens the connection menu. */
  openMenu(): void { this.cursor = 0; this.go(Screen.MENU); }

  onButton(key: i32): void {
    const s = this.screen;
    if (s == Screen.MENU) {
      if (key == Key.UP) this.cursor = (this.cursor + MENU_ITEMS.length - 1) % MENU_ITEMS.length;
      else if (key == Key.DOWN) this.cursor = (this.cursor + 1) % MENU_ITEMS.length;
      else if (key == Key.BACK) this.go(Screen.NONE);
      else if (key == Key.OK) this.choose(this.cursor);
      return;
    }
    // The cloud may already have retired the registration: no way back, only the erase.
    if (s == Screen.RETIRING) return;
    if (s == Screen.CODE) {
      if (key == Key.OK) this.codeConfirmed();
      else if (key == Key.BACK) this.fail("The codes were different.\nNothing was changed.");
      return;
    }
    // BACK leaves from anywhere, mid-registration too: nothing is stored before S11.
    if (key == Key.BACK) { this.cancel(); return; }
    if (key != Key.OK) return;
    if (s == Screen.INIT_NOTICE) this.go(Screen.INIT_CONFIRM);           // S4 -> S5
    else if (s == Screen.INIT_CONFIRM) this.beginErase(ERASE_INITIALIZE); // S5 yes -> S6
    else if (s == Screen.INIT_DONE) this.go(this.continueToNew ? Screen.START_CONFIRM : Screen.NONE);
    else if (s == Screen.START_CONFIRM) this.openWindow();               // S7 / S12 yes
    else if (s == Screen.FACTORY_CONFIRM) this.beginErase(ERASE_FACTORY);
    else if (s == Screen.DONE || s == Screen.ERROR) this.go(Screen.NONE);
  }

  private choose(item: i32): void {
    if (item == 0) {                                   // S2 new -> S3
      this.mode = Mode.NEW;
      // S3/S4: an existing connection must be initialized first; no timeout says yes.
      if (this.store.registered()) { this.continueToNew = true; this.go(Screen.INIT_NOTICE); }
      else this.go(Screen.START_CONFIRM);
    } else if (item == 1) {                            // S2 additional -> S12
      if (!this.store.registered()) { this.fail("No existing connection to add a phone to. Choose New registration."); return; }
      this.mode = Mode.ADDITIONAL;
      this.go(Screen.START_CONFIRM);
    } else if (item == 2) {
      this.continueToNew = false;
      this.go(this.store.registered() ? Screen.INIT_CONFIRM : Screen.INIT_DONE);
    } else {
      this.go(Screen.FACTORY_CONFIRM);
    }
  }

  /** Erasing starts by telling the cloud, over this registration's own login (which the
   *  broker ties to the factory certificate), so the cloud retires the registration and
   *  the broker forgets its password before the remote forgets it. Offline, with no
   *  answer in time, or after a power cut meanwhile, the remote erases anyway. */
  private beginErase(kind: i32): void {
    if (this.cloud.connected) {
      // Committed before the cloud hears of it: a power cut while it is being told ends
      // in the erase at the next boot (as if offline), never in a remote still holding a
      // login the cloud has removed.
      const rc = this.store.scheduleErase(kind == ERASE_FACTORY);
      if (rc != OK) { this.fail("The erase could not start (" + rc.toString() + "). Nothing was changed."); return; }
    }
    if (this.cloud.connected && this.cloud.publish("retire", "{}") > 0) {
      this.pendingErase = kind;
      board.setTimer(this.timerId, RETIRE_WAIT_MS);
      this.go(Screen.RETIRING);
      return;
    }
    if (kind == ERASE_FACTORY) this.factoryReset(); else this.initialize();
  }

  /** The cloud's {"retired":1}: the registration is retired, the erase can go on. */
  onRetired(): void {
    if (this.screen != Screen.RETIRING) return;
    board.cancelTimer(this.timerId);
    this.finishErase();
  }

  private finishErase(): void {
    const kind = this.pendingErase;
    this.pendingErase = 0;
    if (kind == ERASE_FACTORY) this.factoryReset(); else this.initialize();
  }

  /** S6: erase this registration's device ID, password and everything tied to them. */
  private initialize(): void {
    this.cloud.stop();
    const rc = this.store.initialize();
    if (rc != OK) { this.fail("Initialization failed (" + rc.toString() + ")"); return; }
    board.logInfo("registration initialized");
    this.go(Screen.INIT_DONE);
  }

  private factoryReset(): void {
    this.cloud.stop();
    const rc = this.store.factoryReset();
    if (rc != OK) { this.fail("Factory reset failed (" + rc.toString() + ")"); return; }
    board.logInfo("factory reset");
    this.continueToNew = false;
    this.go(Screen.INIT_DONE);
  }

  private openWindow(): void {
    this.endSession();
    this.badFrames = 0;
    board.setTimer(this.timerId, WINDOW_MS);
    this.go(Screen.WAITING);
  }

  private cancel(): void {
    this.endSession();
    board.cancelTimer(this.timerId);
    this.go(Screen.NONE);
  }

  private fail(why: string): void {
    this.endSession();
    board.cancelTimer(this.timerId);
    this.error = why;
    this.go(Screen.ERROR);
  }

  private endSession(): void {
    this.session.close();
    const held = this.held;
    if (held !== null) wipe(held);
    this.held = null;
  }

  onTimer(): void {
    if (this.screen == Screen.RETIRING) { board.logWarn("no answer from the cloud: erasing anyway"); this.finishErase(); }
    else if (this.screen == Screen.WAITING) this.fail("No app answered in time.");
    else if (this.screen == Screen.CODE) this.fail("The code was not confirmed in time. Nothing was changed.");
    else if (this.screen == Screen.CONNECTING) this.fail("The app stopped answering. Nothing was changed.");
  }

  /** A LAN frame. Every refusal is answered with an ERROR frame and changes nothing;
   *  the window closes at the MAX_BAD_FRAMES-th refusal. */
  onLan(frame: Uint8Array): i32 {
    if (frame.length == 0) return this.refuse(E_MALFORMED);
    const type = frame[0];
    if (type == Msg.NONCE_REQUEST) return this.onNonceRequest(frame);
    if (type == Msg.HELLO) return this.onHello(frame);
    if ((this.screen != Screen.CODE && this.screen != Screen.CONNECTING) || !this.session.isOpen) return this.refuse(E_STATE);
    if (type != Msg.CREDENTIALS && type != Msg.ADDED && type != Msg.ABORT) return this.refuse(E_MALFORMED);
    const body = this.session.openFrame(frame);
    if (body === null) return this.refuse(E_AUTH);
    if (type == Msg.ABORT) {
      const empty = body.length == 0;
      wipe(body);
      if (!empty) return this.refuse(E_MALFORMED);          // ABORT has no fields
      this.fail("The app showed a different code.\nNothing was changed.");
      return OK;
    }
    if (this.screen == Screen.CODE) {
      // The user confirmed in the app first: the frame waits for the remote's OK.
      if (this.held !== null) { wipe(body); return this.refuse(E_STATE); }
      this.held = body;
      this.heldType = type;
      return OK;
    }
    return this.dispatch(type, body);
  }

  private dispatch(type: u8, body: Uint8Array): i32 {
    return type == Msg.CREDENTIALS ? this.onCredentials(body) : this.onAdded(body);
  }

  /** The phone commits to its key; the remote answers with a fresh nonce and its own key. */
  private onNonceRequest(frame: Uint8Array): i32 {
    if (this.screen != Screen.WAITING) return this.refuse(E_STATE);
    if (frame.length != 1 + COMMIT_LEN) return this.refuse(E_MALFORMED);
    this.session.offer(slice(frame, 1, COMMIT_LEN));
    const reply = new Uint8Array(1 + NONCE_LEN + PUBLIC_LEN);
    reply[0] = Msg.NONCE;
    reply.set(this.session.nonce, 1);
    reply.set(this.session.devicePublic, 1 + NONCE_LEN);
    board.linkSend(Link.LAN, reply);
    return OK;
  }

  /** S8 / S13: connection request bound to the nonce; S9 / S14: answer with the existing
   *  device ID or none. The remote then shows the code for the user to compare. */
  private onHello(frame: Uint8Array): i32 {
    if (this.screen != Screen.WAITING) return this.refuse(E_STATE);
    const r = new FieldReader(frame, 1);
    const phonePub = r.bytes(PUBLIC_LEN);
    const nonce = r.bytes(NONCE_LEN);
    const terminal = r.str(64);
    if (!r.done || !isTerminalId(terminal)) return this.refuse(E_MALFORMED);
    const rc = this.session.accept(phonePub, nonce);
    if (rc != OK) return this.refuse(rc);
    let existing = "";
    if (this.mode == Mode.ADDITIONAL) {
      const id = this.store.registrationDeviceId();
      if (id === null) { this.session.close(); return this.refuse(E_STATE); }
      existing = id;
    }
    this.terminal = terminal;
    board.linkSend(Link.LAN, this.session.seal(Msg.HELLO_REPLY, this.helloReplyBody(existing)));
    board.setTimer(this.timerId, HANDSHAKE_MS);
    this.go(Screen.CODE);
    return OK;
  }

  /** The sealed body of HELLO_REPLY (PROTOCOL.md §1); new fields are appended here. */
  private helloReplyBody(existing: string): Uint8Array {
    const inner = new Uint8Array(1);
    inner[0] = this.mode;
    // The serial lets the phone tell the cloud which remote this is; the broker later
    // checks it against the factory certificate the remote logs in with.
    const serial = this.store.serial();
    return withString(withString(inner, existing), serial === null ? "" : serial);
  }

  /** The user saw the same code on the remote as in the app: only now may the app's
   *  CREDENTIALS / ADDED act, and only now does the remote vouch for its terminal. */
  private codeConfirmed(): void {
    board.setTimer(this.timerId, HANDSHAKE_MS);          // the app's steps get a full handshake time
    this.go(Screen.CONNECTING);
    // The cloud adds a user only against the device's own word for this terminal. Sent
    // live, not through the outbox: an approval is for the person at the remote now, and
    // one delivered hours later would open a window nobody asked for (PROTOCOL.md §2).
    if (this.mode == Mode.ADDITIONAL) this.cloud.publish("approve", new JsonWriter().str("terminal", this.terminal).toString());
    const held = this.held;
    if (held !== null) {
      this.held = null;
      this.dispatch(this.heldType, held);
    }
  }

  /** S10 / S11: the app's new device ID and password are stored; the remote then logs in. */
  private onCredentials(body: Uint8Array): i32 {
    if (this.mode != Mode.NEW) { wipe(body); return this.refuse(E_STATE); }
    const r = new FieldReader(body, 0);
    const id = r.str(64);
    const pw = r.bytes(r.i < body.length ? <i32>body[r.i] + 1 : 0);
    wipe(body);
    if (r.bad || !r.done || pw.length < 17 || pw.length > 65 || id.length == 0) { wipe(pw); return this.refuse(E_MALFORMED); }
    const password = pw.subarray(1);
    const rc = this.store.setRegistration(id, password);
    wipe(pw);
    board.linkSend(Link.LAN, this.session.seal(Msg.STORED, statusByte(rc)));
    this.session.close();
    board.cancelTimer(this.timerId);
    if (rc != OK) { this.fail("The device could not store its new credentials (" + rc.toString() + ")."); return rc; }
    board.logInfo("registered as " + id);
    this.cloud.start();
    this.go(Screen.DONE);
    return OK;
  }

  /** S15 / S16: the app says it was added to the existing registration. */
  private onAdded(body: Uint8Array): i32 {
    if (this.mode != Mode.ADDITIONAL || body.length != 0) return this.refuse(E_MALFORMED);
    board.linkSend(Link.LAN, this.session.seal(Msg.ADDED_ACK, statusByte(OK)));
    this.session.close();
    board.cancelTimer(this.timerId);
    board.logInfo("phone added to the registration");
    this.go(Screen.DONE);
    return OK;
  }

  private refuse(code: i32): i32 {
    const open = this.screen == Screen.WAITING || this.screen == Screen.CODE || this.screen == Screen.CONNECTING;
    if (open && ++this.badFrames >= MAX_BAD_FRAMES) {
      board.linkSend(Link.LAN, statusFrame(Msg.ERROR, E_LOCKED));
      board.logWarn("LAN window closed after " + MAX_BAD_FRAMES.toString() + " refused messages");
      this.fail(MAX_BAD_FRAMES.toString() + " refused messages: the connection was closed.\nNothing was changed.");
      return E_LOCKED;
    }
    board.linkSend(Link.LAN, statusFrame(Msg.ERROR, code));
    return code;
  }

  private go(s: i32): void { this.screen = s; }

  render(): string {
    const s = this.screen;
    if (s == Screen.MENU) {
      let t = "Connection";
      for (let i = 0; i < MENU_ITEMS.length; i++) t += "\n" + (i == this.cursor ? "> " : "  ") + MENU_ITEMS[i];
      return t;
    }
    if (s == Screen.INIT_NOTICE) return "Initialization required\nThis remote is still connected to a previous user's app.\nInitialize that connection first.\nOK: continue  BACK: cancel";
    if (s == Screen.INIT_CONFIRM) return "Initialize connection?\nThe device ID and password will be erased.\nOK: initialize  BACK: cancel";
    if (s == Screen.INIT_DONE) return "Initialization complete\nThe previous connection was erased.\nOK: next";
    if (s == Screen.START_CONFIRM) return (this.mode == Mode.NEW ? "New registration" : "Additional registration") + "\nStart connecting to the app?\nOK: start  BACK: cancel";
    if (s == Screen.WAITING) return "Waiting for the app\nOpen the app on a phone at home\nand choose " + (this.mode == Mode.NEW ? "Register." : "Add this phone.") + "\nBACK: cancel";
    if (s == Screen.CODE) return "Check the code\n" + this.session.code + "\nDoes the app show the same code?\nOK: same  BACK: different";
    if (s == Screen.CONNECTING) return "Connecting to the app\nCode confirmed. Registration in progress...";
    if (s == Screen.DONE) return (this.mode == Mode.NEW ? "Registration complete" : "Phone added") + "\nThe app can now use this water heater.\nOK: done";
    if (s == Screen.RETIRING) return "Telling the cloud\nThe connection is being removed at the cloud.\nPlease wait...";
    if (s == Screen.FACTORY_CONFIRM) return "Factory reset?\nAll user data and the connection will be erased.\nOK: reset  BACK: cancel";
    if (s == Screen.ERROR) return "Error\n" + this.error + "\nOK: back";
    return "";
  }
}

/** A terminal id as the cloud takes it (PROTOCOL.md §3): a letter or digit, then up to 63
 *  of letters, digits and . _ : -. Checked here too, so that the approval the remote
 *  publishes for it is always valid JSON the cloud will use. */
function isTerminalId(t: string): bool {
  if (t.length < 1 || t.length > 64) return false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && (i == 0 || (c != 0x2e && c != 0x5f && c != 0x3a && c != 0x2d))) return false;
  }
  return true;
}

function statusByte(rc: i32): Uint8Array {
  const b = new Uint8Array(1);
  b[0] = <u8>rc;
  return b;
}
