// The unique information the contract partner accounts the PCS by (PROTOCOL.md §1): five
// items, each its own record under the credential store's keyed check, changed or
// deleted only under a grant (auth-info), except INSTALL on an uninstalled PCS and the
// PCS's own history day totals. A record that fails its check is tampered: refused, and
// its bit in `tampered` tells the image to raise the alarm and report it.
import { getU32LE, putU32LE, wipe } from "../../core/codecs/bytes";
import { OK, E_AUTH, E_INVAL, E_MALFORMED, E_NOTFOUND, E_TAMPER } from "../../core/errors";
import { CredentialStore, CredentialTransaction, ValueType } from "../credential-store/index";
import { Grant } from "../auth-info/index";
import { validate } from "./encodings";
import {
  CAPACITIES_LEN, CONNECTION_PUBLIC_LEN, DAY_LEN, DEVICE_KEY_LEN, HISTORY_DAYS, Item, PUBLIC_KEY_LEN,
  attrsOf, recordOf,
} from "./ids";

export class UniqueInfo {
  /** Items whose record failed its check: bit `1 << item`. Set at boot and by any read
   *  that finds it; cleared by a guarded change or delete of the item. */
  tampered: u32 = 0;
  /** Why the last read() returned null: E_NOTFOUND, E_TAMPER, or a store error. */
  lastError: i32 = OK;

  // The identifiers a reading carries and the partner's key, read once and kept until
  // a write of their item: a reading or a screen costs no unseal. Not the device key.
  private cached: bool = false;
  private partner: u32 = 0;
  private partnerKey: Uint8Array | null = null;
  private siteText: string | null = null;
  private caps: StaticArray<i64> = new StaticArray<i64>(3);

  constructor(private store: CredentialStore) {}

  /** Reads every item once: what fails its check is marked in `tampered`. */
  boot(): i32 {
    this.tampered = 0;
    this.cached = false;
    for (let item = 0; item < Item.SITE; item++) {
      if (!this.store.records.has(recordOf(item))) continue;
      const v = this.read(item);
      if (v !== null) wipe(v);
    }
    // SITE, CAPACITIES and CONNECTION are read into the cache: the first reading after
    // boot reads nothing again.
    this.load();
    return OK;
  }

  /** Whether the item has a record (a tampered one too). */
  present(item: i32): bool { return item >= 0 && item < Item.COUNT && this.store.records.has(recordOf(item)); }

  /** INSTALL happened: CONNECTION and SITE are there (tampered or not). */
  installed(): bool { return this.present(Item.CONNECTION) && this.present(Item.SITE); }

  /** OK when `value` is a well-formed encoding of `item` (§1), else E_MALFORMED (E_INVAL
   *  for an item that does not exist). */
  validate(item: i32, value: Uint8Array): i32 { return validate(item, value); }

  /** The item's value (the caller wipes it), or null: lastError E_NOTFOUND (none),
   *  E_TAMPER (it failed its check: its bit is set), E_INVAL no such item. */
  read(item: i32): Uint8Array | null {
    if (item < 0 || item >= Item.COUNT) { this.lastError = E_INVAL; return null; }
    const v = this.store.getTyped(recordOf(item), ValueType.BYTES);
    this.lastError = v === null ? this.store.lastError : OK;
    // A record that passes the keyed check but is no value of its item was not written
    // by this firmware: it is refused like one that fails the check.
    if (v !== null && validate(item, v) != OK) { wipe(v); this.lastError = E_TAMPER; }
    if (this.lastError == E_TAMPER) { this.tampered |= bit(item); return null; }
    return this.lastError == OK ? v : null;
  }

  /** What READ over a link answers: a CONNECTION without its device key, the others as
   *  they are. The caller wipes it. */
  readForLink(item: i32): Uint8Array | null {
    const v = this.read(item);
    if (v === null || item != Item.CONNECTION) return v;
    const out = new Uint8Array(CONNECTION_PUBLIC_LEN);
    out.set<Uint8Array>(v.subarray(0, CONNECTION_PUBLIC_LEN), 0);
    wipe(v);
    return out;
  }

  /** A change under the grant: OK; E_AUTH the grant is closed or does not allow the
   *  item, or the item is HISTORY (the PCS writes it; a user may only delete it);
   *  E_MALFORMED; a store error (nothing changed). Clears the item's tamper bit and
   *  restarts the grant's idle time. */
  change(grant: Grant, item: i32, value: Uint8Array): i32 {
    if (item < 0 || item >= Item.COUNT) return E_INVAL;
    if (!grant.allows(item) || item == Item.HISTORY) return E_AUTH;
    if (validate(item, value) != OK) return E_MALFORMED;
    const rc = this.store.put(recordOf(item), ValueType.BYTES, attrsOf(item), value);
    if (rc != OK) return rc;
    this.written(item);
    grant.touch();
    return OK;
  }

  /** A delete under the grant: the record is erased and its bytes scrubbed from flash.
   *  OK; E_AUTH outside the grant; E_NOTFOUND nothing to delete; a store error. */
  delete(grant: Grant, item: i32): i32 {
    if (item < 0 || item >= Item.COUNT) return E_INVAL;
    if (!grant.allows(item)) return E_AUTH;
    if (!this.present(item)) return E_NOTFOUND;
    const rc = this.store.erase(recordOf(item));
    if (rc != OK) return rc;
    this.written(item);
    grant.touch();
    return OK;
  }

  /** INSTALL (§5): stages an item in the image's transaction, after checking it
   *  (E_MALFORMED). The image checks that the PCS is not installed yet. */
  stageInstall(t: CredentialTransaction, item: i32, value: Uint8Array): i32 {
    if (item < 0 || item >= Item.COUNT) return E_INVAL;
    if (validate(item, value) != OK) return E_MALFORMED;
    this.cached = false;   // read again after the image's commit
    this.tampered &= ~bit(item);
    return t.put(recordOf(item), ValueType.BYTES, attrsOf(item), value);
  }

  /** The PCS's own day totals at a UTC day's end, oldest dropped beyond 31 days. OK
   *  (also for a day already recorded: a deadline may fire twice across a power cut);
   *  E_INVAL a day older than the last; E_TAMPER the history failed its check (it stays
   *  as evidence until a guarded delete). */
  appendHistoryDay(day: u32, pvWh: u32, chargeWh: u32, dischargeWh: u32): i32 {
    let old: Uint8Array | null = null;
    if (this.present(Item.HISTORY)) {
      old = this.read(Item.HISTORY);
      if (old === null) return this.lastError;
    }
    const days = old === null ? 0 : <i32>old[0];
    if (days > 0) {
      const last = getU32LE(old!, 1 + (days - 1) * DAY_LEN);
      if (day == last) { wipe(old!); return OK; }
      if (day < last) { wipe(old!); return E_INVAL; }
    }
    const keep = days < HISTORY_DAYS ? days : HISTORY_DAYS - 1;
    const v = new Uint8Array(1 + (keep + 1) * DAY_LEN);
    v[0] = <u8>(keep + 1);
    if (keep > 0) v.set<Uint8Array>(old!.subarray(1 + (days - keep) * DAY_LEN, 1 + days * DAY_LEN), 1);
    const at = 1 + keep * DAY_LEN;
    putU32LE(v, at, day);
    putU32LE(v, at + 4, pvWh);
    putU32LE(v, at + 8, chargeWh);
    putU32LE(v, at + 12, dischargeWh);
    if (old !== null) wipe(old);
    const rc = this.store.put(recordOf(Item.HISTORY), ValueType.BYTES, attrsOf(Item.HISTORY), v);
    wipe(v);
    return rc;
  }

  /** The contract partner's company code: 0 when there is no CONNECTION or it is tampered. */
  partnerCode(): u32 { this.load(); return this.partner; }

  /** The partner's public key (65 bytes; do not modify), or null. */
  partnerPublicKey(): Uint8Array | null { this.load(); return this.partnerKey; }

  /** The device key (32 bytes) for a reading's MAC, or null: the caller wipes it. */
  deviceKey(): Uint8Array | null {
    const v = this.read(Item.CONNECTION);
    if (v === null) return null;
    const k = new Uint8Array(DEVICE_KEY_LEN);
    k.set<Uint8Array>(v.subarray(4 + PUBLIC_KEY_LEN, 4 + PUBLIC_KEY_LEN + DEVICE_KEY_LEN), 0);
    wipe(v);
    return k;
  }

  /** The generation-site id, or null (none, or tampered). */
  site(): string | null { this.load(); return this.siteText; }

  /** Capacity i (0 PV W, 1 battery Wh, 2 EV Wh), or -1 (none, tampered, no such i). */
  capacity(i: i32): i64 {
    this.load();
    return i >= 0 && i < 3 ? this.caps[i] : -1;
  }

  // ------------------------------------------------------------------ internals

  private written(item: i32): void {
    this.tampered &= ~bit(item);
    this.cached = false;
  }

  private load(): void {
    if (this.cached) return;
    this.cached = true;
    this.partner = 0;
    this.partnerKey = null;
    const c = this.store.records.has(recordOf(Item.CONNECTION)) ? this.read(Item.CONNECTION) : null;
    if (c !== null) {
      this.partner = getU32LE(c, 0);
      const k = new Uint8Array(PUBLIC_KEY_LEN);
      k.set<Uint8Array>(c.subarray(4, 4 + PUBLIC_KEY_LEN), 0);
      this.partnerKey = k;
      wipe(c);
    }
    this.siteText = null;
    const s = this.store.records.has(recordOf(Item.SITE)) ? this.read(Item.SITE) : null;
    if (s !== null) this.siteText = String.UTF8.decodeUnsafe(s.dataStart + 1, <usize>s[0]);
    for (let i = 0; i < 3; i++) this.caps[i] = -1;
    const p = this.store.records.has(recordOf(Item.CAPACITIES)) ? this.read(Item.CAPACITIES) : null;
    if (p !== null && p.length == CAPACITIES_LEN) {
      for (let i = 0; i < 3; i++) this.caps[i] = <i64>getU32LE(p, i * 4);
    }
  }
}

@inline function bit(item: i32): u32 { return <u32>1 << <u32>item; }
