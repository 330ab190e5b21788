// What the auth-info and unique-info specs run on: both modules over a real credential
// store on the test board's flash and a real scheduler, with device and wall time moved by
// hand, an installed PCS (serial, CONNECTION to the partner, SITE, CAPACITIES, PERSONAL,
// the factory maintenance credential), and servers that sign with their own P-256 keys
// through the test board's ecdsa_sign (the board itself only verifies).
import * as board from "../../../board/index";
import * as abi from "../../../board/abi";
import { getU16LE, getU32LE, putU32LE } from "../../../core/codecs/bytes";
import { PAGE_HEADER, PAGE_MAGIC, REC_COMMITTED, REC_FREE, REC_HEADER, recordSize } from "../../../storage/layout";
import { OK } from "../../../core/errors";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { SpecClock } from "../../../testing/clock";
import { eraseFlash } from "../../../testing/flash";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { Item, UniqueInfo, KEYS as UNIQUE_KEYS } from "../../unique-info/index";
import { AuthConfig, AuthEvents, AuthInfo, PartnerKey, KEYS as AUTH_KEYS } from "..";

@external("testing", "ecdsa_sign") declare function ecdsa_sign(priv: usize, msg: usize, len: i32, sig: usize): i32;

export const T0: i64 = 1_790_000_000_000;   // a wall time in 2026
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;

export const SERIAL = "PC-0001";
export const PARTNER: u32 = 0xd101;
export const NEW_PARTNER: u32 = 0xd202;
export const OPERATOR: u32 = 0xe001;
/** The credential the partner e-mails (10 digits) and the factory's (12 digits). */
export const DIGITS = "4815162342";
export const OTHER_DIGITS = "4815162343";
export const MAINTENANCE_DIGITS = "271828182845";

/** A server's key pair: a fixed scalar per server, its public key from the board. */
export class Signer {
  priv: Uint8Array = new Uint8Array(32);
  pub: Uint8Array = new Uint8Array(65);
  constructor(seed: u8) {
    const s = new Uint8Array(1);
    s[0] = seed;
    this.priv = board.sha256(s);
    // A scalar outside the group would fail every signature the spec then makes.
    if (abi.ecdh_p256_public(this.priv.dataStart, this.pub.dataStart) != OK) unreachable();
  }
  sign(msg: Uint8Array): Uint8Array {
    const sig = new Uint8Array(64);
    expect(ecdsa_sign(this.priv.dataStart, msg.dataStart, msg.length, sig.dataStart)).toBe(OK);
    return sig;
  }
}

export const PARTNER_KEY = new Signer(1);
export const NEW_PARTNER_KEY = new Signer(2);
export const OPERATOR_KEY = new Signer(3);
export const STRANGER_KEY = new Signer(4);

/** What the image hears: every event with its fields, in order. */
export class Recorder extends AuthEvents {
  events: i32[] = [];
  issuers: u32[] = [];
  serials: u32[] = [];
  vias: i32[] = [];
  reasons: i32[] = [];
  grantClosed: i32 = 0;
  onAuthEvent(event: i32, issuer: u32, serial: u32, via: i32, reason: i32): void {
    this.events.push(event);
    this.issuers.push(issuer);
    this.serials.push(serial);
    this.vias.push(via);
    this.reasons.push(reason);
  }
  onGrantClosed(): void { this.grantClosed++; }
  count(): i32 { return this.events.length; }
  last(): i32 { return this.events.length == 0 ? 0 : this.events[this.events.length - 1]; }
  lastReason(): i32 { return this.reasons.length == 0 ? -1 : this.reasons[this.reasons.length - 1]; }
  /** How many events of this kind were reported. */
  of(event: i32): i32 {
    let n = 0;
    for (let i = 0; i < this.events.length; i++) if (this.events[i] == event) n++;
    return n;
  }
}

/** The partner in effect, as the image adapts it: unique-info's CONNECTION. */
export class ConnectionPartner extends PartnerKey {
  constructor(private unique: UniqueInfo) { super(); }
  code(): u32 { return this.unique.partnerCode(); }
  publicKey(): Uint8Array | null { return this.unique.partnerPublicKey(); }
}

/** One boot of the PCS's guarded part: store, scheduler, unique-info and auth-info, booted
 *  in the image's order. */
export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  unique: UniqueInfo;
  auth: AuthInfo;
  events: Recorder;

  constructor(public clock: SpecClock, public config: AuthConfig) {
    const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, UNIQUE_KEYS, AUTH_KEYS]));
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    const unique = new UniqueInfo(store);
    const events = new Recorder();
    const auth = new AuthInfo(store, scheduler, new ConnectionPartner(unique), events, config, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.unique = unique;
    this.events = events;
    this.auth = auth;
    scheduler.boot();
    expect(unique.boot()).toBe(OK);
    expect(auth.boot()).toBe(OK);
  }

  /** Moves both clocks to device time `at`, delivering the timer whenever it falls due. */
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.scheduler.onTimer(0);
    c.moveTo(at);
  }

  /** Moves time on by `ms`. */
  wait(ms: i64): void { this.runTo(this.clock.now + ms); }

  /** A power cut of `offMs`: RAM and the timer go, flash stays, device time restarts. */
  reboot(offMs: i64 = 0): Rig {
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Rig(this.clock, this.config);
  }

  /** Authentication information from `signer` as `issuer`, received from the cloud. */
  receive(signer: Signer, issuer: u32, serial: u32): i32 {
    return this.auth.receive(information(signer, new Claim(issuer, serial)), 0);
  }

  check(digits: string, kind: i32 = 1): i32 { return this.auth.check(kind, board.utf8(digits), 1); }
}

/** What a server puts in authentication information (PROTOCOL.md §2.1). */
export class Claim {
  lifetimeS: u32 = 0;
  uses: u8 = 0;
  failures: u8 = 0;
  items: u8 = 0x1f;
  device: string = SERIAL;
  /** The serial the verifier is computed over (a server could get it wrong). */
  verifierDevice: string = SERIAL;
  digits: string = DIGITS;
  issuedUtcMs: i64 = T0;
  constructor(public issuer: u32, public serial: u32) {}
}

/** The bytes of §2.1, signed by `signer`. */
export function information(signer: Signer, c: Claim): Uint8Array {
  const body = unsigned(c);
  const sig = signer.sign(body);
  const out = new Uint8Array(body.length + 64);
  out.set(body, 0);
  out.set(sig, body.length);
  return out;
}

/** Every byte of §2.1 before the signature. */
export function unsigned(c: Claim): Uint8Array {
  const dev = board.utf8(c.device);
  const b = new Uint8Array(27 + dev.length + 16 + 32);
  b[0] = 0x50;
  b[1] = 0x41;
  b[2] = 1;
  putU32LE(b, 3, c.issuer);
  putU32LE(b, 7, c.serial);
  putU32LE(b, 11, <u32>c.issuedUtcMs);
  putU32LE(b, 15, <u32>(c.issuedUtcMs >>> 32));
  putU32LE(b, 19, c.lifetimeS);
  b[23] = c.uses;
  b[24] = c.failures;
  b[25] = c.items;
  b[26] = <u8>dev.length;
  b.set(dev, 27);
  const salt = saltOf(<u8>c.serial);
  b.set(salt, 27 + dev.length);
  b.set(verifier(c.verifierDevice, salt, c.digits), 27 + dev.length + 16);
  return b;
}

export function saltOf(tag: u8): Uint8Array {
  const s = new Uint8Array(16);
  for (let i = 0; i < 16; i++) s[i] = <u8>(tag * 17 + i);
  return s;
}

/** SHA-256("pcs-credential-v1" ‖ device serial ‖ salt ‖ digits), as the server computes it. */
export function verifier(device: string, salt: Uint8Array, digits: string): Uint8Array {
  const label = board.utf8("pcs-credential-v1");
  const dev = board.utf8(device);
  const d = board.utf8(digits);
  const m = new Uint8Array(label.length + dev.length + 16 + d.length);
  m.set(label, 0);
  m.set(dev, label.length);
  m.set(salt, label.length + dev.length);
  m.set(d, label.length + dev.length + 16);
  return board.sha256(m);
}

/** The CONNECTION value for a partner: code, public key, a device key made from `tag`. */
export function connection(code: u32, key: Signer, tag: u8): Uint8Array {
  const v = new Uint8Array(101);
  putU32LE(v, 0, code);
  v.set(key.pub, 4);
  for (let i = 0; i < 32; i++) v[69 + i] = <u8>(tag + i * 3);
  return v;
}

export function siteValue(s: string): Uint8Array {
  const t = board.utf8(s);
  const v = new Uint8Array(1 + t.length);
  v[0] = <u8>t.length;
  v.set(t, 1);
  return v;
}

export function capacitiesValue(pv: u32, battery: u32, ev: u32): Uint8Array {
  const v = new Uint8Array(12);
  putU32LE(v, 0, pv);
  putU32LE(v, 4, battery);
  putU32LE(v, 8, ev);
  return v;
}

export function personalValue(name: string, address: string): Uint8Array {
  const n = board.utf8(name), a = board.utf8(address);
  const v = new Uint8Array(2 + n.length + a.length);
  v[0] = <u8>n.length;
  v.set(n, 1);
  v[1 + n.length] = <u8>a.length;
  v.set(a, 2 + n.length);
  return v;
}

/** Blank flash, a clock at T0, a provisioned and installed PCS with its factory
 *  maintenance credential: every spec starts here. */
export function freshRig(config: AuthConfig | null = null, install: bool = true): Rig {
  eraseFlash();
  const clock = new SpecClock(T0);
  const cfg = config === null ? new AuthConfig() : config;
  let rig = new Rig(clock, cfg);
  expect(rig.store.provisionFactory(SERIAL)).toBe(OK);
  if (install) {
    const salt = saltOf(99);
    expect(rig.auth.installMaintenance(OPERATOR, OPERATOR_KEY.pub, salt, verifier(SERIAL, salt, MAINTENANCE_DIGITS))).toBe(OK);
    const t = rig.store.begin();
    expect(rig.unique.stageInstall(t, Item.PERSONAL, personalValue("Hanako Yamada", "1-2-3 Sakura, Kyoto"))).toBe(OK);
    expect(rig.unique.stageInstall(t, Item.SITE, siteValue("GS-2026-0042"))).toBe(OK);
    expect(rig.unique.stageInstall(t, Item.CAPACITIES, capacitiesValue(5500, 9800, 40000))).toBe(OK);
    expect(rig.unique.stageInstall(t, Item.CONNECTION, connection(PARTNER, PARTNER_KEY, 7))).toBe(OK);
    expect(t.commit()).toBe(OK);
    rig = rig.reboot();
  }
  return rig;
}

export function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

/** Flash address of the data of `key`'s newest committed record (FORMAT.md), or -1: where
 *  a spec doctors a record or looks for its bytes. */
export function recordData(key: u32): i32 {
  const ps = board.flashPageSize();
  const h = new Uint8Array(REC_HEADER);
  let found = -1, seq: u32 = 0;
  for (let p = 0; p < board.flashPageCount(); p++) {
    board.flashRead(p * ps, h, 0, 4);
    if (getU32LE(h, 0) != PAGE_MAGIC) continue;
    let off = PAGE_HEADER;
    while (off + REC_HEADER <= ps) {
      board.flashRead(p * ps + off, h, 0, REC_HEADER);
      if (h[0] == REC_FREE) break;
      if (h[0] == REC_COMMITTED && getU16LE(h, 2) == key && getU32LE(h, 4) >= seq) {
        seq = getU32LE(h, 4);
        found = p * ps + off + REC_HEADER;
      }
      off += recordSize(<i32>getU16LE(h, 8));
    }
  }
  return found;
}

/** The stored bytes (as in flash) of `key`'s newest record. */
export function storedBytes(key: u32): Uint8Array {
  const at = recordData(key);
  expect(at).toBeGreaterThan(0);
  const h = new Uint8Array(REC_HEADER);
  board.flashRead(at - REC_HEADER, h, 0, REC_HEADER);
  const d = new Uint8Array(<i32>getU16LE(h, 8));
  board.flashRead(at, d, 0, d.length);
  return d;
}
