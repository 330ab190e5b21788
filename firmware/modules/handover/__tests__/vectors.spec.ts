// The reference's vectors (shared/reference/handover-formats.md), byte for byte in both
// directions, and round trips of what the printer answers.
import { OK } from "../../../core/errors";
import { TlvReader, TLV_NDEF_MESSAGE } from "../../../core/codecs/tlv";
import { decodeNdef, NdefRecord, Tnf } from "../../../core/codecs/ndef";
import { utf8, text } from "../../../board/index";
import {
  ByteWriter, Handover, WifiCredential, WifiDirectGroup, BleOob, WscLayout, AuthType, EncryptionType, LeRole,
  decodeWsc, encodeWsc, decodeBleOob, encodeBleOob, decodeHandover, encodeHandover, decodeWifiDirect, encodeWifiDirect,
  decodeUri, WSC_VERSION_2_0, GroupCapability,
} from "..";
import { hex, cat, same } from "./bytes";

// Vector 1: a WSC payload, one credential, then the WFA vendor extension (Version2 2.0).
const WSC_1 = "100E0037 100300020001 100F00020001 10200006010203040506 1026000101 1027000A31323334353637383930 1045000A6162636465666768696A 1049000600372A000120";
// Vector 2: a router's Type 2 tag: NDEF TLV, one MIME record, terminator.
function tag2(): Uint8Array {
  return cat([hex("03 55 D2 17 3B"), utf8("application/vnd.wfa.wsc"),
    hex("100E0037 1026000101 1045000B"), utf8("Xiaomi_F53C"), hex("100300020020 100F00020008 10270009"),
    utf8("123123123"), hex("10200006FFFFFFFFFFFF FE")]);
}
// BLE vector 1: the whole record.
function ble1(): Uint8Array {
  return cat([hex("D2 20 0D"), utf8("application/vnd.bluetooth.le.oob"), hex("08 1B 06 05 04 03 02 01 00 03 FF 61 62")]);
}

describe("WSC vector 1", () => {
  it("decodes to its fields", () => {
    const d = decodeWsc(hex(WSC_1));
    expect(d.error).toBe(OK);
    const c = d.credential!;
    expect(text(c.ssid)).toBe("abcdefghij");
    expect(text(c.networkKey)).toBe("1234567890");
    expect(c.authType).toBe(AuthType.OPEN);
    expect(c.encryptionType).toBe(EncryptionType.NONE);
    expect(same(c.macAddress, hex("010203040506"))).toBe(true);
    expect(c.networkIndex).toBe(1);
    expect(c.version2).toBe(WSC_VERSION_2_0);
  });

  it("its fields encode to exactly its 69 bytes (attributes sorted by id)", () => {
    const c = new WifiCredential();
    c.ssid = utf8("abcdefghij"); c.networkKey = utf8("1234567890");
    c.macAddress = hex("010203040506"); c.version2 = WSC_VERSION_2_0;
    const w = new ByteWriter(new Uint8Array(128));
    expect(encodeWsc(c, w, WscLayout.SORTED)).toBe(OK);
    expect(w.pos).toBe(69);
    expect(same(w.view(0), hex(WSC_1))).toBe(true);
  });
});

describe("WSC vector 2 (a router's tag)", () => {
  it("the NDEF message inside the tag TLV decodes to its fields", () => {
    const r = new TlvReader(tag2());
    expect(r.next()).toBe(OK);
    expect(r.tag).toBe(TLV_NDEF_MESSAGE);
    const h = decodeHandover(r.value);
    expect(h.error).toBe(OK);
    expect(h.select).toBe(false);
    const c = h.wifi!;
    expect(text(c.ssid)).toBe("Xiaomi_F53C");
    expect(text(c.networkKey)).toBe("123123123");
    expect(c.authType).toBe(AuthType.WPA2_PSK);
    expect(c.encryptionType).toBe(EncryptionType.AES);
    expect(same(c.macAddress, hex("FFFFFFFFFFFF"))).toBe(true);
    expect(c.version2).toBe(0);
  });

  it("its fields encode to exactly the tag's NDEF message (bare record, spec order)", () => {
    const c = new WifiCredential();
    c.ssid = utf8("Xiaomi_F53C"); c.networkKey = utf8("123123123");
    c.authType = AuthType.WPA2_PSK; c.encryptionType = EncryptionType.AES;
    const h = new Handover();
    h.select = false;
    h.wifi = c;
    const e = encodeHandover(h);
    expect(e.error).toBe(OK);
    const t = tag2();
    expect(same(e.bytes!, t.subarray(2, 2 + 0x55))).toBe(true);
  });
});

describe("BLE vector 1", () => {
  it("decodes to its fields", () => {
    const h = decodeHandover(ble1());
    expect(h.error).toBe(OK);
    const o = h.ble!;
    expect(same(o.address, hex("010203040506"))).toBe(true);
    expect(o.addressType).toBe(0);
    expect(o.role).toBe(LeRole.NONE);
    expect(text(o.manufacturerData)).toBe("ab");
  });

  it("its fields encode to exactly the record", () => {
    const o = new BleOob();
    o.address = hex("010203040506");
    o.manufacturerData = utf8("ab");
    const h = new Handover();
    h.select = false;
    h.ble = o;
    const e = encodeHandover(h);
    expect(e.error).toBe(OK);
    expect(same(e.bytes!, ble1())).toBe(true);
  });
});

function printerGroup(): WifiDirectGroup {
  const g = new WifiDirectGroup();
  g.deviceAddress = hex("02AABBCCDDEE");
  g.ssid = utf8("DIRECT-q7-Printer");
  g.passphrase = utf8("k3v9-xw2p-77aa");
  g.groupCapability = GroupCapability.GROUP_OWNER;
  g.country = hex("585804"); g.operatingClass = 81; g.channel = 6;
  return g;
}

describe("the printer's answer", () => {
  it("offers Wi-Fi Direct and BLE through Hs/ac, with a URI and the app record", () => {
    const h = new Handover();
    h.wifiDirect = printerGroup();
    const o = new BleOob(); o.address = hex("C0FFEE000001"); o.addressType = 1; o.role = LeRole.PERIPHERAL;
    h.ble = o;
    h.uri = utf8("https://printer.example/setup");
    h.androidPackage = utf8("com.example.printer.manage");
    const e = encodeHandover(h);
    expect(e.error).toBe(OK);

    const m = decodeNdef(e.bytes!);                         // the envelope as any reader sees it
    expect(m.records.length).toBe(5);
    expect(text(m.records[0].type)).toBe("Hs");
    expect(text(m.records[1].type)).toBe("application/vnd.wfa.p2p");
    expect(m.records[3].payload[0]).toBe(0x04);             // "https://"
    expect(m.records[4].tnf).toBe(Tnf.EXTERNAL);

    const d = decodeHandover(e.bytes!);
    expect(d.error).toBe(OK);
    expect(d.version).toBe(0x12);
    const g = d.wifiDirect!;
    expect(text(g.ssid)).toBe("DIRECT-q7-Printer");
    expect(text(g.passphrase)).toBe("k3v9-xw2p-77aa");
    expect(same(g.deviceAddress, hex("02AABBCCDDEE"))).toBe(true);
    expect(g.channel).toBe(6);
    expect(g.groupCapability).toBe(GroupCapability.GROUP_OWNER);
    expect(d.ble!.role).toBe(LeRole.PERIPHERAL);
    expect(d.ble!.addressType).toBe(1);
    expect(text(d.uri!)).toBe("https://printer.example/setup");
    expect(text(d.androidPackage!)).toBe("com.example.printer.manage");
    expect(d.wifi == null).toBe(true);
  });

  it("the Wi-Fi Direct payload round-trips on its own", () => {
    const w = new ByteWriter(new Uint8Array(200));
    expect(encodeWifiDirect(printerGroup(), w)).toBe(OK);
    const d = decodeWifiDirect(w.view(0));
    expect(d.error).toBe(OK);
    expect(text(d.group!.country)).toBe("XX\x04");
  });

  it("expands every URI prefix it chose", () => {
    const h = new Handover();
    h.uri = utf8("tel:+15550100");
    const m = decodeNdef(encodeHandover(h).bytes!);
    expect(m.records[0].payload[0]).toBe(0x05);
    expect(text(decodeUri(m.records[0].payload).uri!)).toBe("tel:+15550100");
    expect(decodeHandover(encodeHandover(h).bytes!).select).toBe(false);
  });

  it("carries an image's own records through, in order", () => {
    const h = new Handover();
    h.uri = utf8("https://printer.example/r");
    h.others.push(new NdefRecord(Tnf.EXTERNAL, utf8("printer.example:pwt"), new Uint8Array(0), utf8("T0K3N")));
    h.androidPackage = utf8("com.example.print");
    const d = decodeHandover(encodeHandover(h).bytes!);
    expect(d.error).toBe(OK);
    expect(d.others.length).toBe(1);
    expect(text(d.others[0].type)).toBe("printer.example:pwt");
    expect(text(d.others[0].payload)).toBe("T0K3N");
    expect(text(d.androidPackage!)).toBe("com.example.print");
  });
});
