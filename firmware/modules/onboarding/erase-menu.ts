// The connection menu's erase part (seed 000, FIG. 5 S4-S6): initialization and factory
// reset, telling the cloud first. Every appliance has it; Onboarding (onboarding.ts)
// extends it with pairing over a local session. An appliance that registers by other
// means (the printer: its app hands the registration over the printer's own session)
// takes this class alone, so its image carries no pairing code.
import * as board from "../../board/index";
import { OK } from "../../core/errors";
import { CredentialStore } from "../credential-store/index";
import { CloudLink } from "../cloud-link/index";
import { DeadlineOwner, Scheduler } from "../scheduler/index";

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

/** The connection menu, in order (an erase-only menu starts at INITIALIZE). */
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
/** How long an erase waits for the cloud to confirm the registration is retired; without
 *  an answer it erases anyway and the next registration's hello retires the old one. */
export const RETIRE_WAIT_MS: i32 = 10000;
const ERASE_INITIALIZE: i32 = 1, ERASE_FACTORY: i32 = 2;

export class EraseMenu extends DeadlineOwner {
  step: i32 = Step.NONE;
  /** The highlighted Choice while Step.MENU. */
  cursor: i32 = 0;
  failure: i32 = Failure.NONE;
  failureRc: i32 = OK;
  /** After an initialization the menu goes on to a new registration (Onboarding only). */
  protected continueToNew: bool = false;
  private pendingErase: i32 = 0;
  /** Told when an initialization or factory reset is done. */
  erased: EraseListener | null = null;

  constructor(protected store: CredentialStore, protected cloud: CloudLink, protected scheduler: Scheduler,
              protected deadline: u32 = WINDOW_DEADLINE) {
    super();
    scheduler.register(deadline, this);
  }

  get active(): bool { return this.step != Step.NONE; }

  /** The first menu entry offered: initialization, when the menu only erases. */
  get firstChoice(): i32 { return Choice.INITIALIZE; }

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
    if (key == Key.BACK) { this.cancel(); return; }
    if (key != Key.OK) return;
    if (s == Step.INIT_CONFIRM) this.beginErase(ERASE_INITIALIZE);   // S5 yes -> S6
    else if (s == Step.INIT_DONE) this.go(this.continueToNew ? Step.START_CONFIRM : Step.NONE);
    else if (s == Step.FACTORY_CONFIRM) this.beginErase(ERASE_FACTORY);
    else if (s == Step.DONE || s == Step.ERROR) this.go(Step.NONE);
  }

  /** Initialization always asks and erases here: a device that registers by other means
   *  holds records of its set-up (router, tokens) before any registration. */
  protected choose(item: i32): void {
    if (item == Choice.INITIALIZE) this.go(Step.INIT_CONFIRM);
    else this.go(Step.FACTORY_CONFIRM);
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

  protected cancel(): void {
    this.endSession();
    this.scheduler.cancel(this.deadline);
    this.go(Step.NONE);
  }

  protected fail(why: i32, rc: i32): void {
    this.endSession();
    this.scheduler.cancel(this.deadline);
    this.failure = why;
    this.failureRc = rc;
    this.go(Step.ERROR);
  }

  /** Ends a pairing session under way (Onboarding); the erase menu has none. */
  protected endSession(): void {}

  onDeadline(name: u32, lateMs: i64): void {
    if (this.step == Step.RETIRING) { board.compose().add("no answer from the cloud: erasing anyway").warn(); this.finishErase(); }
  }

  protected go(s: i32): void { this.step = s; }
}
