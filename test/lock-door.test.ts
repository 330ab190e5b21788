// ABI v1.4's DOOR_SENSOR (pin 5, in) on every engine (V8, wasm2c, WAMR fast and classic
// when WAMR's sources are here), through the lock image: the bolt is
// thrown at boot (fail secure), a GPIO event on pin 5 is what the image reads and shows,
// and the owner's button moves the bolt on the output pin. The grant checks are the
// specs' (firmware/modules/grants, firmware/images/lock/__tests__) and the end-to-end
// tests'; this is the board's part.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { powerOn, type HostName } from "../host-sim/device/power-on.ts";
import { posixExecutable } from "../host-sim/device/posix-device.ts";
import { EventKind, LinkId, type BoardOutput, type BoardTime } from "../host-sim/device/types.ts";
import { provision } from "../host-sim/clients/service-port.ts";
import { Pin } from "../host-sim/board/abi-constants.ts";
import { LOCK_SERIAL, LOCK_BUTTONS, DOOR_SENSOR_PIN } from "../host-sim/appliances/lock/index.ts";
import { requirement } from "./support/requirement.ts";
import { nativeEngines } from "./support/engines.ts";

const T: BoardTime = { nowMs: 1000, wallMs: -1 };

const screen = (outs: BoardOutput[]) => outs.filter((o) => o.t === "display").map((o) => (o as { text: string }).text).at(-1) ?? "";
const pins = (outs: BoardOutput[]) => outs.filter((o) => o.t === "gpio").map((o) => { const g = o as { pin: number; level: number }; return [g.pin, g.level]; });

for (const host of ["ts", ...nativeEngines()] as HostName[]) {
  const missing = host === "ts" ? false : requirement(`the ${host} lock board`, existsSync(posixExecutable("lock", host)), "npm run build");
  test(`${host}: the lock throws its bolt at boot and follows the door sensor (ABI v1.4 pin 5)`, { skip: missing }, async () => {
    assert.equal(Pin.DOOR_SENSOR, DOOR_SENSOR_PIN);
    const dir = mkdtempSync(join(tmpdir(), "lock-door-"));
    const dev = await powerOn(host, { image: "lock", flashFile: join(dir, "flash.bin") });
    try {
      const boot = await dev.boot(T);
      assert.deepEqual(pins(boot.outputs), [[Pin.LOCK_ACTUATOR, 1]], "fail secure: thrown at boot");
      await dev.event(T, { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: provision(LOCK_SERIAL) });
      const open = await dev.event(T, { kind: EventKind.GPIO, arg: Pin.DOOR_SENSOR | (1 << 8) });
      assert.equal(open.result, 0);
      assert.match(screen(open.outputs), /^Lock LK-0001\nBolt locked\nDoor open\nTime unknown/);
      const owner = await dev.event(T, { kind: EventKind.BUTTON, arg: LOCK_BUTTONS.owner });
      assert.deepEqual(pins(owner.outputs), [[Pin.LOCK_ACTUATOR, 0]], "the owner's button needs no grant");
      const closed = await dev.event(T, { kind: EventKind.GPIO, arg: Pin.DOOR_SENSOR | (0 << 8) });
      assert.deepEqual(pins(closed.outputs), [[Pin.LOCK_ACTUATOR, 1]], "the door closing throws the bolt again");
      assert.match(screen(closed.outputs), /Bolt locked\nDoor closed/);
      const other = await dev.event(T, { kind: EventKind.GPIO, arg: Pin.TAMPER_SWITCH | (1 << 8) });
      assert.equal(other.result, -12, "no other input is the lock's");
    } finally {
      await dev.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
