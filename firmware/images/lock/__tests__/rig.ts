// What every lock spec runs on: the image's appliance over a real credential store on the
// test board's flash and a real scheduler on a clock the spec moves. The spec plays the
// factory and the installer (service port), the key server (grants, time and revocation
// lists signed with its own maker key through the test board's signer; MQTT state and
// commands), the phone over BLE (secure-session as the initiator, the phone key's proof)
// and the door sensor (the test board's gpio_input).
import * as board from "../../../board/index";
import { Link, MAX_LINK_FRAME, Pin } from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { OK } from "../../../core/errors";
import { putU32LE, slice } from "../../../core/codecs/bytes";
import { base64 } from "../../../core/codecs/base64";
import { CredentialStore } from "../../../modules/credential-store/index";
import { Scheduler } from "../../../modules/scheduler/index";
import { Role, SecureSession, SessionConfig } from "../../../modules/secure-session/index";
import { SpecClock } from "../../../testing/clock";
import { Signer } from "../../../modules/auth-info/__tests__/rig";
import { lockKeyspace } from "../keys";
import { Lock } from "../lock";
import { LockOutboxFormat, putI64 } from "../outbox-entries";
import { OP_INSTALL } from "../install";
import { Ble } from "../ble";

export { Signer } from "../../../modules/auth-info/__tests__/rig";

@external("testing", "link_last") declare function link_last(link: i32, ptr: usize, cap: i32): i32;
@external("testing", "mqtt_state") declare function mqtt_state(arg: i32): void;
@external("testing", "mqtt_last") declare function mqtt_last(ptr: usize, cap: i32): i32;
@external("testing", "shown_count") declare function shown_count(ptr: usize, len: i32): i32;
@external("testing", "gpio_input") declare function gpio_input(arg: i32): void;

/** 2026-11-22 10:00:00 UTC. */
export const T0: i64 = 1_795_341_600_000;
export const SECOND: i64 = 1000;
export const HOUR: i64 = 3_600_000;
export const SERIAL = "LK-0001";
export const DEVICE_ID = "lock-dev-1";
export const PASSWORD = "lock-password-0123456789";
export const MAKER = new Signer(11);
export const PHONE = new Signer(12);
export const OTHER_PHONE = new Signer(13);

export namespace GrantType {
  export const SCHEDULED: u8 = 1;
  export const DISPOSABLE: u8 = 2;
  export const EXPIRING: u8 = 3;
}

function serialBytes(serial: string): Uint8Array {
  const s = board.utf8(serial);
  const b = new Uint8Array(1 + s.length);
  b[0] = <u8>s.length;
  b.set(s, 1);
  return b;
}

function signed(key: Signer, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 64);
  out.set(body, 0);
  out.set(key.sign(body), body.length);
  return out;
}

function magic(a: u8, b: u8): Uint8Array { const m = new Uint8Array(3); m[0] = a; m[1] = b; m[2] = 1; return m; }

function join(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  n = 0;
  for (let i = 0; i < parts.length; i++) { out.set(parts[i], n); n += parts[i].length; }
  return out;
}

function le32(v: u32): Uint8Array { const b = new Uint8Array(4); putU32LE(b, 0, v); return b; }
function le64(v: i64): Uint8Array { const b = new Uint8Array(8); putI64(b, 0, v); return b; }

/** §1.1: one schedule [start, end) (none when start == end == 0), bound to `phone`. */
export function grant(id: u32, type: u8, start: i64, end: i64, phone: Signer = PHONE, key: Signer = MAKER, serial: string = SERIAL, timeoutS: u32 = 0): Uint8Array {
  const n = new Uint8Array(1);
  n[0] = start == 0 && end == 0 ? 0 : 1;
  const t = new Uint8Array(1);
  t[0] = type;
  const parts: Uint8Array[] = [magic(0x4c, 0x47), le32(id), serialBytes(serial), t, le32(timeoutS), n];
  if (n[0] == 1) { parts.push(le64(start)); parts.push(le64(end)); }
  parts.push(phone.pub);
  return signed(key, join(parts));
}

/** §1.2 */
export function timeBlob(nonce: Uint8Array, utcMs: i64, key: Signer = MAKER): Uint8Array {
  return signed(key, join([magic(0x4c, 0x54), serialBytes(SERIAL), nonce, le64(utcMs)]));
}

/** §1.3 */
export function revocations(version: u32, ids: u32[], key: Signer = MAKER): Uint8Array {
  const c = new Uint8Array(1);
  c[0] = <u8>ids.length;
  const parts: Uint8Array[] = [magic(0x4c, 0x52), serialBytes(SERIAL), le32(version), c];
  for (let i = 0; i < ids.length; i++) parts.push(le32(ids[i]));
  return signed(key, join(parts));
}

/** OPERATE's fields: action | grant len | grant | the phone's proof over the challenge. */
export function operateFields(action: u8, g: Uint8Array, challenge: Uint8Array, id: u32, phone: Signer = PHONE): Uint8Array {
  const a = new Uint8Array(1);
  a[0] = action;
  const msg = join([board.utf8("lock-op-v1"), serialBytes(SERIAL), challenge, le32(id), a]);
  const head = new Uint8Array(2);
  head[0] = action;
  head[1] = <u8>g.length;
  return join([head, g, phone.sign(msg)]);
}

export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  lock: Lock;
  cmd: i32 = 0;
  /** The nonce of the lock's last up/time (§3.1). */
  nonce: Uint8Array = new Uint8Array(0);
  seen: Map<u32, string> = new Map<u32, string>();

  constructor(public clock: SpecClock) {
    const store = new CredentialStore(new RecordStore(), lockKeyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.lock = new Lock(store, scheduler, clock);
    scheduler.boot();
    this.lock.boot();
  }

  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.lock.onTimer(0);
    c.moveTo(at);
  }

  wait(ms: i64): void { this.runTo(this.clock.now + ms); }

  /** A power cut: RAM and the timer go, flash and the door stay. */
  reboot(): Rig {
    this.collect();
    mqtt_state(0);
    this.clock.now = 0;
    this.clock.timerAt = -1;
    const r = new Rig(this.clock);
    r.seen = this.seen;
    r.cmd = this.cmd;
    return r;
  }

  service(op: u8, data: Uint8Array): i32 {
    const f = new Uint8Array(5 + data.length);
    f[0] = op;
    f[3] = <u8>(data.length >> 8);
    f[4] = <u8>data.length;
    f.set(data, 5);
    this.lock.onLink(Link.SERVICE, f);
    const a = lastSent(Link.SERVICE);
    expect(a[0]).toBe(op | 0x80);
    return <i32><i8>a[1];
  }

  install(key: Uint8Array = MAKER.pub): i32 {
    const d = board.utf8(DEVICE_ID), p = board.utf8(PASSWORD);
    const head = new Uint8Array(1); head[0] = <u8>d.length;
    const mid = new Uint8Array(1); mid[0] = <u8>p.length;
    return this.service(OP_INSTALL, join([head, d, mid, p, key]));
  }

  online(): void {
    mqtt_state(1);
    this.lock.onMqttState(1);
    const p = lastPublished();
    const at = p.indexOf('"nonce":"');
    expect(at).toBeGreaterThanOrEqual(0);
    this.nonce = fromHex(p.substring(at + 9, at + 41));
  }

  command(json: string): i32 {
    this.cmd++;
    const body = '{"cmd":' + this.cmd.toString() + "," + json + "}";
    return this.lock.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8(body));
  }

  /** Answers the lock's last up/time with `utcMs` signed by `key`: the command's status. */
  answerTime(utcMs: i64, key: Signer = MAKER): i32 {
    return this.command('"time":"' + base64(timeBlob(this.nonce, utcMs, key)) + '"');
  }

  /** Installed, online, its time set to the clock's wall time. */
  ready(): Rig {
    expect(this.install()).toBe(OK);
    this.online();
    expect(this.answerTime(this.clock.wall)).toBe(OK);
    return this;
  }

  /** OPERATE straight to the appliance after a fresh challenge: RESULT's body. */
  operate(action: u8, g: Uint8Array, id: u32, phone: Signer = PHONE): Uint8Array {
    const p = new Phone(this);
    expect(p.connect()).toBe(OK);
    const c = p.call(Ble.CHALLENGE_REQUEST, new Uint8Array(0), Ble.CHALLENGE)!;
    expect(c.length).toBe(16);
    return p.call(Ble.OPERATE, operateFields(action, g, c, id, phone), Ble.RESULT)!;
  }

  door(open: bool): void {
    const arg = Pin.DOOR_SENSOR | ((open ? 1 : 0) << 8);
    gpio_input(arg);
    expect(this.lock.onGpio(arg)).toBe(OK);
  }

  press(): void { expect(this.lock.onButton(0)).toBe(OK); }

  collect(): void {
    const o = this.lock.cloud.outbox, f = new LockOutboxFormat();
    for (let seq = this.lock.cloud.acked + 1; seq <= o.last; seq++) {
      const e = o.entry(seq);
      if (e !== null) this.seen.set(seq, f.json(seq, e.kind, e.body));
    }
  }

  entriesOf(kind: string): string[] {
    this.collect();
    const seqs = this.seen.keys().sort(), out: string[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const e = this.seen.get(seqs[i]);
      if (e.includes('"kind":"' + kind + '"')) out.push(e);
    }
    return out;
  }
}

/** The phone's end of the BLE session: secure-session as the initiator. */
export class Phone {
  session: SecureSession = new SecureSession(new SessionConfig("lock-ble-v1", Link.BLE, Role.INITIATOR));
  constructor(private rig: Rig) {}

  connect(): i32 {
    const commit = this.session.begin();
    const f = new Uint8Array(1 + commit.length);
    f[0] = Ble.NONCE_REQUEST;
    f.set(commit, 1);
    const rc = this.rig.lock.onLink(Link.BLE, f);
    if (rc != OK) return rc;
    const nonce = lastSent(Link.BLE);
    expect(nonce[0]).toBe(Ble.NONCE);
    expect(this.session.complete(slice(nonce, 17, 65), slice(nonce, 1, 16))).toBe(OK);
    const hello = new Uint8Array(1 + 65 + 16);
    hello[0] = Ble.HELLO;
    hello.set(this.session.ownPublic, 1);
    hello.set(slice(nonce, 1, 16), 66);
    const h = this.rig.lock.onLink(Link.BLE, hello);
    if (h != OK) return h;
    expect(this.answer(Ble.HELLO_REPLY) !== null).toBe(true);
    return OK;
  }

  call(type: u8, body: Uint8Array, answer: u8): Uint8Array | null {
    this.rig.lock.onLink(Link.BLE, this.session.seal(type, body)!);
    return this.answer(answer);
  }

  answer(type: u8): Uint8Array | null {
    const f = lastSent(Link.BLE);
    if (f.length == 0 || f[0] != type) return null;
    return this.session.openFrame(f);
  }
}

/** Erased flash, the door closed, a clock at T0, the factory's serial, the lock booted. */
export function fresh(): Rig {
  mqtt_state(0);
  gpio_input(Pin.DOOR_SENSOR);
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  const store = new CredentialStore(new RecordStore(), lockKeyspace());
  expect(store.open()).toBe(OK);
  expect(store.provisionFactory(SERIAL)).toBe(OK);
  return new Rig(new SpecClock(T0));
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

/** How many screens and log lines so far showed `text`. */
export function shown(text: string): i32 { const b = board.utf8(text); return shown_count(b.dataStart, b.length); }

export function expectHas(s: string, part: string): void {
  if (!s.includes(part)) log(s + "  ⟵ has no " + part);
  expect(s.includes(part)).toBe(true);
}

function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = <u8>(nib(s.charCodeAt(2 * i)) << 4 | nib(s.charCodeAt(2 * i + 1)));
  return out;
}

function nib(c: i32): i32 { return c <= 0x39 ? c - 0x30 : c - 0x57; }
