// Typed credentials over the record store: secrets, protected records with tamper
// detection, attempt counters that survive reboots, and erase-on-reset. See README.md.
import * as board from "../../board/index";
import { RecordStore } from "../../storage/record-store";
import { equalConstantTime, getU32LE, putU32LE, slice, wipe } from "../../core/bytes";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_NOTFOUND, E_RANGE, E_STATE, E_TAMPER, E_TYPE } from "../../core/errors";
import { Attr, MAX_VALUE, RecordClass, RecordId, TAG_LEN, ValueType, classOf } from "./ids";

/** A decoded record: what get() hands out. */
export class Credential {
  constructor(public type: u8, public attrs: u8, public value: Uint8Array) {}
  get secret(): bool { return (this.attrs & Attr.SECRET) != 0; }
}

/** What an unreadable attempt counter counts as: above any limit. */
export const EXHAUSTED: i32 = i32.MAX_VALUE;

export class CredentialStore {
  /** Why the last call returned null / an error. */
  lastError: i32 = OK;
  /** Set when a protected record failed its check; the image raises the alarm. */
  tamperedId: u32 = 0;

  constructor(public records: RecordStore) {}

  /** Mounts the store and finishes an erase that power cut short. */
  open(): i32 {
    const rc = this.records.mount();
    if (rc < 0) return rc;
    const intent = this.records.get(RecordId.ERASE_INTENT);
    if (intent !== null && intent.length == 4) return this.eraseClasses(getU32LE(intent, 0));
    return OK;
  }

  // ---------------------------------------------------------------- typed records

  put(id: u32, type: u8, attrs: u8, value: Uint8Array): i32 {
    if (classOf(id) == RecordClass.INTERNAL || id > 0xfffe || id < 0x100) return E_INVAL;
    // Factory identity is written once, at provisioning (the serial is written last).
    if (classOf(id) == RecordClass.FACTORY && this.records.has(RecordId.SERIAL)) return E_STATE;
    if (value.length > MAX_VALUE) return E_RANGE;
    if (type < ValueType.BYTES || type > ValueType.COUNTER || (attrs & ~(Attr.SECRET | Attr.PROTECTED)) != 0) return E_INVAL;
    const prot = (attrs & Attr.PROTECTED) != 0;
    const key = prot ? this.deviceKey() : null;
    if (prot && key === null) return E_STATE;
    const rec = new Uint8Array(2 + value.length + (prot ? TAG_LEN : 0));
    rec[0] = type;
    rec[1] = attrs;
    rec.set(value, 2);
    if (prot) {
      rec.set(this.tag(key!, id, rec, 2 + value.length), 2 + value.length);
      wipe(key!);
    }
    const rc = this.records.put(id, rec);
    wipe(rec);
    return rc;
  }

  get(id: u32): Credential | null {
    this.lastError = OK;
    const rec = this.records.get(id);
    if (rec === null || rec.length < 2) { this.lastError = E_NOTFOUND; return null; }
    const attrs = rec[1];
    let len = rec.length - 2;
    if ((attrs & Attr.PROTECTED) != 0) {
      const key = this.deviceKey();
      len -= TAG_LEN;
      const ok = key !== null && len >= 0 && equalConstantTime(this.tag(key, id, rec, 2 + len), slice(rec, 2 + len, TAG_LEN));
      if (key !== null) wipe(key);
      if (!ok) {
        this.tamperedId = id;
        this.lastError = E_TAMPER;
        board.logError("tamper: record " + id.toString(16) + " failed its integrity check");
        return null;
      }
    }
    return new Credential(rec[0], attrs, slice(rec, 2, len));
  }

  getTyped(id: u32, type: u8): Uint8Array | null {
    const c = this.get(id);
    if (c === null) return null;
    if (c.type != type) { this.lastError = E_TYPE; return null; }
    return c.value;
  }

  putString(id: u32, s: string, attrs: u8): i32 { return this.put(id, ValueType.STRING, attrs, board.utf8(s)); }
  getString(id: u32): string | null {
    const v = this.getTyped(id, ValueType.STRING);
    return v === null ? null : board.text(v);
  }

  putU32(id: u32, v: u32, attrs: u8): i32 {
    const b = new Uint8Array(4);
    putU32LE(b, 0, v);
    return this.put(id, ValueType.U32, attrs, b);
  }
  /** The value, or -1 with lastError set. */
  getU32(id: u32): i64 {
    const v = this.getTyped(id, ValueType.U32);
    return v === null || v.length != 4 ? -1 : <i64>getU32LE(v, 0);
  }

  erase(id: u32): i32 {
    if (classOf(id) == RecordClass.FACTORY || classOf(id) == RecordClass.INTERNAL) return E_INVAL;
    return this.records.remove(id);
  }

  // ---------------------------------------------------------------- attempt counters

  /** The attempts counted so far: 0 only when no counter was ever written. A counter
   *  that exists but cannot be read (read error, wrong type or size, failed tag) counts
   *  as EXHAUSTED, so a damaged counter can never hand out fresh guesses. */
  counter(id: u32): i32 {
    const v = this.getTyped(id, ValueType.COUNTER);
    if (v === null) return this.lastError == E_NOTFOUND && !this.records.has(id) ? 0 : EXHAUSTED;
    if (v.length != 4) return EXHAUSTED;
    const n = getU32LE(v, 0);
    return n >= <u32>EXHAUSTED ? EXHAUSTED : <i32>n;
  }

  /** Adds one and returns the new count once it is durable; an exhausted counter stays so. */
  countAttempt(id: u32): i32 {
    const now = this.counter(id);
    if (now == EXHAUSTED) return EXHAUSTED;
    const b = new Uint8Array(4);
    putU32LE(b, 0, <u32>now + 1);
    const rc = this.put(id, ValueType.COUNTER, 0, b);
    return rc < 0 ? rc : <i32>getU32LE(b, 0);
  }

  resetCounter(id: u32): i32 { return this.counter(id) == 0 ? OK : this.records.remove(id); }

  // ---------------------------------------------------------------- factory identity

  provisionFactory(serial: string): i32 {
    if (this.records.has(RecordId.SERIAL)) return E_STATE;
    if (serial.length == 0 || serial.length > 64) return E_INVAL;
    const key = board.randomBytes(32);
    let rc = this.put(RecordId.DEVICE_KEY, ValueType.BYTES, Attr.SECRET, key);
    wipe(key);
    // The serial goes last: its presence is what marks the device as provisioned.
    if (rc == OK) rc = this.putString(RecordId.SERIAL, serial, 0);
    return rc;
  }

  serial(): string | null { return this.getString(RecordId.SERIAL); }

  private deviceKey(): Uint8Array | null {
    if (!this.records.has(RecordId.SERIAL)) return null;
    const c = this.get(RecordId.DEVICE_KEY);
    return c === null ? null : c.value;
  }

  private tag(key: Uint8Array, id: u32, rec: Uint8Array, len: i32): Uint8Array {
    const msg = new Uint8Array(2 + len);
    msg[0] = <u8>(id >>> 8);
    msg[1] = <u8>id;
    for (let i = 0; i < len; i++) msg[2 + i] = rec[i];
    const t = board.hmacSha256(key, msg);
    wipe(msg);
    return t;
  }

  // ---------------------------------------------------------------- registration

  /** Stores this registration's device id and password in one record. */
  setRegistration(deviceId: string, password: Uint8Array): i32 {
    const id = board.utf8(deviceId);
    if (id.length == 0 || id.length > 64 || password.length < 8 || password.length > 64) return E_INVAL;
    const v = new Uint8Array(1 + id.length + password.length);
    v[0] = <u8>id.length;
    v.set(id, 1);
    v.set(password, 1 + id.length);
    const rc = this.put(RecordId.REGISTRATION, ValueType.BYTES, Attr.SECRET, v);
    wipe(v);
    return rc;
  }

  registered(): bool { return this.records.has(RecordId.REGISTRATION); }

  registrationDeviceId(): string | null {
    const v = this.getTyped(RecordId.REGISTRATION, ValueType.BYTES);
    if (v === null || v.length < 1 || 1 + <i32>v[0] > v.length) return null;
    const s = board.text(slice(v, 1, v[0]));
    wipe(v);
    return s;
  }

  /** For the device's own use (e.g. MQTT login). The caller wipes it after use. */
  registrationPassword(): Uint8Array | null {
    const v = this.getTyped(RecordId.REGISTRATION, ValueType.BYTES);
    if (v === null || v.length < 1 || 1 + <i32>v[0] > v.length) return null;
    const p = slice(v, 1 + v[0], v.length - 1 - v[0]);
    wipe(v);
    return p;
  }

  /** Checks a presented password. The attempt is counted before the comparison, so a
   *  power cut during the check cannot hand out a free guess. */
  verifyRegistrationPassword(candidate: Uint8Array, limit: i32): i32 {
    if (!this.registered()) return E_NOTFOUND;
    if (this.counter(RecordId.REGISTRATION_ATTEMPTS) >= limit) return E_LOCKED;
    const n = this.countAttempt(RecordId.REGISTRATION_ATTEMPTS);
    if (n < 0) return n;
    const p = this.registrationPassword();
    const ok = p !== null && equalConstantTime(p, candidate);
    if (p !== null) wipe(p);
    if (!ok) return n >= limit ? E_LOCKED : E_AUTH;
    return this.resetCounter(RecordId.REGISTRATION_ATTEMPTS);
  }

  // ---------------------------------------------------------------- erase on reset

  /** User-initiated initialization (tenant moves out): this registration's secrets go. */
  initialize(): i32 { return this.beginErase(1 << RecordClass.REGISTRATION); }

  /** Factory reset: all user data goes; factory identity stays. */
  factoryReset(): i32 { return this.beginErase((1 << RecordClass.REGISTRATION) | (1 << RecordClass.USER)); }

  private beginErase(classes: u32): i32 {
    const b = new Uint8Array(4);
    putU32LE(b, 0, classes);
    const rc = this.records.put(RecordId.ERASE_INTENT, b);
    return rc < 0 ? rc : this.eraseClasses(classes);
  }

  private eraseClasses(classes: u32): i32 {
    const keys = this.records.keys();
    for (let i = 0; i < keys.length; i++) {
      const c = classOf(keys[i]);
      if (c < 32 && (classes & (1 << c)) != 0) {
        const rc = this.records.remove(keys[i]);
        if (rc < 0) return rc;
      }
    }
    return this.records.remove(RecordId.ERASE_INTENT);
  }
}
