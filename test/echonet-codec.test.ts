// The HEMS side's ECHONET Lite codec (host-sim/echonet/) against the vectors of
// shared/reference/echonet-lite.md both ways, the meter's values and property maps, the
// malformed datagrams the firmware refuses (with the same codes), and the firmware itself:
// its frame codec compiled here with the images' options (firmware/modules/echonet-lite/
// __tests__/agreement-entry.ts) answering thousands of damaged datagrams exactly as the
// HEMS side does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { E_MALFORMED, E_RANGE, E_UNSUPPORTED } from "../host-sim/board/errors.ts";
import {
  Eoj, Esv, MAX_FRAME, MAX_PROPERTIES, decodeFixedTime, decodeEnergy, decodeFrame, decodeHistory, decodeInstanceList,
  decodePower, decodePropertyMap, decodeUnit, encodeFrame, encodeHistoryDay, encodePropertyMap, getRequest, isSna, kWh,
  type Decoded, type Frame,
} from "../host-sim/echonet/index.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
const cat = (...p: Uint8Array[]) => Uint8Array.from(p.flatMap((x) => [...x]));
const value = <T>(d: Decoded<T>): T => { assert.ok(d.ok, `refused: ${!d.ok && d.error}`); return d.value; };
const error = <T>(d: Decoded<T>) => (d.ok ? 0 : d.error);
const none = new Uint8Array(0);

const GET_E7 = hex("1081 0001 05FF01 028801 62 01 E700");
const GET_RES_E7_500 = hex("1081 0001 028801 05FF01 72 01 E704000001F4");
const GET_SNA_E7 = hex("1081 1234 028801 05FF01 52 01 E700");
const STARTUP_INF = hex("1081 0001 0EF001 0EF001 73 01 D50401028801");
const EA_TAIL = hex("72 01 EA0B07E8010F0A1E0000001234");
const GET_RES_EA = cat(hex("1081 0001 028801 05FF01"), EA_TAIL);

test("Get E7: the controller's request is the vector's 14 bytes, and reads back", () => {
  assert.deepEqual(value(getRequest(1, Eoj.SMART_METER, [0xe7])), GET_E7);
  assert.deepEqual(value(decodeFrame(GET_E7)), { tid: 1, seoj: Eoj.CONTROLLER, deoj: Eoj.SMART_METER, esv: Esv.GET, properties: [{ epc: 0xe7, edt: none }] });
});

test("Get_Res E7 = 500 W and Get_SNA for E7 not held, both ways", () => {
  const res = value(decodeFrame(GET_RES_E7_500));
  assert.equal(res.esv, Esv.GET_RES);
  assert.equal(decodePower(res.properties[0].edt), 500);
  assert.deepEqual(value(encodeFrame({ tid: 1, seoj: Eoj.SMART_METER, deoj: Eoj.CONTROLLER, esv: Esv.GET_RES,
    properties: [{ epc: 0xe7, edt: hex("000001F4") }] })), GET_RES_E7_500);
  const sna = value(decodeFrame(GET_SNA_E7));
  assert.equal(sna.tid, 0x1234);
  assert.ok(isSna(sna.esv));
  assert.deepEqual(sna.properties, [{ epc: 0xe7, edt: none }]);
  assert.deepEqual(value(encodeFrame(sna)), GET_SNA_E7);
});

test("the start-up INF lists the meter 0x028801, both ways", () => {
  const inf = value(decodeFrame(STARTUP_INF));
  assert.equal(inf.esv, Esv.INF);
  assert.equal(inf.seoj, Eoj.NODE_PROFILE);
  assert.equal(inf.properties[0].epc, 0xd5);
  assert.deepEqual(decodeInstanceList(inf.properties[0].edt), [Eoj.SMART_METER]);
  assert.deepEqual(value(encodeFrame(inf)), STARTUP_INF);
});

test("EA 2024-01-15 10:30:00 with raw 4660, both ways; E0 4660 with E1 0.1 is 466.0 kWh", () => {
  const f = value(decodeFrame(GET_RES_EA));
  assert.deepEqual(decodeFixedTime(f.properties[0].edt), { year: 2024, month: 1, day: 15, hour: 10, minute: 30, second: 0, energy: 4660 });
  assert.deepEqual(value(encodeFrame(f)).subarray(10), EA_TAIL);
  for (const bad of ["07E8010F0A0F0000001234", "07E8010F0A1E0100001234", "07E7021D000000 00000001", "07E8010F0A1E0005F5E100", "07E8010F0A1E00000012"]) {
    assert.equal(decodeFixedTime(hex(bad)), undefined, bad);
  }
  assert.equal(kWh(decodeEnergy(hex("00001234"))!, decodeUnit(hex("01"))!), 466);
  assert.equal(decodeEnergy(hex("FFFFFFFE")), null);
  assert.equal(decodeEnergy(hex("05F5E100")), undefined);
  assert.equal(decodePower(hex("7FFFFFFE")), null);
  assert.equal(decodePower(hex("FFFFFA24")), -1500);
  assert.equal(decodeUnit(hex("05")), undefined);
  assert.deepEqual([0, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d].map((c) => decodeUnit(Uint8Array.of(c))), [1, 0.1, 0.01, 0.001, 0.0001, 10, 100, 1000, 10000]);
  assert.deepEqual(encodeHistoryDay(0xff), hex("FF"));
  assert.equal(encodeHistoryDay(100), undefined);
});

test("E2: 194 bytes, day then 48 slots, FFFFFFFE missing", () => {
  const edt = new Uint8Array(194);
  edt[1] = 1;
  for (let k = 0; k < 48; k++) new DataView(edt.buffer).setUint32(2 + 4 * k, k === 47 ? 0xfffffffe : k * 10);
  const h = decodeHistory(edt)!;
  assert.equal(h.day, 1);
  assert.equal(h.slots[3], 30);
  assert.equal(h.slots[47], null);
  assert.equal(decodeHistory(edt.subarray(0, 193)), undefined);
});

test("property maps: the list under 16, the bitmap from 16, and the meter's Get map as the firmware writes it", () => {
  const meterGet = [0x80, 0x81, 0x82, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe5, 0xe7, 0xea];
  const pinned = hex("10 41414120 00400060 01004100 00020202");
  assert.deepEqual(encodePropertyMap(meterGet), pinned);
  assert.deepEqual(decodePropertyMap(pinned)!.sort((a, b) => a - b), meterGet);
  assert.deepEqual(encodePropertyMap([0x80, 0xd5]), hex("0280D5"));
  assert.deepEqual(decodePropertyMap(hex("0280D5")), [0x80, 0xd5]);
  assert.equal(decodePropertyMap(hex("0380D5")), undefined);
  assert.equal(decodePropertyMap(hex("11 41414120 00400060 01004100 00020202")), undefined);   // count disagrees with the bits
  const corners = [0xf0, 0x80, 0xff, 0x9d];
  const many = [...corners, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0, 0x81, 0x91, 0xa1, 0xb1, 0xc1, 0xe7];
  assert.deepEqual(encodePropertyMap(many), hex("10 FF1F0000 00000040 00000000 00020080"));
  // the firmware's spec pins the same bytes
  const spec = readFileSync(fileURLToPath(new URL("../firmware/modules/echonet-lite/__tests__/properties.spec.ts", import.meta.url)), "utf8");
  assert.ok(spec.includes(`"9F11 10 41414120 00400060 01004100 00020202"`));
});

test("refused: truncations, PDC past the end, padding, wrong EHD, OPC 0 or too many, SetGet, oversize", () => {
  for (const v of [GET_E7, GET_RES_E7_500, GET_SNA_E7, STARTUP_INF, GET_RES_EA]) {
    for (let n = 0; n < v.length; n++) assert.equal(error(decodeFrame(v.subarray(0, n))), E_MALFORMED, `cut at ${n}`);
  }
  assert.equal(error(decodeFrame(hex("1081 0001 028801 05FF01 72 01 E705000001F4"))), E_MALFORMED);
  assert.equal(error(decodeFrame(hex("1081 0001 028801 05FF01 72 01 E703000001F4"))), E_MALFORMED);
  assert.equal(error(decodeFrame(hex("1081 0001 05FF01 028801 62 01 E700 00"))), E_MALFORMED);
  assert.equal(error(decodeFrame(hex("1081 0001 05FF01 028801 62 02 E700"))), E_MALFORMED);
  for (const h of ["8081", "0081", "1082", "1080"]) assert.equal(error(decodeFrame(hex(h + "0001 05FF01 028801 62 01 E700"))), E_UNSUPPORTED);
  assert.equal(error(decodeFrame(hex("1081 0001 05FF01 028801 62 00"))), E_RANGE);
  const many = (n: number) => cat(hex("1081 0001 05FF01 028801 62"), Uint8Array.of(n), ...Array.from({ length: n }, () => hex("E700")));
  assert.equal(error(decodeFrame(many(MAX_PROPERTIES + 1))), E_RANGE);
  assert.equal(value(decodeFrame(many(MAX_PROPERTIES))).properties.length, MAX_PROPERTIES);
  assert.equal(error(decodeFrame(hex("1081 0001 05FF01 028801 6E 01 E50107 01 E000"))), E_UNSUPPORTED);
  const big = new Uint8Array(MAX_FRAME + 1); big.set(hex("1081 0001 05FF01 028801 61 01 F0FF"));
  assert.equal(error(decodeFrame(big)), E_MALFORMED);
  const get = (n: number): Frame => ({ tid: 1, seoj: Eoj.CONTROLLER, deoj: Eoj.SMART_METER, esv: Esv.GET, properties: Array.from({ length: n }, () => ({ epc: 0xe7, edt: none })) });
  assert.equal(error(encodeFrame(get(0))), E_RANGE);
  assert.equal(error(encodeFrame(get(MAX_PROPERTIES + 1))), E_RANGE);
  assert.equal(error(encodeFrame({ ...get(1), tid: 0x10000 })), E_RANGE);
  assert.equal(error(encodeFrame({ ...get(1), properties: [{ epc: 0xe7, edt: new Uint8Array(256) }] })), E_RANGE);
  assert.equal(error(encodeFrame({ ...get(1), properties: Array.from({ length: 5 }, () => ({ epc: 0xe2, edt: new Uint8Array(250) })) })), E_RANGE);
});

// ---- the firmware and the HEMS side on the same damaged datagrams
const root = fileURLToPath(new URL("..", import.meta.url));

/** The firmware's codec alone, compiled with the images' options; roundTrip decodes and
 *  writes again what it accepted. */
async function firmwareCodec(): Promise<{ roundTrip: (b: Uint8Array) => number | Uint8Array; answer: (b: Uint8Array) => Uint8Array }> {
  const asc = (await import("assemblyscript/asc")).default;
  let wasm: Uint8Array | undefined;
  const out: string[] = [];
  const sink = { write: (s: string) => { out.push(String(s)); return true; } };
  const { error } = await asc.main(["firmware/modules/echonet-lite/__tests__/agreement-entry.ts", "--config", resolve(root, "asconfig.json"),
    "--target", "smart-plug", "--outFile", "agreement.wasm", "--textFile", "agreement.wat"], {
    readFile: (name: string, dir: string) => { try { return readFileSync(resolve(root, dir, name), "utf8"); } catch { return null; } },
    writeFile: (name: string, contents: Uint8Array) => { if (name.endsWith(".wasm")) wasm = contents; },
    listFiles: () => [], stdout: sink, stderr: sink,
  });
  assert.ifError(error ? new Error(`${error.message}\n${out.join("")}`) : null);
  const board = { panic: () => { throw new Error("firmware panic"); } };
  const x = new WebAssembly.Instance(new WebAssembly.Module(wasm!), { board }).exports as {
    memory: WebAssembly.Memory; ioBuffer(): number; ioSize(): number; roundTrip(n: number): number; answer(n: number): number; __collect(): void };
  const call = (f: (n: number) => number, b: Uint8Array) => {
    assert.ok(b.length <= x.ioSize());
    new Uint8Array(x.memory.buffer, x.ioBuffer(), b.length).set(b);
    const n = f(b.length);
    const r = n < 0 ? n : new Uint8Array(x.memory.buffer, x.ioBuffer(), n).slice();
    x.__collect();                                         // as an image's settle() would
    return r;
  };
  return { roundTrip: (b) => call(x.roundTrip, b), answer: (b) => call(x.answer, b) as Uint8Array };
}

function hemsRoundTrip(b: Uint8Array): number | Uint8Array {
  const d = decodeFrame(b);
  if (!d.ok) return d.error;
  const e = encodeFrame(d.value);
  return e.ok ? e.value : e.error;
}

/** Every cut, every byte replaced by five values, random multi-byte damage, and the seed
 *  with bytes appended. */
function* damaged(seed: Uint8Array, rnd: ReturnType<typeof seededRandom>, random: number): Generator<Uint8Array> {
  yield seed;
  for (let n = 0; n < seed.length; n++) yield seed.subarray(0, n);
  for (const tail of [hex("00"), hex("E700"), hex("E70100")]) yield cat(seed, tail);
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

test("the firmware and the HEMS side answer every damaged datagram alike", async (t) => {
  const firmware = (await firmwareCodec()).roundTrip;
  const history = cat(hex("1081 0003 028801 05FF01 72 02 E2C2 0001"), new Uint8Array(192).fill(0x11), hex("E70400000064"));
  const seeds = [GET_E7, GET_RES_E7_500, GET_SNA_E7, STARTUP_INF, GET_RES_EA, history,
    hex("1081 0002 05FF01 028801 61 02 E50107 810108"), hex("1081 0002 028801 05FF01 51 02 E500 E70400000000"),
    value(getRequest(9, Eoj.SMART_METER, [0x80, 0x81, 0x82, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe5, 0xe7, 0xea]))];
  const rnd = seededRandom("echonet agreement");
  let inputs = 0, accepted = 0;
  for (const seed of seeds) {
    for (const b of damaged(seed, rnd, 300)) {
      inputs++;
      const fw = firmware(b), hems = hemsRoundTrip(b);
      if (typeof fw !== "number") { accepted++; assert.deepEqual(fw, b); }
      assert.deepEqual(hems, fw, `input ${Buffer.from(b).toString("hex")}`);
    }
  }
  assert.ok(accepted > seeds.length && accepted < inputs, `${accepted} of ${inputs} accepted`);
  t.diagnostic(`${inputs} datagrams, ${accepted} accepted by both`);
});

/** What the HEMS expects of the meter's answer to a request it could decode. */
function expectAnswer(req: Frame, got: Uint8Array, label: string): void {
  const ours = [Eoj.SMART_METER, Eoj.SMART_METER & 0xffff00, Eoj.NODE_PROFILE, Eoj.NODE_PROFILE & 0xffff00].includes(req.deoj);
  const served = [Esv.GET, Esv.INF_REQ, Esv.SETC, Esv.SETI].includes(req.esv as 0x60);
  if (!ours || !served) { assert.equal(got.length, 0, label); return; }
  if (got.length === 0) { assert.equal(req.esv, Esv.SETI, label); return; }  // an accepted SetI
  const a = value(decodeFrame(got));
  assert.equal(a.tid, req.tid, label);
  assert.equal(a.seoj, req.deoj | 1, label);
  assert.equal(a.deoj, req.seoj, label);
  assert.deepEqual(a.properties.map((p) => p.epc), req.properties.map((p) => p.epc), label);
  const ok = { [Esv.GET]: Esv.GET_RES, [Esv.INF_REQ]: Esv.INF, [Esv.SETC]: Esv.SET_RES, [Esv.SETI]: -1 }[req.esv]!;
  const sna = { [Esv.GET]: Esv.GET_SNA, [Esv.INF_REQ]: Esv.INF_SNA, [Esv.SETC]: Esv.SETC_SNA, [Esv.SETI]: Esv.SETI_SNA }[req.esv]!;
  assert.ok(a.esv === ok || a.esv === sna, label);
  const get = req.esv === Esv.GET || req.esv === Esv.INF_REQ;
  const failed = a.properties.some((p, k) => get ? p.edt.length === 0 : p.edt.length > 0 || req.properties[k].edt.length === 0);
  assert.equal(a.esv === sna, failed, label);
  for (const [k, p] of a.properties.entries()) {
    if (!get || p.edt.length === 0 || a.seoj !== Eoj.SMART_METER) continue;
    if (p.epc === 0xe7) assert.equal(decodePower(p.edt), 500, label);
    if (p.epc === 0xe0) assert.equal(decodeEnergy(p.edt), 4660, label);
    if (p.epc === 0xea) assert.deepEqual(decodeFixedTime(p.edt), { year: 2024, month: 1, day: 15, hour: 10, minute: 30, second: 0, energy: 4660 }, label);
    if (p.epc === 0xe2) assert.equal(decodeHistory(p.edt)!.slots[47], 47, label);
    if (p.epc === 0x9f) assert.equal(decodePropertyMap(p.edt)!.length, 16, label);
    assert.equal(req.properties[k].edt.length, 0, label);
  }
}

test("the HEMS side reads the meter's answer to every damaged request, and no answer comes to what it refuses", async (t) => {
  const { answer } = await firmwareCodec();
  const seeds = [GET_E7, value(getRequest(7, Eoj.SMART_METER, [0x80, 0x81, 0x82, 0x88, 0x8a, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe5, 0xe7, 0xea])),
    value(getRequest(8, Eoj.NODE_PROFILE, [0x80, 0x82, 0x83, 0x8a, 0x9f, 0xd3, 0xd4, 0xd6, 0xd7])),
    hex("1081 0004 05FF01 028801 61 02 E50107 810108"), hex("1081 0005 05FF01 0EF001 63 01 D500")];
  const rnd = seededRandom("echonet answers");
  let answered = 0, inputs = 0;
  for (const seed of seeds) {
    for (const b of damaged(seed, rnd, 200)) {
      inputs++;
      const got = answer(b);
      const req = decodeFrame(b);
      const label = `input ${Buffer.from(b).toString("hex")}`;
      if (!req.ok) { assert.equal(got.length, 0, label); continue; }
      if (got.length > 0) answered++;
      expectAnswer(req.value, got, label);
    }
  }
  assert.ok(answered > seeds.length && answered < inputs, `${answered} of ${inputs} answered`);
  t.diagnostic(`${inputs} requests, ${answered} answered`);
});
