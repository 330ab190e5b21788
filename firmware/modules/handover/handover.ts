// The handover message: what the printer answers on a tap (NFC, or the same bytes over
// BLE) and what a phone hands it. One NDEF message (core/codecs/ndef.ts) of
//   [Hs: version | NDEF message of ac records]   when carriers are offered with select
//   carrier records (P2P, WSC, BLE OOB), each with the id its ac record points at
//   URI record, then any records the image adds (others), then the Android app record
// A bare carrier record without Hs (as on a router's tag) is read as well. Records this
// codec does not know are kept in `others`, uninterpreted.
import { OK, E_MALFORMED, E_NOSPACE, E_UNSUPPORTED } from "../../core/errors";
import { NdefRecord, Tnf, MAX_RECORDS, MAX_PAYLOAD, decodeNdef, encodeNdef } from "../../core/codecs/ndef";
import { ByteWriter } from "./writer";
import { NO_BYTES } from "./empty";
import { WifiCredential, WscLayout, WSC_MIME, decodeWsc, encodeWsc } from "./wsc";
import { WifiDirectGroup, P2P_MIME, decodeWifiDirect, encodeWifiDirect } from "./p2p";
import { BleOob, BLE_OOB_MIME, decodeBleOob, encodeBleOob } from "./ble";
import { URI_TYPE, AAR_TYPE, decodeUri, encodeUri, checkPackage } from "./uri";

/** Connection Handover 1.2, the version Android reads. */
export const HANDOVER_VERSION: u8 = 0x12;

/** Carrier power state of an ac record (low two bits). */
export namespace PowerState {
  export const INACTIVE: u8 = 0;
  export const ACTIVE: u8 = 1;
  export const ACTIVATING: u8 = 2;
  export const UNKNOWN: u8 = 3;
}

const HS = ascii("Hs"), AC = ascii("ac"), HR = ascii("Hr");
const WSC = ascii(WSC_MIME), P2P = ascii(P2P_MIME), BLE = ascii(BLE_OOB_MIME);
const URI = ascii(URI_TYPE), AAR = ascii(AAR_TYPE);
const ID_WIFI_DIRECT = ascii("p"), ID_WIFI = ascii("w"), ID_BLE = ascii("b");
const NONE = NO_BYTES;

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = <u8>s.charCodeAt(k);
  return b;
}

export class Handover {
  /** OK, or why decoding or encoding refused (then the fields say nothing). */
  error: i32 = OK;
  /** Carriers offered through a Handover Select record (ids and ac records); false: bare
   *  carrier records, as a tag for Android carries them. */
  select: bool = true;
  /** The Hs version read (0 when there was none). */
  version: u8 = 0;
  wifiDirect: WifiDirectGroup | null = null;
  wifi: WifiCredential | null = null;
  /** Attribute order of the WSC credential when encoding. */
  wifiLayout: WscLayout = WscLayout.SPEC;
  ble: BleOob | null = null;
  /** The whole URI, UTF-8. */
  uri: Uint8Array | null = null;
  /** The Android application record's package name. */
  androidPackage: Uint8Array | null = null;
  /** Records this codec does not interpret, in message order (an image's own records). */
  others: NdefRecord[] = [];
}

export class EncodedHandover {
  error: i32 = OK;
  bytes: Uint8Array | null = null;
}

let scratch: ByteWriter | null = null;

/** The message for `h`. E_NOSPACE when the payloads pass MAX_PAYLOAD together or the
 *  records MAX_RECORDS; otherwise the first error of a part's encoder. */
export function encodeHandover(h: Handover): EncodedHandover {
  const b = new HandoverBuilder(h.select);
  if (h.wifiDirect != null) b.wifiDirect(h.wifiDirect!);
  if (h.wifi != null) b.wifi(h.wifi!, h.wifiLayout);
  if (h.ble != null) b.ble(h.ble!);
  return b.message(h.uri, h.others, h.androidPackage);
}

/** A handover message built part by part, as encodeHandover builds it from a Handover:
 *  an image that offers one carrier links that carrier's encoder alone. The carriers
 *  first, in the message's order (P2P, WSC, BLE), then message(). One builder at a time:
 *  they share one 1 KiB scratch writer. */
export class HandoverBuilder {
  private w: ByteWriter;
  private carriers: NdefRecord[] = [];
  /** The first carrier's error: message() answers it, and no later carrier is encoded. */
  private rc: i32 = OK;

  /** select: carriers offered through Hs/ac records; false: bare carrier records. */
  constructor(private select: bool = true) {
    if (scratch == null) scratch = new ByteWriter(new Uint8Array(MAX_PAYLOAD));
    this.w = scratch!;
    this.w.reset();
  }

  /** The Wi-Fi Direct group (P2P record). */
  wifiDirect(g: WifiDirectGroup): void {
    if (this.rc != OK) return;
    const at = this.w.pos;
    this.carrier(encodeWifiDirect(g, this.w), P2P, ID_WIFI_DIRECT, at);
  }

  /** A network's credential (WSC record). */
  wifi(c: WifiCredential, layout: WscLayout = WscLayout.SPEC): void {
    if (this.rc != OK) return;
    const at = this.w.pos;
    this.carrier(encodeWsc(c, this.w, layout), WSC, ID_WIFI, at);
  }

  /** A BLE peer (BLE OOB record). */
  ble(o: BleOob): void {
    if (this.rc != OK) return;
    const at = this.w.pos;
    this.carrier(encodeBleOob(o, this.w), BLE, ID_BLE, at);
  }

  /** The carrier's payload, appended from `at` by its encoder (`rc`). */
  private carrier(rc: i32, type: Uint8Array, id: Uint8Array, at: i32): void {
    if (rc != OK) { this.rc = rc; return; }
    this.carriers.push(new NdefRecord(Tnf.MEDIA, type, this.select ? id : NONE, this.w.view(at)));
  }

  /** The message: the carriers (under Hs with select), then the URI, `others` in order and
   *  the Android app record. */
  message(uri: Uint8Array | null, others: NdefRecord[], androidPackage: Uint8Array | null): EncodedHandover {
    const r = new EncodedHandover();
    if (this.rc != OK) return failed(r, this.rc);
    const w = this.w;
    const carriers = this.carriers;
    const records: NdefRecord[] = [];
    if (this.select && carriers.length > 0) {
      const acs: NdefRecord[] = [];
      for (let k = 0; k < carriers.length; k++) {
        const at = w.pos;
        w.u8(PowerState.ACTIVE);
        w.u8(<u32>carriers[k].id.length); w.bytes(carriers[k].id);
        w.u8(0);                                              // no auxiliary data
        acs.push(new NdefRecord(Tnf.WELL_KNOWN, AC, NONE, w.view(at)));
      }
      const inner = encodeNdef(acs);
      if (inner == null) return failed(r, E_NOSPACE);
      const at = w.pos;
      w.u8(HANDOVER_VERSION);
      w.bytes(inner);
      records.push(new NdefRecord(Tnf.WELL_KNOWN, HS, NONE, w.view(at)));
    }
    for (let k = 0; k < carriers.length; k++) records.push(carriers[k]);
    if (uri != null) {
      const at = w.pos;
      const rc = encodeUri(uri!, w);
      if (rc != OK) return failed(r, rc);
      records.push(new NdefRecord(Tnf.WELL_KNOWN, URI, NONE, w.view(at)));
    }
    for (let k = 0; k < others.length; k++) records.push(others[k]);
    if (androidPackage != null) {
      const rc = checkPackage(androidPackage!);
      if (rc != OK) return failed(r, rc);
      records.push(new NdefRecord(Tnf.EXTERNAL, AAR, NONE, androidPackage!));
    }
    if (w.overflow) return failed(r, E_NOSPACE);
    const bytes = encodeNdef(records);
    if (bytes == null) return failed(r, E_NOSPACE);
    r.bytes = bytes;
    return r;
  }
}

function failed(r: EncodedHandover, rc: i32): EncodedHandover { r.error = rc; r.bytes = null; return r; }

/** The parts of a handover message. E_MALFORMED, E_RANGE, E_UNSUPPORTED from the NDEF
 *  envelope (chunked records: E_UNSUPPORTED) and from each part; also E_MALFORMED for a
 *  carrier, URI or app record given twice, an ac record that is truncated or points at no
 *  record, and E_UNSUPPORTED for a handover request (Hr) or an Hs of another major
 *  version. With Hs, only the carriers its ac records point at are read. */
export function decodeHandover(msg: Uint8Array): Handover {
  const h = new Handover();
  const m = decodeNdef(msg);
  if (m.error != OK) return refused(m.error);
  const recs = m.records;
  let first = 0;
  let selected: Uint8Array[] | null = null;
  const r0 = recs[0];
  if (r0.tnf == Tnf.WELL_KNOWN && same(r0.type, HR)) return refused(E_UNSUPPORTED);
  if (r0.tnf == Tnf.WELL_KNOWN && same(r0.type, HS)) {
    const refs: Uint8Array[] = [];
    const rc = readSelect(r0.payload, refs, h);
    if (rc != OK) return refused(rc);
    for (let k = 0; k < refs.length; k++) if (!hasId(recs, refs[k])) return refused(E_MALFORMED);
    selected = refs;
    first = 1;
  } else {
    h.select = false;
  }
  for (let k = first; k < recs.length; k++) {
    const rec = recs[k];
    const rc = readRecord(rec, selected, h);
    if (rc != OK) return refused(rc);
  }
  return h;
}

/** A fresh result that carries only the error: nothing half-read escapes. */
function refused(rc: i32): Handover {
  const e = new Handover();
  e.error = rc;
  return e;
}

/** Hs payload: version, then (1.2 and later) an NDEF message of ac records and others. */
function readSelect(p: Uint8Array, refs: Uint8Array[], h: Handover): i32 {
  if (p.length == 0) return E_MALFORMED;
  if ((p[0] >> 4) != 1) return E_UNSUPPORTED;
  h.version = p[0];
  if (p.length == 1) return OK;                             // no carrier selected
  const inner = decodeNdef(p.subarray(1));
  if (inner.error != OK) return inner.error;
  for (let k = 0; k < inner.records.length; k++) {
    const ac = inner.records[k];
    if (ac.tnf != Tnf.WELL_KNOWN || !same(ac.type, AC)) continue;  // an error record, say
    const q = ac.payload;
    // power state | reference length | reference | aux count | (length | reference)*
    if (q.length < 3) return E_MALFORMED;
    const n = <i32>q[1];
    if (n == 0 || n > q.length - 3) return E_MALFORMED;
    let i = 2 + n;
    const aux = <i32>q[i++];
    for (let a = 0; a < aux; a++) {
      if (i >= q.length) return E_MALFORMED;
      const len = <i32>q[i++];
      if (len > q.length - i) return E_MALFORMED;
      i += len;
    }
    if (i != q.length) return E_MALFORMED;
    refs.push(q.subarray(2, 2 + n));
  }
  return OK;
}

function readRecord(rec: NdefRecord, selected: Uint8Array[] | null, h: Handover): i32 {
  if (rec.tnf == Tnf.MEDIA) {
    const offered = isSelected(selected, rec.id);
    if (sameAsciiCase(rec.type, P2P)) {
      if (!offered) return OK;
      if (h.wifiDirect != null) return E_MALFORMED;
      const d = decodeWifiDirect(rec.payload);
      if (d.error != OK) return d.error;
      h.wifiDirect = d.group;
      return OK;
    }
    if (sameAsciiCase(rec.type, WSC)) {
      if (!offered) return OK;
      if (h.wifi != null) return E_MALFORMED;
      const d = decodeWsc(rec.payload);
      if (d.error != OK) return d.error;
      h.wifi = d.credential;
      return OK;
    }
    if (sameAsciiCase(rec.type, BLE)) {
      if (!offered) return OK;
      if (h.ble != null) return E_MALFORMED;
      const d = decodeBleOob(rec.payload);
      if (d.error != OK) return d.error;
      h.ble = d.oob;
      return OK;
    }
  } else if (rec.tnf == Tnf.WELL_KNOWN && same(rec.type, URI)) {
    if (h.uri != null) return E_MALFORMED;
    const d = decodeUri(rec.payload);
    if (d.error != OK) return d.error;
    h.uri = d.uri;
    return OK;
  } else if (rec.tnf == Tnf.EXTERNAL && sameAsciiCase(rec.type, AAR)) {
    if (h.androidPackage != null) return E_MALFORMED;
    const rc = checkPackage(rec.payload);
    if (rc != OK) return rc;
    h.androidPackage = rec.payload;
    return OK;
  } else if (rec.tnf == Tnf.WELL_KNOWN && (same(rec.type, HS) || same(rec.type, HR))) {
    return E_MALFORMED;                                     // a second handover record
  }
  if (h.others.length >= MAX_RECORDS) return E_MALFORMED;
  h.others.push(rec);
  return OK;
}

/** Without Hs every carrier is offered; with Hs those an ac record points at. */
function isSelected(refs: Uint8Array[] | null, id: Uint8Array): bool {
  if (refs == null) return true;
  if (id.length == 0) return false;
  for (let k = 0; k < refs.length; k++) if (same(refs[k], id)) return true;
  return false;
}

function hasId(recs: NdefRecord[], id: Uint8Array): bool {
  for (let k = 1; k < recs.length; k++) if (same(recs[k].id, id)) return true;
  return false;
}

function same(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] != b[k]) return false;
  return true;
}

/** MIME and external type names compare without regard to ASCII case (RFC 2046, NFC RTD). */
function sameAsciiCase(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let k = 0; k < a.length; k++) {
    let x = a[k], y = b[k];
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x != y) return false;
  }
  return true;
}
