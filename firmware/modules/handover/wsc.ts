// Wi-Fi Simple Configuration credential, the payload of MIME type application/vnd.wfa.wsc
// (and the first half of a Wi-Fi Direct record): attributes of
//   type u16 BE | length u16 BE | value
// The credential (0x100E) is a container of attributes; the WFA vendor extension (0x1049)
// at the top level carries Version2. Every length is checked against the end of its own
// container before a byte of the value is read; attributes this firmware does not know
// are stepped over, inside a credential and outside.
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../../core/errors";
import { getU16BE } from "../../core/codecs/bytes";
import { ByteWriter } from "./writer";
import { NO_BYTES } from "./empty";

export const WSC_MIME = "application/vnd.wfa.wsc";

export namespace WscAttr {
  export const AUTH_TYPE: u16 = 0x1003;
  export const CREDENTIAL: u16 = 0x100e;
  export const ENCRYPTION_TYPE: u16 = 0x100f;
  export const MAC_ADDRESS: u16 = 0x1020;
  export const NETWORK_INDEX: u16 = 0x1026;
  export const NETWORK_KEY: u16 = 0x1027;
  export const SSID: u16 = 0x1045;
  export const VENDOR_EXTENSION: u16 = 0x1049;
}

export namespace AuthType {
  export const OPEN: u16 = 0x0001;
  export const WPA_PSK: u16 = 0x0002;
  export const WPA_EAP: u16 = 0x0008;
  export const WPA2_EAP: u16 = 0x0010;
  export const WPA2_PSK: u16 = 0x0020;
  export const WPA_WPA2_PSK: u16 = 0x0022;
}

export namespace EncryptionType {
  export const NONE: u16 = 0x0001;
  export const WEP: u16 = 0x0002;
  export const TKIP: u16 = 0x0004;
  export const AES: u16 = 0x0008;
  export const AES_TKIP: u16 = 0x000c;
}

export const MAX_SSID: i32 = 32;
export const MAX_NETWORK_KEY: i32 = 64;
/** Version2 = 2.0, as written in the WFA vendor extension. */
export const WSC_VERSION_2_0: u8 = 0x20;

/** Attribute order inside the credential. SPEC is the order of the WSC 2.0 credential
 *  table, which routers and phones write (and the printer uses); SORTED orders by
 *  attribute id, as the public ndeflib suite writes. */
export enum WscLayout { SPEC, SORTED }

const SPEC_ORDER: StaticArray<u16> = [0x1026, 0x1045, 0x1003, 0x100f, 0x1027, 0x1020];
const SORTED_ORDER: StaticArray<u16> = [0x1003, 0x100f, 0x1020, 0x1026, 0x1027, 0x1045];

export class WifiCredential {
  networkIndex: u8 = 1;
  ssid: Uint8Array = NO_BYTES;
  authType: u16 = AuthType.OPEN;
  encryptionType: u16 = EncryptionType.NONE;
  /** A secret: the caller wipes it (core/codecs wipe) once it is used; a decoded one is a
   *  view into the decoded payload, so that wipes the payload's copy. */
  networkKey: Uint8Array = NO_BYTES;
  /** 6 bytes, most significant first; ff:ff:ff:ff:ff:ff means any. */
  macAddress: Uint8Array = anyMac();
  /** The WFA vendor extension's Version2 at the top level; 0 when absent. */
  version2: u8 = 0;
}

export function anyMac(): Uint8Array { const m = new Uint8Array(6); m.fill(0xff); return m; }

export class WscDecoded {
  error: i32 = OK;
  credential: WifiCredential | null = null;
}

export function knownAuthType(v: u32): bool { return v == 1 || v == 2 || v == 8 || v == 0x10 || v == 0x20 || v == 0x22; }
export function knownEncryptionType(v: u32): bool { return v == 1 || v == 2 || v == 4 || v == 8 || v == 0x0c; }

/** The first credential of a WSC payload (p[start, end)), with the top-level Version2.
 *  Its byte fields are views into p, not copies: wiping the key wipes it in p too.
 *  E_MALFORMED: a length past its container, a fixed-size attribute of the wrong size, a
 *  repeated attribute, no credential or no SSID / auth / encryption type in it; E_RANGE:
 *  an SSID of 0 or over 32 bytes, a key over 64; E_UNSUPPORTED: an unknown auth or
 *  encryption type. Further credentials (another band) are stepped over. */
export function decodeWsc(p: Uint8Array, start: i32 = 0, end: i32 = -1): WscDecoded {
  const r = new WscDecoded();
  if (end < 0) end = p.length;
  let c: WifiCredential | null = null;
  let version2: i32 = 0;
  let i = start;
  while (i < end) {
    if (end - i < 4) return failed(r, E_MALFORMED);
    const type = getU16BE(p, i), len = <i32>getU16BE(p, i + 2);
    i += 4;
    if (len > end - i) return failed(r, E_MALFORMED);
    if (type == WscAttr.CREDENTIAL && c == null) {
      c = new WifiCredential();
      const rc = decodeCredential(p, i, i + len, c);
      if (rc != OK) return failed(r, rc);
    } else if (type == WscAttr.VENDOR_EXTENSION) {
      const v = readVersion2(p, i, i + len);
      if (v < 0) return failed(r, v);
      if (v > 0) version2 = v;
    }
    i += len;
  }
  if (c == null) return failed(r, E_MALFORMED);
  c.version2 = <u8>version2;
  r.credential = c;
  return r;
}

function failed(r: WscDecoded, rc: i32): WscDecoded { r.error = rc; r.credential = null; return r; }

function decodeCredential(p: Uint8Array, start: i32, end: i32, c: WifiCredential): i32 {
  let seen: u32 = 0;
  let i = start;
  while (i < end) {
    if (end - i < 4) return E_MALFORMED;
    const type = getU16BE(p, i), len = <i32>getU16BE(p, i + 2);
    i += 4;
    if (len > end - i) return E_MALFORMED;               // overruns the credential
    const bit = knownBit(type);
    if (bit != 0) {
      if ((seen & bit) != 0) return E_MALFORMED;
      seen |= bit;
    }
    if (type == WscAttr.NETWORK_INDEX) {
      if (len != 1) return E_MALFORMED;
      c.networkIndex = p[i];
    } else if (type == WscAttr.SSID) {
      if (len == 0 || len > MAX_SSID) return E_RANGE;
      c.ssid = p.subarray(i, i + len);
    } else if (type == WscAttr.AUTH_TYPE || type == WscAttr.ENCRYPTION_TYPE) {
      if (len != 2) return E_MALFORMED;
      const v = getU16BE(p, i);
      if (type == WscAttr.AUTH_TYPE) {
        if (!knownAuthType(v)) return E_UNSUPPORTED;
        c.authType = <u16>v;
      } else {
        if (!knownEncryptionType(v)) return E_UNSUPPORTED;
        c.encryptionType = <u16>v;
      }
    } else if (type == WscAttr.NETWORK_KEY) {
      if (len > MAX_NETWORK_KEY) return E_RANGE;
      c.networkKey = p.subarray(i, i + len);
    } else if (type == WscAttr.MAC_ADDRESS) {
      if (len != 6) return E_MALFORMED;
      c.macAddress = p.subarray(i, i + 6);
    }
    i += len;
  }
  const required = knownBit(WscAttr.SSID) | knownBit(WscAttr.AUTH_TYPE) | knownBit(WscAttr.ENCRYPTION_TYPE);
  return (seen & required) == required ? OK : E_MALFORMED;
}

function knownBit(type: u32): u32 {
  for (let k = 0; k < SPEC_ORDER.length; k++) if (<u32>SPEC_ORDER[k] == type) return 1 << k;
  return 0;
}

/** Version2 from a vendor extension value p[start, end): 0 when it is another vendor's
 *  or has none, E_MALFORMED when its sub-elements overrun it. */
function readVersion2(p: Uint8Array, start: i32, end: i32): i32 {
  if (end - start < 3) return E_MALFORMED;
  if (p[start] != 0x00 || p[start + 1] != 0x37 || p[start + 2] != 0x2a) return 0;
  let version = 0;
  let i = start + 3;
  while (i < end) {
    if (end - i < 2) return E_MALFORMED;
    const id = p[i], len = <i32>p[i + 1];
    i += 2;
    if (len > end - i) return E_MALFORMED;
    if (id == 0x00) {
      if (len != 1) return E_MALFORMED;
      version = <i32>p[i];
    }
    i += len;
  }
  return version;
}

/** Checks a credential before it is written: E_RANGE for an SSID of 0 or over 32 bytes,
 *  a key over 64 or a MAC not of 6; E_UNSUPPORTED for an unknown auth or encryption type. */
export function checkCredential(c: WifiCredential): i32 {
  if (c.ssid.length == 0 || c.ssid.length > MAX_SSID || c.networkKey.length > MAX_NETWORK_KEY || c.macAddress.length != 6) return E_RANGE;
  if (!knownAuthType(c.authType) || !knownEncryptionType(c.encryptionType)) return E_UNSUPPORTED;
  return OK;
}

/** Appends the WSC payload of `c` (one credential, then Version2 when set) to w: OK, an
 *  error of checkCredential, or E_NOSPACE when w is full (w's content is then undefined). */
export function encodeWsc(c: WifiCredential, w: ByteWriter, layout: WscLayout = WscLayout.SPEC): i32 {
  const rc = checkCredential(c);
  if (rc != OK) return rc;
  const order = layout == WscLayout.SPEC ? SPEC_ORDER : SORTED_ORDER;
  w.u16be(WscAttr.CREDENTIAL);
  const lenAt = w.pos;
  w.u16be(0);
  const from = w.pos;
  for (let k = 0; k < order.length; k++) writeAttribute(c, order[k], w);
  w.patch16be(lenAt, <u32>(w.pos - from));
  if (c.version2 != 0) {
    w.u16be(WscAttr.VENDOR_EXTENSION); w.u16be(6);
    w.u8(0x00); w.u8(0x37); w.u8(0x2a);                  // WFA
    w.u8(0x00); w.u8(1); w.u8(c.version2);               // Version2
  }
  return w.overflow ? E_NOSPACE : OK;
}

function writeAttribute(c: WifiCredential, type: u16, w: ByteWriter): void {
  w.u16be(type);
  if (type == WscAttr.NETWORK_INDEX) { w.u16be(1); w.u8(c.networkIndex); }
  else if (type == WscAttr.SSID) { w.u16be(c.ssid.length); w.bytes(c.ssid); }
  else if (type == WscAttr.AUTH_TYPE) { w.u16be(2); w.u16be(c.authType); }
  else if (type == WscAttr.ENCRYPTION_TYPE) { w.u16be(2); w.u16be(c.encryptionType); }
  else if (type == WscAttr.NETWORK_KEY) { w.u16be(c.networkKey.length); w.bytes(c.networkKey); }
  else { w.u16be(6); w.bytes(c.macAddress); }
}
