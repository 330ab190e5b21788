// The meter image on every engine (V8, wasm2c, WAMR fast and classic), driven through the
// same script: provisioning and installation, a new resident's supply closed by the
// contract company's confirmation, an immediate switch by an IC card, a data-provision
// company with its own scope, a switch scheduled at T with the power off across T, a
// confirmation mismatch that opens the breaker, the local press, the HEMS over UDP, and
// a day of readings. Every output and the final flash bytes must be identical, and the
// meter must have done what the companies and the customer rely on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { HostName } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId } from "../host-sim/device/types.ts";
import { nativeEngines } from "./support/engines.ts";
import { MeterRig as Meter, card, MIN, DAY, KANTO, GREEN, DATA_CO, HEMS } from "./support/meter-rig.ts";

const START = Date.UTC(2026, 8, 22, 10, 7);          // not on a :00/:30

async function script(host: HostName): Promise<Meter> {
  const m = new Meter(host, START);
  await m.boot();
  await m.install();
  await m.command(KANTO, `"change":0,"at":-1,"to":${KANTO},"types":13`);
  await m.command(KANTO, `"confirm":13`);                       // a new resident: the supply closes
  await m.command(DATA_CO, `"change":1,"at":-1,"to":${DATA_CO},"types":3`);
  await m.command(DATA_CO, `"confirm":3`);
  await m.runTo(START + 3 * 60 * MIN);                           // 10:30 … 13:00
  // An IC card of Green Power in slot 1, SELECT_1: an immediate switch; Green confirms.
  await m.link(LinkId.CARD, card(0, 0, GREEN, 13), "card in");
  await m.press(0);
  await m.command(GREEN, `"confirm":13`);
  // Kanto orders itself back at T = 15:00; the power is off from 14:50 to 15:20.
  const T = Date.UTC(2026, 8, 22, 15, 0);
  await m.command(KANTO, `"change":0,"at":${T},"to":${KANTO},"types":13`);
  await m.runTo(T - 10 * MIN);
  await m.off(30 * MIN);
  await m.boot();
  await m.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online again");
  // The HEMS: a Get of E7 and E0, a Get of an EPC the meter does not have.
  await m.udp("1081 0001 05FF01 028801 62 02 E700 E000");
  await m.udp("1081 0002 05FF01 028801 62 01 F000");
  // A mismatch by the contract company: the breaker opens; its match readies it; the press.
  await m.command(KANTO, `"confirm":15`);
  await m.command(KANTO, `"confirm":13`);
  await m.press(8);
  await m.runTo(START + DAY);
  await m.close();
  return m;
}

test("meter: installation, switches, breaker, ECHONET and a day of readings give the same outputs and flash on every engine", async () => {
  const ts = await script("ts");
  const said = ts.published.join("\n");
  assert.equal(ts.pin, 1, "the supply is on at the end (closed by the press)");
  assert.match(said, /"kind":"breaker","bseq":1,"from":0,"to":1,"reason":3/, "the new resident's supply closed by the confirmation");
  assert.match(said, /"kind":"breaker","bseq":2,"from":1,"to":0,"reason":2/, "the mismatch opened it");
  assert.match(said, /"kind":"breaker","bseq":4,"from":2,"to":1,"reason":4/, "the press closed it");
  assert.match(said, /up\/state \{"breaker":2,"contract":40961,/, "the head-end's view follows the breaker (ready after the match)");
  assert.match(said, /"kind":"switched","role":0,"from":40961,"to":45058/, "the card switched to Green");
  assert.match(said, /"kind":"ending","co":45058,"role":0,"at":\d+/, "Green heard of its scheduled end");
  assert.match(said, /"kind":"switched","role":0,"from":45058,"to":40961,"at":1790089200000/, "the switch at T, applied at boot");
  // Readings: each company its own, numbered from 1 without a hole, its scope only.
  for (const co of [KANTO, GREEN, DATA_CO]) {
    const rs = ts.readings(co).map((s) => JSON.parse(s.slice(s.indexOf("{"))));
    assert.ok(rs.length > 0, `company ${co} got readings`);
    const seqs = [...new Set(rs.map((r) => r.rseq))].sort((a, b) => a - b);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `company ${co}: rseq 1..n`);
    for (const r of rs) {
      if (co === DATA_CO) assert.ok(!("wh" in r) && !("d" in r), "the data company never gets energy or history");
      else assert.ok(!("w" in r), "an electricity company without POWER never gets it");
    }
  }
  // Green's readings end at T, Kanto's resume after it; the reading of 15:00 (LATE: the
  // meter was off at T) is Green's.
  const green = ts.readings(GREEN).map((s) => JSON.parse(s.slice(s.indexOf("{"))));
  assert.equal(Math.max(...green.map((r) => r.t)), Date.UTC(2026, 8, 22, 15, 0));
  // ECHONET: 600 W and the register; an unknown EPC is echoed with PDC 0.
  assert.ok(ts.datagrams.some((d) => d.addr === HEMS && d.data.startsWith("1081000102880105ff017202e70400000258e004")), "E7 600 W");
  assert.ok(ts.datagrams.some((d) => d.addr === HEMS && d.data === "1081000202880105ff015201f000"), "Get_SNA");
  const engines = nativeEngines();
  for (const host of engines) {
    const other = await script(host);
    assert.deepEqual(other.trace, ts.trace, `trace on ${host}`);
    assert.ok(readFileSync(other.flashFile).equals(readFileSync(ts.flashFile)), `final flash images differ on ${host}`);
  }
  const counts = [KANTO, GREEN, DATA_CO].map((co) => new Set(ts.readings(co).map((s) => JSON.parse(s.slice(s.indexOf("{"))).rseq)).size);
  console.log(`meter tests table | ${["ts", ...engines].join(", ")} | cross-host | ${ts.trace.length} calls, outputs and ${readFileSync(ts.flashFile).length} flash bytes identical; readings Kanto ${counts[0]}, Green ${counts[1]}, Data Utilization ${counts[2]}`);
});
