// The printer (seed 001): a connected appliance whose phone reaches it by touch (NFC, or
// BLE while its CONNECT window is open), which then runs a Wi-Fi Direct group for the
// phone, joins the home router with the credentials the phone hands it, and is registered
// with the cloud by the management app. Pages are prepaid (prepaid-counter), charged by
// cloud command exactly once; the token ladder (tokens) authenticates every step.
// Protocols: PROTOCOL.md; records, deadlines, buttons: README.md.
import * as board from "../../board/index";
import { Link } from "../../board/index";
import { OK, E_INVAL, E_NOTFOUND, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { equalConstantTime, wipe } from "../../core/codecs/bytes";
import { statusByte } from "../../core/codecs/fields";
import { FlatJson, JsonWriter } from "../../core/codecs/flat-json";
import { base64, fromBase64 } from "../../core/codecs/base64";
import { CredentialStore, CredentialTransaction } from "../../modules/credential-store/index";
import { CloudLink, TopicSchema } from "../../modules/cloud-link/index";
import { EraseListener, EraseMenu, Key } from "../../modules/onboarding/index";
import { SessionConfig, Role } from "../../modules/secure-session/index";
import { Scheduler } from "../../modules/scheduler/index";
import { ConnectedAppliance, Identity } from "../../modules/appliance/index";
import { Tokens, TokenConfig, TokenEvents, CLOUD_MAX, CLOUD_MIN } from "../../modules/tokens/index";
import { PrepaidCounter, Prepaid, ChargeKind, MIRROR_BYTES } from "../../modules/prepaid-counter/index";
import { Ink } from "./ink";
import { Wifi, WifiListener, Router } from "./wifi";
import { Tap } from "./tap";
import { LocalSession, Msg } from "./session";
import { Requests } from "./requests";
import { Entry, PrinterOutboxFormat, inkEntry, printedEntry } from "./outbox-entries";
import { Notice, Panel, PanelView, showMenu, showPanel } from "./screens";

export namespace Button {
  export const MENU: i32 = 0;
  export const UP: i32 = Key.UP;
  export const DOWN: i32 = Key.DOWN;
  export const OK: i32 = Key.OK;
  export const BACK: i32 = Key.BACK;
  export const CONNECT: i32 = 5;
  export const REPLACE_INK: i32 = 6;
}

export const SCHEDULER_TIMER: i32 = 0;
export const IDENTITY = new Identity("printer", "Printer", "printer 1");
export const TOPICS = new TopicSchema("devices", "reply", "history");
export const WFD_SESSION = new SessionConfig("printer-wfd-v1", Link.WIFI_DIRECT, Role.RESPONDER);
export const LAN_SESSION = new SessionConfig("printer-lan-v1", Link.LAN, Role.RESPONDER);
/** The largest charge a command may carry (a purchase is at most 10,000 pages). */
const MAX_CHARGE: i64 = 1_000_000;

export class Printer extends ConnectedAppliance {
  tokens: Tokens;
  pages: PrepaidCounter;
  ink: Ink;
  wifi: Wifi;
  tap: Tap;
  wfd: LocalSession = new LocalSession(WFD_SESSION);
  lan: LocalSession = new LocalSession(LAN_SESSION);
  private requests: Requests | null = null;
  private view: PanelView = new PanelView();
  private mirrorBuf: Uint8Array = new Uint8Array(MIRROR_BYTES);

  constructor(store: CredentialStore, scheduler: Scheduler, config: TokenConfig = new TokenConfig()) {
    // The printer registers through its own sessions (requests.ts): of the onboarding
    // module it takes the initialize / factory reset menu alone.
    const cloud = new CloudLink(store, TOPICS, scheduler, new PrinterOutboxFormat());
    super(IDENTITY, store, scheduler, cloud, new EraseMenu(store, cloud, scheduler), Entry.REPLY);
    const events = new LadderEvents(), radio = new Radio();
    const tokens = new Tokens(store, scheduler, config, events), pages = new PrepaidCounter(store);
    const ink = new Ink(store), wifi = new Wifi(store, scheduler, radio);
    this.tokens = tokens;
    this.pages = pages;
    this.ink = ink;
    this.wifi = wifi;
    this.tap = new Tap(store, scheduler, tokens, pages, ink, wifi);
    events.p = this;
    radio.p = this;
    const erased = new Erased();
    erased.p = this;
    this.menu.erased = erased;
  }

  private get handler(): Requests {
    let r = this.requests;
    if (r === null) { r = new Requests(this); this.requests = r; }
    return r;
  }

  // ------------------------------------------------------------ boot and state

  /** The cloud link waits for the router (onRouter); its outbox takes entries from now. */
  boot(): void {
    this.restore();
    this.cloud.start(false);
    this.wifi.boot();
    this.render();
  }

  restore(): void {
    this.ink.load();
    const rc = this.pages.open();
    if (rc != OK) board.compose().add("page counter refused: ").num(rc).error();
    const t = this.tokens.boot();
    if (t != OK) board.compose().add("tokens did not boot: ").num(t).error();
  }

  stateJson(): string {
    return new JsonWriter().num("pages", this.pages.balance).num("ink", this.ink.level)
      .num("registered", this.tokens.hasSt() ? 1 : 0).toString();
  }

  hasSvwt(): bool {
    const b = new Uint8Array(CLOUD_MAX);
    const n = this.tokens.presentSvwt(b);
    wipe(b);
    return n > 0;
  }

  // ------------------------------------------------------------ events

  onButton(b: i32): i32 {
    if (b < Button.MENU || b > Button.REPLACE_INK) return E_UNSUPPORTED;
    if (this.menu.active) this.menu.onKey(b);
    else {
      this.view.notice = Notice.NONE;
      if (b == Button.MENU) this.menu.openMenu();
      else if (b == Button.CONNECT) this.tap.openConnect();
      else if (b == Button.REPLACE_INK) {
        const rc = this.ink.replaced();
        if (rc != OK) board.compose().add("ink level not stored: ").num(rc).error();
        this.record(Entry.INK, inkEntry(this.ink.level));
        this.publishState();
      }
    }
    this.render();
    return OK;
  }

  onLinkFrame(link: i32, frame: Uint8Array): i32 {
    let rc = E_UNSUPPORTED;
    if (link == Link.NFC) rc = this.tap.onNfc(frame);
    else if (link == Link.BLE) rc = this.tap.onBle(frame);
    else if (link == Link.WIFI_DIRECT) {
      if (!this.wifi.groupRunning) rc = E_STATE;
      else { this.wifi.touchGroup(); rc = this.wfd.onFrame(frame, this.handler); }
    } else if (link == Link.LAN) rc = this.wifi.joined ? this.lan.onFrame(frame, this.handler) : E_STATE;
    this.render();
    return rc;
  }

  onWifi(arg: i32): i32 {
    const rc = this.wifi.onEvent(arg);
    this.render();
    return rc;
  }

  onMqttState(arg: i32): i32 {
    const was = this.cloud.connected;
    const rc = super.onMqttState(arg);
    if (!was && this.cloud.connected) this.connected();
    return rc;
  }

  /** After hello and state: the mirror (one lost to a power cut is sent again), and a
   *  SVWT fetch if none is held. */
  private connected(): void {
    this.recordMirror();
    if (!this.hasSvwt()) this.fetchSvwt();
  }

  // ------------------------------------------------------------ what the requests do

  /** S53: the management app's registration; the cloud link connects once on the router. */
  register(deviceId: string, password: Uint8Array): i32 {
    const existing = this.store.registrationDeviceId();
    if (existing !== null) return existing == deviceId ? OK : E_STATE;   // a resend answers again
    const rc = this.store.setRegistration(deviceId, password);
    if (rc != OK) return rc;
    board.compose().add("registered as ").add(deviceId).info();
    this.cloud.start(this.wifi.joined);
    return OK;
  }

  /** S43 / S69: asks the cloud for a SVWT with the ST (live). */
  fetchSvwt(): void {
    if (!this.cloud.connected) return;
    const st = new Uint8Array(CLOUD_MAX);
    const n = this.tokens.presentSt(st);
    if (n > 0) this.cloud.publish("svwt", new JsonWriter().str("st", base64(st.subarray(0, n))).toString());
    wipe(st);
  }

  /** S101: stores the CWT and presents it to the cloud with the ST, once. */
  redeem(cwt: Uint8Array): i32 {
    if (!this.cloud.connected || !this.tokens.hasSt()) return E_STATE;
    let rc = this.tokens.storeCwt(cwt);
    if (rc != OK) return rc;
    const c = new Uint8Array(CLOUD_MAX), st = new Uint8Array(CLOUD_MAX);
    const n = this.tokens.presentCwt(c);
    const m = this.tokens.presentSt(st);
    rc = n > 0 && m > 0 ? OK : E_STATE;
    if (rc == OK) {
      const pid = this.cloud.publish("charge", new JsonWriter().str("st", base64(st.subarray(0, m))).str("cwt", base64(c.subarray(0, n))).toString());
      if (pid < 0) rc = pid;
    }
    wipe(c);
    wipe(st);
    return rc;
  }

  /** S121-S125: debits the job's pages before printing them; SHORT leaves the balance. */
  print(pages: u32): i32 {
    const rc = this.pages.debit(pages);
    if (rc == Prepaid.SHORT) {
      this.view.notice = Notice.SHORT;
      this.view.noticeValue = this.pages.balance;
      return rc;
    }
    if (rc != OK) { board.compose().add("pages not debited: ").num(rc).error(); return rc; }
    this.view.notice = Notice.PRINTING;
    this.view.noticeValue = pages;
    board.compose().add("printing ").num(pages).add(" pages").info();
    if (this.ink.printed(<i32>pages)) this.record(Entry.INK, inkEntry(this.ink.level));
    this.record(Entry.PRINTED, printedEntry(pages));
    this.recordMirror();
    this.publishState();
    return OK;
  }

  // ------------------------------------------------------------ cloud commands

  check(j: FlatJson): i32 {
    if (j.get("charge") !== null) {
      const id = j.int("charge", -1), pages = j.int("pages", -1), kind = j.int("kind", -1);
      if (id < 1 || id > 0xffffffff || pages < 1 || pages > MAX_CHARGE) return E_INVAL;
      if (kind != ChargeKind.FREE && kind != ChargeKind.PAID) return E_INVAL;
      return this.token(j, "cwt") !== null ? OK : E_INVAL;
    }
    const name = tokenField(j);
    return name !== null && this.token(j, name) !== null ? OK : E_INVAL;
  }

  /** Cloud tokens are stored here, before the replay floor commits, and storing the same
   *  token again is a no-op: a power cut between the two leaves the command to be resent
   *  and answered OK then, never a floor past a token that was not stored. A charge goes
   *  into the floor's own transaction. */
  stage(j: FlatJson, t: CredentialTransaction): i32 {
    if (j.get("charge") !== null) {
      return this.pages.stageCharge(t, <u32>j.int("charge", 0), <u32>j.int("pages", 0), <u8>j.int("kind", 0));
    }
    const name = tokenField(j)!;
    const v = this.token(j, name)!;
    let rc = OK;
    if (name == "st") rc = this.same(v, true) ? OK : this.tokens.storeSt(v);
    else if (name == "svwt") rc = this.same(v, false) ? OK : this.tokens.storeSvwt(v);
    else {
      rc = this.tokens.svwtExchanged(v);          // S79
      if (rc == E_NOTFOUND) rc = OK;              // already gone (exchanged before, or expired)
    }
    wipe(v);
    this.tap.stale();                             // a SVWT stored or deleted: the answer changes
    return rc;
  }

  committed(rc: i32): void { this.pages.adopt(rc); }

  apply(j: FlatJson): i32 {
    if (j.get("charge") !== null) {
      const cwt = this.token(j, "cwt")!;
      const rc = this.tokens.consumeCwt(cwt);       // the charge is applied whatever this says
      wipe(cwt);
      if (rc != OK) board.compose().add("charge ").num(j.int("charge", 0)).add(": CWT not consumed (").num(rc).add(")").warn();
      board.compose().add("charge ").num(j.int("charge", 0)).add(" applied: ").num(j.int("pages", 0)).add(" pages").info();
      this.recordMirror();
    } else if (j.get("st") !== null) board.compose().add("server token stored").info();
    else if (j.get("svwt") !== null) board.compose().add("service token stored").info();
    else board.compose().add("service token exchanged: deleted").info();
    this.publishState();
    return OK;
  }

  // ------------------------------------------------------------ the radios' news

  onJoinResult(status: i32, fromPhone: bool): void {
    if (!fromPhone) return;
    if (this.wfd.isOpen) this.wfd.reply(Msg.ROUTER_RESULT, statusByte(status));
    if (status == OK) this.wifi.endGroup();        // S29: set up on the router, the group's job is done
  }

  onRouter(joined: bool): void {
    if (joined) { if (this.store.registered()) this.cloud.start(); return; }
    this.cloud.pause();
    this.lan.close();                                // its phone is gone with the network
  }

  onGroupEnded(): void { this.wfd.close(); }

  /** After an initialization or factory reset: off the router, nothing of the old set-up
   *  in RAM, a fresh PWT, the counter and the ink as they are stored now. */
  onErased(): void {
    this.wifi.leave();
    this.wfd.close();
    this.lan.close();
    this.tap.closeConnect();
    this.tap.stale();
    this.scheduler.boot();
    this.restore();
  }

  // ------------------------------------------------------------ screen

  render(): void {
    if (this.menu.active) { showMenu(this.menu); return; }
    const v = this.view;
    const w = this.wifi.state;
    v.panel = w == Router.JOINING ? Panel.JOINING : w == Router.REFUSED ? Panel.KEY_REFUSED
      : this.tokens.hasSt() ? Panel.READY : this.store.registered() ? Panel.REGISTERING : Panel.SET_UP;
    if (v.panel == Panel.JOINING) v.ssid = board.text(this.wifi.ssid);
    v.pages = this.pages.balance;
    v.ink = this.ink.level;
    v.inkLow = this.ink.low;
    v.connectOpen = this.tap.connectOpen;
    showPanel(v);
  }

  // ------------------------------------------------------------ inside

  private recordMirror(): void {
    if (this.pages.mirror(this.mirrorBuf) == MIRROR_BYTES) this.record(Entry.MIRROR, this.mirrorBuf);
  }

  /** An entry the cloud must get (outbox): only for a registered printer. */
  private record(kind: u8, body: Uint8Array): void {
    if (!this.store.registered()) return;
    const rc = this.cloud.enqueue(kind, body);
    if (rc < 0) board.compose().add("outbox entry ").num(kind).add(" not stored (").num(rc).add(")").error();
  }

  /** A cloud token field, decoded: CLOUD_MIN..CLOUD_MAX bytes, or null. */
  private token(j: FlatJson, name: string): Uint8Array | null {
    const s = j.string(name);
    if (s === null) return null;
    const v = fromBase64(s, CLOUD_MAX);
    if (v !== null && v.length < CLOUD_MIN) { wipe(v); return null; }
    return v;
  }

  /** Whether `v` is the ST (or SVWT) stored already. */
  private same(v: Uint8Array, st: bool): bool {
    const b = new Uint8Array(CLOUD_MAX);
    const n = st ? this.tokens.presentSt(b) : this.tokens.presentSvwt(b);
    const eq = n == v.length && equalConstantTime(b.subarray(0, n), v);
    wipe(b);
    return eq;
  }
}

/** Which token a command carries ("st", "svwt", "exchanged"), or null. */
function tokenField(j: FlatJson): string | null {
  return j.get("st") !== null ? "st" : j.get("svwt") !== null ? "svwt" : j.get("exchanged") !== null ? "exchanged" : null;
}


// The printer is already a ConnectedAppliance, and a class has one base: these pass the
// modules' callbacks on to it.
// Each is made before the printer can hand itself out, and told of it once it can.
class Radio extends WifiListener {
  p: Printer | null = null;
  onJoinResult(status: i32, fromPhone: bool): void { this.p!.onJoinResult(status, fromPhone); }
  onRouter(joined: bool): void { this.p!.onRouter(joined); }
  onGroupEnded(): void { this.p!.onGroupEnded(); }
}

class LadderEvents extends TokenEvents {
  p: Printer | null = null;
  onSvwtPrefetchDue(): void { const p = this.p; if (p !== null) p.fetchSvwt(); }
  // A tap's cached answer holds the PWT or the SVWT.
  onPwtRotated(): void { const p = this.p; if (p !== null) p.tap.stale(); }
  onSvwtExpired(): void { const p = this.p; if (p !== null) p.tap.stale(); }
}

class Erased extends EraseListener {
  p: Printer | null = null;
  onErased(factory: bool): void { this.p!.onErased(); }
}
