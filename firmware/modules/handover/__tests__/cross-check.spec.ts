// Both sides of the handover against the same bytes. These two messages are what the
// phone side (host-sim/phone/handover.ts) encodes from the fields below; the firmware must
// encode the same fields to the same bytes and decode them to the same fields.
// test/handover-codec.test.ts reads both constants from this file, so the two sides are
// held to one copy of the bytes.
import { OK } from "../../../core/errors";
import { utf8, text } from "../../../board/index";
import { Handover, WifiCredential, WifiDirectGroup, BleOob, AuthType, EncryptionType, LeRole, GroupCapability, decodeHandover, encodeHandover } from "..";
import { hex, same } from "./bytes";

/** The printer's tap answer: Hs/ac offering Wi-Fi Direct and BLE, a URI, the app record. */
const PRINTER_ANSWER = "9102134873129102046163010170005102046163010162001A1771016170706C69636174696F6E2F766E642E7766612E703270700046100E00421026000101104500114449524543542D71372D5072696E746572100300020020100F000200081027000E6B3376392D787732702D373761611020000602AABBCCDDEE002702020000010F170002AABBCCDDEE4449524543542D71372D5072696E74657211050058580451061A2012016170706C69636174696F6E2F766E642E626C7565746F6F74682E6C652E6F6F6262081B010000EEFFC001021C0005FFFFFF010211011655047072696E7465722E6578616D706C652F7365747570540F1A616E64726F69642E636F6D3A706B67636F6D2E6578616D706C652E7072696E7465722E6D616E616765";
/** What a phone hands the printer: its home router's credential, as a bare WSC record. */
const PHONE_ROUTER = "D217506170706C69636174696F6E2F766E642E7766612E777363100E004210260001011045000A486F6D654E65742D3547100300020020100F0002000810270015636F727265637420686F727365206261747465727910200006FFFFFFFFFFFF1049000600372A000120";

function printerAnswer(): Handover {
  const g = new WifiDirectGroup();
  g.deviceAddress = hex("02AABBCCDDEE");
  g.ssid = utf8("DIRECT-q7-Printer");
  g.passphrase = utf8("k3v9-xw2p-77aa");
  g.groupCapability = GroupCapability.GROUP_OWNER;
  g.country = hex("585804"); g.operatingClass = 81; g.channel = 6;
  const o = new BleOob();
  o.address = hex("C0FFEE000001"); o.addressType = 1; o.role = LeRole.PERIPHERAL; o.manufacturerData = hex("FFFF0102");
  const h = new Handover();
  h.wifiDirect = g;
  h.ble = o;
  h.uri = utf8("https://printer.example/setup");
  h.androidPackage = utf8("com.example.printer.manage");
  return h;
}

describe("cross-check with the phone side", () => {
  it("the printer's answer: the firmware writes the phone side's bytes", () => {
    const e = encodeHandover(printerAnswer());
    expect(e.error).toBe(OK);
    expect(same(e.bytes!, hex(PRINTER_ANSWER))).toBe(true);
  });

  it("the phone's router credential: the firmware reads it", () => {
    const h = decodeHandover(hex(PHONE_ROUTER));
    expect(h.error).toBe(OK);
    const c = h.wifi!;
    expect(text(c.ssid)).toBe("HomeNet-5G");
    expect(text(c.networkKey)).toBe("correct horse battery");
    expect(c.authType).toBe(AuthType.WPA2_PSK);
    expect(c.encryptionType).toBe(EncryptionType.AES);
    expect(same(c.macAddress, hex("FFFFFFFFFFFF"))).toBe(true);
    expect(c.version2).toBe(0x20);
    // and writes it back the same way
    const back = new Handover();
    back.select = false;
    back.wifi = c;
    expect(same(encodeHandover(back).bytes!, hex(PHONE_ROUTER))).toBe(true);
  });
});
