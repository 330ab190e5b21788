// The seed's four use cases end to end on both hosts (issue 11), over BLE (operation
// example 2) and on the panel (operation example 1), and what the contract partner relies
// on afterwards: every reading once per rseq, with the site id and capacities in force
// and a MAC under the device key it issued. Also every item's change and delete, the raw
// flash after a delete, and tamper detection on a doctored flash image. The image runs
// on the TypeScript board and the posix board (test/support/pcs-rig.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { HostName } from "../host-sim/device/power-on.ts";
import { E_AUTH, E_NOTFOUND, OK } from "../host-sim/board/abi-constants.ts";
import { findBytes, readRecords } from "../host-sim/flash/record-store-image.ts";
import { Item, ITEM_NAMES, decodeCapacities, decodeConnection, decodeSite, encodeCapacities, encodeConnection, encodePersonal, encodeSite, decodePersonal, decodeHistory } from "../host-sim/appliances/power-conditioner/items.ts";
import { requirement } from "./support/requirement.ts";
import { CodeMismatch, PcsApp } from "../host-sim/phone/pcs-app.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { PcsRig, CredentialKind, SUNLEASE_PPS, HIKARI_ENERGY, SITE, CAPACITIES, ITEM_RECORD, readingMacOf, capOf, B } from "./support/pcs-rig.ts";

const posixMissing = requirement("the posix power-conditioner board (build/posix/power-conditioner)", existsSync("build/posix/power-conditioner"), "npm run build");
const HOSTS: HostName[] = ["ts", "posix"];
const START = Date.UTC(2026, 10, 22, 9, 7);
const SERVER = CredentialKind.SERVER;

async function installed(host: HostName): Promise<PcsRig> {
  const r = new PcsRig(host, START);
  await r.setUp();
  return r;
}

/** A server-issued credential from `issuer` (default the partner in effect), entered in
 *  the phone app: the app with its grant open. */
async function granted(r: PcsRig, issuer = SUNLEASE_PPS) {
  const a = await r.issue(r.partner(issuer));
  assert.equal(a.status, OK, "the information is stored");
  const x = await r.appAuth(SERVER, a.digits);
  assert.equal(x.status, OK, "the credential matches");
  return { ...x, serial: a.serial };
}

/** Every reading partner `co` got: once per rseq, rseq from 1 without gaps, each MAC right. */
function checkReadings(r: PcsRig, co: number, deviceKey: Uint8Array): Record<string, unknown>[] {
  const got = r.readingsOf(co);
  assert.deepEqual(got.map((x) => x.rseq), got.map((_, i) => i + 1), "rseq 1, 2, 3 … without a gap");
  for (const x of got) assert.equal(x.mac, readingMacOf(deviceKey, x), `reading ${x.rseq}'s MAC`);
  return got;
}

for (const host of HOSTS) {
  const skip = host === "posix" && posixMissing;

  test(`${host}: readings reach the partner every half hour, once each, with the site id, capacities and its MAC`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.runTo(Date.UTC(2026, 10, 22, 14, 1));
      const got = checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!);
      assert.ok(got.length >= 9, `${got.length} readings from 09:30 to 14:00`);
      for (const x of got) {
        assert.equal(x.site, SITE);
        assert.deepEqual(capOf(x), [CAPACITIES.pvW, CAPACITIES.batteryWh, CAPACITIES.evWh]);
      }
      const noon = got.find((x) => x.t === Date.UTC(2026, 10, 22, 12, 30))!;
      assert.ok((noon.pv as number) > 1500, `PV in the half hour to 12:30: ${noon.pv} Wh`);
      assert.equal(noon.ch, 750, "1.5 kW for half an hour");
      assert.equal(noon.dis, 0);
      assert.equal(JSON.stringify(r.published).includes(Buffer.from(r.deviceKeys.get(SUNLEASE_PPS)!).toString("hex")), false, "the device key never goes on the wire");
      assert.equal(JSON.stringify(r.published).includes("Aiko"), false, "personal data never goes on the wire");
    } finally { await r.close(); }
  });

  test(`${host}: the house is sold: the new owner's personal data over BLE, the old one's gone`, { skip }, async () => {
    const r = await installed(host);
    try {
      // A day's end: the seller's usage history holds one day.
      await r.runTo(Date.UTC(2026, 10, 23, 0, 5));
      const { app } = await granted(r);
      const history = decodeHistory((await app.read(Item.HISTORY)).value);
      assert.equal(history?.length, 1, "one day of history");
      assert.ok(history![0].pvWh > 10_000 && history![0].chargeWh > 0, `the day's totals ${JSON.stringify(history)}`);
      const buyer = { name: "Kenji Sato", address: "1-2-3 Hikari-cho, Sendai" };
      assert.equal((await app.change(Item.PERSONAL, encodePersonal(buyer))).status, OK);
      assert.deepEqual(decodePersonal((await app.read(Item.PERSONAL)).value), buyer);
      assert.equal((await app.delete(Item.HISTORY)).status, OK, "the seller's usage history goes with them");
      assert.equal((await app.read(Item.HISTORY)).status, E_NOTFOUND);
      await app.close();
      const changes = r.entries("change");
      assert.deepEqual(changes.map((c) => [c.item, c.op, c.via]), [["personal", "set", "ble"], ["history", "delete", "ble"]]);
      assert.equal(JSON.stringify(changes).includes("Kenji"), false, "personal data never goes on the wire");
      await r.off(0);
      assert.deepEqual(findBytes(r.flash(), Buffer.from("Aiko Tanaka")), [], "sealed at rest");
      await r.boot();
    } finally { await r.close(); }
  });

  test(`${host}: ownership passes to the consumer: Hikari Energy's connection and key, readings to Hikari from then on`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.runTo(Date.UTC(2026, 10, 22, 10, 1));
      const before = r.readingsOf(SUNLEASE_PPS).length;
      assert.ok(before >= 1);
      const { app, serial } = await granted(r);
      const hikari = r.partner(HIKARI_ENERGY), hikariKey = r.deviceKeys.get(HIKARI_ENERGY)!;
      assert.equal((await app.change(Item.CONNECTION, encodeConnection({ partner: HIKARI_ENERGY, publicKey: hikari.publicKey, deviceKey: hikariKey }))).status, OK);
      const read = decodeConnection((await app.read(Item.CONNECTION)).value)!;
      assert.equal(read.partner, HIKARI_ENERGY);
      assert.equal(read.deviceKey, undefined, "READ gives the partner code and key only");
      await app.close();
      const ch = r.entries("change").at(-1)!;
      assert.deepEqual([ch.item, ch.op, ch.to, ch.by], ["connection", "set", HIKARI_ENERGY, `D101:${serial}`]);
      await r.runTo(Date.UTC(2026, 10, 22, 12, 1));
      checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!);
      const toHikari = checkReadings(r, HIKARI_ENERGY, hikariKey);
      assert.ok(toHikari.length >= 3, "Hikari's readings from its own rseq 1");
      // The new partner signs authentication information now; Sunlease no longer can.
      assert.equal((await r.issue(r.partner(SUNLEASE_PPS))).status, E_AUTH);
      assert.equal((await r.issue(hikari)).status, OK);
    } finally { await r.close(); }
  });

  test(`${host}: the system moves house: a new site id over BLE`, { skip }, async () => {
    const r = await installed(host);
    try {
      const { app } = await granted(r);
      assert.equal((await app.change(Item.SITE, encodeSite("JP-SITE-0777"))).status, OK);
      assert.equal(decodeSite((await app.read(Item.SITE)).value), "JP-SITE-0777");
      await app.close();
      await r.runTo(Date.UTC(2026, 10, 22, 11, 1));
      assert.equal(r.readingsOf(SUNLEASE_PPS).at(-1)!.site, "JP-SITE-0777");
      const ch = r.entries("change").at(-1)!;
      assert.deepEqual([ch.item, ch.op, ch.site], ["site", "set", "JP-SITE-0777"]);
      checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!);
    } finally { await r.close(); }
  });

  test(`${host}: a battery is replaced: the new capacities over BLE`, { skip }, async () => {
    const r = await installed(host);
    try {
      const { app } = await granted(r);
      const cap = { pvW: 5500, batteryWh: 12800, evWh: 40000 };
      assert.equal((await app.change(Item.CAPACITIES, encodeCapacities(cap))).status, OK);
      assert.deepEqual(decodeCapacities((await app.read(Item.CAPACITIES)).value), cap);
      await app.close();
      await r.runTo(Date.UTC(2026, 10, 22, 11, 1));
      assert.deepEqual(capOf(r.readingsOf(SUNLEASE_PPS).at(-1)!), [5500, 12800, 40000]);
      const ch = r.entries("change").at(-1)!;
      assert.deepEqual([ch.item, ch.op, capOf(ch)], ["capacities", "set", [5500, 12800, 40000]]);
    } finally { await r.close(); }
  });

  test(`${host}: every item changed and deleted; a deleted item leaves 0 bytes of its value in the raw flash`, { skip }, async () => {
    const r = await installed(host);
    try {
      const { app } = await granted(r);
      await r.runTo(r.wall); // nothing: the grant stays open
      const values: Record<number, Uint8Array> = {
        [Item.PERSONAL]: encodePersonal({ name: "Kenji Sato", address: "4-5-6 Aoba, Sendai" }),
        [Item.SITE]: encodeSite("JP-SITE-0900"),
        [Item.CAPACITIES]: encodeCapacities({ pvW: 6000, batteryWh: 10000, evWh: 0 }),
        [Item.CONNECTION]: encodeConnection({ partner: SUNLEASE_PPS, publicKey: r.partner(SUNLEASE_PPS).publicKey, deviceKey: r.deviceKeys.get(SUNLEASE_PPS)! }),
      };
      for (const [item, v] of Object.entries(values)) assert.equal((await app.change(Number(item), v)).status, OK, `change ${ITEM_NAMES[Number(item)]}`);
      await app.close();
      await r.off(0);
      const stored = readRecords(r.flash());
      const before = ITEM_RECORD.map((k) => stored.get(k));
      await r.boot();
      await r.online();
      const again = await granted(r);
      for (const item of [Item.PERSONAL, Item.HISTORY, Item.SITE, Item.CAPACITIES, Item.CONNECTION]) {
        const s = (await again.app.delete(item)).status;
        assert.ok(s === OK || (item === Item.HISTORY && s === E_NOTFOUND), `delete ${ITEM_NAMES[item]}: ${s}`);
        assert.equal((await again.app.read(item)).status, E_NOTFOUND, `${ITEM_NAMES[item]} reads as not found`);
      }
      await again.app.close();
      await r.off(0);
      const img = r.flash();
      for (const [i, rec] of before.entries()) {
        if (!rec) continue;
        assert.deepEqual(findBytes(img, rec.subarray(rec.length > 40 ? 14 : 2, Math.min(rec.length, 30))), [], `record 0x${ITEM_RECORD[i].toString(16)}'s bytes`);
      }
      assert.deepEqual(findBytes(img, Buffer.from("JP-SITE-0900")), [], "the old site id in clear");
      assert.deepEqual(findBytes(img, r.deviceKeys.get(SUNLEASE_PPS)!.subarray(0, 8)), []);
      await r.boot();
    } finally { await r.close(); }
  });

  test(`${host}: a doctored site record (its CRC fixed up) is refused: alarm, tamper report, readings held until a guarded change repairs it`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.runTo(Date.UTC(2026, 10, 22, 10, 1));
      const handed = r.readingsOf(SUNLEASE_PPS).length;
      await r.off(60_000);
      r.doctor(ITEM_RECORD[Item.SITE], 4);
      await r.boot();
      await r.online();
      assert.match(r.screen, /TAMPER/i, "the panel shows the alarm");
      assert.deepEqual(r.entries("tamper").map((t) => t.item), ["site"]);
      assert.equal(((r.state()?.tamper as number) & (1 << Item.SITE)) !== 0, true);
      await r.runTo(Date.UTC(2026, 10, 22, 11, 31));
      assert.equal(r.readingsOf(SUNLEASE_PPS).length, handed, "no reading goes out without a site id");
      const { app } = await granted(r);
      assert.equal((await app.change(Item.SITE, encodeSite(SITE))).status, OK);
      await app.close();
      await r.runTo(Date.UTC(2026, 10, 22, 12, 1));
      const got = checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!);
      assert.ok(got.length >= handed + 3, "the held readings go out after the repair");
      assert.doesNotMatch(r.screen, /TAMPER/i);
    } finally { await r.close(); }
  });

  // Operation example 1: the credential typed on the panel opens the change screen.
  test(`${host}: on the panel: the house is sold (personal data and history deleted), the system moves house (site id typed), the battery is replaced (capacities typed)`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.runTo(Date.UTC(2026, 10, 23, 0, 5));
      const a = await r.issue(r.partner(SUNLEASE_PPS));
      assert.equal(a.status, OK);
      assert.match(await r.panelCode(SERVER, a.digits), /Change data/, "the change screen opens");
      assert.match(await r.panelDelete("Personal data"), /Done/);
      assert.match(await r.panelDelete("Usage history"), /Done/);
      assert.match(await r.panelSet("Site id", "0407771234"), /Done/);
      assert.match(await r.panelSet("Capacities", "5500", "13500", "40000"), /Done/);
      await r.press(B.BACK);
      assert.match(r.screen, /Site 0407771234/, "the main screen shows the new site id");
      await r.drain();
      const changes = r.entries("change").map((c) => [c.item, c.op, c.via]);
      assert.deepEqual(changes, [["personal", "delete", "panel"], ["history", "delete", "panel"], ["site", "set", "panel"], ["capacities", "set", "panel"]]);
      await r.runTo(Date.UTC(2026, 10, 23, 1, 1));
      const last = r.readingsOf(SUNLEASE_PPS).at(-1)!;
      assert.equal(last.site, "0407771234");
      assert.deepEqual(capOf(last), [5500, 13500, 40000]);
      checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!);
    } finally { await r.close(); }
  });

  // Ownership passes, starting at the panel: the consumer deletes Sunlease's connection
  // (the panel cannot type key material); with no partner the readings are held, and only
  // the operator can issue information; its code lets the app write Hikari's connection.
  test(`${host}: on the panel the old partner's connection is deleted; the operator's code then writes the new one from the app`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.runTo(Date.UTC(2026, 10, 22, 10, 1));
      const a = await r.issue(r.partner(SUNLEASE_PPS));
      await r.panelCode(SERVER, a.digits);
      assert.match(await r.panelDelete("Partner connection"), /Done/);
      await r.press(B.BACK);
      await r.drain();
      const toSunlease = r.readingsOf(SUNLEASE_PPS).length;
      await r.runTo(Date.UTC(2026, 10, 22, 11, 31));
      assert.equal(r.readingsOf(SUNLEASE_PPS).length, toSunlease, "no partner: the readings are held");
      assert.equal((await r.issue(r.partner(SUNLEASE_PPS))).status, E_AUTH, "the former partner can issue nothing");
      const op = await r.issue(r.operator);
      assert.equal(op.status, OK);
      const x = await r.appAuth(SERVER, op.digits);
      assert.equal(x.status, OK);
      const hikariKey = r.deviceKeys.get(HIKARI_ENERGY)!;
      assert.equal((await x.app.change(Item.CONNECTION, encodeConnection({ partner: HIKARI_ENERGY, publicKey: r.partner(HIKARI_ENERGY).publicKey, deviceKey: hikariKey }))).status, OK);
      await x.app.close();
      await r.runTo(Date.UTC(2026, 10, 22, 12, 31));
      const got = checkReadings(r, HIKARI_ENERGY, hikariKey);
      // Sunlease's readings end at the deletion, Hikari's start with its connection; the
      // half hours with no partner belong to nobody (PROTOCOL.md §4.1).
      assert.deepEqual(got.map((x) => x.t), [Date.UTC(2026, 10, 22, 12, 0), Date.UTC(2026, 10, 22, 12, 30)]);
      assert.equal(checkReadings(r, SUNLEASE_PPS, r.deviceKeys.get(SUNLEASE_PPS)!).at(-1)!.t, Date.UTC(2026, 10, 22, 10, 0));
      await r.drain();
      assert.deepEqual(r.entries("change").map((c) => [c.item, c.op, c.via]), [["connection", "delete", "panel"], ["connection", "set", "ble"]]);
    } finally { await r.close(); }
  });

  test(`${host}: on the panel, a wrong code is refused and counted; BACK closes the change screen and the grant`, { skip }, async () => {
    const r = await installed(host);
    try {
      const a = await r.issue(r.partner(SUNLEASE_PPS));
      const wrong = a.digits.replace(/^./, (d) => String((Number(d) + 1) % 10));
      assert.match(await r.panelCode(SERVER, wrong), /Wrong code.*4 tries left/);
      assert.match(await r.panelCode(SERVER, a.digits), /Change data/);
      await r.press(B.BACK);
      assert.doesNotMatch(r.screen, /Change data/);
      await r.drain();
      assert.deepEqual(r.entries("auth").map((e) => [e.event, e.via]), [["stored", "cloud"], ["mismatch", "panel"], ["match", "panel"]]);
      // The grant went with the screen: the phone cannot use it.
      await r.openBle();
      const app = r.app();
      await app.connect();
      assert.equal((await app.change(Item.SITE, encodeSite("JP-EVIL-1"))).status, E_AUTH);
      await app.close();
    } finally { await r.close(); }
  });

  test(`${host}: the worker's factory maintenance credential on the panel opens every item and the erase rows`, { skip }, async () => {
    const r = await installed(host);
    try {
      const screen = await r.panelCode(CredentialKind.MAINTENANCE, r.maintenanceDigits);
      assert.match(screen, /Partner connection[\s\S]*Initialize[\s\S]*Factory reset/);
      assert.match(await r.panelSet("Capacities", "6000", "9800", "0"), /Done/);
      await r.press(B.BACK);
      await r.drain();
      const ch = r.entries("change").at(-1)!;
      assert.deepEqual([ch.item, ch.by, ch.via], ["capacities", "maintenance", "panel"]);
    } finally { await r.close(); }
  });

  test(`${host}: the app sends no credential when its user sees another code on the panel`, { skip }, async () => {
    const r = await installed(host);
    try {
      assert.equal((await r.issue(r.partner(SUNLEASE_PPS))).status, OK);
      await r.openBle();
      const sent: number[] = [];
      const port = r.blePort();
      const app = new PcsApp({ name: "alice", random: seededRandom("mitm-victim"), confirmCode: async () => false,
        ble: () => ({ request: (f, t) => { sent.push(f[0]); return port.request(f, t); }, send: (f) => { sent.push(f[0]); return port.send(f); } }) });
      await assert.rejects(app.connect(), CodeMismatch);
      assert.deepEqual(sent, [0x01, 0x03, 0x17], "NONCE_REQUEST, HELLO, CLOSE: no AUTH");
      await r.drain();
      assert.deepEqual(r.entries("auth").map((e) => e.event), ["stored"], "no check happened");
    } finally { await r.close(); }
  });

  test(`${host}: without a grant, BLE may not read or change an item`, { skip }, async () => {
    const r = await installed(host);
    try {
      await r.openBle();
      const app = r.app();
      await app.connect();
      assert.equal((await app.change(Item.SITE, encodeSite("JP-EVIL-1"))).status, E_AUTH);
      assert.equal((await app.read(Item.PERSONAL)).status, E_AUTH);
      await app.close();
      assert.deepEqual(r.entries("change"), []);
    } finally { await r.close(); }
  });
}


