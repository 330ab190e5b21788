// The phone's side of the printer's NFC/BLE connection handover: it decodes what a
// printer answers on a tap and encodes what a phone hands a printer, in the formats of
// firmware/modules/handover (README.md there), with the same limits and result codes, so a
// message one side refuses the other refuses too.
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../board/errors.ts";
import { decodeNdef, encodeNdef, fail, MAX_PAYLOAD, MAX_RECORDS, Tnf, type Decoded, type NdefRecord } from "./ndef.ts";

export { Tnf, type Decoded, type NdefRecord } from "./ndef.ts";

export const WSC_MIME = "application/vnd.wfa.wsc";
export const P2P_MIME = "application/vnd.wfa.p2p";
export const BLE_OOB_MIME = "application/vnd.bluetooth.le.oob";
export const HANDOVER_VERSION = 0x12;
export const AuthType = { OPEN: 0x01, WPA_PSK: 0x02, WPA_EAP: 0x08, WPA2_EAP: 0x10, WPA2_PSK: 0x20, WPA_WPA2_PSK: 0x22 } as const;
export const EncryptionType = { NONE: 0x01, WEP: 0x02, TKIP: 0x04, AES: 0x08, AES_TKIP: 0x0c } as const;
export const LeRole = { PERIPHERAL: 0, CENTRAL: 1, PERIPHERAL_PREFERRED: 2, CENTRAL_PREFERRED: 3 } as const;
export const GroupCapability = { GROUP_OWNER: 0x01, PERSISTENT_GROUP: 0x02 } as const;
export const MAX_SSID = 32, MAX_NETWORK_KEY = 64, MIN_PASSPHRASE = 8, MAX_PASSPHRASE = 63;
export const MAX_MANUFACTURER_DATA = 29, MAX_URI = 256, MAX_PACKAGE = 127;
export const WSC_VERSION_2_0 = 0x20;

const A = { AUTH: 0x1003, CREDENTIAL: 0x100e, ENCRYPTION: 0x100f, MAC: 0x1020, INDEX: 0x1026, KEY: 0x1027, SSID: 0x1045, VENDOR: 0x1049 };
/** Credential attribute order: the WSC 2.0 table's ("spec", what the printer writes) or
 *  by id ("sorted", as the public ndeflib suite writes). */
export type WscLayout = "spec" | "sorted";
const ORDER: Record<WscLayout, number[]> = {
  spec: [A.INDEX, A.SSID, A.AUTH, A.ENCRYPTION, A.KEY, A.MAC],
  sorted: [A.AUTH, A.ENCRYPTION, A.MAC, A.INDEX, A.KEY, A.SSID],
};

/** A Wi-Fi network's credential (application/vnd.wfa.wsc). */
export interface WifiCredential {
  networkIndex: number;
  ssid: Uint8Array;
  authType: number;
  encryptionType: number;
  /** Secret. */
  networkKey: Uint8Array;
  /** 6 bytes, most significant first; all 0xff = any. */
  macAddress: Uint8Array;
  /** The top-level WFA Version2; 0 when absent. */
  version2: number;
}

/** The printer's Wi-Fi Direct group (application/vnd.wfa.p2p). */
export interface WifiDirectGroup {
  deviceAddress: Uint8Array;
  /** "DIRECT-xy" + postfix, 9..32 bytes. */
  ssid: Uint8Array;
  /** Secret, 8..63 bytes. */
  passphrase: Uint8Array;
  deviceCapability: number;
  groupCapability: number;
  /** Operating channel; country empty when not given. */
  country: Uint8Array;
  operatingClass: number;
  channel: number;
}

/** A BLE peer's out-of-band data (application/vnd.bluetooth.le.oob). */
export interface BleOob {
  /** 6 bytes, most significant first. */
  address: Uint8Array;
  addressType: 0 | 1;
  /** LeRole, or undefined when not sent. */
  role?: number;
  /** Company id (LE) and data; empty when not sent. */
  manufacturerData: Uint8Array;
}

/** A whole handover message: a printer's tap answer or what a phone hands a printer. */
export interface HandoverMessage {
  /** Carriers offered through Hs/ac records; false: bare carrier records (a tag). */
  select: boolean;
  /** The Hs version read; 0 without Hs. Ignored when encoding. */
  version?: number;
  wifiDirect?: WifiDirectGroup;
  wifi?: WifiCredential;
  wifiLayout?: WscLayout;
  ble?: BleOob;
  uri?: string;
  androidPackage?: string;
  /** Records not interpreted here, in order (an image's own records). */
  others: NdefRecord[];
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, k) => x === b[k]);
const knownAuth = (v: number) => [1, 2, 8, 0x10, 0x20, 0x22].includes(v);
const knownEncryption = (v: number) => [1, 2, 4, 8, 0x0c].includes(v);
const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });

/** Collects bytes for an encoder. */
class Out {
  bytes: number[] = [];
  u8(...v: number[]) { for (const x of v) this.bytes.push(x & 0xff); }
  u16be(v: number) { this.u8(v >> 8, v); }
  u16le(v: number) { this.u8(v, v >> 8); }
  put(b: Uint8Array) { for (const x of b) this.bytes.push(x); }
  get length() { return this.bytes.length; }
  result() { return Uint8Array.from(this.bytes); }
}

// ---- WSC
export function decodeWsc(p: Uint8Array, start = 0, end = p.length): Decoded<WifiCredential> {
  let c: WifiCredential | undefined;
  let version2 = 0;
  for (let i = start; i < end;) {
    if (end - i < 4) return fail(E_MALFORMED);
    const type = be16(p, i), len = be16(p, i + 2);
    i += 4;
    if (len > end - i) return fail(E_MALFORMED);
    if (type === A.CREDENTIAL && !c) {
      const r = decodeCredential(p, i, i + len);
      if (!r.ok) return r;
      c = r.value;
    } else if (type === A.VENDOR) {
      const v = readVersion2(p, i, i + len);
      if (v < 0) return fail(v);
      if (v > 0) version2 = v;
    }
    i += len;
  }
  if (!c) return fail(E_MALFORMED);
  c.version2 = version2;
  return ok(c);
}

function decodeCredential(p: Uint8Array, start: number, end: number): Decoded<WifiCredential> {
  const c: WifiCredential = { networkIndex: 1, ssid: new Uint8Array(0), authType: AuthType.OPEN, encryptionType: EncryptionType.NONE,
    networkKey: new Uint8Array(0), macAddress: new Uint8Array(6).fill(0xff), version2: 0 };
  const seen = new Set<number>();
  for (let i = start; i < end;) {
    if (end - i < 4) return fail(E_MALFORMED);
    const type = be16(p, i), len = be16(p, i + 2);
    i += 4;
    if (len > end - i) return fail(E_MALFORMED);
    if (ORDER.spec.includes(type)) {
      if (seen.has(type)) return fail(E_MALFORMED);
      seen.add(type);
    }
    const v = p.subarray(i, i + len);
    switch (type) {
      case A.INDEX: if (len !== 1) return fail(E_MALFORMED); c.networkIndex = v[0]; break;
      case A.SSID: if (len === 0 || len > MAX_SSID) return fail(E_RANGE); c.ssid = v.slice(); break;
      case A.AUTH: if (len !== 2) return fail(E_MALFORMED); if (!knownAuth(be16(v, 0))) return fail(E_UNSUPPORTED); c.authType = be16(v, 0); break;
      case A.ENCRYPTION: if (len !== 2) return fail(E_MALFORMED); if (!knownEncryption(be16(v, 0))) return fail(E_UNSUPPORTED); c.encryptionType = be16(v, 0); break;
      case A.KEY: if (len > MAX_NETWORK_KEY) return fail(E_RANGE); c.networkKey = v.slice(); break;
      case A.MAC: if (len !== 6) return fail(E_MALFORMED); c.macAddress = v.slice(); break;
    }
    i += len;
  }
  return seen.has(A.SSID) && seen.has(A.AUTH) && seen.has(A.ENCRYPTION) ? ok(c) : fail(E_MALFORMED);
}

function readVersion2(p: Uint8Array, start: number, end: number): number {
  if (end - start < 3) return E_MALFORMED;
  if (p[start] !== 0x00 || p[start + 1] !== 0x37 || p[start + 2] !== 0x2a) return 0;
  let version = 0;
  for (let i = start + 3; i < end;) {
    if (end - i < 2) return E_MALFORMED;
    const id = p[i], len = p[i + 1];
    i += 2;
    if (len > end - i) return E_MALFORMED;
    if (id === 0x00) { if (len !== 1) return E_MALFORMED; version = p[i]; }
    i += len;
  }
  return version;
}

function checkCredential(c: WifiCredential): number {
  if (c.ssid.length === 0 || c.ssid.length > MAX_SSID || c.networkKey.length > MAX_NETWORK_KEY || c.macAddress.length !== 6) return E_RANGE;
  if (!knownAuth(c.authType) || !knownEncryption(c.encryptionType)) return E_UNSUPPORTED;
  return OK;
}

function writeWsc(c: WifiCredential, o: Out, layout: WscLayout): number {
  const rc = checkCredential(c);
  if (rc !== OK) return rc;
  const body = new Out();
  for (const type of ORDER[layout]) {
    body.u16be(type);
    switch (type) {
      case A.INDEX: body.u16be(1); body.u8(c.networkIndex); break;
      case A.SSID: body.u16be(c.ssid.length); body.put(c.ssid); break;
      case A.AUTH: body.u16be(2); body.u16be(c.authType); break;
      case A.ENCRYPTION: body.u16be(2); body.u16be(c.encryptionType); break;
      case A.KEY: body.u16be(c.networkKey.length); body.put(c.networkKey); break;
      default: body.u16be(6); body.put(c.macAddress);
    }
  }
  o.u16be(A.CREDENTIAL); o.u16be(body.length); o.put(body.result());
  if (c.version2) { o.u16be(A.VENDOR); o.u16be(6); o.u8(0x00, 0x37, 0x2a, 0x00, 1, c.version2); }
  return OK;
}

/** A WSC payload alone (one credential, then Version2 when set). */
export function encodeWsc(c: WifiCredential, layout: WscLayout = "spec"): Decoded<Uint8Array> {
  const o = new Out();
  const rc = writeWsc(c, o, layout);
  return rc === OK ? ok(o.result()) : fail(rc);
}

// ---- Wi-Fi Direct
const DIRECT = utf8("DIRECT-");
export const isDirectSsid = (s: Uint8Array) => s.length >= 9 && s.length <= MAX_SSID && equal(s.subarray(0, 7), DIRECT);

export function decodeWifiDirect(p: Uint8Array): Decoded<WifiDirectGroup> {
  const end = p.length;
  if (end < 2) return fail(E_MALFORMED);
  const wscLen = be16(p, 0);
  if (wscLen > end - 2) return fail(E_MALFORMED);
  const wsc = decodeWsc(p, 2, 2 + wscLen);
  if (!wsc.ok) return wsc;
  let i = 2 + wscLen;
  if (end - i < 2) return fail(E_MALFORMED);
  const p2pLen = be16(p, i);
  i += 2;
  if (p2pLen !== end - i) return fail(E_MALFORMED);
  const g: WifiDirectGroup = { deviceAddress: new Uint8Array(6), ssid: new Uint8Array(0), passphrase: new Uint8Array(0),
    deviceCapability: 0, groupCapability: GroupCapability.GROUP_OWNER, country: new Uint8Array(0), operatingClass: 0, channel: 0 };
  const seen = new Set<number>();
  while (i < end) {
    if (end - i < 3) return fail(E_MALFORMED);
    const id = p[i], len = le16(p, i + 1);
    i += 3;
    if (len > end - i) return fail(E_MALFORMED);
    if (id === 2 || id === 15 || id === 17) {
      if (seen.has(id)) return fail(E_MALFORMED);
      seen.add(id);
    }
    if (id === 2) {
      if (len !== 2) return fail(E_MALFORMED);
      g.deviceCapability = p[i]; g.groupCapability = p[i + 1];
    } else if (id === 15) {
      if (len < 6) return fail(E_MALFORMED);
      if (len - 6 > MAX_SSID) return fail(E_RANGE);
      g.deviceAddress = p.slice(i, i + 6); g.ssid = p.slice(i + 6, i + len);
    } else if (id === 17) {
      if (len !== 5) return fail(E_MALFORMED);
      g.country = p.slice(i, i + 3); g.operatingClass = p[i + 3]; g.channel = p[i + 4];
    }
    i += len;
  }
  if (!seen.has(15) || !isDirectSsid(g.ssid)) return fail(E_MALFORMED);
  const c = wsc.value;
  if (!equal(c.ssid, g.ssid)) return fail(E_MALFORMED);
  if (c.authType !== AuthType.WPA2_PSK || c.encryptionType !== EncryptionType.AES) return fail(E_UNSUPPORTED);
  if (c.networkKey.length < MIN_PASSPHRASE || c.networkKey.length > MAX_PASSPHRASE) return fail(E_RANGE);
  g.passphrase = c.networkKey;
  return ok(g);
}

function writeWifiDirect(g: WifiDirectGroup, o: Out): number {
  if (!isDirectSsid(g.ssid)) return E_MALFORMED;
  if (g.passphrase.length < MIN_PASSPHRASE || g.passphrase.length > MAX_PASSPHRASE) return E_RANGE;
  if (g.deviceAddress.length !== 6 || (g.country.length !== 0 && g.country.length !== 3)) return E_RANGE;
  const wsc = new Out();
  const rc = writeWsc({ networkIndex: 1, ssid: g.ssid, authType: AuthType.WPA2_PSK, encryptionType: EncryptionType.AES,
    networkKey: g.passphrase, macAddress: g.deviceAddress, version2: 0 }, wsc, "spec");
  if (rc !== OK) return rc;
  const p2p = new Out();
  p2p.u8(2); p2p.u16le(2); p2p.u8(g.deviceCapability, g.groupCapability);
  p2p.u8(15); p2p.u16le(6 + g.ssid.length); p2p.put(g.deviceAddress); p2p.put(g.ssid);
  if (g.country.length === 3) { p2p.u8(17); p2p.u16le(5); p2p.put(g.country); p2p.u8(g.operatingClass, g.channel); }
  o.u16be(wsc.length); o.put(wsc.result()); o.u16be(p2p.length); o.put(p2p.result());
  return OK;
}

// ---- BLE OOB
export function decodeBleOob(p: Uint8Array): Decoded<BleOob> {
  const o: BleOob = { address: new Uint8Array(6), addressType: 0, manufacturerData: new Uint8Array(0) };
  const seen = new Set<number>();
  for (let i = 0; i < p.length;) {
    const len = p[i];
    if (len === 0 || len > p.length - i - 1) return fail(E_MALFORMED);
    const type = p[i + 1], at = i + 2, n = len - 1;
    if (type === 0x1b || type === 0x1c || type === 0xff) {
      if (seen.has(type)) return fail(E_MALFORMED);
      seen.add(type);
    }
    if (type === 0x1b) {
      if (n !== 7) return fail(E_MALFORMED);
      if (p[at + 6] > 1) return fail(E_RANGE);
      o.address = p.slice(at, at + 6).reverse();
      o.addressType = p[at + 6] as 0 | 1;
    } else if (type === 0x1c) {
      if (n !== 1) return fail(E_MALFORMED);
      if (p[at] > 3) return fail(E_RANGE);
      o.role = p[at];
    } else if (type === 0xff) {
      if (n < 2 || n > MAX_MANUFACTURER_DATA) return fail(E_RANGE);
      o.manufacturerData = p.slice(at, at + n);
    }
    i += 1 + len;
  }
  return seen.has(0x1b) ? ok(o) : fail(E_MALFORMED);
}

function writeBleOob(b: BleOob, o: Out): number {
  const m = b.manufacturerData.length;
  if (b.address.length !== 6 || b.addressType > 1 || (b.role !== undefined && (b.role < 0 || b.role > 3))) return E_RANGE;
  if (m !== 0 && (m < 2 || m > MAX_MANUFACTURER_DATA)) return E_RANGE;
  o.u8(8, 0x1b); o.put(b.address.slice().reverse()); o.u8(b.addressType);
  if (b.role !== undefined) o.u8(2, 0x1c, b.role);
  if (m) { o.u8(m + 1, 0xff); o.put(b.manufacturerData); }
  return OK;
}

// ---- URI and Android application record
const PREFIXES = ["", "http://www.", "https://www.", "http://", "https://", "tel:", "mailto:",
  "ftp://anonymous:anonymous@", "ftp://ftp.", "ftps://", "sftp://", "smb://", "nfs://", "ftp://", "dav://", "news:",
  "telnet://", "imap:", "rtsp://", "urn:", "pop:", "sip:", "sips:", "tftp:", "btspp://", "btl2cap://", "btgoep://",
  "tcpobex://", "irdaobex://", "file://", "urn:epc:id:", "urn:epc:tag:", "urn:epc:pat:", "urn:epc:raw:", "urn:epc:", "urn:nfc:"];

/** URIs are visible ASCII (RFC 3986; an IRI comes percent-encoded), as on the firmware. */
const visibleAscii = (b: Uint8Array) => b.every((x) => x >= 0x21 && x <= 0x7e);

export function decodeUri(p: Uint8Array): Decoded<string> {
  if (p.length === 0) return fail(E_MALFORMED);
  if (p[0] >= PREFIXES.length) return fail(E_UNSUPPORTED);
  if (!visibleAscii(p.subarray(1))) return fail(E_MALFORMED);
  const prefix = PREFIXES[p[0]];
  if (prefix.length + p.length - 1 > MAX_URI) return fail(E_RANGE);
  return ok(prefix + text(p.subarray(1)));
}

function writeUri(uri: string, o: Out): number {
  const b = utf8(uri);
  if (b.length === 0 || b.length > MAX_URI) return E_RANGE;
  if (!visibleAscii(b)) return E_MALFORMED;
  let best = 0;
  PREFIXES.forEach((s, c) => { if (s.length > PREFIXES[best].length && uri.startsWith(s)) best = c; });
  o.u8(best); o.put(b.subarray(PREFIXES[best].length));
  return OK;
}

export function checkPackage(p: Uint8Array): number {
  if (p.length === 0 || p.length > MAX_PACKAGE) return E_RANGE;
  return /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/.test(String.fromCharCode(...p)) ? OK : E_MALFORMED;
}

// ---- the message
const ID = { wifiDirect: utf8("p"), wifi: utf8("w"), ble: utf8("b") };
const NONE = new Uint8Array(0);
/** MIME and external type names compare without regard to ASCII case (only ASCII, as the
 *  firmware does: no Unicode case folding). */
const lower = (b: Uint8Array) => String.fromCharCode(...b.map((x) => (x >= 0x41 && x <= 0x5a ? x + 0x20 : x)));
const isWellKnown = (r: NdefRecord, t: string) => r.tnf === Tnf.WELL_KNOWN && text(r.type) === t;

export function encodeHandover(h: HandoverMessage): Decoded<Uint8Array> {
  const carriers: NdefRecord[] = [];
  let total = 0;
  const add = (tnf: number, type: string, id: Uint8Array, write: (o: Out) => number): number => {
    const o = new Out();
    const rc = write(o);
    if (rc !== OK) return rc;
    total += o.length;
    carriers.push({ tnf, type: utf8(type), id: h.select ? id : NONE, payload: o.result() });
    return OK;
  };
  const steps: Array<() => number> = [];
  if (h.wifiDirect) steps.push(() => add(Tnf.MEDIA, P2P_MIME, ID.wifiDirect, (o) => writeWifiDirect(h.wifiDirect!, o)));
  if (h.wifi) steps.push(() => add(Tnf.MEDIA, WSC_MIME, ID.wifi, (o) => writeWsc(h.wifi!, o, h.wifiLayout ?? "spec")));
  if (h.ble) steps.push(() => add(Tnf.MEDIA, BLE_OOB_MIME, ID.ble, (o) => writeBleOob(h.ble!, o)));
  for (const step of steps) { const rc = step(); if (rc !== OK) return fail(rc); }
  const records: NdefRecord[] = [];
  if (h.select && carriers.length > 0) {
    const acs = carriers.map((c) => ({ tnf: Tnf.WELL_KNOWN, type: utf8("ac"), id: NONE, payload: Uint8Array.of(1, c.id.length, ...c.id, 0) }));
    const payload = Uint8Array.of(HANDOVER_VERSION, ...encodeNdef(acs));
    total += payload.length + acs.reduce((n, a) => n + a.payload.length, 0);
    records.push({ tnf: Tnf.WELL_KNOWN, type: utf8("Hs"), id: NONE, payload });
  }
  records.push(...carriers);
  if (h.uri !== undefined) {
    const o = new Out();
    const rc = writeUri(h.uri, o);
    if (rc !== OK) return fail(rc);
    total += o.length;
    records.push({ tnf: Tnf.WELL_KNOWN, type: utf8("U"), id: NONE, payload: o.result() });
  }
  records.push(...h.others);
  if (h.androidPackage !== undefined) {
    const p = utf8(h.androidPackage);
    const rc = checkPackage(p);
    if (rc !== OK) return fail(rc);
    records.push({ tnf: Tnf.EXTERNAL, type: utf8("android.com:pkg"), id: NONE, payload: p });
  }
  // The firmware builds every payload in one buffer of MAX_PAYLOAD bytes: the same bound.
  if (total > MAX_PAYLOAD || records.length > MAX_RECORDS || records.length === 0) return fail(E_NOSPACE);
  return ok(encodeNdef(records));
}

export function decodeHandover(msg: Uint8Array): Decoded<HandoverMessage> {
  const m = decodeNdef(msg);
  if (!m.ok) return m;
  const recs = m.value;
  const h: HandoverMessage = { select: false, version: 0, others: [] };
  let selected: Uint8Array[] | undefined;
  if (isWellKnown(recs[0], "Hr")) return fail(E_UNSUPPORTED);
  if (isWellKnown(recs[0], "Hs")) {
    const refs = readSelect(recs[0].payload, h);
    if (typeof refs === "number") return fail(refs);
    if (!refs.every((ref) => recs.slice(1).some((r) => equal(r.id, ref)))) return fail(E_MALFORMED);
    selected = refs;
    h.select = true;
  }
  for (const rec of recs.slice(selected ? 1 : 0)) {
    const rc = readRecord(rec, selected, h);
    if (rc !== OK) return fail(rc);
  }
  return ok(h);
}

function readSelect(p: Uint8Array, h: HandoverMessage): Uint8Array[] | number {
  if (p.length === 0) return E_MALFORMED;
  if (p[0] >> 4 !== 1) return E_UNSUPPORTED;
  h.version = p[0];
  const refs: Uint8Array[] = [];
  if (p.length === 1) return refs;
  const inner = decodeNdef(p.subarray(1));
  if (!inner.ok) return inner.error;
  for (const ac of inner.value) {
    if (!isWellKnown(ac, "ac")) continue;
    const q = ac.payload;
    if (q.length < 3) return E_MALFORMED;
    const n = q[1];
    if (n === 0 || n > q.length - 3) return E_MALFORMED;
    let i = 2 + n;
    const aux = q[i++];
    for (let a = 0; a < aux; a++) {
      if (i >= q.length) return E_MALFORMED;
      const len = q[i++];
      if (len > q.length - i) return E_MALFORMED;
      i += len;
    }
    if (i !== q.length) return E_MALFORMED;
    refs.push(q.slice(2, 2 + n));
  }
  return refs;
}

function readRecord(rec: NdefRecord, selected: Uint8Array[] | undefined, h: HandoverMessage): number {
  const offered = !selected || (rec.id.length > 0 && selected.some((ref) => equal(ref, rec.id)));
  if (rec.tnf === Tnf.MEDIA) {
    const type = lower(rec.type);
    if (type === P2P_MIME || type === WSC_MIME || type === BLE_OOB_MIME) {
      if (!offered) return OK;
      if (type === P2P_MIME) {
        if (h.wifiDirect) return E_MALFORMED;
        const d = decodeWifiDirect(rec.payload);
        if (!d.ok) return d.error;
        h.wifiDirect = d.value;
      } else if (type === WSC_MIME) {
        if (h.wifi) return E_MALFORMED;
        const d = decodeWsc(rec.payload);
        if (!d.ok) return d.error;
        h.wifi = d.value;
      } else {
        if (h.ble) return E_MALFORMED;
        const d = decodeBleOob(rec.payload);
        if (!d.ok) return d.error;
        h.ble = d.value;
      }
      return OK;
    }
  } else if (isWellKnown(rec, "U")) {
    if (h.uri !== undefined) return E_MALFORMED;
    const d = decodeUri(rec.payload);
    if (!d.ok) return d.error;
    h.uri = d.value;
    return OK;
  } else if (rec.tnf === Tnf.EXTERNAL && lower(rec.type) === "android.com:pkg") {
    if (h.androidPackage !== undefined) return E_MALFORMED;
    const rc = checkPackage(rec.payload);
    if (rc !== OK) return rc;
    h.androidPackage = text(rec.payload);
    return OK;
  } else if (isWellKnown(rec, "Hs") || isWellKnown(rec, "Hr")) {
    return E_MALFORMED;
  }
  if (h.others.length >= MAX_RECORDS) return E_MALFORMED;
  h.others.push(rec);
  return OK;
}
