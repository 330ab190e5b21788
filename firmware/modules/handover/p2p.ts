// Wi-Fi Direct carrier, MIME type application/vnd.wfa.p2p: what the printer, as group
// owner, offers a tapping phone (S21 "Wi-Fi Direct credentials") and what the phone reads.
//   WSC length u16 BE | WSC attributes | P2P length u16 BE | P2P attributes
// with P2P attributes as  id u8 | length u16 LE | value  (Wi-Fi P2P, as in 802.11 IEs).
// The subset (README, "Wi-Fi Direct"): the WSC half is one credential for the group
// (SSID, WPA2-PSK/AES, the passphrase, the group owner's address), because the seed hands
// the phone the group's credentials rather than running WPS; the P2P half carries
// P2P Capability (2), P2P Group ID (15: owner address + SSID "DIRECT-xy...") and
// Operating Channel (17). Other P2P attributes (Device Info, OOB GO negotiation channel)
// are stepped over: the phone joins a group that already runs, it negotiates nothing.
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../../core/errors";
import { getU16BE, getU16LE } from "../../core/codecs/bytes";
import { AuthType, EncryptionType, WifiCredential, WscLayout, decodeWsc, encodeWsc, MAX_SSID } from "./wsc";
import { ByteWriter } from "./writer";
import { NO_BYTES } from "./empty";

export const P2P_MIME = "application/vnd.wfa.p2p";

export namespace P2pAttr {
  export const CAPABILITY: u8 = 2;
  export const GROUP_ID: u8 = 15;
  export const OPERATING_CHANNEL: u8 = 17;
}

export namespace GroupCapability {
  export const GROUP_OWNER: u8 = 0x01;
  export const PERSISTENT_GROUP: u8 = 0x02;
}

/** WPA2-PSK passphrase bounds (a P2P group is always WPA2-PSK with AES). */
export const MIN_PASSPHRASE: i32 = 8;
export const MAX_PASSPHRASE: i32 = 63;

export class WifiDirectGroup {
  /** The group owner's P2P device address, 6 bytes, most significant first. */
  deviceAddress: Uint8Array = NO_BYTES;
  /** "DIRECT-" + two characters + an optional postfix, 9..32 bytes. */
  ssid: Uint8Array = NO_BYTES;
  /** A secret: the caller wipes it once used. */
  passphrase: Uint8Array = NO_BYTES;
  deviceCapability: u8 = 0;
  groupCapability: u8 = GroupCapability.GROUP_OWNER;
  /** Operating channel: 3-byte country string (empty: not given), class and channel. */
  country: Uint8Array = NO_BYTES;
  operatingClass: u8 = 0;
  channel: u8 = 0;
}

export class WifiDirectDecoded {
  error: i32 = OK;
  group: WifiDirectGroup | null = null;
}

/** E_MALFORMED: a length past its container, bytes after the P2P attributes, a repeated or
 *  wrongly sized attribute, no Group ID, an SSID not "DIRECT-xy..." or not the
 *  credential's; E_RANGE: an SSID over 32 bytes, a passphrase outside 8..63;
 *  E_UNSUPPORTED: a group that is not WPA2-PSK with AES. Plus the WSC half's errors. */
export function decodeWifiDirect(p: Uint8Array): WifiDirectDecoded {
  const r = new WifiDirectDecoded();
  const end = p.length;
  if (end < 2) return failed(r, E_MALFORMED);
  const wscLen = <i32>getU16BE(p, 0);
  if (wscLen > end - 2) return failed(r, E_MALFORMED);
  const wsc = decodeWsc(p, 2, 2 + wscLen);
  if (wsc.error != OK) return failed(r, wsc.error);
  let i = 2 + wscLen;
  if (end - i < 2) return failed(r, E_MALFORMED);
  const p2pLen = <i32>getU16BE(p, i);
  i += 2;
  if (p2pLen != end - i) return failed(r, E_MALFORMED);
  const g = new WifiDirectGroup();
  let seen: u32 = 0;
  while (i < end) {
    if (end - i < 3) return failed(r, E_MALFORMED);
    const id = p[i], len = <i32>getU16LE(p, i + 1);
    i += 3;
    if (len > end - i) return failed(r, E_MALFORMED);
    if (id == P2pAttr.CAPABILITY || id == P2pAttr.GROUP_ID || id == P2pAttr.OPERATING_CHANNEL) {
      const bit: u32 = 1 << (id & 31);
      if ((seen & bit) != 0) return failed(r, E_MALFORMED);
      seen |= bit;
    }
    if (id == P2pAttr.CAPABILITY) {
      if (len != 2) return failed(r, E_MALFORMED);
      g.deviceCapability = p[i]; g.groupCapability = p[i + 1];
    } else if (id == P2pAttr.GROUP_ID) {
      if (len < 6) return failed(r, E_MALFORMED);
      if (len - 6 > MAX_SSID) return failed(r, E_RANGE);
      g.deviceAddress = p.subarray(i, i + 6);
      g.ssid = p.subarray(i + 6, i + len);
    } else if (id == P2pAttr.OPERATING_CHANNEL) {
      if (len != 5) return failed(r, E_MALFORMED);
      g.country = p.subarray(i, i + 3);
      g.operatingClass = p[i + 3]; g.channel = p[i + 4];
    }
    i += len;
  }
  if ((seen & (1 << P2pAttr.GROUP_ID)) == 0 || !isDirectSsid(g.ssid)) return failed(r, E_MALFORMED);
  const c = wsc.credential!;
  if (!sameBytes(c.ssid, g.ssid)) return failed(r, E_MALFORMED);
  if (c.authType != AuthType.WPA2_PSK || c.encryptionType != EncryptionType.AES) return failed(r, E_UNSUPPORTED);
  if (c.networkKey.length < MIN_PASSPHRASE || c.networkKey.length > MAX_PASSPHRASE) return failed(r, E_RANGE);
  g.passphrase = c.networkKey;
  r.group = g;
  return r;
}

function failed(r: WifiDirectDecoded, rc: i32): WifiDirectDecoded { r.error = rc; r.group = null; return r; }

const DIRECT: StaticArray<u8> = [0x44, 0x49, 0x52, 0x45, 0x43, 0x54, 0x2d]; // "DIRECT-"

/** "DIRECT-" and at least the two random characters (Wi-Fi P2P group SSID). */
export function isDirectSsid(s: Uint8Array): bool {
  if (s.length < 9 || s.length > MAX_SSID) return false;
  for (let k = 0; k < DIRECT.length; k++) if (s[k] != DIRECT[k]) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] != b[k]) return false;
  return true;
}

/** Appends the record payload for `g`: OK; E_MALFORMED for an SSID that is not
 *  "DIRECT-xy...", E_RANGE for a passphrase outside 8..63, an address not of 6 or a country
 *  not of 0 or 3 bytes, E_NOSPACE when w is full. */
export function encodeWifiDirect(g: WifiDirectGroup, w: ByteWriter): i32 {
  if (!isDirectSsid(g.ssid)) return E_MALFORMED;
  if (g.passphrase.length < MIN_PASSPHRASE || g.passphrase.length > MAX_PASSPHRASE) return E_RANGE;
  if (g.deviceAddress.length != 6 || (g.country.length != 0 && g.country.length != 3)) return E_RANGE;
  const c = new WifiCredential();
  c.ssid = g.ssid;
  c.authType = AuthType.WPA2_PSK;
  c.encryptionType = EncryptionType.AES;
  c.networkKey = g.passphrase;
  c.macAddress = g.deviceAddress;
  const wscAt = w.pos;
  w.u16be(0);
  const rc = encodeWsc(c, w, WscLayout.SPEC);
  if (rc != OK) return rc;
  w.patch16be(wscAt, <u32>(w.pos - wscAt - 2));
  const p2pAt = w.pos;
  w.u16be(0);
  w.u8(P2pAttr.CAPABILITY); w.u16le(2); w.u8(g.deviceCapability); w.u8(g.groupCapability);
  w.u8(P2pAttr.GROUP_ID); w.u16le(<u32>(6 + g.ssid.length)); w.bytes(g.deviceAddress); w.bytes(g.ssid);
  if (g.country.length == 3) {
    w.u8(P2pAttr.OPERATING_CHANNEL); w.u16le(5); w.bytes(g.country); w.u8(g.operatingClass); w.u8(g.channel);
  }
  w.patch16be(p2pAt, <u32>(w.pos - p2pAt - 2));
  return w.overflow ? E_NOSPACE : OK;
}
