// Typed credentials over the record store: secrets sealed at rest, protected records with
// tamper detection, attempt counters that survive reboots, and erase-on-reset.
//
// Every key comes from the board's SEAL key slot (ABI v1.1 hmac_sha256_keyslot), which the
// firmware can use but never read: on an ESP32 an eFuse key behind the HMAC peripheral. So
// the flash image holds no key and no secret in clear: a SECRET record is stored as
// nonce ‖ AES-256-GCM(value) ‖ tag, its id, type and attributes bound in as associated
// data (a sealed record moved to another id does not open); a PROTECTED record carries an
// HMAC-SHA-256 tag. Keys are derived for each use and wiped after it.
import * as board from "../../board/index";
import { RecordStore, RecordTransaction } from "../../storage/record-store";
import { Keyspace, ResetClass } from "../../storage/keyspace";
import { equalConstantTime, getU32LE, putU32LE, slice, wipe } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_INVAL, E_LOCKED, E_NOTFOUND, E_RANGE, E_STATE, E_TAMPER, E_TYPE } from "../../core/errors";
import { Attr, FACTORY_KEYS, INTERNAL_KEYS, MAX_VALUE, NONCE_LEN, RecordId, SEAL_TAG_LEN, TAG_LEN, ValueType } from "./ids";

// Labels of the keys derived from the SEAL slot: one key per purpose.
const LABEL_SEAL = "credential-store: seal v1";
const LABEL_NONCE = "credential-store: nonce v1";
const LABEL_PROTECT = "credential-store: protect v1";

/** A decoded record: what get() hands out. */
export class Credential {
  constructor(public type: u8, public attrs: u8, public value: Uint8Array) {}
  get secret(): bool { return (this.attrs & Attr.SECRET) != 0; }
}

/** What an unreadable attempt counter counts as: above any limit. */
export const EXHAUSTED: i32 = i32.MAX_VALUE;
/** Bytes readInto's buffer needs beyond the value: a plain record's type and attributes. */
export const READ_INTO_SLACK: i32 = 2;

export class CredentialStore {
  /** Why the last call returned null / an error. */
  lastError: i32 = OK;
  /** Set when a protected record failed its check; the image raises the alarm. */
  tamperedId: u32 = 0;

  /** `keyspace`: the image's record ids and their reset classes (its modules' KEYS). */
  constructor(public records: RecordStore, public keyspace: Keyspace) {}

  /** Checks the keyspace (E_INVAL if two ranges overlap), mounts the store, finishes an
   *  erase that power cut short, and seals what a v1.0 board's firmware left in clear. */
  open(): i32 {
    // Two modules claiming one id would erase or overwrite each other's records.
    // (The keyspace unit test names the overlapping pair; here a fixed line keeps it small.)
    if (this.keyspace.check() < 0) { board.compose().add("keyspace: two ranges overlap or one is malformed").error(); return E_INVAL; }
    let rc = this.records.mount();
    if (rc < 0) return rc;
    const intent = this.records.get(RecordId.ERASE_INTENT);
    if (intent !== null && intent.length == 4) rc = this.eraseClasses(getU32LE(intent, 0));
    if (rc == OK && this.records.has(RecordId.LEGACY_DEVICE_KEY)) rc = this.sealLegacyRecords();
    return rc;
  }

  // ---------------------------------------------------------------- typed records

  /** Stores a record. E_RANGE: the image's keyspace declares no range for `id`, or the
   *  value is over MAX_VALUE; E_INVAL: the store's own id or a bad type/attribute;
   *  E_STATE: factory identity after provisioning, or no sealing key. */
  put(id: u32, type: u8, attrs: u8, value: Uint8Array): i32 {
    const rc = this.checkPut(id, type, attrs, value);
    return rc < 0 ? rc : this.write(id, type, attrs, value);
  }

  /** Why put(id, ...) would be refused, or OK. */
  checkPut(id: u32, type: u8, attrs: u8, value: Uint8Array): i32 {
    if (INTERNAL_KEYS.contains(id)) return E_INVAL;
    if (!this.keyspace.declares(id)) return E_RANGE;
    // Factory identity is written once, at provisioning (the serial is written last).
    if (FACTORY_KEYS.contains(id) && this.records.has(RecordId.SERIAL)) return E_STATE;
    if (value.length > MAX_VALUE) return E_RANGE;
    if (type < ValueType.BYTES || type > ValueType.COUNTER || (attrs & ~(Attr.SECRET | Attr.PROTECTED)) != 0) return E_INVAL;
    return OK;
  }

  /** Encodes (seals, tags) and stores a checked record. */
  private write(id: u32, type: u8, attrs: u8, value: Uint8Array): i32 {
    const rec = this.encode(id, type, attrs, value);
    if (rec === null) return E_STATE;   // the board has no sealing key
    const rc = this.records.put(id, rec);
    wipe(rec);
    return rc;
  }

  /** The stored form of a record (FORMAT.md, "Credential records"), or null without a sealing key. */
  encode(id: u32, type: u8, attrs: u8, value: Uint8Array): Uint8Array | null {
    return (attrs & Attr.SECRET) != 0 ? this.seal(id, type, attrs, value)
      : (attrs & Attr.PROTECTED) != 0 ? this.protect(id, type, attrs, value)
      : header(type, attrs, value, 0);
  }

  /** Several records changed all-or-nothing, secret and protected ones too:
   *  `const t = store.begin(); t.putU32(a, 1, 0); t.erase(b); rc = t.commit();` */
  begin(): CredentialTransaction { return new CredentialTransaction(this, this.records.begin()); }

  get(id: u32): Credential | null {
    this.lastError = OK;
    const rec = this.records.get(id);
    if (rec === null || rec.length < 2) { this.lastError = E_NOTFOUND; return null; }
    const attrs = rec[1];
    let value: Uint8Array | null;
    if ((attrs & Attr.SECRET) != 0) value = this.unseal(id, rec);
    else if ((attrs & Attr.PROTECTED) != 0) value = this.verify(id, rec);
    else value = slice(rec, 2, rec.length - 2);
    if (value === null && this.lastError == OK) {
      this.tamperedId = id;
      this.lastError = E_TAMPER;
      board.compose().add("tamper: record ").hex(id).add(" failed its integrity check").error();
    }
    return value === null ? null : new Credential(rec[0], attrs, value);
  }

  getTyped(id: u32, type: u8): Uint8Array | null {
    const c = this.get(id);
    if (c === null) return null;
    if (c.type != type) { this.lastError = E_TYPE; return null; }
    return c.value;
  }

  /** Like getTyped, but the value is read into `out` from 0 and nothing is allocated for
   *  a plain record: its length, or a negative error (lastError too). `out` needs
   *  READ_INTO_SLACK bytes beyond the value: the record's header is read along with it.
   *  For values read many at a time (the outbox's chunks), whose copies would all stay
   *  garbage until the event ends. */
  readInto(id: u32, type: u8, out: Uint8Array): i32 {
    this.lastError = OK;
    const n = this.records.readInto(id, out);
    if (n < 0 || n < READ_INTO_SLACK) {
      this.lastError = n == E_RANGE ? E_RANGE : E_NOTFOUND;
      return this.lastError;
    }
    if ((out[1] & (Attr.SECRET | Attr.PROTECTED)) != 0) {
      // Sealed or tagged: checked as get() checks it, then copied.
      const v = this.getTyped(id, type);
      if (v === null) return this.lastError;
      out.set(v!, 0);
      return v.length;
    }
    if (out[0] != type) { this.lastError = E_TYPE; return E_TYPE; }
    memory.copy(out.dataStart, out.dataStart + READ_INTO_SLACK, n - READ_INTO_SLACK);
    return n - READ_INTO_SLACK;
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
    const rc = this.checkErase(id);
    return rc < 0 ? rc : this.records.remove(id);
  }

  /** Why erase(id) would be refused (factory identity and the store's own records are
   *  not erased one by one; an undeclared id is E_RANGE), or OK. */
  checkErase(id: u32): i32 {
    if (FACTORY_KEYS.contains(id) || INTERNAL_KEYS.contains(id)) return E_INVAL;
    return this.keyspace.declares(id) ? OK : E_RANGE;
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

  /** Writes the serial, which marks the device as provisioned. The device's keys are in
   *  its board key slot since manufacture, so there is no key to make here. */
  provisionFactory(serial: string): i32 {
    if (this.records.has(RecordId.SERIAL)) return E_STATE;
    if (serial.length == 0 || serial.length > 64) return E_INVAL;
    return this.putString(RecordId.SERIAL, serial, 0);
  }

  serial(): string | null { return this.getString(RecordId.SERIAL); }

  /** Flash from firmware before key slots: secrets in clear, protected records tagged
   *  under a device key stored in a record. Each such record is written again in the new
   *  form (the record store scrubs the old copy), then the old key is removed. A power cut
   *  part-way is harmless: the next open() runs again and skips records that are already
   *  sealed or tagged the new way. */
  private sealLegacyRecords(): i32 {
    const probe = slotKey(LABEL_SEAL);
    if (probe === null) return OK;   // no key slot: nothing can be sealed, leave it as is
    wipe(probe);
    const old = this.records.get(RecordId.LEGACY_DEVICE_KEY);
    const oldKey = old !== null && old.length == 2 + 32 ? slice(old, 2, 32) : new Uint8Array(0);
    const keys = this.records.keys();
    for (let i = 0; i < keys.length; i++) {
      const id = keys[i];
      const rec = this.records.get(id);
      if (id == RecordId.LEGACY_DEVICE_KEY || INTERNAL_KEYS.contains(id) || rec === null || rec.length < 2) continue;
      const attrs = rec[1];
      if ((attrs & (Attr.SECRET | Attr.PROTECTED)) == 0) continue;
      const current = (attrs & Attr.SECRET) != 0 ? this.unseal(id, rec) : this.verify(id, rec);
      if (current !== null) { wipe(current); continue; }
      this.lastError = OK;
      let len = rec.length - 2;
      if ((attrs & Attr.PROTECTED) != 0) {
        len -= TAG_LEN;
        // A legacy tag that does not verify stays as it is: get() reports the tamper.
        if (len < 0 || oldKey.length == 0 || !equalConstantTime(recordTag(oldKey, id, rec, 2 + len), slice(rec, 2 + len, TAG_LEN))) continue;
      }
      const value = slice(rec, 2, len);
      const rc = this.write(id, rec[0], attrs, value);
      wipe(value);
      wipe(rec);
      if (rc < 0) return rc;
    }
    wipe(oldKey);
    return this.records.remove(RecordId.LEGACY_DEVICE_KEY);
  }

  // ---------------------------------------------------------------- sealing

  /** type ‖ attrs ‖ nonce ‖ AES-256-GCM(value) ‖ tag, or null without a sealing key.
   *  The nonce is synthetic: HMAC(nonce key, aad ‖ value ‖ 16 random bytes). A stored
   *  counter would need its own durable write before each seal (a power cut between the
   *  two could reuse it), and a simulated board's random stream repeats whenever a boot
   *  seed does; this nonce repeats only if the random draw and the whole record repeat,
   *  and then the ciphertext is the same one and tells nothing new. */
  private seal(id: u32, type: u8, attrs: u8, value: Uint8Array): Uint8Array | null {
    const aad = associated(id, type, attrs);
    const nk = slotKey(LABEL_NONCE);
    if (nk === null) return null;
    const ivIn = new Uint8Array(aad.length + value.length + 16);
    ivIn.set(aad, 0);
    ivIn.set(value, aad.length);
    ivIn.set(board.randomBytes(16), aad.length + value.length);
    const mac = board.hmacSha256(nk, ivIn);
    wipe(nk);
    wipe(ivIn);
    const nonce = slice(mac, 0, NONCE_LEN);
    const key = slotKey(LABEL_SEAL);
    if (key === null) return null;
    const sealed = board.aeadSeal(key, nonce, aad, value);
    wipe(key);
    if (sealed === null) return null;
    const rec = header(type, attrs, nonce, sealed.length);
    rec.set<Uint8Array>(sealed, 2 + NONCE_LEN);
    return rec;
  }

  /** The value of a sealed record, or null: lastError E_STATE without a sealing key,
   *  otherwise the record failed to open (tampered, or moved from another id). */
  private unseal(id: u32, rec: Uint8Array): Uint8Array | null {
    if (rec.length < 2 + NONCE_LEN + SEAL_TAG_LEN) return null;
    const key = slotKey(LABEL_SEAL);
    if (key === null) { this.lastError = E_STATE; return null; }
    const v = board.aeadOpen(key, slice(rec, 2, NONCE_LEN), associated(id, rec[0], rec[1]),
      slice(rec, 2 + NONCE_LEN, rec.length - 2 - NONCE_LEN));
    wipe(key);
    return v;
  }

  /** type ‖ attrs ‖ value ‖ HMAC(protect key, id ‖ type ‖ attrs ‖ value). */
  private protect(id: u32, type: u8, attrs: u8, value: Uint8Array): Uint8Array | null {
    const rec = header(type, attrs, value, TAG_LEN);
    const t = this.tag(id, rec, 2 + value.length);
    if (t === null) return null;
    rec.set<Uint8Array>(t, 2 + value.length);
    return rec;
  }

  private verify(id: u32, rec: Uint8Array): Uint8Array | null {
    const len = rec.length - 2 - TAG_LEN;
    if (len < 0) return null;
    const t = this.tag(id, rec, 2 + len);
    if (t === null) { this.lastError = E_STATE; return null; }
    return equalConstantTime(t, slice(rec, 2 + len, TAG_LEN)) ? slice(rec, 2, len) : null;
  }

  private tag(id: u32, rec: Uint8Array, len: i32): Uint8Array | null {
    const key = slotKey(LABEL_PROTECT);
    if (key === null) return null;
    const t = recordTag(key, id, rec, len);
    wipe(key);
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

  /** The registration record's value (id length ‖ device id ‖ password), or null when
   *  absent, unreadable or malformed. The caller wipes it after use. */
  private registration(): Uint8Array | null {
    const v = this.getTyped(RecordId.REGISTRATION, ValueType.BYTES);
    return v === null || v.length < 1 || 1 + <i32>v[0] > v.length ? null : v;
  }

  registrationDeviceId(): string | null {
    const v = this.registration();
    if (v === null) return null;
    const s = board.text(slice(v, 1, v[0]));
    wipe(v);
    return s;
  }

  /** For the device's own use (e.g. MQTT login). The caller wipes it after use. */
  registrationPassword(): Uint8Array | null {
    const v = this.registration();
    if (v === null) return null;
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
  initialize(): i32 { return this.eraseClassesNow(ERASE_INITIALIZE); }

  /** Factory reset: all user data goes; factory identity stays. */
  factoryReset(): i32 { return this.eraseClassesNow(ERASE_FACTORY); }

  /** Commits to an erase before it starts (factory: a factory reset, else an
   *  initialization): from here on a power cut ends in that erase at the next boot,
   *  whatever the image was doing meanwhile (telling the cloud). */
  scheduleErase(factory: bool): i32 { return this.writeEraseIntent(factory ? ERASE_FACTORY : ERASE_INITIALIZE); }

  private eraseClassesNow(classes: u32): i32 {
    const rc = this.writeEraseIntent(classes);
    return rc < 0 ? rc : this.eraseClasses(classes);
  }

  private writeEraseIntent(classes: u32): i32 {
    const now = this.records.get(RecordId.ERASE_INTENT);
    if (now !== null && now.length == 4 && getU32LE(now, 0) == classes) return OK; // scheduled already
    const b = new Uint8Array(4);
    putU32LE(b, 0, classes);
    return this.records.put(RecordId.ERASE_INTENT, b);
  }

  /** Removes every record the intent's reset erases, by its reset class in the keyspace,
   *  then the intent. A factory reset also removes records no range declares (left by
   *  other firmware): only what is declared KEPT survives it. */
  private eraseClasses(intent: u32): i32 {
    const factory = (intent & ERASE_FACTORY & ~ERASE_INITIALIZE) != 0;
    const keys = this.records.keys();
    for (let i = 0; i < keys.length; i++) {
      const id = keys[i];
      if (id == RecordId.ERASE_INTENT) continue;
      const c = this.keyspace.resetClassOf(id);
      const erase = c == <i32>ResetClass.INITIALIZATION || (factory && c != <i32>ResetClass.KEPT);
      if (erase) {
        const rc = this.records.remove(id);
        if (rc < 0) return rc;
      }
    }
    return this.records.remove(RecordId.ERASE_INTENT);
  }
}

/** A set of credential changes written all-or-nothing (RecordTransaction underneath).
 *  Each put/erase is checked as CredentialStore.put/erase would check it, and encoded
 *  (sealed, tagged) at once; a refused one makes commit() return that refusal and write
 *  nothing. */
export class CredentialTransaction {
  constructor(private store: CredentialStore, private t: RecordTransaction) {}

  put(id: u32, type: u8, attrs: u8, value: Uint8Array): i32 {
    const rc = this.store.checkPut(id, type, attrs, value);
    if (rc < 0) return this.t.fail(rc);
    const rec = this.store.encode(id, type, attrs, value);
    if (rec === null) return this.t.fail(E_STATE);
    const prc = this.t.put(id, rec);
    wipe(rec);
    return prc;
  }

  putString(id: u32, s: string, attrs: u8): i32 { return this.put(id, ValueType.STRING, attrs, board.utf8(s)); }

  putU32(id: u32, v: u32, attrs: u8): i32 {
    const b = new Uint8Array(4);
    putU32LE(b, 0, v);
    return this.put(id, ValueType.U32, attrs, b);
  }

  /** The registration as setRegistration() stores it, inside this transaction (an
   *  installation that stores it together with the data it installs). */
  putRegistration(deviceId: string, password: Uint8Array): i32 {
    const v = registrationValue(deviceId, password);
    if (v === null) return this.t.fail(E_INVAL);
    const rc = this.put(RecordId.REGISTRATION, ValueType.BYTES, Attr.SECRET, v);
    wipe(v);
    return rc;
  }

  erase(id: u32): i32 {
    const rc = this.store.checkErase(id);
    return rc < 0 ? this.t.fail(rc) : this.t.remove(id);
  }

  /** Writes every change, or none: OK once all are durable. */
  commit(): i32 { return this.t.commit(); }

  /** Drops the staged changes (their staged bytes are wiped). */
  discard(): void { this.t.discard(); }
}

// Erase intents. The values are those of the former id-high-byte classes (bit 2:
// registration, bit 3: user data), so an intent written by older firmware still finishes.
const ERASE_INITIALIZE: u32 = 0x04;
const ERASE_FACTORY: u32 = 0x0c;

/** id length ‖ device id ‖ password (setRegistration's value), or null when either is out
 *  of range. setRegistration keeps its own copy: the images that never install in a
 *  transaction stay byte for byte as they were. */
function registrationValue(deviceId: string, password: Uint8Array): Uint8Array | null {
  const id = board.utf8(deviceId);
  if (id.length == 0 || id.length > 64 || password.length < 8 || password.length > 64) return null;
  const v = new Uint8Array(1 + id.length + password.length);
  v[0] = <u8>id.length;
  v.set(id, 1);
  v.set(password, 1 + id.length);
  return v;
}

/** HMAC(key, id ‖ the record's first len bytes): type ‖ attrs ‖ value. */
function recordTag(key: Uint8Array, id: u32, rec: Uint8Array, len: i32): Uint8Array {
  const msg = new Uint8Array(2 + len);
  msg[0] = <u8>(id >>> 8);
  msg[1] = <u8>id;
  // Callers pass len <= rec.length. One copy instead of a checked byte loop.
  memory.copy(msg.dataStart + 2, rec.dataStart, <usize>len);
  const t = board.hmacSha256(key, msg);
  wipe(msg);
  return t;
}

/** A key for one purpose, from the board's SEAL slot; null on a board without one. */
function slotKey(label: string): Uint8Array | null {
  return board.hmacSha256KeySlot(board.KeySlot.SEAL, board.utf8(label));
}

/** What a sealed record is bound to: its id, type and attributes. */
function associated(id: u32, type: u8, attrs: u8): Uint8Array {
  const a = new Uint8Array(4);
  a[0] = <u8>(id >>> 8);
  a[1] = <u8>id;
  a[2] = type;
  a[3] = attrs;
  return a;
}

/** type ‖ attrs ‖ body, with room for `extra` more bytes. */
function header(type: u8, attrs: u8, body: Uint8Array, extra: i32): Uint8Array {
  const rec = new Uint8Array(2 + body.length + extra);
  rec[0] = type;
  rec[1] = attrs;
  rec.set(body, 2);
  return rec;
}
