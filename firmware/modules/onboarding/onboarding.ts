// Onboarding: the registration state machine of seed 000 (FIG. 5 steps S1..S16) without
// its screens: new registration, additional registration, new registration after
// initialization (notice, explicit confirmation, erase), initialization and factory reset
// from the menu. The image shows `step` (and `code`, `cursor`, `mode`, `failure`) in its
// own words. The local link is open only while the device waits for the app or shows the
// code the user compares with the app's; MAX_BAD_FRAMES refused frames close it.
import * as board from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_AUTH, E_LOCKED } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { FieldReader, statusByte, statusFrame, withString } from "../../core/codecs/fields";
import { JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore } from "../credential-store/index";
import { CloudLink } from "../cloud-link/index";
import { SecureSession, SessionConfig, COMMIT_LEN, NONCE_LEN, PUBLIC_LEN } from "../secure-session/index";
import { DeadlineOwner, Scheduler } from "../scheduler/index";
import { Mode, Msg } from "./messages";

/** Where the user is (the image draws one screen per step). */
export namespace Step {
  export const NONE: i32 = 0;          // not onboarding
  export const MENU: i32 = 1;          // FIG. 9(a) connection menu
  export const INIT_NOTICE: i32 = 2;   // 9(b) initialization required
  export const INIT_CONFIRM: i32 = 3;  // 9(c) initialize? (explicit confirmation)
  export const INIT_DONE: i32 = 4;     // 9(d) initialization complete
  export const START_CONFIRM: i32 = 5; // 9(e) start connecting to the app?
  export const WAITING: i32 = 6;       // 9(f) waiting for the app
  export const CONNECTING: i32 = 7;    // 9(g) code confirmed, registration in progress
  export const DONE: i32 = 8;          // 9(h) registration complete
  export const ERROR: i32 = 9;         // `failure` says why
  export const FACTORY_CONFIRM: i32 = 10;
  export const RETIRING: i32 = 11;     // telling the cloud before erasing
  export const CODE: i32 = 12;         // key agreed: the user compares `code` with the app's
}

/** The user's keys while onboarding. */
export namespace Key {
  export const UP: i32 = 1;
  export const DOWN: i32 = 2;
  export const OK: i32 = 3;
  export const BACK: i32 = 4;
}

/** The connection menu, in order. */
export namespace Choice {
  export const NEW: i32 = 0;
  export const ADDITIONAL: i32 = 1;
  export const INITIALIZE: i32 = 2;
  export const FACTORY_RESET: i32 = 3;
  export const COUNT: i32 = 4;
}

/** Hears that an erase is done (the image drops what it holds in RAM of erased records). */
export class EraseListener {
  onErased(factory: bool): void {}
}

/** Why onboarding ended in Step.ERROR (`failureRc` carries the store's code where one). */
export namespace Failure {
  export const NONE: i32 = 0;
  export const CODES_DIFFERENT: i32 = 1;      // the user said the codes differ
  export const NOTHING_TO_ADD_TO: i32 = 2;    // additional registration without a registration
  export const ERASE_NOT_STARTED: i32 = 3;    // rc
  export const INITIALIZE_FAILED: i32 = 4;    // rc
  export const FACTORY_RESET_FAILED: i32 = 5; // rc
  export const NO_APP: i32 = 6;               // the window closed unanswered
  export const CODE_NOT_CONFIRMED: i32 = 7;   // the user did not confirm in time
  export const APP_SILENT: i32 = 8;           // the app stopped answering
  export const APP_CODE_DIFFERENT: i32 = 9;   // the app's user said the codes differ (ABORT)
  export const NOT_STORED: i32 = 10;          // rc: the new credentials could not be stored
  export const TOO_MANY_REFUSED: i32 = 11;    // MAX_BAD_FRAMES refused frames
}

/** Deadline name of the onboarding window (the brief's scheduler names). */
export const WINDOW_DEADLINE: u32 = 0x02;
export const WINDOW_MS: i32 = 180000;     // the link listens at most this long (Matter's minimum window)
export const HANDSHAKE_MS: i32 = 60000;
/** How long an erase waits for the cloud to confirm the registration is retired; without
 *  an answer it erases anyway and the next registration's hello retires the old one. */
export const RETIRE_WAIT_MS: i32 = 10000;
const ERASE_INITIALIZE: i32 = 1, ERASE_FACTORY: i32 = 2;
/** Refused frames a window tolerates; the next one closes it. */
export const MAX_BAD_FRAMES: i32 = 5;

export class Onboarding extends DeadlineOwner {
  step: i32 = Step.NONE;
  /** The highlighted Choice while Step.MENU. */
  cursor: i32 = 0;
  mode: u8 = Mode.NEW;
  failure: i32 = Failure.NONE;
  failureRc: i32 = OK;
  private continueToNew: bool = false;
  private session: SecureSession;
  /** The board link the pairing session runs over (the image routes its frames here). */
  readonly link: i32;
  private pendingErase: i32 = 0;
  private badFrames: i32 = 0;
  private terminal: string = "";
  /** CREDENTIALS / ADDED that arrived before the user confirmed the code on the device. */
  private held: Uint8Array | null = null;
  private heldType: u8 = 0;
  /** Only initialization and factory reset are offered (offerEraseOnly). */
  private eraseOnly: bool = false;
  /** Told when an initialization or factory reset is done. */
  erased: EraseListener | null = null;

  constructor(private store: CredentialStore, private cloud: CloudLink, private scheduler: Scheduler,
              session: SessionConfig, private deadline: u32 = WINDOW_DEADLINE) {
    super();
    this.session = new SecureSession(session);
    this.link = session.link;
    scheduler.register(deadline, this);
  }

  get active(): bool { return this.step != Step.NONE; }

  /** The short authentication string while Step.CODE. */
  get code(): string { return this.session.code; }

  /** For an appliance that registers by other means (the printer, by its app over its own
   *  session): the menu offers initialization and factory reset only, and initialization
   *  always asks and erases, since such a device holds records of its set-up (router,
   *  tokens) before any registration. */
  offerEraseOnly(): void { this.eraseOnly = true; }

  /** The first menu entry offered. */
  get firstChoice(): i32 { return this.eraseOnly ? Choice.INITIALIZE : Choice.NEW; }

  /** S1: the user opens the connection menu. */
  openMenu(): void { this.cursor = this.firstChoice; this.go(Step.MENU); }

  onKey(key: i32): void {
    const s = this.step;
    if (s == Step.MENU) {
      const first = this.firstChoice, n = Choice.COUNT - first;
      if (key == Key.UP) this.cursor = first + (this.cursor - first + n - 1) % n;
      else if (key == Key.DOWN) this.cursor = first + (this.cursor - first + 1) % n;
      else if (key == Key.BACK) this.go(Step.NONE);
      else if (key == Key.OK) this.choose(this.cursor);
      return;
    }
    // The cloud may already have retired the registration: no way back, only the erase.
    if (s == Step.RETIRING) return;
    if (s == Step.CODE) {
      if (key == Key.OK) this.codeConfirmed();
      else if (key == Key.BACK) this.fail(Failure.CODES_DIFFERENT, OK);
      return;
    }
    // BACK leaves from anywhere, mid-registration too: nothing is stored before S11.
    if (key == Key.BACK) { this.cancel(); return; }
    if (key != Key.OK) return;
    if (s == Step.INIT_NOTICE) this.go(Step.INIT_CONFIRM);               // S4 -> S5
    else if (s == Step.INIT_CONFIRM) this.beginErase(ERASE_INITIALIZE);   // S5 yes -> S6
    else if (s == Step.INIT_DONE) this.go(this.continueToNew ? Step.START_CONFIRM : Step.NONE);
    else if (s == Step.START_CONFIRM) this.openWindow();                 // S7 / S12 yes
    else if (s == Step.FACTORY_CONFIRM) this.beginErase(ERASE_FACTORY);
    else if (s == Step.DONE || s == Step.ERROR) this.go(Step.NONE);
  }

  private choose(item: i32): void {
    if (item == Choice.NEW) {                          // S2 new -> S3
      this.mode = Mode.NEW;
      // S3/S4: an existing connection must be initialized first; no timeout says yes.
      if (this.store.registered()) { this.continueToNew = true; this.go(Step.INIT_NOTICE); }
      else this.go(Step.START_CONFIRM);
    } else if (item == Choice.ADDITIONAL) {            // S2 additional -> S12
      if (!this.store.registered()) { this.fail(Failure.NOTHING_TO_ADD_TO, OK); return; }
      this.mode = Mode.ADDITIONAL;
      this.go(Step.START_CONFIRM);
    } else if (item == Choice.INITIALIZE) {
      this.continueToNew = false;
      this.go(this.store.registered() || this.eraseOnly ? Step.INIT_CONFIRM : Step.INIT_DONE);
    } else {
      this.go(Step.FACTORY_CONFIRM);
    }
  }

  /** Erasing starts by telling the cloud, over this registration's own login (which the
   *  broker ties to the factory certificate), so the cloud retires the registration and
   *  the broker forgets its password before the device forgets it. Offline, with no
   *  answer in time, or after a power cut meanwhile, the device erases anyway. */
  private beginErase(kind: i32): void {
    if (this.cloud.connected) {
      // Committed before the cloud hears of it: a power cut while it is being told ends
      // in the erase at the next boot (as if offline), never in a device still holding a
      // login the cloud has removed.
      const rc = this.store.scheduleErase(kind == ERASE_FACTORY);
      if (rc != OK) { this.fail(Failure.ERASE_NOT_STARTED, rc); return; }
    }
    if (this.cloud.connected && this.cloud.publish("retire", "{}") > 0) {
      this.pendingErase = kind;
      this.scheduler.after(this.deadline, RETIRE_WAIT_MS);
      this.go(Step.RETIRING);
      return;
    }
    if (kind == ERASE_FACTORY) this.factoryReset(); else this.initialize();
  }

  /** The cloud's {"retired":1}: the registration is retired, the erase can go on. */
  onRetired(): void {
    if (this.step != Step.RETIRING) return;
    this.scheduler.cancel(this.deadline);
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
    if (rc != OK) { this.fail(Failure.INITIALIZE_FAILED, rc); return; }
    board.compose().add("registration initialized").info();
    this.go(Step.INIT_DONE);
    const l = this.erased;
    if (l !== null) l.onErased(false);
  }

  private factoryReset(): void {
    this.cloud.stop();
    const rc = this.store.factoryReset();
    if (rc != OK) { this.fail(Failure.FACTORY_RESET_FAILED, rc); return; }
    board.compose().add("factory reset").info();
    this.continueToNew = false;
    this.go(Step.INIT_DONE);
    const l = this.erased;
    if (l !== null) l.onErased(true);
  }

  private openWindow(): void {
    this.endSession();
    this.badFrames = 0;
    this.scheduler.after(this.deadline, WINDOW_MS);
    this.go(Step.WAITING);
  }

  private cancel(): void {
    this.endSession();
    this.scheduler.cancel(this.deadline);
    this.go(Step.NONE);
  }

  private fail(why: i32, rc: i32): void {
    this.endSession();
    this.scheduler.cancel(this.deadline);
    this.failure = why;
    this.failureRc = rc;
    this.go(Step.ERROR);
  }

  private endSession(): void {
    this.session.close();
    const held = this.held;
    if (held !== null) wipe(held);
    this.held = null;
  }

  onDeadline(name: u32, lateMs: i64): void {
    if (this.step == Step.RETIRING) { board.compose().add("no answer from the cloud: erasing anyway").warn(); this.finishErase(); }
    else if (this.step == Step.WAITING) this.fail(Failure.NO_APP, OK);
    else if (this.step == Step.CODE) this.fail(Failure.CODE_NOT_CONFIRMED, OK);
    else if (this.step == Step.CONNECTING) this.fail(Failure.APP_SILENT, OK);
  }

  /** A frame on the session's link. Every refusal is answered with an ERROR frame and
   *  changes nothing; the window closes at the MAX_BAD_FRAMES-th refusal. */
  onFrame(frame: Uint8Array): i32 {
    if (frame.length == 0) return this.refuse(E_MALFORMED);
    const type = frame[0];
    if (type == Msg.NONCE_REQUEST) return this.onNonceRequest(frame);
    if (type == Msg.HELLO) return this.onHello(frame);
    if ((this.step != Step.CODE && this.step != Step.CONNECTING) || !this.session.isOpen) return this.refuse(E_STATE);
    if (type != Msg.CREDENTIALS && type != Msg.ADDED && type != Msg.ABORT) return this.refuse(E_MALFORMED);
    const body = this.session.openFrame(frame);
    if (body === null) return this.refuse(E_AUTH);
    if (type == Msg.ABORT) {
      const empty = body.length == 0;
      wipe(body);
      if (!empty) return this.refuse(E_MALFORMED);          // ABORT has no fields
      this.fail(Failure.APP_CODE_DIFFERENT, OK);
      return OK;
    }
    if (this.step == Step.CODE) {
      // The user confirmed in the app first: the frame waits for the device's OK.
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

  /** The phone commits to its key; the device answers with a fresh nonce and its own key. */
  private onNonceRequest(frame: Uint8Array): i32 {
    if (this.step != Step.WAITING) return this.refuse(E_STATE);
    if (frame.length != 1 + COMMIT_LEN) return this.refuse(E_MALFORMED);
    this.session.offer(slice(frame, 1, COMMIT_LEN));
    const reply = new Uint8Array(1 + NONCE_LEN + PUBLIC_LEN);
    reply[0] = Msg.NONCE;
    reply.set(this.session.nonce, 1);
    reply.set(this.session.ownPublic, 1 + NONCE_LEN);
    this.session.sendPlain(reply);
    return OK;
  }

  /** S8 / S13: connection request bound to the nonce; S9 / S14: answer with the existing
   *  device ID or none. The device then shows the code for the user to compare. */
  private onHello(frame: Uint8Array): i32 {
    if (this.step != Step.WAITING) return this.refuse(E_STATE);
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
    this.session.send(Msg.HELLO_REPLY, this.helloReplyBody(existing));
    this.scheduler.after(this.deadline, HANDSHAKE_MS);
    this.go(Step.CODE);
    return OK;
  }

  /** The sealed body of HELLO_REPLY (PROTOCOL.md §1); new fields are appended here. */
  private helloReplyBody(existing: string): Uint8Array {
    const inner = new Uint8Array(1);
    inner[0] = this.mode;
    // The serial lets the phone tell the cloud which device this is; the broker later
    // checks it against the factory certificate the device logs in with.
    const serial = this.store.serial();
    return withString(withString(inner, existing), serial === null ? "" : serial);
  }

  /** The user saw the same code on the device as in the app: only now may the app's
   *  CREDENTIALS / ADDED act, and only now does the device vouch for its terminal. */
  private codeConfirmed(): void {
    this.scheduler.after(this.deadline, HANDSHAKE_MS);   // the app's steps get a full handshake time
    this.go(Step.CONNECTING);
    // The cloud adds a user only against the device's own word for this terminal. Sent
    // live, not through the outbox: an approval is for the person at the device now, and
    // one delivered hours later would open a window nobody asked for (PROTOCOL.md §2).
    if (this.mode == Mode.ADDITIONAL) this.cloud.publish("approve", new JsonWriter().str("terminal", this.terminal).toString());
    const held = this.held;
    if (held !== null) {
      this.held = null;
      this.dispatch(this.heldType, held);
    }
  }

  /** S10 / S11: the app's new device ID and password are stored; the device then logs in. */
  private onCredentials(body: Uint8Array): i32 {
    if (this.mode != Mode.NEW) { wipe(body); return this.refuse(E_STATE); }
    const r = new FieldReader(body, 0);
    const id = r.str(64);
    const pw = r.bytes(r.i < body.length ? <i32>body[r.i] + 1 : 0);
    wipe(body);
    if (r.bad || !r.done || pw.length < 17 || pw.length > 65 || id.length == 0) { wipe(pw); return this.refuse(E_MALFORMED); }
    const password = slice(pw, 1, pw.length - 1);
    wipe(pw);
    const rc = this.store.setRegistration(id, password);
    wipe(password);
    this.answerLast(Msg.STORED, rc);
    if (rc != OK) { this.fail(Failure.NOT_STORED, rc); return rc; }
    board.compose().add("registered as ").add(id).info();
    this.cloud.start();
    this.go(Step.DONE);
    return OK;
  }

  /** S15 / S16: the app says it was added to the existing registration. */
  private onAdded(body: Uint8Array): i32 {
    if (this.mode != Mode.ADDITIONAL || body.length != 0) return this.refuse(E_MALFORMED);
    this.answerLast(Msg.ADDED_ACK, OK);
    board.compose().add("phone added to the registration").info();
    this.go(Step.DONE);
    return OK;
  }

  /** The app's last step answered with `status`: the session and its window end. */
  private answerLast(type: u8, status: i32): void {
    this.session.send(type, statusByte(status));
    this.session.close();
    this.scheduler.cancel(this.deadline);
  }

  private refuse(code: i32): i32 {
    const open = this.step == Step.WAITING || this.step == Step.CODE || this.step == Step.CONNECTING;
    if (open && ++this.badFrames >= MAX_BAD_FRAMES) {
      this.session.sendPlain(statusFrame(Msg.ERROR, E_LOCKED));
      board.compose().add("LAN window closed after ").num(MAX_BAD_FRAMES).add(" refused messages").warn();
      this.fail(Failure.TOO_MANY_REFUSED, E_LOCKED);
      return E_LOCKED;
    }
    this.session.sendPlain(statusFrame(Msg.ERROR, code));
    return code;
  }

  private go(s: i32): void { this.step = s; }
}

/** A terminal id as the cloud takes it (PROTOCOL.md §3): a letter or digit, then up to 63
 *  of letters, digits and . _ : -. Checked here too, so that the approval the device
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
