// Everything the reference says to refuse, and more: each case gets its error code, the
// refused result carries nothing, and no decoder reads past its buffer (a read past the
// end of a typed array traps here, so every truncation and byte flip below would fail).
import { OK, E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../../../core/errors";
import { NdefRecord, Tnf, encodeNdef } from "../../../core/codecs/ndef";
import { utf8 } from "../../../board/index";
import {
  ByteWriter, Handover, WifiCredential, WifiDirectGroup, BleOob, LeRole, AuthType, EncryptionType,
  decodeWsc, encodeWsc, decodeBleOob, encodeBleOob, decodeHandover, encodeHandover,
  decodeWifiDirect, encodeWifiDirect, decodeUri, encodeUri, checkPackage,
} from "..";
import { hex, cat, same, filled, attr } from "./bytes";

const EMPTY = new Uint8Array(0);
const VECTOR_1 = "100E0037 100300020001 100F00020001 10200006010203040506 1026000101 1027000A31323334353637383930 1045000A6162636465666768696A 1049000600372A000120";

function u16(v: u32): Uint8Array { const b = new Uint8Array(2); b[0] = <u8>(v >> 8); b[1] = <u8>v; return b; }
/** A credential from its attributes, and the other parts a valid one needs. */
function credential(parts: Uint8Array[]): Uint8Array { return attr(0x100e, cat(parts)); }
function ssid(s: string): Uint8Array { return attr(0x1045, utf8(s)); }
function auth(v: u32): Uint8Array { return attr(0x1003, u16(v)); }
function enc(v: u32): Uint8Array { return attr(0x100f, u16(v)); }
function key(k: Uint8Array): Uint8Array { return attr(0x1027, k); }
function wscError(p: Uint8Array): i32 {
  const d = decodeWsc(p);
  if (d.error != OK) expect(d.credential == null).toBe(true);
  return d.error;
}
function record(tnf: u8, type: string, id: string, payload: Uint8Array): NdefRecord {
  return new NdefRecord(tnf, utf8(type), utf8(id), payload);
}
function message(records: NdefRecord[]): Uint8Array { return encodeNdef(records)!; }
function handoverError(msg: Uint8Array): i32 {
  const h = decodeHandover(msg);
  if (h.error != OK) {                                      // a refusal carries nothing
    expect(h.wifi == null && h.wifiDirect == null && h.ble == null && h.uri == null && h.androidPackage == null).toBe(true);
    expect(h.others.length).toBe(0);
  }
  return h.error;
}

describe("WSC credential: refused", () => {
  it("an SSID over 32 bytes, a zero-length SSID, a key over 64 bytes (E_RANGE)", () => {
    expect(wscError(credential([ssid("123456789012345678901234567890123"), auth(1), enc(1)]))).toBe(E_RANGE);
    expect(wscError(credential([attr(0x1045, EMPTY), auth(1), enc(1)]))).toBe(E_RANGE);
    expect(wscError(credential([ssid("net"), auth(0x20), enc(8), key(filled(65, 0x61))]))).toBe(E_RANGE);
    // the bounds themselves are accepted
    expect(wscError(credential([ssid("12345678901234567890123456789012"), auth(0x20), enc(8), key(filled(64, 0x61))]))).toBe(OK);
    expect(wscError(credential([ssid("n"), auth(1), enc(1), key(EMPTY)]))).toBe(OK);
  });

  it("a truncated TLV: every cut of vector 1 inside an attribute (E_MALFORMED)", () => {
    const v = hex(VECTOR_1);
    for (let n = 0; n < v.length; n++) {
      const rc = wscError(v.subarray(0, n));
      // 59 bytes end exactly after the credential: a whole payload without Version2.
      expect(rc).toBe(n == 59 ? OK : E_MALFORMED);
    }
  });

  it("a nested credential overrunning its container (E_MALFORMED)", () => {
    const v = hex(VECTOR_1);
    const inner = v.slice(0); inner[48] = 0x0b;               // SSID length 10 -> 11: past the credential
    expect(inner[45] == 0x10 && inner[46] == 0x45).toBe(true);   // it is the SSID's
    expect(wscError(inner)).toBe(E_MALFORMED);
    const outer = v.slice(0); outer[3] = 0x42;                // credential length past the payload
    expect(wscError(outer)).toBe(E_MALFORMED);
  });

  it("wrong sizes, repeats, unknown types, missing parts", () => {
    expect(wscError(credential([ssid("n"), auth(1), enc(1), attr(0x1020, hex("0102030405"))]))).toBe(E_MALFORMED); // MAC of 5
    expect(wscError(credential([ssid("n"), attr(0x1003, hex("01")), enc(1)]))).toBe(E_MALFORMED);                  // auth of 1
    expect(wscError(credential([ssid("n"), auth(1), enc(1), attr(0x1026, hex("0101"))]))).toBe(E_MALFORMED);       // index of 2
    expect(wscError(credential([ssid("n"), ssid("m"), auth(1), enc(1)]))).toBe(E_MALFORMED);                        // SSID twice
    expect(wscError(credential([auth(1), enc(1)]))).toBe(E_MALFORMED);                                              // no SSID
    expect(wscError(credential([ssid("n"), enc(1)]))).toBe(E_MALFORMED);                                            // no auth
    expect(wscError(credential([ssid("n"), auth(0x40), enc(1)]))).toBe(E_UNSUPPORTED);
    expect(wscError(credential([ssid("n"), auth(1), enc(0x10)]))).toBe(E_UNSUPPORTED);
    expect(wscError(attr(0x104a, hex("10")))).toBe(E_MALFORMED);                                                    // no credential
    expect(wscError(cat([credential([ssid("n"), auth(1), enc(1)]), attr(0x1049, hex("00372A 0005 20"))]))).toBe(E_MALFORMED); // sub-element overrun
    expect(wscError(cat([credential([ssid("n"), auth(1), enc(1)]), attr(0x1049, hex("0037"))]))).toBe(E_MALFORMED);          // no vendor id
  });

  it("skips unknown attributes inside the credential and outside it", () => {
    const p = cat([attr(0x104a, hex("10")), credential([attr(0x1099, hex("AABBCC")), ssid("home"), auth(0x20), enc(8),
      key(utf8("passphrase")), attr(0x1049, hex("00372A 0201 01")), attr(0x10ff, EMPTY)]), attr(0x1049, hex("00AABB 01"))]);
    const d = decodeWsc(p);
    expect(d.error).toBe(OK);
    expect(same(d.credential!.ssid, utf8("home"))).toBe(true);
    expect(same(d.credential!.networkKey, utf8("passphrase"))).toBe(true);
  });

  it("the encoder refuses the same limits, and a full buffer", () => {
    const w = new ByteWriter(new Uint8Array(128));
    const c = new WifiCredential();
    c.ssid = filled(33, 0x61);
    expect(encodeWsc(c, w)).toBe(E_RANGE);
    c.ssid = EMPTY;
    expect(encodeWsc(c, w)).toBe(E_RANGE);
    c.ssid = utf8("n"); c.networkKey = filled(65, 0x61);
    expect(encodeWsc(c, w)).toBe(E_RANGE);
    c.networkKey = EMPTY; c.authType = 0x40;
    expect(encodeWsc(c, w)).toBe(E_UNSUPPORTED);
    c.authType = AuthType.OPEN;
    expect(encodeWsc(c, new ByteWriter(new Uint8Array(20)))).toBe(E_NOSPACE);
  });
});

function bleError(p: Uint8Array): i32 {
  const d = decodeBleOob(p);
  if (d.error != OK) expect(d.oob == null).toBe(true);
  return d.error;
}
const ADDRESS = "08 1B 06 05 04 03 02 01 00";

describe("BLE OOB: refused", () => {
  it("an AD length past the payload (13 in a 12-byte payload)", () => {
    expect(bleError(hex("0D 1B 06 05 04 03 02 01 00 03 FF 61"))).toBe(E_MALFORMED);
    const v = hex(ADDRESS + " 03 FF 61 62");
    for (let n = 1; n < v.length; n++) expect(bleError(v.subarray(0, n))).toBe(n == 9 ? OK : E_MALFORMED);
  });

  it("a payload length that runs past the record", () => {
    const rec = cat([hex("D2 20 0E"), utf8("application/vnd.bluetooth.le.oob"), hex(ADDRESS + " 03 FF 61 62")]);
    expect(handoverError(rec)).toBe(E_MALFORMED);
  });

  it("zero lengths, wrong sizes, repeats, out-of-range values, no address", () => {
    expect(bleError(hex(ADDRESS + " 00"))).toBe(E_MALFORMED);
    expect(bleError(hex("07 1B 06 05 04 03 02 01"))).toBe(E_MALFORMED);           // address of 6
    expect(bleError(hex("08 1B 06 05 04 03 02 01 02"))).toBe(E_RANGE);             // address type 2
    expect(bleError(hex(ADDRESS + " " + ADDRESS))).toBe(E_MALFORMED);
    expect(bleError(hex(ADDRESS + " 02 1C 04"))).toBe(E_RANGE);                    // role 4
    expect(bleError(hex(ADDRESS + " 02 FF 61"))).toBe(E_RANGE);                    // no company id
    expect(bleError(cat([hex(ADDRESS + " 1F FF"), filled(30, 0x61)]))).toBe(E_RANGE); // 30 bytes of data
    expect(bleError(hex("02 1C 00"))).toBe(E_MALFORMED);                           // no address
    expect(bleError(EMPTY)).toBe(E_MALFORMED);
  });

  it("skips AD types it does not use", () => {
    const d = decodeBleOob(cat([hex(ADDRESS + " 11 22"), filled(16, 7), hex("02 1C 02")]));
    expect(d.error).toBe(OK);
    expect(d.oob!.role).toBe(LeRole.PERIPHERAL_PREFERRED);
  });

  it("the encoder refuses what the decoder would", () => {
    const w = new ByteWriter(new Uint8Array(64));
    const o = new BleOob();
    o.addressType = 2;
    expect(encodeBleOob(o, w)).toBe(E_RANGE);
    o.addressType = 0; o.manufacturerData = filled(30, 1);
    expect(encodeBleOob(o, w)).toBe(E_RANGE);
    o.manufacturerData = EMPTY; o.role = 4;
    expect(encodeBleOob(o, w)).toBe(E_RANGE);
  });
});

function group(): WifiDirectGroup {
  const g = new WifiDirectGroup();
  g.deviceAddress = hex("02AABBCCDDEE");
  g.ssid = utf8("DIRECT-q7-Printer");
  g.passphrase = utf8("k3v9-xw2p-77aa");
  g.country = hex("585804"); g.operatingClass = 81; g.channel = 6;
  return g;
}
function p2pPayload(wsc: Uint8Array, p2p: Uint8Array): Uint8Array { return cat([u16(wsc.length), wsc, u16(p2p.length), p2p]); }
function p2pAttr(id: u8, v: Uint8Array): Uint8Array {
  const h = new Uint8Array(3); h[0] = id; h[1] = <u8>v.length; h[2] = <u8>(v.length >> 8);
  return cat([h, v]);
}
function groupCredential(name: string, pass: string, a: u32, e: u32): Uint8Array {
  return credential([attr(0x1026, hex("01")), ssid(name), auth(a), enc(e), key(utf8(pass)), attr(0x1020, hex("02AABBCCDDEE"))]);
}
function groupId(name: string): Uint8Array { return p2pAttr(15, cat([hex("02AABBCCDDEE"), utf8(name)])); }
function p2pError(p: Uint8Array): i32 {
  const d = decodeWifiDirect(p);
  if (d.error != OK) expect(d.group == null).toBe(true);
  return d.error;
}

describe("Wi-Fi Direct: refused", () => {
  it("accepts the hand-built form the encoder writes", () => {
    const w = new ByteWriter(new Uint8Array(200));
    expect(encodeWifiDirect(group(), w)).toBe(OK);
    const p = p2pPayload(groupCredential("DIRECT-q7-Printer", "k3v9-xw2p-77aa", 0x20, 8),
      cat([p2pAttr(2, hex("0001")), groupId("DIRECT-q7-Printer"), p2pAttr(17, hex("585804 51 06"))]));
    expect(same(w.view(0), p)).toBe(true);
    expect(p2pError(p)).toBe(OK);
  });

  it("lengths past their container, trailing bytes, every truncation", () => {
    const good = p2pPayload(groupCredential("DIRECT-q7-Printer", "k3v9-xw2p-77aa", 0x20, 8), groupId("DIRECT-q7-Printer"));
    for (let n = 0; n < good.length; n++) expect(p2pError(good.subarray(0, n))).not.toBe(OK);
    const wscPast = good.slice(0); wscPast[0] = 0x40;
    expect(p2pError(wscPast)).toBe(E_MALFORMED);
    expect(p2pError(cat([good, hex("00")]))).toBe(E_MALFORMED);
    const attrPast = p2pPayload(groupCredential("DIRECT-q7-Printer", "k3v9-xw2p-77aa", 0x20, 8), cat([groupId("DIRECT-q7-Printer"), hex("0B 0900 01")]));
    expect(p2pError(attrPast)).toBe(E_MALFORMED);
  });

  it("a group that is not a Wi-Fi Direct group, or not the credential's", () => {
    const cred = groupCredential("DIRECT-q7-Printer", "k3v9-xw2p-77aa", 0x20, 8);
    expect(p2pError(p2pPayload(groupCredential("HomeNet", "k3v9-xw2p-77aa", 0x20, 8), groupId("HomeNet")))).toBe(E_MALFORMED);
    expect(p2pError(p2pPayload(cred, groupId("DIRECT-zz-Other")))).toBe(E_MALFORMED);
    expect(p2pError(p2pPayload(cred, p2pAttr(2, hex("0001"))))).toBe(E_MALFORMED);             // no group id
    expect(p2pError(p2pPayload(cred, cat([groupId("DIRECT-q7-Printer"), groupId("DIRECT-q7-Printer")])))).toBe(E_MALFORMED);
    expect(p2pError(p2pPayload(cred, p2pAttr(15, hex("02AABB"))))).toBe(E_MALFORMED);          // shorter than an address
    expect(p2pError(p2pPayload(cred, groupId("DIRECT-q7-123456789012345678901234")))).toBe(E_RANGE);
    expect(p2pError(p2pPayload(groupCredential("DIRECT-q7-Printer", "k3v9-xw2p-77aa", 0x22, 0xc), groupId("DIRECT-q7-Printer")))).toBe(E_UNSUPPORTED);
    expect(p2pError(p2pPayload(groupCredential("DIRECT-q7-Printer", "short", 0x20, 8), groupId("DIRECT-q7-Printer")))).toBe(E_RANGE);
    expect(p2pError(p2pPayload(cred, cat([groupId("DIRECT-q7-Printer"), p2pAttr(17, hex("5858")) ])))).toBe(E_MALFORMED);
    // unknown P2P attributes (Device Info here) are stepped over
    expect(p2pError(p2pPayload(cred, cat([p2pAttr(13, filled(17, 0)), groupId("DIRECT-q7-Printer")])))).toBe(OK);
  });

  it("the encoder refuses a non-Direct SSID and a short passphrase", () => {
    const w = new ByteWriter(new Uint8Array(200));
    const g = group(); g.ssid = utf8("Printer");
    expect(encodeWifiDirect(g, w)).toBe(E_MALFORMED);
    const h = group(); h.passphrase = utf8("1234567");
    expect(encodeWifiDirect(h, w)).toBe(E_RANGE);
  });
});

function ac(id: string): NdefRecord {
  return record(Tnf.WELL_KNOWN, "ac", "", cat([hex("01"), hex("0" + id.length.toString()), utf8(id), hex("00")]));
}
function hs(acs: NdefRecord[]): NdefRecord { return record(Tnf.WELL_KNOWN, "Hs", "", cat([hex("12"), message(acs)])); }
function bleRecord(id: string): NdefRecord { return record(Tnf.MEDIA, "application/vnd.bluetooth.le.oob", id, hex(ADDRESS)); }
function wscRecord(id: string): NdefRecord {
  return record(Tnf.MEDIA, "application/vnd.wfa.wsc", id, credential([ssid("home"), auth(0x20), enc(8), key(utf8("passphrase"))]));
}

describe("handover message: refused", () => {
  it("chunked records, outside and inside Hs (E_UNSUPPORTED)", () => {
    const rec = cat([hex("F2 20 0D"), utf8("application/vnd.bluetooth.le.oob"), hex(ADDRESS + " 03 FF 61 62")]);
    expect(handoverError(rec)).toBe(E_UNSUPPORTED);
    const inner = message([ac("b")]); inner[0] |= 0x20;
    expect(handoverError(message([record(Tnf.WELL_KNOWN, "Hs", "", cat([hex("12"), inner])), bleRecord("b")]))).toBe(E_UNSUPPORTED);
  });

  it("ac records that are truncated, overrun or point at nothing", () => {
    expect(handoverError(message([hs([ac("b")]), bleRecord("x")]))).toBe(E_MALFORMED);
    expect(handoverError(message([hs([record(Tnf.WELL_KNOWN, "ac", "", hex("01 05 62"))]), bleRecord("b")]))).toBe(E_MALFORMED);
    expect(handoverError(message([hs([record(Tnf.WELL_KNOWN, "ac", "", hex("01 01 62 01 04 61"))]), bleRecord("b")]))).toBe(E_MALFORMED);
    expect(handoverError(message([hs([record(Tnf.WELL_KNOWN, "ac", "", hex("01 00 00"))]), bleRecord("b")]))).toBe(E_MALFORMED);
    expect(handoverError(message([record(Tnf.WELL_KNOWN, "Hs", "", EMPTY), bleRecord("b")]))).toBe(E_MALFORMED);
  });

  it("reads only the carriers Hs selects", () => {
    const h = decodeHandover(message([hs([ac("b")]), wscRecord("w"), bleRecord("b")]));
    expect(h.error).toBe(OK);
    expect(h.wifi == null).toBe(true);
    expect(h.ble != null).toBe(true);
  });

  it("a request, another major version, repeats", () => {
    expect(handoverError(message([record(Tnf.WELL_KNOWN, "Hr", "", hex("12")), bleRecord("b")]))).toBe(E_UNSUPPORTED);
    expect(handoverError(message([record(Tnf.WELL_KNOWN, "Hs", "", hex("22")), bleRecord("b")]))).toBe(E_UNSUPPORTED);
    expect(handoverError(message([wscRecord(""), wscRecord("")]))).toBe(E_MALFORMED);
    expect(handoverError(message([bleRecord(""), record(Tnf.WELL_KNOWN, "Hs", "", hex("12"))]))).toBe(E_MALFORMED);
  });

  it("a carrier's own error reaches the message", () => {
    const longSsid = record(Tnf.MEDIA, "application/vnd.wfa.wsc", "", credential([ssid("123456789012345678901234567890123"), auth(1), enc(1)]));
    expect(handoverError(message([longSsid]))).toBe(E_RANGE);
    expect(handoverError(message([record(Tnf.MEDIA, "application/vnd.bluetooth.le.oob", "", hex("0D 1B 06 05 04 03 02 01 00 03 FF 61"))]))).toBe(E_MALFORMED);
  });

  it("URI and app records out of their rules", () => {
    expect(decodeUri(hex("24 61")).error).toBe(E_UNSUPPORTED);
    expect(decodeUri(EMPTY).error).toBe(E_MALFORMED);
    expect(decodeUri(hex("04 70 72 69 6E 74 C3 A9 72")).error).toBe(E_MALFORMED);   // "printér": an IRI, not percent-encoded
    expect(decodeUri(hex("04 61 20 62")).error).toBe(E_MALFORMED);                  // a space
    expect(encodeUri(utf8("https://a b"), new ByteWriter(new Uint8Array(16)))).toBe(E_MALFORMED);
    expect(decodeUri(cat([hex("07"), filled(240, 0x61)])).error).toBe(E_RANGE);
    expect(handoverError(message([record(Tnf.WELL_KNOWN, "U", "", hex("24 61"))]))).toBe(E_UNSUPPORTED);
    expect(encodeUri(EMPTY, new ByteWriter(new Uint8Array(8)))).toBe(E_RANGE);
    expect(checkPackage(utf8("com..example"))).toBe(E_MALFORMED);
    expect(checkPackage(utf8("com.example."))).toBe(E_MALFORMED);
    expect(checkPackage(utf8("com/example"))).toBe(E_MALFORMED);
    expect(checkPackage(EMPTY)).toBe(E_RANGE);
    expect(checkPackage(utf8("com.example.print_2"))).toBe(OK);
    expect(handoverError(message([record(Tnf.EXTERNAL, "android.com:pkg", "", utf8("a b"))]))).toBe(E_MALFORMED);
    const h = new Handover(); h.androidPackage = utf8("..");
    expect(encodeHandover(h).error).toBe(E_MALFORMED);
  });

  it("an answer too big for the scratch buffer is refused, not cut", () => {
    const h = new Handover();
    for (let k = 0; k < 9; k++) h.others.push(record(Tnf.EXTERNAL, "printer.example:x", "", EMPTY));
    expect(encodeHandover(h).error).toBe(E_NOSPACE);         // more than MAX_RECORDS
  });
});

function answer(): Uint8Array {
  const h = new Handover();
  h.wifiDirect = group();
  const o = new BleOob(); o.address = hex("C0FFEE000001"); o.addressType = 1; o.role = LeRole.PERIPHERAL;
  o.manufacturerData = hex("FFFF 0102");
  h.ble = o;
  h.uri = utf8("https://printer.example/setup");
  h.androidPackage = utf8("com.example.printer.manage");
  return encodeHandover(h).bytes!;
}

describe("the printer's whole answer, damaged", () => {
  it("every truncation is refused", () => {
    const a = answer();
    for (let n = 0; n < a.length; n++) expect(handoverError(a.subarray(0, n))).not.toBe(OK);
  });

  it("every byte flipped gives a result or an error, never a read past the buffer", () => {
    const a = answer();
    let refusedCount = 0;
    for (let i = 0; i < a.length; i++) {
      const vals: u8[] = [0x00, 0xff, a[i] ^ 0x01, a[i] + 0x10];
      for (let k = 0; k < vals.length; k++) {
        const b = a.slice(0);
        b[i] = vals[k];
        if (handoverError(b) != OK) refusedCount++;
      }
    }
    expect(refusedCount).toBeGreaterThan(a.length);          // most damage is seen
  });
});
