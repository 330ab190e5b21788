// What every printer spec runs on: the printer image's parts over a real credential store
// on the test board's flash and a real scheduler on a clock the spec moves; the spec plays
// the phone (NFC reader, BLE central, the app's session), the radios (WIFI events) and the
// cloud (MQTT state and commands).
import * as board from "../../../board/index";
import { Link, MAX_LINK_FRAME } from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { OK } from "../../../core/errors";
import { concat, slice } from "../../../core/codecs/bytes";
import { base64 } from "../../../core/codecs/base64";
import { CredentialStore } from "../../../modules/credential-store/index";
import { Scheduler } from "../../../modules/scheduler/index";
import { SpecClock } from "../../../testing/clock";
import { SecureSession, SessionConfig, Role, commitment, deriveKeys, NONCE_LEN, PUBLIC_LEN } from "../../../modules/secure-session/index";
import { Handover, decodeHandover, WifiCredential, AuthType, EncryptionType, encodeHandover } from "../../../modules/handover/index";
import { printerKeyspace } from "../keys";
import { Printer } from "../printer";
import { Msg } from "../session";

@external("testing", "link_last") declare function link_last(link: i32, ptr: usize, cap: i32): i32;
@external("testing", "mqtt_state") declare function mqtt_state(arg: i32): void;
@external("testing", "mqtt_last") declare function mqtt_last(ptr: usize, cap: i32): i32;
@external("testing", "mqtt_published") export declare function mqtt_published(): i32;
@external("testing", "wifi_calls") export declare function wifi_calls(which: i32): i32;
@external("testing", "wifi_last") declare function wifi_last(which: i32, ptr: usize, cap: i32): i32;
@external("testing", "shown_count") declare function shown_count(ptr: usize, len: i32): i32;

export const T0: i64 = 1_790_000_000_000;
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const SERIAL = "PR-0001";
export const DEVICE_ID = "printer-dev-1";

export class TestClock extends SpecClock {
  constructor() { super(T0); }
}

export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  printer: Printer;

  constructor(public clock: TestClock) {
    const store = new CredentialStore(new RecordStore(), printerKeyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.printer = new Printer(store, scheduler);
    scheduler.boot();
    this.printer.boot();
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.printer.onTimer(0);
    c.moveTo(at);
  }

  /** A power cut: RAM and the timer go, flash stays. */
  reboot(offMs: i64): Rig {
    mqtt_state(0);
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Rig(this.clock);
  }

  /** An NFC read of the tag: the decoded answer (null when none was sent). */
  tap(): Handover {
    expect(this.printer.onLink(Link.NFC, new Uint8Array(0))).toBe(OK);
    const h = decodeHandover(lastSent(Link.NFC));
    expect(h.error).toBe(OK);
    return h;
  }

  /** The router answers the join the printer asked for. */
  wifi(arg: i32): void { expect(this.printer.onWifi(arg)).toBe(OK); }

  /** The broker accepted the login (after the router join started the link). */
  online(): void {
    mqtt_state(1);
    this.printer.onMqttState(1);
  }

  /** A registration as the management app hands it over (shortcut past REGISTER). */
  registered(): void {
    expect(this.store.setRegistration(DEVICE_ID, board.utf8("password-0123456789"))).toBe(OK);
  }

  /** A registered printer on its router, online, holding the ST `st`. */
  onlineWithSt(st: Uint8Array): void {
    this.registered();
    this.printer.cloud.start(false);
    this.storeRouter();
    this.online();
    expect(this.command('{"cmd":1,"st":"' + base64(st) + '"}')).toBe(OK);
  }

  /** Router credentials as a finished set-up left them, and the router joined. */
  storeRouter(): void {
    this.printer.wifi.boot();
    expect(this.printer.wifi.join(board.utf8("HomeNet"), board.utf8("correct horse"))).toBe(OK);
    this.wifi(1);
  }

  command(json: string): i32 {
    return this.printer.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8(json));
  }
}

/** Erased flash, a clock at T0, the factory's serial, the printer booted. */
export function fresh(): Rig {
  mqtt_state(0);
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  const store = new CredentialStore(new RecordStore(), printerKeyspace());
  expect(store.open()).toBe(OK);
  expect(store.provisionFactory(SERIAL)).toBe(OK);
  return new Rig(new TestClock());
}

export function lastSent(link: i32): Uint8Array {
  const b = new Uint8Array(MAX_LINK_FRAME);
  const n = link_last(link, b.dataStart, MAX_LINK_FRAME);
  return n > 0 ? slice(b, 0, n) : new Uint8Array(0);
}

export function lastPublished(): string {
  const b = new Uint8Array(1024);
  const n = mqtt_last(b.dataStart, 1024);
  return n > 0 ? String.UTF8.decode(slice(b, 0, n).buffer) : "";
}

/** The last wifi_join (0) or wifi_group (1): u8 ssid length, ssid, u8 key length, key. */
export function lastWifi(which: i32): Uint8Array {
  const b = new Uint8Array(128);
  const n = wifi_last(which, b.dataStart, 128);
  return n > 0 ? slice(b, 0, n) : new Uint8Array(0);
}

/** How many log lines and screens show `secret` (raw, hex or base64). */
export function shown(secret: Uint8Array): i32 { return shown_count(secret.dataStart, secret.length); }

export function one(v: u8): Uint8Array { const b = new Uint8Array(1); b[0] = v; return b; }

export function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

/** The router's credential as the app writes it: NDEF with one WSC record. */
export function routerNdef(ssid: string, key: string): Uint8Array {
  const c = new WifiCredential();
  c.ssid = board.utf8(ssid);
  c.authType = AuthType.WPA2_PSK;
  c.encryptionType = EncryptionType.AES;
  c.networkKey = board.utf8(key);
  const h = new Handover();
  h.select = false;
  h.wifi = c;
  const e = encodeHandover(h);
  expect(e.error).toBe(OK);
  return e.bytes!;
}

/** The PWT of a tap answer. */
export function pwtOf(h: Handover): Uint8Array {
  for (let i = 0; i < h.others.length; i++) {
    if (board.text(h.others[i].type) == "printer.example:pwt") return h.others[i].payload;
  }
  return new Uint8Array(0);
}

export function svwtOf(h: Handover): Uint8Array {
  for (let i = 0; i < h.others.length; i++) {
    if (board.text(h.others[i].type) == "printer.example:svwt") return h.others[i].payload;
  }
  return new Uint8Array(0);
}

/** A cloud token of `len` bytes. */
export function token(tag: u8, len: i32 = 24): Uint8Array {
  const t = new Uint8Array(len);
  for (let i = 0; i < len; i++) t[i] = <u8>(tag * 31 + i + 1);
  return t;
}

/** What the printer answered to a request. */
export class Answer {
  constructor(public type: u8, public body: Uint8Array, public rc: i32) {}
  get status(): i32 { return this.body.length > 0 ? <i32><i8>this.body[0] : -128; }
}

/** The app on a phone: its long-term P-256 key, a session on one link at a time. */
export class Phone {
  priv: Uint8Array;
  pub: Uint8Array;
  session: SecureSession = new SecureSession(new SessionConfig("none", 0, Role.INITIATOR));
  link: i32 = 0;
  helloState: i32 = -1;
  serial: string = "";
  /** The PT the printer gave this phone (kept by the spec). */
  pt: Uint8Array = new Uint8Array(0);

  constructor(public rig: Rig) {
    const kp = board.ecdhKeyPair();
    this.priv = kp.priv;
    this.pub = kp.pub;
  }

  /** The handshake on `link`: OK when the printer's HELLO_REPLY opened. */
  connect(link: i32): i32 {
    const label = link == Link.LAN ? "printer-lan-v1" : "printer-wfd-v1";
    const cfg = new SessionConfig(label, link, Role.INITIATOR);
    this.session = new SecureSession(cfg);
    this.link = link;
    let rc = this.rig.printer.onLink(link, concat(one(Msg.NONCE_REQUEST), commitment(cfg.binding, this.pub)));
    if (rc != OK) return rc;
    const n = lastSent(link);
    expect(n[0]).toBe(Msg.NONCE);
    expect(n.length).toBe(1 + NONCE_LEN + PUBLIC_LEN);
    const nonce = slice(n, 1, NONCE_LEN), printerPub = slice(n, 1 + NONCE_LEN, PUBLIC_LEN);
    rc = this.rig.printer.onLink(link, concat(concat(one(Msg.HELLO), this.pub), nonce));
    if (rc != OK) return rc;
    const shared = board.ecdhShared(this.priv, printerPub)!;
    this.session.use(deriveKeys(cfg.binding, shared, this.pub, printerPub, nonce));
    const f = lastSent(link);
    expect(f[0]).toBe(Msg.HELLO_REPLY);
    const body = this.session.openFrame(f);
    expect(body !== null).toBe(true);
    this.helloState = body![0];
    this.serial = board.text(slice(body!, 2, body![1]));
    return OK;
  }

  /** A sealed request; the printer's answer (ERROR plain, or opened). */
  send(type: u8, body: Uint8Array): Answer {
    const frame = this.session.seal(type, body)!;
    return this.sendRaw(frame);
  }

  sendRaw(frame: Uint8Array): Answer {
    const before = lastSent(this.link);
    const rc = this.rig.printer.onLink(this.link, frame);
    const f = lastSent(this.link);
    // A sealed answer differs from any earlier frame (its counter); a refusal is an ERROR
    // frame, plain, and may repeat the last one byte for byte.
    if (rc == OK && same(f, before)) return new Answer(0, new Uint8Array(0), rc);   // nothing sent
    return this.read(f, rc);
  }

  /** A frame the printer sent later (ROUTER_RESULT). */
  read(f: Uint8Array, rc: i32 = OK): Answer {
    if (f.length == 2 && f[0] == Msg.ERROR) return new Answer(Msg.ERROR, slice(f, 1, 1), rc);
    const b = this.session.openFrame(f);
    expect(b !== null).toBe(true);
    return new Answer(f[0], b!, rc);
  }
}
