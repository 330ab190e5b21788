// The record store on a real board: wear spreads over every page, and a protected record
// altered in flash (with its CRC fixed up, as a deliberate tamperer would) is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId, Pin } from "../host-sim/device/types.ts";
import { Attr, service, parseAnswer, putStringEntry } from "../host-sim/appliances/devkit/service.ts";
import { PosixDevice, posixExecutable } from "../host-sim/device/posix-device.ts";
import type { DeviceHandle, PowerOnOptions } from "../host-sim/device/types.ts";
import { TENANT_A_PASSWORD } from "../host-sim/appliances/devkit/scenarios/credential-store.ts";
import { crc32, readPages } from "../host-sim/flash/record-store-image.ts";

const T = { nowMs: 0, wallMs: -1 };
const ask = async (d: DeviceHandle, frame: Uint8Array) => {
  const r = await d.event(T, { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame });
  const link = r.outputs.find((o) => o.t === "link");
  return { r, answer: link && link.t === "link" ? parseAnswer(link.data) : null };
};

test("wear spreads over every page: erase counts stay within 2 of each other", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wear-"));
  const d = await TsDevice.create({ image: wasmImagePath("devkit"), flashFile: join(dir, "f.bin") });
  await d.boot(T);
  await ask(d, service.provision("SN-WEAR"));
  for (let i = 0; i < 3000; i++) {
    const { answer } = await ask(d, service.putString(0x0300 + (i % 8), `usage ${i} `.padEnd(120, "x")));
    assert.equal(answer?.status, 0);
  }
  const erases = (await d.flashStats()).erasesPerPage;
  await d.close();
  console.log(`erases per page after 3000 updates: ${erases.join(" ")}`);
  assert.ok(Math.min(...erases) > 0, "every page took part");
  assert.ok(Math.max(...erases) - Math.min(...erases) <= 2, `spread ${Math.min(...erases)}..${Math.max(...erases)}`);
});

test("a protected record changed in flash is detected, refused and raises the alarm", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tamper-"));
  const flashFile = join(dir, "f.bin");
  const d = await TsDevice.create({ image: wasmImagePath("devkit"), flashFile });
  await d.boot(T);
  await ask(d, service.provision("SN-TAMPER"));
  assert.equal((await ask(d, service.putString(0x0320, "PV 5.5 kW, site 4711", Attr.PROTECTED))).answer?.status, 0);
  assert.equal((await ask(d, service.get(0x0320))).answer?.status, 0);
  await d.close();

  // Change "5.5" to "9.5" and fix the record's data CRC, as someone with a flash programmer would.
  const image = readFileSync(flashFile);
  const rec = readPages(image).flatMap((p) => p.records).find((r) => r.key === 0x0320 && r.state === "committed")!;
  const at = image.indexOf(Buffer.from("5.5 kW"), rec.addr);
  image[at] = "9".charCodeAt(0);
  const dataStart = rec.addr + 20;
  image.writeUInt32LE(crc32(image.subarray(dataStart, dataStart + rec.data.length)), rec.addr + 16);
  writeFileSync(flashFile, image);

  const again = await TsDevice.create({ image: wasmImagePath("devkit"), flashFile });
  await again.boot(T);
  const { r, answer } = await ask(again, service.get(0x0320));
  await again.close();
  assert.equal(answer?.status, -9, "E_TAMPER");
  assert.ok(r.outputs.some((o) => o.t === "gpio" && o.pin === Pin.STATUS_LED && o.level === 1), "alarm LED");
  assert.ok(r.outputs.some((o) => o.t === "log" && /tamper/.test(o.text)), "alarm logged");
  assert.ok(r.outputs.some((o) => o.t === "display" && /TAMPER ALARM/.test(o.text)), "alarm on the screen");
});

// Flash written by the devkit before keyspaces and transactions (commit 3752224, the
// credential-store life up to "update the user setting": serial, a user setting, a sealed
// registration, a sealed and a protected record, two counters). It must still mount and
// read on the firmware of today, on both hosts.
const BEFORE = join(import.meta.dirname, "fixtures", "devkit-flash-before-issue-7.bin.gz");
for (const host of ["ts", "posix"] as const) {
  const skip = host === "posix" && !existsSync(posixExecutable("devkit")) && !process.env.CI ? "no build/posix/devkit" : false;
  if (skip) console.log(`skip: older flash on posix: ${skip}`);
  test(`flash written before keyspaces and transactions mounts and reads (${host})`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "compat-"));
    const flashFile = join(dir, "f.bin");
    writeFileSync(flashFile, gunzipSync(readFileSync(BEFORE)));
    const o: PowerOnOptions = { image: wasmImagePath("devkit"), flashFile };
    const d: DeviceHandle = host === "ts" ? await TsDevice.create(o) : await PosixDevice.create({ ...o, image: "devkit" });
    try {
      assert.equal((await d.boot(T)).result, 0);
      const text = (a: { data: Uint8Array } | null) => Buffer.from(a!.data.subarray(2)).toString();
      const setting = await ask(d, service.get(0x0301));
      assert.equal(setting.answer?.status, 0);
      assert.equal(text(setting.answer), "bath 42C");
      const site = await ask(d, service.get(0x0320));
      assert.equal(site.answer?.status, 0, "the protected record's tag still verifies");
      assert.equal(text(site.answer), "site 4711, PV 5.5 kW");
      const owner = await ask(d, service.get(0x0311));
      assert.equal(owner.answer?.status, 0, "the sealed record still opens");
      assert.equal(owner.answer?.data[1], Attr.SECRET);
      assert.equal((await ask(d, service.verify(TENANT_A_PASSWORD))).answer?.status, 0, "the sealed registration still opens");
      // And today's firmware writes to it: a transaction, then an initialization by reset class.
      const tx = await ask(d, service.transaction([putStringEntry(0x0301, "bath 43C"), putStringEntry(0x0321, "floor 3")]));
      assert.equal(tx.answer?.status, 0);
      assert.equal((await ask(d, service.initialize())).answer?.status, 0);
      assert.equal((await ask(d, service.verify(TENANT_A_PASSWORD))).answer?.status, -5, "registration erased");
      assert.equal(text((await ask(d, service.get(0x0301))).answer), "bath 43C");
    } finally {
      await d.close();
    }
  });
}
