// The phone's handover codec (host-sim/phone/handover.ts) against the reference's vectors
// (shared/reference/handover-formats.md), the malformed cases the firmware refuses (with
// the same result codes), and the firmware itself: the two messages of
// firmware/modules/handover/__tests__/cross-check.spec.ts, read from that file, which the
// firmware's unit test holds its encoder and decoder to; and the firmware's codec compiled
// here (with the images' compiler options) answering thousands of damaged messages exactly
// as the phone's does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { E_MALFORMED, E_NOSPACE, E_RANGE, E_UNSUPPORTED } from "../host-sim/board/errors.ts";
import {
  AuthType, EncryptionType, LeRole, Tnf, decodeBleOob, decodeHandover, decodeUri, decodeWifiDirect, decodeWsc,
  encodeHandover, encodeWsc, type Decoded, type HandoverMessage, type NdefRecord, type WifiDirectGroup,
} from "../host-sim/phone/handover.ts";
import { encodeNdef } from "../host-sim/phone/ndef.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const cat = (...p: Uint8Array[]) => Uint8Array.from(p.flatMap((x) => [...x]));
const u16 = (v: number) => Uint8Array.of(v >> 8, v & 0xff);
const attr = (type: number, v: Uint8Array) => cat(u16(type), u16(v.length), v);
const credential = (...p: Uint8Array[]) => attr(0x100e, cat(...p));
const ssid = (s: string) => attr(0x1045, utf8(s));
const auth = (v: number) => attr(0x1003, u16(v));
const enc = (v: number) => attr(0x100f, u16(v));
const key = (k: Uint8Array) => attr(0x1027, k);
const value = <T>(d: Decoded<T>): T => { assert.ok(d.ok, `refused: ${!d.ok && d.error}`); return d.value; };
const error = <T>(d: Decoded<T>) => (d.ok ? 0 : d.error);
const record = (tnf: number, type: string, id: string, payload: Uint8Array): NdefRecord => ({ tnf, type: utf8(type), id: utf8(id), payload });

const WSC_1 = hex("100E0037 100300020001 100F00020001 10200006010203040506 1026000101 1027000A31323334353637383930 1045000A6162636465666768696A 1049000600372A000120");
const TAG_2 = cat(hex("03 55 D2 17 3B"), utf8("application/vnd.wfa.wsc"), hex("100E0037 1026000101 1045000B"), utf8("Xiaomi_F53C"),
  hex("100300020020 100F00020008 10270009"), utf8("123123123"), hex("10200006FFFFFFFFFFFF FE"));
const BLE_1 = cat(hex("D2 20 0D"), utf8("application/vnd.bluetooth.le.oob"), hex("08 1B 06 05 04 03 02 01 00 03 FF 61 62"));
const ADDRESS = "08 1B 06 05 04 03 02 01 00";

test("WSC vector 1 decodes to its fields and its fields encode to its 69 bytes", () => {
  const c = value(decodeWsc(WSC_1));
  assert.equal(text(c.ssid), "abcdefghij");
  assert.equal(text(c.networkKey), "1234567890");
  assert.equal(c.authType, AuthType.OPEN);
  assert.equal(c.encryptionType, EncryptionType.NONE);
  assert.deepEqual(c.macAddress, hex("010203040506"));
  assert.equal(c.networkIndex, 1);
  assert.equal(c.version2, 0x20);
  const again = value(encodeWsc({ networkIndex: 1, ssid: utf8("abcdefghij"), authType: 1, encryptionType: 1,
    networkKey: utf8("1234567890"), macAddress: hex("010203040506"), version2: 0x20 }, "sorted"));
  assert.equal(again.length, 69);
  assert.deepEqual(again, WSC_1);
});

test("WSC vector 2: the NDEF message inside the tag's TLV, both ways", () => {
  assert.equal(TAG_2[0], 0x03);
  const msg = TAG_2.subarray(2, 2 + TAG_2[1]);
  assert.equal(TAG_2[2 + TAG_2[1]], 0xfe);                  // the terminator follows it
  const h = value(decodeHandover(msg));
  assert.equal(h.select, false);
  const c = h.wifi!;
  assert.equal(text(c.ssid), "Xiaomi_F53C");
  assert.equal(text(c.networkKey), "123123123");
  assert.equal(c.authType, AuthType.WPA2_PSK);
  assert.equal(c.encryptionType, EncryptionType.AES);
  assert.deepEqual(c.macAddress, hex("FFFFFFFFFFFF"));
  assert.deepEqual(value(encodeHandover({ select: false, others: [], wifi: c })), msg);
});

test("BLE vector 1 decodes to its fields and its fields encode to the record", () => {
  const o = value(decodeHandover(BLE_1)).ble!;
  assert.deepEqual(o.address, hex("010203040506"));
  assert.equal(o.addressType, 0);
  assert.equal(o.role, undefined);
  assert.equal(text(o.manufacturerData), "ab");
  assert.deepEqual(value(encodeHandover({ select: false, others: [], ble: o })), BLE_1);
});

// ---- the firmware's bytes
const spec = readFileSync(fileURLToPath(new URL("../firmware/modules/handover/__tests__/cross-check.spec.ts", import.meta.url)), "utf8");
const pinned = (name: string) => {
  const m = new RegExp(`const ${name} = "([0-9A-F]+)"`).exec(spec);
  assert.ok(m, `${name} in cross-check.spec.ts`);
  return hex(m[1]);
};
const group = (): WifiDirectGroup => ({ deviceAddress: hex("02AABBCCDDEE"), ssid: utf8("DIRECT-q7-Printer"), passphrase: utf8("k3v9-xw2p-77aa"),
  deviceCapability: 0, groupCapability: 1, country: hex("585804"), operatingClass: 81, channel: 6 });
const answer = (): HandoverMessage => ({ select: true, others: [], wifiDirect: group(),
  ble: { address: hex("C0FFEE000001"), addressType: 1, role: LeRole.PERIPHERAL, manufacturerData: hex("FFFF0102") },
  uri: "https://printer.example/setup", androidPackage: "com.example.printer.manage" });

test("cross-check: the phone reads the printer's answer as the firmware writes it", () => {
  const bytes = pinned("PRINTER_ANSWER");
  const h = value(decodeHandover(bytes));
  assert.equal(h.select, true);
  assert.equal(h.version, 0x12);
  assert.deepEqual(h.wifiDirect, group());
  assert.deepEqual(h.ble, answer().ble);
  assert.equal(h.uri, "https://printer.example/setup");
  assert.equal(h.androidPackage, "com.example.printer.manage");
  assert.equal(h.wifi, undefined);
  assert.deepEqual(value(encodeHandover(answer())), bytes);
});

test("cross-check: the phone writes the router credential as the firmware reads it", () => {
  const bytes = value(encodeHandover({ select: false, others: [], wifi: { networkIndex: 1, ssid: utf8("HomeNet-5G"),
    authType: AuthType.WPA2_PSK, encryptionType: EncryptionType.AES, networkKey: utf8("correct horse battery"),
    macAddress: hex("FFFFFFFFFFFF"), version2: 0x20 } }));
  assert.deepEqual(bytes, pinned("PHONE_ROUTER"));
});

// ---- refused
test("WSC: overlong, empty and oversize fields; truncations; overruns; unknown attributes skipped", () => {
  assert.equal(error(decodeWsc(credential(ssid("x".repeat(33)), auth(1), enc(1)))), E_RANGE);
  assert.equal(error(decodeWsc(credential(attr(0x1045, new Uint8Array(0)), auth(1), enc(1)))), E_RANGE);
  assert.equal(error(decodeWsc(credential(ssid("n"), auth(0x20), enc(8), key(new Uint8Array(65))))), E_RANGE);
  for (let n = 0; n < WSC_1.length; n++) assert.equal(error(decodeWsc(WSC_1.subarray(0, n))), n === 59 ? 0 : E_MALFORMED, `cut at ${n}`);
  const inner = WSC_1.slice(); inner[48] = 0x0b;             // SSID past the credential
  assert.equal(error(decodeWsc(inner)), E_MALFORMED);
  const outer = WSC_1.slice(); outer[3] = 0x42;              // credential past the payload
  assert.equal(error(decodeWsc(outer)), E_MALFORMED);
  assert.equal(error(decodeWsc(credential(ssid("n"), auth(1), enc(1), attr(0x1020, hex("0102030405"))))), E_MALFORMED);
  assert.equal(error(decodeWsc(credential(ssid("n"), ssid("m"), auth(1), enc(1)))), E_MALFORMED);
  assert.equal(error(decodeWsc(credential(auth(1), enc(1)))), E_MALFORMED);
  assert.equal(error(decodeWsc(credential(ssid("n"), auth(0x40), enc(1)))), E_UNSUPPORTED);
  assert.equal(error(decodeWsc(cat(credential(ssid("n"), auth(1), enc(1)), attr(0x1049, hex("00372A 0005 20"))))), E_MALFORMED);
  const skipped = value(decodeWsc(cat(attr(0x104a, hex("10")), credential(attr(0x1099, hex("AABBCC")), ssid("home"), auth(0x20), enc(8), key(utf8("passphrase"))))));
  assert.equal(text(skipped.ssid), "home");
  assert.equal(error(encodeHandover({ select: false, others: [], wifi: { ...skipped, ssid: new Uint8Array(33) } })), E_RANGE);
  assert.equal(error(encodeHandover({ select: false, others: [], wifi: { ...skipped, networkKey: new Uint8Array(65) } })), E_RANGE);
});

test("BLE: an AD length past the payload, a payload length past the record, bad values", () => {
  assert.equal(error(decodeBleOob(hex("0D 1B 06 05 04 03 02 01 00 03 FF 61"))), E_MALFORMED);
  assert.equal(error(decodeHandover(cat(hex("D2 20 0E"), utf8("application/vnd.bluetooth.le.oob"), hex(ADDRESS + " 03 FF 61 62")))), E_MALFORMED);
  assert.equal(error(decodeBleOob(hex(ADDRESS + " 00"))), E_MALFORMED);
  assert.equal(error(decodeBleOob(hex("08 1B 06 05 04 03 02 01 02"))), E_RANGE);
  assert.equal(error(decodeBleOob(hex(ADDRESS + " 02 1C 04"))), E_RANGE);
  assert.equal(error(decodeBleOob(hex("02 1C 00"))), E_MALFORMED);
  assert.equal(value(decodeBleOob(cat(hex(ADDRESS + " 11 22"), new Uint8Array(16), hex("02 1C 02")))).role, LeRole.PERIPHERAL_PREFERRED);
});

test("Wi-Fi Direct: not a Direct group, not the credential's, wrong security, overruns", () => {
  const p2p = (wsc: Uint8Array, attrs: Uint8Array) => cat(u16(wsc.length), wsc, u16(attrs.length), attrs);
  const cred = (name: string, pass: string, a = 0x20, e = 8) => credential(ssid(name), auth(a), enc(e), key(utf8(pass)));
  const gid = (name: string) => { const v = cat(hex("02AABBCCDDEE"), utf8(name)); return cat(Uint8Array.of(15, v.length, 0), v); };
  assert.equal(error(decodeWifiDirect(p2p(cred("DIRECT-q7-P", "k3v9-xw2p"), gid("DIRECT-q7-P")))), 0);
  assert.equal(error(decodeWifiDirect(p2p(cred("HomeNet", "k3v9-xw2p"), gid("HomeNet")))), E_MALFORMED);
  assert.equal(error(decodeWifiDirect(p2p(cred("DIRECT-q7-P", "k3v9-xw2p"), gid("DIRECT-zz-Q")))), E_MALFORMED);
  assert.equal(error(decodeWifiDirect(p2p(cred("DIRECT-q7-P", "k3v9-xw2p", 0x22, 0x0c), gid("DIRECT-q7-P")))), E_UNSUPPORTED);
  assert.equal(error(decodeWifiDirect(p2p(cred("DIRECT-q7-P", "short"), gid("DIRECT-q7-P")))), E_RANGE);
  assert.equal(error(decodeWifiDirect(cat(p2p(cred("DIRECT-q7-P", "k3v9-xw2p"), gid("DIRECT-q7-P")), hex("00")))), E_MALFORMED);
  assert.equal(error(decodeWifiDirect(p2p(cred("DIRECT-q7-P", "k3v9-xw2p"), cat(gid("DIRECT-q7-P"), hex("0B 0900 01"))))), E_MALFORMED);
  const good = p2p(cred("DIRECT-q7-P", "k3v9-xw2p"), gid("DIRECT-q7-P"));
  for (let n = 0; n < good.length; n++) assert.notEqual(error(decodeWifiDirect(good.subarray(0, n))), 0);
  assert.equal(error(encodeHandover({ select: true, others: [], wifiDirect: { ...group(), ssid: utf8("Printer") } })), E_MALFORMED);
});

test("the message: chunks, dangling ac, requests, repeats, URI and app records", () => {
  const ble = (id: string) => record(Tnf.MEDIA, "application/vnd.bluetooth.le.oob", id, hex(ADDRESS));
  const ac = (id: string) => record(Tnf.WELL_KNOWN, "ac", "", cat(hex("01"), Uint8Array.of(id.length), utf8(id), hex("00")));
  const hs = (...acs: NdefRecord[]) => record(Tnf.WELL_KNOWN, "Hs", "", cat(hex("12"), encodeNdef(acs)));
  const chunked = BLE_1.slice(); chunked[0] |= 0x20;
  assert.equal(error(decodeHandover(chunked)), E_UNSUPPORTED);
  assert.equal(error(decodeHandover(encodeNdef([hs(ac("b")), ble("x")]))), E_MALFORMED);
  assert.equal(error(decodeHandover(encodeNdef([hs(record(Tnf.WELL_KNOWN, "ac", "", hex("01 05 62"))), ble("b")]))), E_MALFORMED);
  assert.equal(error(decodeHandover(encodeNdef([record(Tnf.WELL_KNOWN, "Hr", "", hex("12")), ble("b")]))), E_UNSUPPORTED);
  assert.equal(error(decodeHandover(encodeNdef([record(Tnf.WELL_KNOWN, "Hs", "", hex("22")), ble("b")]))), E_UNSUPPORTED);
  assert.equal(error(decodeHandover(encodeNdef([ble(""), ble("")]))), E_MALFORMED);
  const onlyBle = value(decodeHandover(encodeNdef([hs(ac("b")), record(Tnf.MEDIA, "application/vnd.wfa.wsc", "w", credential(ssid("n"), auth(1), enc(1))), ble("b")])));
  assert.equal(onlyBle.wifi, undefined);
  assert.ok(onlyBle.ble);
  assert.equal(error(decodeUri(hex("24 61"))), E_UNSUPPORTED);
  assert.equal(error(decodeUri(new Uint8Array(0))), E_MALFORMED);
  assert.equal(error(decodeUri(cat(hex("04"), utf8("printér")))), E_MALFORMED);
  assert.equal(error(encodeHandover({ select: true, others: [], uri: "https://a b" })), E_MALFORMED);
  assert.equal(error(decodeHandover(encodeNdef([record(Tnf.EXTERNAL, "android.com:pkg", "", utf8("a b"))]))), E_MALFORMED);
  assert.equal(error(encodeHandover({ select: true, others: [], androidPackage: "com..x" })), E_MALFORMED);
  const many = Array.from({ length: 9 }, () => record(Tnf.EXTERNAL, "printer.example:x", "", new Uint8Array(0)));
  assert.equal(error(encodeHandover({ select: true, others: many })), E_NOSPACE);
});

test("the printer's answer: every truncation refused, every flipped byte answered without a throw", () => {
  const a = pinned("PRINTER_ANSWER");
  for (let n = 0; n < a.length; n++) assert.notEqual(error(decodeHandover(a.subarray(0, n))), 0, `cut at ${n}`);
  let refused = 0;
  for (let i = 0; i < a.length; i++) {
    for (const v of [0x00, 0xff, a[i] ^ 0x01, (a[i] + 0x10) & 0xff]) {
      const b = a.slice(); b[i] = v;
      if (!decodeHandover(b).ok) refused++;
    }
  }
  assert.ok(refused > a.length);
});

// ---- the firmware and the phone on the same damaged messages
const root = fileURLToPath(new URL("..", import.meta.url));

/** The firmware's codec alone (firmware/modules/handover/__tests__/agreement-entry.ts),
 *  compiled with the images' options; roundTrip decodes and re-encodes what it accepted. */
async function firmwareCodec(): Promise<(b: Uint8Array) => number | Uint8Array> {
  const asc = (await import("assemblyscript/asc")).default;
  let wasm: Uint8Array | undefined;
  const out: string[] = [];
  const sink = { write: (s: string) => { out.push(String(s)); return true; } };
  const { error } = await asc.main(["firmware/modules/handover/__tests__/agreement-entry.ts", "--config", resolve(root, "asconfig.json"),
    "--target", "smart-plug", "--outFile", "agreement.wasm", "--textFile", "agreement.wat"], {
    readFile: (name: string, dir: string) => { try { return readFileSync(resolve(root, dir, name), "utf8"); } catch { return null; } },
    writeFile: (name: string, contents: Uint8Array) => { if (name.endsWith(".wasm")) wasm = contents; },
    listFiles: () => [], stdout: sink, stderr: sink,
  });
  assert.ifError(error ? new Error(`${error.message}\n${out.join("")}`) : null);
  const board = { panic: () => { throw new Error("firmware panic"); } };
  const x = new WebAssembly.Instance(new WebAssembly.Module(wasm!), { board }).exports as {
    memory: WebAssembly.Memory; ioBuffer(): number; ioSize(): number; roundTrip(n: number): number; __collect(): void };
  return (b) => {
    assert.ok(b.length <= x.ioSize());
    new Uint8Array(x.memory.buffer, x.ioBuffer(), b.length).set(b);
    const n = x.roundTrip(b.length);
    const r = n < 0 ? n : new Uint8Array(x.memory.buffer, x.ioBuffer(), n).slice();
    x.__collect();                                         // as an image's settle() would
    return r;
  };
}

function phoneRoundTrip(b: Uint8Array): number | Uint8Array {
  const d = decodeHandover(b);
  if (!d.ok) return d.error;
  const e = encodeHandover(d.value);
  return e.ok ? e.value : e.error;
}

/** Every cut, every byte replaced by five values, and random multi-byte damage. */
function* damaged(seed: Uint8Array, rnd: ReturnType<typeof seededRandom>, random: number): Generator<Uint8Array> {
  yield seed;
  for (let n = 0; n < seed.length; n++) yield seed.subarray(0, n);
  for (let i = 0; i < seed.length; i++) {
    for (const v of [0x00, 0xff, seed[i] ^ 0x01, seed[i] ^ 0x80, (seed[i] + 0x10) & 0xff]) {
      const b = seed.slice(); b[i] = v; yield b;
    }
  }
  for (let k = 0; k < random; k++) {
    const b = seed.slice();
    const r = rnd.bytes(8);
    for (let j = 0; j < 1 + (r[0] & 3); j++) b[(r[1 + 2 * j] << 8 | r[2 + 2 * j]) % b.length] = r[7 - j];
    yield b;
  }
}

test("the firmware and the phone answer every damaged message alike", async () => {
  const firmware = await firmwareCodec();
  const ble = (id: string) => record(Tnf.MEDIA, "application/vnd.bluetooth.le.oob", id, hex(ADDRESS + " 02 1C 00"));
  const wsc = (id: string) => record(Tnf.MEDIA, "application/vnd.wfa.wsc", id, cat(attr(0x104a, hex("10")), credential(ssid("home"), auth(0x22), enc(0x0c), key(utf8("passphrase")))));
  const ac = (id: string) => record(Tnf.WELL_KNOWN, "ac", "", cat(hex("01"), Uint8Array.of(id.length), utf8(id), hex("00")));
  const seeds = [
    pinned("PRINTER_ANSWER"), pinned("PHONE_ROUTER"), TAG_2.subarray(2, 2 + TAG_2[1]), BLE_1,
    encodeNdef([record(Tnf.WELL_KNOWN, "Hs", "", cat(hex("12"), encodeNdef([ac("w"), ac("b")]))), wsc("w"), ble("b"),
      record(Tnf.WELL_KNOWN, "U", "", cat(hex("03"), utf8("printer.example/ink"))), record(Tnf.EXTERNAL, "printer.example:svwt", "", hex("0102"))]),
  ];
  const rnd = seededRandom("handover agreement");
  let inputs = 0, accepted = 0;
  for (const seed of seeds) {
    for (const b of damaged(seed, rnd, 400)) {
      inputs++;
      const fw = firmware(b), phone = phoneRoundTrip(b);
      if (typeof fw !== "number") accepted++;
      assert.deepEqual(phone, fw, `input ${Buffer.from(b).toString("hex")}`);
    }
  }
  assert.ok(accepted > seeds.length && accepted < inputs, `${accepted} of ${inputs} accepted`);
});
