// A phone at the printer: an NFC tap (the reader reads the printer's tag: an empty LINK
// frame) or a BLE read while the CONNECT window is open. The printer judges its state
// (S19) and answers with one handover message (S21 / S116): the group's credentials and
// the PWT for setting up or printing, or the SVWT, the PWT and a page for recharging or a
// new cartridge. PROTOCOL.md §2 has the table.
import * as board from "../../board/index";
import { Link } from "../../board/index";
import { OK, E_MALFORMED, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { NdefRecord, Tnf } from "../../core/codecs/ndef";
import { CredentialStore } from "../../modules/credential-store/index";
import { DeadlineOwner, Scheduler } from "../../modules/scheduler/index";
import { HandoverBuilder, WifiDirectGroup, decodeHandover } from "../../modules/handover/index";
import { Tokens, PWT_LEN, CLOUD_MAX } from "../../modules/tokens/index";
import { PrepaidCounter } from "../../modules/prepaid-counter/index";
import { Ink } from "./ink";
import { Wifi } from "./wifi";

/** Below this many pages a tap offers the recharge page (S116). */
export const PAGES_LOW: u32 = 20;
/** Scheduler name (volatile) of the CONNECT window: BLE answers only while it is open. */
export const CONNECT_DEADLINE: u32 = 0x31;
export const CONNECT_WINDOW_MS: i64 = 60_000;

export namespace Judged {
  export const SET_UP: i32 = 0;     // not registered: P2P + PWT + management app
  export const RECHARGE: i32 = 1;   // pages < PAGES_LOW: SVWT + PWT + recharge page + management app
  export const EXCHANGE: i32 = 2;   // ink low: SVWT + PWT + exchange page + management app
  export const PRINT: i32 = 3;      // P2P + PWT + print app
}

/** BLE frames (PROTOCOL.md §2). */
export namespace Ble {
  export const READ_HANDOVER: u8 = 0x01;
  export const HANDOVER: u8 = 0x81;
  export const ERROR: u8 = 0xff;
}

// The answer's texts (record types, app ids, pages) are written where they are used:
// board.utf8 of a literal is stored as its UTF-8 bytes (scripts/utf8-literals.mjs).

/** S19, in PROTOCOL.md §1's order. */
export function judge(registered: bool, pages: u32, inkLow: bool): i32 {
  if (!registered) return Judged.SET_UP;
  if (pages < PAGES_LOW) return Judged.RECHARGE;
  if (inkLow) return Judged.EXCHANGE;
  return Judged.PRINT;
}

export class Tap extends DeadlineOwner {
  /** The CONNECT window is open (the user pressed CONNECT on the panel). */
  connectOpen: bool = false;
  private address: Uint8Array = new Uint8Array(0);

  constructor(private store: CredentialStore, private scheduler: Scheduler, private tokens: Tokens,
              private pages: PrepaidCounter, private ink: Ink, private wifi: Wifi) {
    super();
    scheduler.register(CONNECT_DEADLINE, this);
  }

  /** What a tap gets now. */
  judged(): i32 { return judge(this.tokens.hasSt(), this.pages.balance, this.ink.low); }

  /** NFC: an empty frame is a read of the tag, answered at once; a non-empty one is a phone
   *  writing NDEF to the read-only tag: decoded (bounded), never stored, never answered. */
  onNfc(frame: Uint8Array): i32 {
    if (frame.length > 0) {
      const h = decodeHandover(frame);
      return h.error != OK ? h.error : E_UNSUPPORTED;
    }
    const answer = this.answer();
    if (answer === null) return this.failure;
    board.linkSend(Link.NFC, answer);
    return OK;
  }

  /** BLE: READ_HANDOVER (exactly one byte) while the CONNECT window is open; reading
   *  closes it. */
  onBle(frame: Uint8Array): i32 {
    if (frame.length != 1 || frame[0] != Ble.READ_HANDOVER) return bleError(E_MALFORMED);
    if (!this.connectOpen) return bleError(E_STATE);
    const answer = this.answer();
    if (answer === null) return bleError(this.failure);
    this.closeConnect();
    const f = new Uint8Array(1 + answer.length);
    f[0] = Ble.HANDOVER;
    f.set(answer!, 1);
    board.linkSend(Link.BLE, f);
    wipe(f);
    return OK;
  }

  /** The CONNECT button: BLE answers one read within the window. */
  openConnect(): void {
    this.connectOpen = true;
    this.scheduler.after(CONNECT_DEADLINE, CONNECT_WINDOW_MS);
  }

  closeConnect(): void {
    this.connectOpen = false;
    this.scheduler.cancel(CONNECT_DEADLINE);
  }

  onDeadline(name: u32, lateMs: i64): void { this.connectOpen = false; }

  /** Why the last answer() returned null. */
  failure: i32 = OK;

  /** The answer last built, kept until something it holds changes: a tap repeats it
   *  without unsealing the PWT or encoding again (the tap's cost, PROTOCOL.md §2). It holds
   *  what any tapping phone gets anyway (the group's credentials, the PWT or the SVWT) and
   *  is wiped when it goes stale. */
  private cached: Uint8Array | null = null;
  private cachedState: i32 = -1;
  private cachedGroup: Uint8Array = new Uint8Array(0);
  private cachedSvwt: bool = false;
  /** The answer build() made last holds the SVWT. */
  private builtSvwt: bool = false;

  /** Something an answer holds changed (a new PWT, a SVWT stored, exchanged or expired, an
   *  erase): the next tap builds its answer afresh. */
  stale(): void {
    const c = this.cached;
    if (c !== null) wipe(c);
    this.cached = null;
  }

  /** The cached answer still says what a new one would: the same judged state, a PWT
   *  whose rotation is not yet due (every answer carries it; a rotation between the
   *  deadline and its TIMER event is run by pwt() on the rebuild), and for a group answer
   *  the same running group. */
  private cachedFor(state: i32): Uint8Array | null {
    const c = this.cached;
    if (c === null || state != this.cachedState || !this.tokens.pwtLive()) return null;
    // An SVWT past its lifetime is refused before its TIMER event erases it: so is an answer holding it.
    if (this.cachedSvwt && !this.tokens.svwtLive()) return null;
    if (state == Judged.SET_UP || state == Judged.PRINT) {
      if (!this.wifi.groupRunning || this.wifi.groupSsid !== this.cachedGroup) return null;
      this.wifi.touchGroup();
    }
    return c;
  }

  /** The handover message for the judged state (a secret kept in `cached`, never wiped by
   *  the caller), or null (`failure` says why). */
  answer(): Uint8Array | null {
    const state = this.judged();
    const hit = this.cachedFor(state);
    if (hit !== null) return hit;
    this.stale();
    const built = this.build(state);
    if (built !== null) {
      this.cached = built;
      this.cachedState = state;
      this.cachedGroup = this.wifi.groupSsid;
      this.cachedSvwt = this.builtSvwt;
    }
    return built;
  }

  private build(state: i32): Uint8Array | null {
    const b = new HandoverBuilder();
    const others: NdefRecord[] = [];
    let svwt: Uint8Array | null = null;
    this.builtSvwt = false;
    let uri: Uint8Array | null = null;
    let printApp = false;
    if (state == Judged.SET_UP || state == Judged.PRINT) {
      const rc = this.wifi.openGroup();
      if (rc != OK) { this.failure = rc; return null; }
      const g = new WifiDirectGroup();
      g.deviceAddress = this.deviceAddress();
      g.ssid = this.wifi.groupSsid;
      g.passphrase = this.wifi.groupPass;
      b.wifiDirect(g);
      printApp = state == Judged.PRINT;
    } else {
      // S116. The PWT rides along (no group: the printer is on the router) so that a phone
      // whose PT idled out or was replaced gets a new one over the LAN before its CHARGE:
      // the tap is the same proof of presence as at set-up.
      const buf = new Uint8Array(CLOUD_MAX);
      const n = this.tokens.presentSvwt(buf);
      if (n > 0) {
        svwt = slice(buf, 0, n);
        this.builtSvwt = true;
        others.push(new NdefRecord(Tnf.EXTERNAL, board.utf8("printer.example:svwt"), new Uint8Array(0), svwt));
      }
      wipe(buf);
      uri = board.utf8(state == Judged.RECHARGE ? "https://cloud.example/printer/recharge"
        : "https://cloud.example/printer/exchange");
    }
    const pwt = this.pwt();
    if (pwt === null) { if (svwt !== null) wipe(svwt); return null; }
    others.push(new NdefRecord(Tnf.EXTERNAL, board.utf8("printer.example:pwt"), new Uint8Array(0), pwt));
    const app = board.utf8(printApp ? "com.example.printer.print" : "com.example.printer.manage");
    const e = b.message(uri, others, app);
    wipe(pwt);
    if (svwt !== null) wipe(svwt);
    this.failure = e.error;
    return e.error == OK ? e.bytes : null;
  }

  /** The current PWT; a rotation that is due but not yet run is run now. */
  private pwt(): Uint8Array | null {
    const out = new Uint8Array(PWT_LEN);
    let rc = this.tokens.currentPwt(out);
    if (rc == E_STATE) {
      rc = this.tokens.rotatePwt();
      if (rc == OK) rc = this.tokens.currentPwt(out);
    }
    if (rc != PWT_LEN) { this.failure = rc < 0 ? rc : E_STATE; return null; }
    return out;
  }

  /** The group owner's P2P device address: locally administered, from the serial, so it
   *  stays the same across groups and boots. */
  private deviceAddress(): Uint8Array {
    if (this.address.length == 0) {
      const serial = this.store.serial();
      const h = board.sha256(board.utf8(serial === null ? "" : serial));
      h[0] = (h[0] & 0xfc) | 0x02;
      this.address = slice(h, 0, 6);
    }
    return this.address;
  }
}

function bleError(code: i32): i32 {
  const f = new Uint8Array(2);
  f[0] = Ble.ERROR;
  f[1] = <u8>code;
  board.linkSend(Link.BLE, f);
  return code;
}
