// The record store on a real board: wear spreads over every page, and a protected record
// altered in flash (with its CRC fixed up, as a deliberate tamperer would) is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId, Pin } from "../host-sim/device/types.ts";
import { Attr, service, parseAnswer } from "../host-sim/appliances/devkit/service.ts";
import { crc32, readPages } from "../host-sim/flash/record-store-image.ts";

const T = { nowMs: 0, wallMs: -1 };
const ask = async (d: TsDevice, frame: Uint8Array) => {
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
