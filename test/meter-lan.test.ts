// The smart meter's home: the LAN's UDP segment (host-sim/lan/: addresses, unicast,
// multicast, the UDP event's bytes), the HEMS controller (host-sim/echonet/hems.ts)
// finding and reading a node built on firmware/modules/echonet-lite over ABI v1.3's
// udp_bind/udp_send on the TypeScript board and the posix board (test/fixtures/lan-meter-image.ts, whose
// E7/E0 are what measure() reads from BoardTime.meter), and the IC card model
// (host-sim/card/) delivering CARD link frames and answering re-reads.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { E_IO, MAX_DATAGRAM } from "../host-sim/board/abi-constants.ts";
import { CardReader, CardRole, DataType, decodeCard, encodeCard, frameOf } from "../host-sim/card/index.ts";
import { EventKind, LinkId, type MeterSample } from "../host-sim/device/types.ts";
import { Eoj, Esv, HemsController, MULTICAST_GROUP, PORT, decodeFrame, getRequest, showMeter } from "../host-sim/echonet/index.ts";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { UdpSegment, formatIpv4, parseIpv4, udpEvent, type Datagram } from "../host-sim/lan/index.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { asImage, tempDir } from "./fixtures/build.ts";
import { boardForImage } from "./support/image-board.ts";

const dir = tempDir("meter-lan");
const wasm = asImage("lan-meter-image", dir);
/** The fixture on each host: V8, and the posix board (wasm2c) behind the device link. */
const images: Record<"ts" | "posix", string> = { ts: wasm, posix: boardForImage("posix", wasm) };
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
const bytes = (b: Uint8Array) => Buffer.from(b).toString("hex");

let n = 0;
/** A fresh LAN with a HEMS on it (joined before anyone boots) and the fixture powered on
 *  as each name, metering what `meter` says. */
async function lan(names: string[], meter: () => MeterSample[] = () => [{ status: 0, powerW: 1234, energyWh: 5678 }], host: "ts" | "posix" = "ts") {
  const seg = new UdpSegment();
  const wire: Datagram[] = [];
  seg.onDatagram((d) => wire.push(d));
  const hems = new HemsController(seg.socket("hems", PORT, "192.168.1.2"));
  const devs = names.map((name) => new HomeDevice({ name, host: host as HostName, image: images[host], flashFile: join(dir, `f${n++}.bin`), clock: "virtual",
    meter: { sample: () => meter(), observe: () => undefined } }));
  for (const d of devs) seg.attach(d);
  for (const d of devs) await d.start();
  await seg.settled();
  return { seg, wire, hems, devs, stop: async () => { for (const d of devs) await d.stop(); } };
}

test("addresses: dotted quads both ways, the group is multicast, a taken address is refused", () => {
  assert.equal(parseIpv4("192.168.1.10"), 0xc0a8010a);
  assert.equal(formatIpv4(0xc0a8010a), "192.168.1.10");
  assert.equal(formatIpv4(parseIpv4(MULTICAST_GROUP)), "224.0.23.0");
  for (const bad of ["192.168.1", "192.168.1.256", "a.b.c.d", "1.2.3.4.5"]) assert.throws(() => parseIpv4(bad), RangeError, bad);
  const seg = new UdpSegment();
  seg.socket("hems", PORT, "192.168.1.2");
  assert.throws(() => seg.socket("other", PORT, "192.168.1.2"), /taken/);
  assert.throws(() => seg.socket("hems", PORT), /already/);
});

test("the UDP event: arg the sender's IPv4 as i32, payload the sender's port BE then the datagram", () => {
  const ev = udpEvent(parseIpv4("192.168.1.2"), 3610, hex("1081"));
  assert.equal(ev.kind, EventKind.UDP);
  assert.equal(ev.arg, 0xc0a80102 | 0);
  assert.equal(bytes(ev.payload!), "0e1a1081");
});

test("host sockets: unicast reaches only its address and port, multicast every member of the group but the sender", async () => {
  const seg = new UdpSegment();
  const a = seg.socket("a", 3610, "192.168.1.2"), b = seg.socket("b", 3610, "192.168.1.3"), c = seg.socket("c", 4000, "192.168.1.4");
  b.join(MULTICAST_GROUP);
  await a.send("192.168.1.3", 3610, hex("01"));
  await a.send("192.168.1.4", 3610, hex("02"));            // c is bound to 4000: nobody gets it
  await a.send("192.168.1.9", 3610, hex("03"));            // no such host
  await a.send(MULTICAST_GROUP, 3610, hex("04"));          // b joined, a is the sender, c did not join
  assert.deepEqual(b.take().map((r) => [formatIpv4(r.from), r.fromPort, bytes(r.data)]), [["192.168.1.2", 3610, "01"], ["192.168.1.2", 3610, "04"]]);
  assert.deepEqual(c.take(), []);
  assert.deepEqual(a.take(), []);
  assert.throws(() => a.join("192.168.1.1"), RangeError);
  await assert.rejects(a.send("192.168.1.3", 3610, new Uint8Array(MAX_DATAGRAM + 1)), RangeError);
});

for (const host of ["ts", "posix"] as const) test(`${host}: a meter's start-up INF reaches the HEMS and the other nodes on 224.0.23.0; the HEMS reads E7/E0/EA/E2 from it`, async () => {
  const h = await lan(["meter", "meter2"], undefined, host);
  const meterAt = h.seg.addressOf("meter")!;
  assert.equal(formatIpv4(meterAt), "192.168.1.10");
  const infs = h.wire.filter((d) => d.to === parseIpv4(MULTICAST_GROUP));
  assert.deepEqual(infs.map((d) => [formatIpv4(d.from), d.toPort, bytes(d.data)]), [
    ["192.168.1.10", PORT, "1081" + "0001" + "0ef001" + "0ef001" + "73" + "01" + "d504" + "01028801"],
    ["192.168.1.11", PORT, "1081" + "0001" + "0ef001" + "0ef001" + "73" + "01" + "d504" + "01028801"],
  ]);
  assert.deepEqual(infs.map((d) => d.reached), [["hems"], ["hems", "meter"]], "meter2 was not on yet when meter announced");
  assert.equal(h.hems.meter(), meterAt);
  const v = await h.hems.read(meterAt);
  assert.equal(v.powerW, 1234);
  assert.equal(v.energyKWh, 5.678);                        // E0 5678 × E1 0.001 kWh × D3 1
  assert.deepEqual({ ...v.fixed }, { year: 2026, month: 11, day: 22, hour: 10, minute: 0, second: 0, energy: 12345, kWh: 12.345 });
  assert.equal(v.history!.day, 0);
  assert.deepEqual(v.history!.slots.slice(18, 21), [118, 119, null]);
  assert.deepEqual(v.failed, []);
  assert.match(showMeter(v), /1234 W[\s\S]*5\.678 kWh[\s\S]*2026-11-22 10:00 UTC +12\.345 kWh[\s\S]*20\/48 slots/);
  const answer = h.wire.at(-1)!;
  assert.deepEqual([formatIpv4(answer.from), formatIpv4(answer.to), answer.toPort, answer.reached], ["192.168.1.10", "192.168.1.2", PORT, ["hems"]]);
  await h.stop();
});

test("a HEMS that came later finds the meter by a multicast Get of the node profile's D6", async () => {
  const h = await lan(["meter"]);
  const late = new HemsController(h.seg.socket("late-hems", PORT, "192.168.1.3"));
  assert.equal(late.meter(), undefined);
  assert.equal(await late.discover(), h.seg.addressOf("meter"));
  const q = h.wire.at(-2)!, a = h.wire.at(-1)!;
  assert.deepEqual([formatIpv4(q.to), q.reached], [MULTICAST_GROUP, ["hems", "meter"]]);
  const f = decodeFrame(a.data);
  assert.ok(f.ok);
  assert.deepEqual([f.value.esv, f.value.seoj, bytes(f.value.properties[0].edt)], [Esv.GET_RES, Eoj.NODE_PROFILE, "01028801"]);
  await h.stop();
});

for (const host of ["ts", "posix"] as const) test(`${host}: the meter's values follow the board's metering source: a failed front end gives E7 no data and E0 not held (SNA)`, async () => {
  let sample: MeterSample = { status: 0, powerW: 800, energyWh: 100_000_123 };
  const h = await lan(["meter"], () => [sample], host);
  const at = h.seg.addressOf("meter")!;
  assert.equal((await h.hems.read(at)).energyKWh, 0.123, "E0 is the register modulo 10^8");
  sample = { status: E_IO, powerW: 0, energyWh: 0 };
  const v = await h.hems.read(at);
  assert.equal(v.powerW, null);
  assert.equal(v.energyKWh, null);
  assert.deepEqual(v.failed, [0xe0]);
  await h.stop();
});

test("a malformed datagram gets no answer and a good one after it does (the barrier)", async () => {
  const h = await lan(["meter"]);
  const at = h.seg.addressOf("meter")!;
  const probe = h.seg.socket("probe", PORT, "192.168.1.4");
  const get = getRequest(5, Eoj.SMART_METER, [0xe7]);
  assert.ok(get.ok);
  for (const bad of [get.value.subarray(0, 13), hex("1081 0005 05FF01 028801 62 01 E705 00"), hex("0000"), new Uint8Array(0)]) await probe.send(at, PORT, bad);
  await probe.send(at, PORT, get.value);
  const got = probe.take();
  assert.equal(got.length, 1);
  assert.equal(bytes(got[0].data), "1081" + "0005" + "028801" + "05ff01" + "72" + "01" + "e704" + "000004d2");
  await h.stop();
});

test("a meter powered off and on binds again and announces again", async () => {
  const h = await lan(["meter"]);
  const before = h.wire.length;
  await h.devs[0].powerCycle();
  await h.seg.settled();
  assert.equal(h.wire.length, before + 1);
  assert.deepEqual(h.wire.at(-1)!.reached, ["hems"]);
  assert.equal(h.hems.meter(), h.seg.addressOf("meter"));
  await h.stop();
});

// ---- the IC card
const KANTO = { role: CardRole.CONTRACT, company: 0xa001, types: DataType.TIME | DataType.ENERGY | DataType.HISTORY };

test("card bytes: 'CT', version 1, role, company and types LE, reserved 0; anything else is unreadable", () => {
  const b = encodeCard(KANTO);
  assert.equal(bytes(b), "43540100" + "01a00000" + "0d000000" + "00000000");
  assert.deepEqual(decodeCard(b), KANTO);
  assert.deepEqual(decodeCard(encodeCard({ role: CardRole.PROVISION, company: 0xc003, types: 3 })), { role: 1, company: 0xc003, types: 3 });
  const bad = [b.subarray(0, 15), Uint8Array.of(...b, 0), ...[0, 1, 2, 3, 12, 13, 14, 15].map((i) => { const x = b.slice(); x[i] ^= 0x02; return x; })];
  for (const x of bad) assert.equal(decodeCard(x), null, bytes(x));
  assert.throws(() => encodeCard({ ...KANTO, role: 2 as never }), RangeError);
  assert.throws(() => encodeCard({ ...KANTO, company: 2 ** 32 }), RangeError);
});

test("the reader: insert and remove send CARD frames, the device's re-read is answered, an unknown slot is ignored", async () => {
  const d = new HomeDevice({ name: "meter", host: "ts", image: wasm, flashFile: join(dir, `f${n++}.bin`), clock: "virtual" });
  const reader = new CardReader((f) => d.deliver({ kind: EventKind.LINK, arg: LinkId.CARD, payload: f }));
  d.onOutput((o) => { reader.onOutput(o); });
  await d.start();
  const cards = () => d.log.map((l) => l.text).filter((t) => t.startsWith("card "));
  await reader.insert(1, encodeCard(KANTO));
  await reader.insert(2, hex("4354"));                     // a broken card: the meter must refuse it, the reader carries it
  await reader.remove(1);
  await d.press(2);                                        // the device asks for slot 2 again
  await d.press(1);
  await d.press(7);                                        // no slot 7: the reader stays silent
  await reader.settled();
  assert.deepEqual(cards(), ["card 1 1 4354010001a000000d00000000000000", "card 2 1 4354", "card 1 0 ", "card 2 1 4354", "card 1 0 "]);
  assert.equal(reader.card(2)!.length, 2);
  assert.deepEqual(frameOf(0, null), Uint8Array.of(0, 0));
  assert.throws(() => reader.insert(3, encodeCard(KANTO)), RangeError);
  await d.stop();
});
