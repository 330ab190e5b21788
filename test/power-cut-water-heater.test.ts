// The water-heater image under the power-cut sweep: provisioning, a setting, registration
// (the device password arrives over the LAN), a command and history through the flash
// outbox, and initialization. The device is deterministic, so a dry run records the
// seeded phone's frames and the broker's packet ids, and the sweep replays them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent } from "../host-sim/device/types.ts";
import { LanSession } from "../host-sim/phone/lan-messages.ts";
import { seededRandom } from "../host-sim/phone/seeded-random.ts";
import { service } from "../host-sim/clients/devkit-service.ts";
import { powerCutSweep, type SweepOp } from "../host-sim/faults/power-cut-sweep.ts";

const T = { nowMs: 0, wallMs: -1 };
const MENU = 0, UP = 1, DOWN = 2, OK = 3, AUTO_BATH = 5;
const PASSWORD = "Hv3Qm9Xt2Lp7Wz4Rk8Nc";
const DEVICE_ID = "7c6b5a49-3827-4615-9d0e-fa9b8c7d6e5f";
const enc = new TextEncoder();
const press = (b: number): BoardEvent => ({ kind: EventKind.BUTTON, arg: b });
const mqttMessage = (topic: string, body: string): BoardEvent => {
  const t = enc.encode(topic), m = enc.encode(body), p = new Uint8Array(t.length + m.length);
  p.set(t); p.set(m, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
};

/** Runs the life once, answering the remote as a phone and a broker would, and returns
 *  it as fixed operations with their results. */
async function recordLife(): Promise<SweepOp[]> {
  const dev = await TsDevice.create({ image: wasmImagePath("water-heater"), flashFile: join(mkdtempSync(join(tmpdir(), "whpc-")), "f.bin") });
  await dev.boot(T);
  const ops: SweepOp[] = [];
  const run = async (label: string, event: BoardEvent, extra: Partial<SweepOp> = {}) => {
    const r = await dev.event(T, event);
    ops.push({ label, event, status: r.result ?? -999, ...extra });
    return r;
  };
  await run("provision", { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: service.provision("WH-0777") });
  for (const [i, b] of [MENU, OK, UP, OK, 4 /* BACK */].entries()) await run(`set hot water temp ${i}`, press(b));
  for (const [i, b] of [MENU, DOWN, DOWN, DOWN, OK, OK, OK].entries()) await run(`open registration ${i}`, press(b));
  const phone = new LanSession(seededRandom("sweep-phone"));
  const answer = (r: Awaited<ReturnType<typeof run>>) => {
    const f = r.outputs.find((o) => o.t === "link");
    assert.ok(f && f.t === "link");
    return f.data;
  };
  phone.acceptNonce(answer(await run("app asks for a nonce", { kind: EventKind.LINK, arg: LinkId.LAN, payload: phone.nonceRequest() })));
  phone.openHelloReply(answer(await run("app says hello", { kind: EventKind.LINK, arg: LinkId.LAN, payload: phone.hello("sweep-terminal") })));
  await run("user confirms the code", press(OK));
  await run("app hands over the credentials", { kind: EventKind.LINK, arg: LinkId.LAN, payload: phone.credentials(DEVICE_ID, PASSWORD) }, { writes: PASSWORD });
  await run("dismiss", press(OK));
  await run("broker accepts", { kind: EventKind.MQTT_STATE, arg: 1 });
  const cmd = await run("a command", mqttMessage(`devices/${DEVICE_ID}/down`, '{"cmd":1,"set":"bath_temp","value":44}'));
  const history = cmd.outputs.find((o) => o.t === "mqtt_publish" && o.topic.endsWith("/up/history"));
  assert.ok(history && history.t === "mqtt_publish");
  await run("broker has the history", { kind: EventKind.MQTT_ACK, arg: history.pid, payload: Uint8Array.of(1) });
  await run("automatic bath (history queued)", press(AUTO_BATH));
  for (const [i, b] of [MENU, DOWN, DOWN, DOWN, OK, DOWN, DOWN, OK].entries()) await run(`initialization menu ${i}`, press(b));
  await run("confirm initialization", press(OK), { erases: [PASSWORD], atomic: true });
  await dev.close();
  return ops;
}

test("water heater survives a power cut at every flash write of its life", async () => {
  const ops = await recordLife();
  assert.ok(ops.every((o) => o.status >= 0), ops.filter((o) => o.status < 0).map((o) => `${o.label}: ${o.status}`).join(", "));
  const report = await powerCutSweep({ image: "water-heater", ops });
  console.log(`power-cut sweep (water heater): ${report.cutPoints} flash operations, ${report.runs} cut runs, ${report.failures.length} failures`);
  assert.ok(report.cutPoints > 40);
  assert.deepEqual(report.failures.slice(0, 10), []);
});
