// The well-known URI record ("U": prefix code u8 | the rest of the URI, UTF-8; NFC Forum
// URI RTD) and the Android application record (external type "android.com:pkg": the
// package name), which the printer adds so that a phone without the app is sent to it.
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../../core/errors";
import { ByteWriter } from "./writer";

export const URI_TYPE = "U";
export const AAR_TYPE = "android.com:pkg";
export const MAX_URI: i32 = 256;
export const MAX_PACKAGE: i32 = 127;

/** The abbreviations of URI RTD 1.0 for prefix codes 0x01 to 0x23 in code order, each
 *  ended by a space (no prefix holds one); code 0x00 is no prefix. One string rather than
 *  an array of 35: each string literal costs the image its own object (one literal, on one
 *  line: a concatenation would be built on the heap at start). */
const PREFIXES = "http://www. https://www. http:// https:// tel: mailto: ftp://anonymous:anonymous@ ftp://ftp. ftps:// sftp:// smb:// nfs:// ftp:// dav:// news: telnet:// imap: rtsp:// urn: pop: sip: sips: tftp: btspp:// btl2cap:// btgoep:// tcpobex:// irdaobex:// file:// urn:epc:id: urn:epc:tag: urn:epc:pat: urn:epc:raw: urn:epc: urn:nfc: ";
/** Codes 0x00..0x23; the rest are reserved. */
const PREFIX_CODES: i32 = 0x24;
const SPACE: i32 = 0x20;

/** Where the prefix of `code` (1..0x23) starts in PREFIXES. */
function prefixStart(code: i32): i32 {
  let at = 0;
  for (let c = 1; c < code; c++) {
    while (PREFIXES.charCodeAt(at) != SPACE) at++;
    at++;
  }
  return at;
}

/** The length of the prefix starting at `at` in PREFIXES. */
function prefixLength(at: i32): i32 {
  let end = at;
  while (PREFIXES.charCodeAt(end) != SPACE) end++;
  return end - at;
}

export class UriDecoded {
  error: i32 = OK;
  /** The whole URI, prefix expanded: visible ASCII. */
  uri: Uint8Array | null = null;
}

/** E_MALFORMED: an empty payload, or a byte that is not visible ASCII (a URI, RFC 3986:
 *  an IRI comes percent-encoded, so no look-alike letters reach the phone's screen);
 *  E_UNSUPPORTED: a prefix code past 0x23 (reserved); E_RANGE: a URI over MAX_URI bytes
 *  once expanded. */
export function decodeUri(p: Uint8Array): UriDecoded {
  const r = new UriDecoded();
  if (p.length == 0) { r.error = E_MALFORMED; return r; }
  const code = <i32>p[0];
  if (code >= PREFIX_CODES) { r.error = E_UNSUPPORTED; return r; }
  if (!visibleAscii(p, 1)) { r.error = E_MALFORMED; return r; }
  const at = code == 0 ? 0 : prefixStart(code);
  const len = code == 0 ? 0 : prefixLength(at);
  const n = len + p.length - 1;
  if (n > MAX_URI) { r.error = E_RANGE; return r; }
  const u = new Uint8Array(n);
  for (let k = 0; k < len; k++) u[k] = <u8>PREFIXES.charCodeAt(at + k);
  for (let k = 1; k < p.length; k++) u[len + k - 1] = p[k];
  r.uri = u;
  return r;
}

function visibleAscii(b: Uint8Array, from: i32): bool {
  for (let k = from; k < b.length; k++) if (b[k] < 0x21 || b[k] > 0x7e) return false;
  return true;
}

/** Appends the payload for a URI with the longest prefix that abbreviates it. E_RANGE for
 *  an empty URI or one over MAX_URI, E_MALFORMED for one not in visible ASCII, E_NOSPACE
 *  when w is full. */
export function encodeUri(uri: Uint8Array, w: ByteWriter): i32 {
  if (uri.length == 0 || uri.length > MAX_URI) return E_RANGE;
  if (!visibleAscii(uri, 0)) return E_MALFORMED;
  let best = 0, bestLength = 0;
  for (let c = 1, at = 0; c < PREFIX_CODES; c++) {
    const len = prefixLength(at);
    if (len > bestLength && startsWith(uri, at, len)) { best = c; bestLength = len; }
    at += len + 1;
  }
  w.u8(<u32>best);
  for (let k = bestLength; k < uri.length; k++) w.u8(uri[k]);
  return w.overflow ? E_NOSPACE : OK;
}

/** Whether `b` starts with the `len` bytes of PREFIXES from `at`. */
function startsWith(b: Uint8Array, at: i32, len: i32): bool {
  if (len > b.length) return false;
  for (let k = 0; k < len; k++) if (<i32>b[k] != PREFIXES.charCodeAt(at + k)) return false;
  return true;
}

/** A package name as Android writes it: segments of letters, digits and '_' joined by
 *  single dots, 1..MAX_PACKAGE bytes. */
export function checkPackage(p: Uint8Array): i32 {
  if (p.length == 0 || p.length > MAX_PACKAGE) return E_RANGE;
  let last: u8 = 0x2e;                                      // as if after a dot
  for (let k = 0; k < p.length; k++) {
    const c = p[k];
    const word = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
    if (!word && !(c == 0x2e && last != 0x2e)) return E_MALFORMED;
    last = c;
  }
  return last == 0x2e ? E_MALFORMED : OK;
}
