// What every meter spec runs on: the meter image's parts over a real credential store on
// the test board's flash and a real scheduler on a clock the spec moves; the spec plays
// the installer (service port), the head-end (MQTT state and commands), the card reader
// (CARD frames), the load (meter_set) and the home's HEMS (UDP datagrams).
import * as board from "../../../board/index";
import { Channel, Link, MAX_LINK_FRAME, Pin } from "../../../board/index";
import { RecordStore } from "../../../storage/record-store";
import { OK } from "../../../core/errors";
import { putU16BE, putU32LE, slice } from "../../../core/codecs/bytes";
import { CredentialStore } from "../../../modules/credential-store/index";
import { Scheduler } from "../../../modules/scheduler/index";
import { SpecClock } from "../../../testing/clock";
import { meterKeyspace } from "../keys";
import { Meter } from "../meter";
import { MeterOutboxFormat } from "../outbox-entries";
import { OP_INSTALL } from "../install";

@external("testing", "link_last") declare function link_last(link: i32, ptr: usize, cap: i32): i32;
@external("testing", "mqtt_state") declare function mqtt_state(arg: i32): void;
@external("testing", "mqtt_last") declare function mqtt_last(ptr: usize, cap: i32): i32;
@external("testing", "mqtt_published") export declare function mqtt_published(): i32;
@external("testing", "shown_count") declare function shown_count(ptr: usize, len: i32): i32;
@external("testing", "meter_set") export declare function meter_set(channel: i32, status: i32, powerW: i32, energyWh: i64): void;
@external("testing", "udp_sent") export declare function udp_sent(): i32;
@external("testing", "udp_last") declare function udp_last(ptr: usize, cap: i32): i32;
@external("testing", "udp_last_addr") export declare function udp_last_addr(): i32;
@external("testing", "udp_last_port") export declare function udp_last_port(): i32;

/** 2026-09-22 10:07:00 UTC: not on a :00/:30. */
export const T0: i64 = 1_790_071_620_000;
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const SERIAL = "SM-0001";
export const DEVICE_ID = "meter-dev-1";
export const METER_CODE = "JP-0123-4567-8901";
export const PASSWORD = "meter-password-0123456789";
export const KANTO: u32 = 0xa001;
export const GREEN: u32 = 0xb002;
export const DATA_CO: u32 = 0xc003;
/** 192.168.1.20, the HEMS. */
export const HEMS: i32 = <i32>0xc0a80114;

export class TestClock extends SpecClock {
  constructor() { super(T0); }
}

export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  meter: Meter;
  private cmd: i32 = 0;

  constructor(public clock: TestClock) {
    const store = new CredentialStore(new RecordStore(), meterKeyspace());
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.meter = new Meter(store, scheduler, clock);
    scheduler.boot();
    this.meter.boot();
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.meter.onTimer(0);
    c.moveTo(at);
  }

  /** Moves the wall clock to `utc` (delivering timers on the way). */
  runToUtc(utc: i64): void { this.runTo(this.clock.now + (utc - this.clock.wall)); }

  /** A power cut: RAM and the timer go, flash stays. */
  reboot(offMs: i64): Rig {
    this.collect();
    mqtt_state(0);
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    const r = new Rig(this.clock);
    r.seen = this.seen;
    return r;
  }

  /** The installer's INSTALL frame on the service port: the answer's status. */
  install(code: string = METER_CODE, id: string = DEVICE_ID, password: string = PASSWORD): i32 {
    expect(this.meter.onLink(Link.SERVICE, installFrame(code, id, password))).toBeLessThanOrEqual(OK);
    const a = lastSent(Link.SERVICE);
    expect(a[0]).toBe(OP_INSTALL | 0x80);
    return <i32><i8>a[1];
  }

  /** The broker accepted the login. */
  online(): void {
    mqtt_state(1);
    this.meter.onMqttState(1);
  }

  /** An installed meter, online. */
  installed(): Rig {
    expect(this.install()).toBe(OK);
    this.online();
    return this;
  }

  /** A command from company `co` as the head-end relays it: the status it answered. */
  command(co: u32, body: string): i32 {
    this.cmd++;
    const json = '{"cmd":' + this.cmd.toString() + ',"co":' + co.toString() + (body.length > 0 ? "," + body : "") + "}";
    return this.meter.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8(json));
  }

  /** The head-end acknowledges everything sent so far (kept in `seen` first). */
  ackAll(): void {
    this.collect();
    const last = this.meter.cloud.outbox.last;
    this.meter.onMqttMessage("devices/" + DEVICE_ID + "/down", board.utf8('{"ack":' + last.toString() + "}"));
  }

  /** Every entry the outbox held so far, by seq, as it goes on the wire (across acks and
   *  reboots: a spec's view of what the head-end got). */
  seen: Map<u32, string> = new Map<u32, string>();

  collect(): void {
    const o = this.meter.cloud.outbox, f = new MeterOutboxFormat();
    for (let seq = this.meter.cloud.acked + 1; seq <= o.last; seq++) {
      const e = o.entry(seq);
      if (e !== null) this.seen.set(seq, f.json(seq, e.kind, e.body));
    }
  }

  /** Every outbox entry not yet acknowledged, as it goes on the wire, one per line. */
  entries(): string {
    const o = this.meter.cloud.outbox, f = new MeterOutboxFormat();
    let s = "";
    for (let seq = this.meter.cloud.acked + 1; seq <= o.last; seq++) {
      const e = o.entry(seq);
      if (e !== null) s += f.json(seq, e.kind, e.body) + "\n";
    }
    return s;
  }

  /** The entries of one kind ("reading", "breaker", ...). */
  entriesOf(kind: string): string[] {
    const all = this.entries().split("\n"), out: string[] = [];
    for (let i = 0; i < all.length; i++) if (all[i].includes('"kind":"' + kind + '"')) out.push(all[i]);
    return out;
  }

  press(b: i32): void { expect(this.meter.onButton(b)).toBe(OK); }

  /** The card reader: a card in `slot` (or none, with `card` empty). */
  card(slot: i32, card: Uint8Array): i32 {
    const f = new Uint8Array(2 + card.length);
    f[0] = <u8>slot;
    f[1] = card.length > 0 ? 1 : 0;
    f.set(card, 2);
    return this.meter.onLink(Link.CARD, f);
  }

  /** A datagram from the HEMS (port 3610) to the meter. */
  datagram(frame: Uint8Array, from: i32 = HEMS): i32 {
    const p = new Uint8Array(2 + frame.length);
    putU16BE(p, 0, 3610);
    p.set(frame, 2);
    return this.meter.onUdp(from, p);
  }
}

/** Erased flash, a clock at T0, the factory's serial, the meter booted. */
export function fresh(): Rig {
  mqtt_state(0);
  for (let p = 0; p < board.flashPageCount(); p++) board.flashErase(p);
  const store = new CredentialStore(new RecordStore(), meterKeyspace());
  expect(store.open()).toBe(OK);
  expect(store.provisionFactory(SERIAL)).toBe(OK);
  return new Rig(new TestClock());
}

/** A card as its company printed it (PROTOCOL.md §1). */
export function card(role: u8, code: u32, types: u32): Uint8Array {
  const b = new Uint8Array(16);
  b[0] = 0x43; b[1] = 0x54; b[2] = 1; b[3] = role;
  putU32LE(b, 4, code);
  putU32LE(b, 8, types);
  return b;
}

export function installFrame(code: string, id: string, password: string): Uint8Array {
  const c = board.utf8(code), d = board.utf8(id), p = board.utf8(password);
  const n = 3 + c.length + d.length + p.length;
  const f = new Uint8Array(5 + n);
  f[0] = OP_INSTALL;
  f[3] = <u8>(n >> 8); f[4] = <u8>n;
  let i = 5;
  f[i++] = <u8>c.length; f.set(c, i); i += c.length;
  f[i++] = <u8>d.length; f.set(d, i); i += d.length;
  f[i++] = <u8>p.length; f.set(p, i);
  return f;
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

export function lastDatagram(): Uint8Array {
  const b = new Uint8Array(1024);
  const n = udp_last(b.dataStart, 1024);
  return n > 0 ? slice(b, 0, n) : new Uint8Array(0);
}

/** How many log lines and screens show `secret`. */
export function shown(secret: Uint8Array): i32 { return shown_count(secret.dataStart, secret.length); }

export function breakerPin(): i32 { return board.gpioRead(Pin.BREAKER); }

/** The load: W now and the register in Wh. */
export function load(w: i32, wh: i64): void { meter_set(Channel.IMPORT, OK, w, wh); }

export function hex(s: string): Uint8Array {
  const clean = s.replaceAll(" ", "");
  const b = new Uint8Array(clean.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = <u8>I32.parseInt(clean.substr(2 * i, 2), 16);
  return b;
}

export function toHex(b: Uint8Array): string {
  const d = "0123456789ABCDEF";
  let s = "";
  for (let i = 0; i < b.length; i++) s += d.charAt(b[i] >> 4) + d.charAt(b[i] & 15);
  return s;
}

/** `s` holds `part` (shown when it does not). */
export function expectHas(s: string, part: string): void {
  if (!s.includes(part)) log(s + "  ⟵ has no " + part);
  expect(s.includes(part)).toBe(true);
}
