// The printer's two Wi-Fi roles (ABI v1.2): a station on the home router, whose
// credentials a phone hands over during set-up (S27-S29) and which is joined again at
// every boot; and the Wi-Fi Direct group a tap offers (S21-S23), which runs for a window
// from the last tap or frame on it and ends after a successful router join.
import * as board from "../../board/index";
import { OK, E_AUTH, E_NOTFOUND, E_STATE } from "../../core/errors";
import { slice, wipe } from "../../core/codecs/bytes";
import { CredentialStore, ValueType, Attr } from "../../modules/credential-store/index";
import { DeadlineOwner, Scheduler } from "../../modules/scheduler/index";
import { ROUTER_RECORD } from "./keys";

/** Scheduler names (volatile): the group window and the router join's timeout. */
export const GROUP_DEADLINE: u32 = 0x30;
export const JOIN_DEADLINE: u32 = 0x32;
export const GROUP_WINDOW_MS: i64 = 120_000;
export const JOIN_TIMEOUT_MS: i64 = 20_000;
/** A router that did not answer (or went away) is tried again after this. */
const REJOIN_MS: i64 = 60_000;
const GROUP_PASS_LEN: i32 = 16;

export namespace Router {
  export const NONE: i32 = 0;       // no router known, not joining
  export const JOINING: i32 = 1;
  export const JOINED: i32 = 2;
  export const REFUSED: i32 = 3;    // the router refused the key
  export const AWAY: i32 = 4;       // not found, or no answer in time: tried again later
}

/** The printer's side of what the radios did. */
export abstract class WifiListener {
  /** A join ended: OK, E_AUTH, E_NOTFOUND (also a timeout), or the store's error when a
   *  phone's credentials could not be kept. `fromPhone`: the join a ROUTER message asked for. */
  abstract onJoinResult(status: i32, fromPhone: bool): void;
  /** The router connection came or went (the cloud link follows it). */
  abstract onRouter(joined: bool): void;
  /** The group ended (window over, or set-up done): its phones are gone. */
  abstract onGroupEnded(): void;
}

export class Wifi extends DeadlineOwner {
  state: i32 = Router.NONE;
  /** The router being joined or joined (shown on the screen: not a secret). */
  ssid: Uint8Array = new Uint8Array(0);
  /** A phone's key while its join is under way (stored only once the router took it). */
  private key: Uint8Array = new Uint8Array(0);
  private fromPhone: bool = false;
  groupSsid: Uint8Array = new Uint8Array(0);
  groupPass: Uint8Array = new Uint8Array(0);

  constructor(private store: CredentialStore, private scheduler: Scheduler, private listener: WifiListener) {
    super();
    scheduler.register(GROUP_DEADLINE, this);
    scheduler.register(JOIN_DEADLINE, this);
  }

  get groupRunning(): bool { return this.groupSsid.length > 0; }
  get joined(): bool { return this.state == Router.JOINED; }
  /** Router credentials are stored (the printer was set up on a network). */
  get configured(): bool { return this.store.get(ROUTER_RECORD) !== null; }

  /** Boot: join the stored router, if any. */
  boot(): void { this.joinStored(); }

  /** S27: a phone's router credentials. OK: the outcome comes as onJoinResult; E_STATE
   *  while a join is under way; the board's E_RANGE / E_INVAL for bad lengths. */
  join(ssid: Uint8Array, key: Uint8Array): i32 {
    if (this.state == Router.JOINING) return E_STATE;
    const rc = board.wifiJoin(ssid, key);
    if (rc != OK) return rc;
    this.begin(slice(ssid, 0, ssid.length), slice(key, 0, key.length), true);
    return OK;
  }

  /** Leaves the router (after an initialization) and ends the group. */
  leave(): void {
    this.scheduler.cancel(JOIN_DEADLINE);
    this.forgetKey();
    if (this.state != Router.NONE) board.wifiJoin(new Uint8Array(0), new Uint8Array(0));
    this.state = Router.NONE;
    this.ssid = new Uint8Array(0);
    this.endGroup();
  }

  /** WIFI: 1 joined, 0 left or lost, E_AUTH wrong key, E_NOTFOUND no such network. */
  onEvent(arg: i32): i32 {
    if (arg == 1) {
      if (this.state == Router.JOINED) return OK;      // told twice: nothing changed
      this.scheduler.cancel(JOIN_DEADLINE);
      const phone = this.state == Router.JOINING && this.fromPhone;
      let rc = OK;
      if (phone) rc = this.keep();
      this.forgetKey();
      if (rc != OK) {                                   // not kept: not used either
        board.compose().add("router credentials not stored: ").num(rc).error();
        board.wifiJoin(new Uint8Array(0), new Uint8Array(0));
        this.state = Router.NONE;
        this.listener.onJoinResult(rc, true);
        return OK;
      }
      this.state = Router.JOINED;
      board.compose().add("joined the router").info();
      if (phone) this.listener.onJoinResult(OK, true);
      this.listener.onRouter(true);
      return OK;
    }
    if (arg == 0) {
      if (this.state != Router.JOINED) return OK;
      board.compose().add("router connection lost").warn();
      this.listener.onRouter(false);
      this.joinStored();
      return OK;
    }
    if (arg != E_AUTH && arg != E_NOTFOUND) return E_STATE;
    if (this.state != Router.JOINING) return E_STATE;
    this.failed(arg);
    return OK;
  }

  onDeadline(name: u32, lateMs: i64): void {
    if (name == GROUP_DEADLINE) { this.endGroup(); return; }
    if (this.state == Router.JOINING) {
      board.wifiJoin(new Uint8Array(0), new Uint8Array(0));   // stop trying
      this.failed(E_NOTFOUND);
    } else if (this.state == Router.AWAY) this.joinStored();
  }

  // ------------------------------------------------------------ the group

  /** Starts the group if it is not running (new SSID and passphrase), and (re)starts its
   *  window. OK or the board's refusal. */
  openGroup(): i32 {
    if (!this.groupRunning) {
      const ssid = board.utf8("DIRECT-xx-Printer");
      const letters = randomChars(2, 52);
      ssid[7] = letters[0];
      ssid[8] = letters[1];
      const pass = randomChars(GROUP_PASS_LEN, 62);
      const rc = board.wifiGroup(ssid, pass);
      if (rc != OK) { wipe(pass); return rc; }
      this.groupSsid = ssid;
      this.groupPass = pass;
      board.compose().add("Wi-Fi Direct group started").info();
    }
    this.touchGroup();
    return OK;
  }

  /** A tap or a frame on the group: its window starts again. */
  touchGroup(): void {
    if (this.groupRunning) this.scheduler.after(GROUP_DEADLINE, GROUP_WINDOW_MS);
  }

  endGroup(): void {
    this.scheduler.cancel(GROUP_DEADLINE);
    if (!this.groupRunning) return;
    board.wifiGroup(new Uint8Array(0), new Uint8Array(0));
    wipe(this.groupPass);
    this.groupPass = new Uint8Array(0);
    this.groupSsid = new Uint8Array(0);
    board.compose().add("Wi-Fi Direct group ended").info();
    this.listener.onGroupEnded();
  }

  // ------------------------------------------------------------ inside

  private begin(ssid: Uint8Array, key: Uint8Array, fromPhone: bool): void {
    this.forgetKey();
    this.ssid = ssid;
    this.key = key;
    this.fromPhone = fromPhone;
    this.state = Router.JOINING;
    this.scheduler.after(JOIN_DEADLINE, JOIN_TIMEOUT_MS);
  }

  private failed(why: i32): void {
    const phone = this.fromPhone;
    this.forgetKey();
    this.state = why == E_AUTH ? Router.REFUSED : Router.AWAY;
    board.compose().add("router join failed: ").num(why).warn();
    // A stored router that is away is tried again; a refused key waits for the app.
    if (this.configured && why != E_AUTH) this.scheduler.after(JOIN_DEADLINE, REJOIN_MS);
    this.listener.onJoinResult(why, phone);
  }

  private joinStored(): void {
    const v = this.store.getTyped(ROUTER_RECORD, ValueType.BYTES);
    if (v === null || v.length < 1 || <i32>v[0] + 1 > v.length) { this.state = Router.NONE; return; }
    const n = <i32>v[0];
    const ssid = slice(v, 1, n), key = slice(v, 1 + n, v.length - 1 - n);
    wipe(v);
    const rc = board.wifiJoin(ssid, key);
    if (rc != OK) { wipe(key); this.state = Router.NONE; board.compose().add("stored router refused: ").num(rc).error(); return; }
    this.begin(ssid, key, false);
    this.forgetKey();   // a stored key need not stay in RAM: it is in flash
  }

  /** The phone's credentials, once the router accepted them: SSID length ‖ SSID ‖ key. */
  private keep(): i32 {
    const v = new Uint8Array(1 + this.ssid.length + this.key.length);
    v[0] = <u8>this.ssid.length;
    v.set(this.ssid, 1);
    v.set(this.key, 1 + this.ssid.length);
    const rc = this.store.put(ROUTER_RECORD, ValueType.BYTES, Attr.SECRET, v);
    wipe(v);
    return rc;
  }

  private forgetKey(): void {
    wipe(this.key);
    this.key = new Uint8Array(0);
  }
}

/** `n` characters from [A-Za-z] (`alphabet` 52) or [A-Za-z0-9] (`alphabet` 62), each drawn without
 *  bias (bytes at or above the largest multiple of `alphabet` are drawn again). */
function randomChars(n: i32, alphabet: i32): Uint8Array {
  const out = new Uint8Array(n);
  const limit = 256 - 256 % alphabet;
  let pool = board.randomBytes(2 * n);
  for (let i = 0, p = 0; i < n; p++) {
    if (p == pool.length) { pool = board.randomBytes(n); p = 0; }
    const x = <i32>pool[p];
    if (x >= limit) continue;
    const k = x % alphabet;
    out[i++] = <u8>(k < 26 ? 0x41 + k : k < 52 ? 0x61 + k - 26 : 0x30 + k - 52);
  }
  wipe(pool);
  return out;
}
