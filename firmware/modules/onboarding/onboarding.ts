// Onboarding: the registration state machine of seed 000 (FIG. 5 steps S1..S16) without
// its screens: new registration, additional registration, new registration after
// initialization (notice, explicit confirmation, erase), and from its base EraseMenu
// (erase-menu.ts) initialization and factory reset. The image shows `step` (and `code`,
// `cursor`, `mode`, `failure`) in its own words. The local link is open only while the
// device waits for the app or shows the code the user compares with the app's;
// MAX_BAD_FRAMES refused frames close it.
import * as board from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_AUTH, E_LOCKED } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { FieldReader, statusByte, statusFrame, withString } from "../../core/codecs/fields";
import { JsonWriter } from "../../core/codecs/flat-json";
import { CredentialStore } from "../credential-store/index";
import { CloudLink } from "../cloud-link/index";
import { SecureSession, SessionConfig, COMMIT_LEN, NONCE_LEN, PUBLIC_LEN } from "../secure-session/index";
import { Scheduler } from "../scheduler/index";
import { Mode, Msg } from "./messages";
import { EraseMenu, Step, Key, Choice, Failure, WINDOW_DEADLINE } from "./erase-menu";

export const WINDOW_MS: i32 = 180000;     // the link listens at most this long (Matter's minimum window)
export const HANDSHAKE_MS: i32 = 60000;
/** Refused frames a window tolerates; the next one closes it. */
export const MAX_BAD_FRAMES: i32 = 5;

export class Onboarding extends EraseMenu {
  mode: u8 = Mode.NEW;
  private session: SecureSession;
  /** The board link the pairing session runs over (the image routes its frames here). */
  readonly link: i32;
  private badFrames: i32 = 0;
  private terminal: string = "";
  /** CREDENTIALS / ADDED that arrived before the user confirmed the code on the device. */
  private held: Uint8Array | null = null;
  private heldType: u8 = 0;

  constructor(store: CredentialStore, cloud: CloudLink, scheduler: Scheduler,
              session: SessionConfig, deadline: u32 = WINDOW_DEADLINE) {
    super(store, cloud, scheduler, deadline);
    this.session = new SecureSession(session);
    this.link = session.link;
  }

  /** The short authentication string while Step.CODE. */
  get code(): string { return this.session.code; }

  /** The first menu entry offered: a new registration. */
  get firstChoice(): i32 { return Choice.NEW; }

  onKey(key: i32): void {
    const s = this.step;
    if (s == Step.CODE) {
      if (key == Key.OK) this.codeConfirmed();
      else if (key == Key.BACK) this.fail(Failure.CODES_DIFFERENT, OK);
      return;
    }
    // BACK (EraseMenu) leaves from anywhere, mid-registration too: nothing is stored
    // before S11.
    if (key == Key.OK && s == Step.INIT_NOTICE) this.go(Step.INIT_CONFIRM);   // S4 -> S5
    else if (key == Key.OK && s == Step.START_CONFIRM) this.openWindow();     // S7 / S12 yes
    else super.onKey(key);
  }

  protected choose(item: i32): void {
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
      this.go(this.store.registered() ? Step.INIT_CONFIRM : Step.INIT_DONE);
    } else {
      super.choose(item);
    }
  }

  private openWindow(): void {
    this.endSession();
    this.badFrames = 0;
    this.scheduler.after(this.deadline, WINDOW_MS);
    this.go(Step.WAITING);
  }

  protected endSession(): void {
    this.session.close();
    const held = this.held;
    if (held !== null) wipe(held);
    this.held = null;
  }

  onDeadline(name: u32, lateMs: i64): void {
    if (this.step == Step.WAITING) this.fail(Failure.NO_APP, OK);
    else if (this.step == Step.CODE) this.fail(Failure.CODE_NOT_CONFIRMED, OK);
    else if (this.step == Step.CONNECTING) this.fail(Failure.APP_SILENT, OK);
    else super.onDeadline(name, lateMs);
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
    this.session.answerOffer(slice(frame, 1, COMMIT_LEN), Msg.NONCE);
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
