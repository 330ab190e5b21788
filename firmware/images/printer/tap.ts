// A phone at the printer: an NFC tap (the reader reads the printer's tag: an empty LINK
// frame) or a BLE read while the CONNECT window is open. The printer judges its state
// (S19) and answers with one handover message (S21 / S116): the group's credentials and
// the PWT for setting up or printing, or the SVWT and a page for recharging or a new
// cartridge. PROTOCOL.md §2 has the table.
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
  export const RECHARGE: i32 = 1;   // pages < PAGES_LOW: SVWT + recharge page + management app
  export const EXCHANGE: i32 = 2;   // ink low: SVWT + exchange page + management app
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

/** S19, in the contract's order. */
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
    wipe(answer);
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
    wipe(answer);
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

  /** The handover message for the judged state (a secret: the caller wipes it once sent),
   *  or null (`failure` says why). */
  answer(): Uint8Array | null {
    const state = this.judged();
    const b = new HandoverBuilder();
    const others: NdefRecord[] = [];
    let token: Uint8Array | null = null;
    let uri: Uint8Array | null = null;
    let printApp = false;
    if (state == Judged.SET_UP || state == Judged.PRINT) {
      const rc = this.wifi.openGroup();
      if (rc != OK) { this.failure = rc; return null; }
      const g = new WifiDirectGroup();
      g.deviceAddress = this.deviceAddress();
      g.ssid = this.wifi.groupSsid;
      g.passphrase = this.wifi.groupPass;
      token = this.pwt();
      if (token === null) return null;
      b.wifiDirect(g);
      others.push(new NdefRecord(Tnf.EXTERNAL, board.utf8("printer.example:pwt"), new Uint8Array(0), token));
      printApp = state == Judged.PRINT;
    } else {
      const svwt = new Uint8Array(CLOUD_MAX);
      const n = this.tokens.presentSvwt(svwt);
      if (n > 0) {
        token = slice(svwt, 0, n);
        others.push(new NdefRecord(Tnf.EXTERNAL, board.utf8("printer.example:svwt"), new Uint8Array(0), token));
      }
      wipe(svwt);
      uri = board.utf8(state == Judged.RECHARGE ? "https://cloud.example/printer/recharge"
        : "https://cloud.example/printer/exchange");
    }
    const app = board.utf8(printApp ? "com.example.printer.print" : "com.example.printer.manage");
    const e = b.message(uri, others, app);
    if (token !== null) wipe(token);
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
