// What the grants specs run on: the module over a real credential store on the test
// board's flash and a real scheduler, device time moved by hand, and the maker, phones
// and strangers signing with their own P-256 keys through the test board's ecdsa_sign
// (the board itself only verifies).
import * as board from "../../../board/index";
import * as abi from "../../../board/abi";
import { putU32LE } from "../../../core/codecs/bytes";
import { OK } from "../../../core/errors";
import { RecordStore } from "../../../storage/record-store";
import { Keyspace } from "../../../storage/keyspace";
import { SpecClock } from "../../../testing/clock";
import { eraseFlash } from "../../../testing/flash";
import { CredentialStore, KEYS as CREDENTIAL_KEYS } from "../../credential-store/index";
import { Scheduler, KEYS as SCHEDULER_KEYS } from "../../scheduler/index";
import { Decision, Grants, GrantsConfig, KEYS as GRANTS_KEYS } from "..";

@external("testing", "ecdsa_sign") declare function ecdsa_sign(priv: usize, msg: usize, len: i32, sig: usize): i32;

export const T0: i64 = 1_795_860_000_000;   // 2026-11-22 10:00 UTC
export const SECOND: i64 = 1000;
export const MINUTE: i64 = 60 * SECOND;
export const HOUR: i64 = 60 * MINUTE;
export const SERIAL = "LK-0001";

/** A key pair: a fixed scalar per party, its public key from the board. */
export class Signer {
  priv: Uint8Array;
  pub: Uint8Array = new Uint8Array(65);
  constructor(seed: u8) {
    const s = new Uint8Array(2);
    s[0] = 0x4c;
    s[1] = seed;
    this.priv = board.sha256(s);
    if (abi.ecdh_p256_public(this.priv.dataStart, this.pub.dataStart) != OK) unreachable();
  }
  sign(msg: Uint8Array): Uint8Array {
    const sig = new Uint8Array(64);
    expect(ecdsa_sign(this.priv.dataStart, msg.dataStart, msg.length, sig.dataStart)).toBe(OK);
    return sig;
  }
}

export const MAKER = new Signer(1);
export const PHONE = new Signer(2);
export const OTHER_PHONE = new Signer(3);
export const STRANGER = new Signer(4);

/** One boot of the lock's guarded part: store, scheduler, grants, booted in the image's order. */
export class Rig {
  store: CredentialStore;
  scheduler: Scheduler;
  grants: Grants;
  constructor(public clock: SpecClock, public config: GrantsConfig) {
    const store = new CredentialStore(new RecordStore(), new Keyspace([CREDENTIAL_KEYS, SCHEDULER_KEYS, GRANTS_KEYS]));
    expect(store.open()).toBe(OK);
    const scheduler = new Scheduler(0, store, clock);
    this.store = store;
    this.scheduler = scheduler;
    this.grants = new Grants(store, scheduler, SERIAL, config, clock);
    scheduler.boot();
    expect(this.grants.boot()).toBe(OK);
  }
  runTo(at: i64): void {
    const c = this.clock;
    for (let guard = 0; guard < 10_000 && c.nextDue(at); guard++) this.scheduler.onTimer(0);
    c.moveTo(at);
  }
  wait(ms: i64): void { this.runTo(this.clock.now + ms); }
  /** A power cut: RAM and the timer go, flash stays, device time restarts. */
  reboot(offMs: i64 = 0): Rig {
    this.clock.now = 0;
    this.clock.wall += offMs;
    this.clock.timerAt = -1;
    return new Rig(this.clock, this.config);
  }
  /** The key server's answer to the lock's request, saying `utcMs`. */
  setTime(utcMs: i64): i32 {
    const nonce = this.grants.clock.request();
    return this.grants.clock.receive(timeBlob(MAKER, SERIAL, nonce, utcMs));
  }
  /** A whole OPERATE as the SDK sends it: a challenge, then the grant and `phone`'s proof. */
  operate(grant: Uint8Array, phone: Signer = PHONE, action: u8 = 1): Decision {
    return this.grants.operate(operateFields(grant, phone, this.grants.challenge(), action));
  }
}

/** Blank flash, a provisioned lock with the maker key installed, its time T0. */
export function freshRig(config: GrantsConfig | null = null, setTime: bool = true): Rig {
  eraseFlash();
  const clock = new SpecClock(T0);
  const rig = new Rig(clock, config === null ? new GrantsConfig() : config);
  expect(rig.store.provisionFactory(SERIAL)).toBe(OK);
  const t = rig.store.begin();
  expect(rig.grants.installMakerKey(t, MAKER.pub)).toBe(OK);
  expect(t.commit()).toBe(OK);
  if (setTime) expect(rig.setTime(T0)).toBe(OK);
  return rig;
}

function serialBytes(serial: string): Uint8Array {
  const s = board.utf8(serial);
  const b = new Uint8Array(1 + s.length);
  b[0] = <u8>s.length;
  b.set(s, 1);
  return b;
}

function putI64(b: Uint8Array, at: i32, v: i64): void {
  putU32LE(b, at, <u32>v);
  putU32LE(b, at + 4, <u32>(v >>> 32));
}

function signed(signer: Signer, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 64);
  out.set(body, 0);
  out.set(signer.sign(body), body.length);
  return out;
}

/** What the key server puts in a grant (§1.1). */
export class Claim {
  serial: string = SERIAL;
  type: u8 = 1;
  timeoutS: u32 = 0;
  /** start, end pairs (UTC ms). */
  slots: i64[] = [T0, T0 + HOUR];
  phone: Signer = PHONE;
  constructor(public id: u32) {}
}

export function grantBlob(c: Claim, signer: Signer = MAKER): Uint8Array {
  const s = serialBytes(c.serial);
  const n = c.slots.length / 2;
  const b = new Uint8Array(7 + s.length + 6 + n * 16 + 65);
  b[0] = 0x4c; b[1] = 0x47; b[2] = 1;
  putU32LE(b, 3, c.id);
  b.set(s, 7);
  let at = 7 + s.length;
  b[at] = c.type;
  putU32LE(b, at + 1, c.timeoutS);
  b[at + 5] = <u8>n;
  at += 6;
  for (let i = 0; i < c.slots.length; i++) { putI64(b, at, c.slots[i]); at += 8; }
  b.set(c.phone.pub, at);
  return signed(signer, b);
}

export function timeBlob(signer: Signer, serial: string, nonce: Uint8Array, utcMs: i64): Uint8Array {
  const s = serialBytes(serial);
  const b = new Uint8Array(3 + s.length + 16 + 8);
  b[0] = 0x4c; b[1] = 0x54; b[2] = 1;
  b.set(s, 3);
  b.set(nonce, 3 + s.length);
  putI64(b, 3 + s.length + 16, utcMs);
  return signed(signer, b);
}

export function revocationBlob(signer: Signer, serial: string, version: u32, ids: u32[]): Uint8Array {
  const s = serialBytes(serial);
  const b = new Uint8Array(3 + s.length + 5 + ids.length * 4);
  b[0] = 0x4c; b[1] = 0x52; b[2] = 1;
  b.set(s, 3);
  putU32LE(b, 3 + s.length, version);
  b[3 + s.length + 4] = <u8>ids.length;
  for (let i = 0; i < ids.length; i++) putU32LE(b, 3 + s.length + 5 + i * 4, ids[i]);
  return signed(signer, b);
}

/** "lock-op-v1" ‖ serial (len | ASCII) ‖ nonce ‖ grant id u32 ‖ action u8, signed by the phone. */
export function operateFields(grant: Uint8Array, phone: Signer, nonce: Uint8Array, action: u8): Uint8Array {
  const label = board.utf8("lock-op-v1");
  const s = serialBytes(SERIAL);
  const m = new Uint8Array(label.length + s.length + 16 + 5);
  m.set(label, 0);
  m.set(s, label.length);
  m.set(nonce, label.length + s.length);
  // The grant id as the grant says it (bytes 3..7).
  for (let i = 0; i < 4; i++) m[label.length + s.length + 16 + i] = grant[3 + i];
  m[m.length - 1] = action;
  const f = new Uint8Array(2 + grant.length + 64);
  f[0] = action;
  f[1] = <u8>grant.length;
  f.set(grant, 2);
  f.set(phone.sign(m), 2 + grant.length);
  return f;
}
