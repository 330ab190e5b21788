// What every power-conditioner spec runs on: the image's appliance over a real credential
// store on the test board's flash and a real scheduler on a clock the spec moves. The spec
// plays the factory and the installer (service port), the cloud (MQTT state, commands,
// acknowledgements), the servers (authentication information signed with their own keys,
// auth-info's spec helpers), the phone over BLE (secure-session as the initiator) and the
// three metering channels (meter_set).
import * as board from "../../../board/index";
import { Channel, Link, MAX_LINK_FRAME } from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { OK } from "../../../core/errors";
import { slice } from "../../../core/codecs/bytes";
import { base64 } from "../../../core/codecs/base64";
import { CredentialStore } from "../../../modules/credential-store/index";
import { Scheduler } from "../../../modules/scheduler/index";
import { Role, SecureSession, SessionConfig } from "../../../modules/secure-session/index";
import { SpecClock } from "../../../testing/clock";
import {
  Claim, Signer, information, connection, siteValue, capacitiesValue, personalValue, saltOf, verifier,
  PARTNER, PARTNER_KEY, OPERATOR, OPERATOR_KEY, SERIAL, MAINTENANCE_DIGITS,
} from "../../../modules/auth-info/__tests__/rig";
import { pcsKeyspace } from "../keys";
import { PowerConditioner } from "../pcs";
import { PcsOutboxFormat } from "../outbox-entries";
import { OP_INSTALL, OP_MAINTENANCE } from "../install";
import { Ble } from "../ble";

export {
  Claim, Signer, information, connection, siteValue, capacitiesValue, personalValue, saltOf, verifier,
  PARTNER, PARTNER_KEY, OPERATOR, OPERATOR_KEY, NEW_PARTNER, NEW_PARTNER_KEY, STRANGER_KEY, SERIAL, DIGITS,
  OTHER_DIGITS, MAINTENANCE_DIGITS,
} from "../../../modules/auth-info/__tests__/rig";

@external("testing", "link_last") declare function link_last(link: i32, ptr: usize, cap: i32): i32;
@external("testing", "mqtt_state") declare function mqtt_state(arg: i32): void;
@external("testing", "mqtt_last") declare function mqtt_last(ptr: usize, cap: i32): i32;
@external("testing", "shown_count") declare function shown_count(ptr: usize, len: i32): i32;
@external("testing", "meter_set") export declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;

/** 2026-09-22 10:07:00 UTC: not on a :00/:30. */
export const T0: i64 = 1_790_071_620_000;
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const DEVICE_ID = "pcs-dev-1";
export const PASSWORD = "pcs-password-0123456789";
export const SITE = "GS-2026-0042";

export namespace Button {
  export const OK: i32 = 10;
  export const BACK: i32 = 11;
  export const MENU: i32 = 12;
  export const UP: i32 = 13;
  export const DOWN: i32 = 14;
}

export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  pcs: PowerConditioner;
  private cmd: i32 = 0;
  /** Every entry the outbox held so far, by seq, as it goes on the wire. */
  seen: Map<u32, string> = new Map<u32, string>();

  constructor(public clock: SpecClock) {
    const store = new CredentialStore(new RecordStore(), pcsKeyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.pcs = new PowerConditioner(store, scheduler, clock);
    scheduler.boot();
    this.pcs.boot();
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.pcs.onTimer(0);
    c.moveTo(at);
  }

  wait(ms: i64): void { this.runTo(this.clock.now + ms); }

  /** A power cut: RAM and the timer go, flash stays. */
  reboot(offMs: i64 = 0): Rig {
    this.collect();
    mqtt_state(0);
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    const r = new Rig(this.clock);
    r.seen = this.seen;
    return r;
  }

  /** A service-port request: the answer's status. */
  service(op: u8, data: Uint8Array): i32 {
    const f = new Uint8Array(5 + data.length);
    f[0] = op;
    f[3] = <u8>(data.length >> 8);
    f[4] = <u8>data.length;
    f.set(data, 5);
    this.pcs.onLink(Link.SERVICE, f);
    const a = lastSent(Link.SERVICE);
    expect(a[0]).toBe(op | 0x80);
    return <i32><i8>a[1];
  }

  /** The factory's MAINTENANCE: operator 0xE001, its key, the 12 maintenance digits. */
  maintenance(): i32 {
    const salt = saltOf(99);
    const d = new Uint8Array(4 + 65 + 16 + 32);
    d[0] = <u8>OPERATOR; d[1] = <u8>(OPERATOR >> 8);
    d.set(OPERATOR_KEY.pub, 4);
    d.set(salt, 69);
    d.set(verifier(SERIAL, salt, MAINTENANCE_DIGITS), 85);
    return this.service(OP_MAINTENANCE, d);
  }

  /** The installer's INSTALL with the partner's CONNECTION. */
  install(partner: u32 = PARTNER, key: Signer = PARTNER_KEY): i32 {
    return this.service(OP_INSTALL, installData(DEVICE_ID, PASSWORD, personalValue("Hanako Yamada", "1-2-3 Sakura, Kyoto"),
      siteValue(SITE), capacitiesValue(5500, 9800, 40000), connection(partner, key, 7)));
  }

  online(): void {
    mqtt_state(1);
    this.pcs.onMqttState(1);
  }

  /** Factory, installation, online. */
  installed(): Rig {
    expect(this.maintenance()).toBe(OK);
    expect(this.install()).toBe(OK);
    this.online();
    return this;
  }

  /** `{"cmd":n,"auth":"…"}` as the cloud relays it: the status. */
  sendAuth(blob: Uint8Array): i32 {
    this.cmd++;
    const json = '{"cmd":' + this.cmd.toString() + ',"auth":"' + base64(blob) + '"}';
    return this.pcs.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8(json));
  }

  /** The partner's authentication information (serial `serial`, the rig's digits). */
  authFrom(serial: u32, signer: Signer = PARTNER_KEY, issuer: u32 = PARTNER): i32 {
    return this.sendAuth(information(signer, new Claim(issuer, serial)));
  }

  ackAll(): void {
    this.collect();
    const last = this.pcs.cloud.outbox.last;
    this.pcs.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8('{"ack":' + last.toString() + "}"));
  }

  collect(): void {
    const o = this.pcs.cloud.outbox, f = new PcsOutboxFormat();
    for (let seq = this.pcs.cloud.acked + 1; seq <= o.last; seq++) {
      const e = o.entry(seq);
      if (e !== null) this.seen.set(seq, f.json(seq, e.kind, e.body));
    }
  }

  /** Every entry the cloud got so far of one kind ("reading", "auth", ...), in seq order. */
  entriesOf(kind: string): string[] {
    this.collect();
    const seqs = this.seen.keys().sort(), out: string[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const e = this.seen.get(seqs[i]);
      if (e.includes('"kind":"' + kind + '"')) out.push(e);
    }
    return out;
  }

  /** Every entry the cloud got so far, one per line. */
  everything(): string {
    this.collect();
    const seqs = this.seen.keys().sort();
    let s = "";
    for (let i = 0; i < seqs.length; i++) s += this.seen.get(seqs[i]) + "\n";
    return s;
  }

  press(b: i32): void { expect(this.pcs.onButton(b)).toBe(OK); }

  /** Digits on the keypad. */
  type(digits: string): void { for (let i = 0; i < digits.length; i++) this.press(digits.charCodeAt(i) - 0x30); }

  /** MENU → the menu's `choice` (0 code, 1 maintenance, 2 phone) → OK. */
  menu(choice: i32): void {
    this.press(Button.MENU);
    for (let i = 0; i < choice; i++) this.press(Button.DOWN);
    this.press(Button.OK);
  }

  /** The panel's credential entry: MENU, the code, OK. */
  enterCode(digits: string, maintenance: bool = false): void {
    this.menu(maintenance ? 1 : 0);
    this.type(digits);
    this.press(Button.OK);
  }
}

/** INSTALL's data (PROTOCOL.md §5). */
export function installData(id: string, password: string, personal: Uint8Array, site: Uint8Array, caps: Uint8Array, conn: Uint8Array): Uint8Array {
  const d = board.utf8(id), p = board.utf8(password);
  const out = new Uint8Array(2 + d.length + p.length + personal.length + site.length + caps.length + conn.length);
  let i = 0;
  out[i++] = <u8>d.length; out.set(d, i); i += d.length;
  out[i++] = <u8>p.length; out.set(p, i); i += p.length;
  out.set(personal, i); i += personal.length;
  out.set(site, i); i += site.length;
  out.set(caps, i); i += caps.length;
  out.set(conn, i);
  return out;
}

/** Erased flash, a clock at T0, the factory's serial, the PCS booted. */
export function fresh(): Rig {
  mqtt_state(0);
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  const store = new CredentialStore(new RecordStore(), pcsKeyspace());
  expect(store.open()).toBe(OK);
  expect(store.provisionFactory(SERIAL)).toBe(OK);
  sunny(3200, 800, 0, 0);
  return new Rig(new SpecClock(T0));
}

/** The three channels: W now, and each register advanced from `wh`. */
export function sunny(pv: i32, charge: i32, discharge: i32, wh: i64): void {
  meter_set(Channel.PV, OK, pv, 10_000 + wh);
  meter_set(Channel.CHARGE, OK, charge, 2_000 + wh / 4);
  meter_set(Channel.DISCHARGE, OK, discharge, 1_000);
}

/** The phone's end of the BLE session: secure-session as the initiator. */
export class Phone {
  session: SecureSession = new SecureSession(new SessionConfig("pcs-ble-v1", Link.BLE, Role.INITIATOR));
  constructor(private rig: Rig) {}

  rigOf(): Rig { return this.rig; }

  /** The handshake: the PCS's status for HELLO (OK once both hold the key). */
  connect(): i32 {
    const commit = this.session.begin();
    const f = new Uint8Array(1 + commit.length);
    f[0] = Ble.NONCE_REQUEST;
    f.set(commit, 1);
    const rc = this.rig.pcs.onLink(Link.BLE, f);
    if (rc != OK) return rc;
    const nonce = lastSent(Link.BLE);
    expect(nonce[0]).toBe(Ble.NONCE);
    expect(this.session.complete(slice(nonce, 17, 65), slice(nonce, 1, 16))).toBe(OK);
    const hello = new Uint8Array(1 + 65 + 16);
    hello[0] = Ble.HELLO;
    hello.set(this.session.ownPublic, 1);
    hello.set(slice(nonce, 1, 16), 66);
    const h = this.rig.pcs.onLink(Link.BLE, hello);
    if (h != OK) return h;
    expect(this.answer(Ble.HELLO_REPLY) !== null).toBe(true);
    return OK;
  }

  /** A sealed request; the sealed answer's body of `type` (null: none or an ERROR). */
  call(type: u8, body: Uint8Array, answer: u8): Uint8Array | null {
    this.rig.pcs.onLink(Link.BLE, this.session.seal(type, body)!);
    return this.answer(answer);
  }

  answer(type: u8): Uint8Array | null {
    const f = lastSent(Link.BLE);
    if (f.length == 0 || f[0] != type) return null;
    return this.session.openFrame(f);
  }

  auth(digits: string, kind: u8 = 1): Uint8Array {
    const d = board.utf8(digits);
    const b = new Uint8Array(2 + d.length);
    b[0] = kind;
    b[1] = <u8>d.length;
    b.set(d, 2);
    return this.call(Ble.AUTH, b, Ble.AUTH_RESULT)!;
  }

  /** CHANGE (value) or DELETE (null): RESULT's status. */
  change(item: u8, value: Uint8Array | null): i32 {
    const b = new Uint8Array(1 + (value === null ? 0 : value.length));
    b[0] = item;
    if (value !== null) b.set<Uint8Array>(value, 1);
    const r = this.call(value === null ? Ble.DELETE : Ble.CHANGE, b, Ble.RESULT)!;
    expect(r[0]).toBe(item);
    return <i32><i8>r[1];
  }

  read(item: u8): Uint8Array {
    const b = new Uint8Array(1);
    b[0] = item;
    return this.call(Ble.READ, b, Ble.ITEM)!;
  }
}

export function lastSent(link: i32): Uint8Array {
  const b = new Uint8Array(MAX_LINK_FRAME);
  const n = link_last(link, b.dataStart, MAX_LINK_FRAME);
  return n > 0 ? slice(b, 0, n) : new Uint8Array(0);
}

export function lastPublished(): string {
  const b = new Uint8Array(3072);
  const n = mqtt_last(b.dataStart, 3072);
  return n > 0 ? String.UTF8.decode(slice(b, 0, n).buffer) : "";
}

/** How many log lines and screens show `secret`. */
export function shown(secret: Uint8Array): i32 { return shown_count(secret.dataStart, secret.length); }

/** `s` holds `part` (shown when it does not). */
export function expectHas(s: string, part: string): void {
  if (!s.includes(part)) log(s + "  ⟵ has no " + part);
  expect(s.includes(part)).toBe(true);
}
