// Regression test for the outbox's write order (commit 9b8ebd6 fixed the first one: the
// counter moved before the message). In the acknowledged outbox the rule is: the floor of
// acknowledged sequence numbers is written before acknowledged chunks leave flash. The
// other way round, a power cut between the two restarts the numbering below what the cloud
// holds, and the cloud drops the new messages as resends. Power is cut at every flash
// operation of the acknowledgement; after the reboot the next history entry must carry a
// sequence number above everything the cloud has.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TsDevice } from "../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../host-sim/device/power-on.ts";
import { EventKind } from "../host-sim/device/types.ts";
import { recordLife, press, T, AUTO_BATH } from "../host-sim/appliances/water-heater/scenarios/life.ts";

test("after a power cut at any write of an acknowledgement, numbering goes on above what the cloud holds", async () => {
  const ops = recordLife();
  const life = await ops;
  const ackAt = life.findIndex((o) => o.label === "the cloud has both");
  assert.ok(ackAt > 0);
  const dir = mkdtempSync(join(tmpdir(), "outbox-order-"));
  const image = wasmImagePath("water-heater");
  try {
    // Reference run: which flash operations belong to the acknowledgement.
    const ref = await TsDevice.create({ image, flashFile: join(dir, "ref.flash") });
    await ref.boot(T);
    for (let i = 0; i < ackAt; i++) await ref.event(T, life[i].event);
    const from = ref.flashOpSizes().length + 1;
    assert.equal((await ref.event(T, life[ackAt].event)).result, 0);
    const to = ref.flashOpSizes().length;
    await ref.close();
    assert.ok(to - from >= 1, "the acknowledgement writes the floor and removes a chunk");

    const seen: number[] = [];
    for (let cut = from; cut <= to; cut++) {
      const f = join(dir, `cut-${cut}.flash`);
      const d = await TsDevice.create({ image, flashFile: f, cutAt: cut });
      await d.boot(T);
      for (let i = 0; i <= ackAt; i++) if ((await d.event(T, life[i].event)).result === null) break;
      await d.close();
      const again = await TsDevice.create({ image, flashFile: f });
      assert.equal((await again.boot(T)).result, 0);
      await again.event(T, { kind: EventKind.MQTT_STATE, arg: 1 });
      const r = await again.event(T, press(AUTO_BATH));
      await again.close();
      const pub = r.outputs.find((o) => o.t === "mqtt_publish" && o.topic.endsWith("/up/history"));
      assert.ok(pub && pub.t === "mqtt_publish", `cut at flash op ${cut}: the new history entry was sent`);
      const seq = JSON.parse(Buffer.from(pub.payload).toString()).seq as number;
      seen.push(seq);
      assert.equal(seq, 3, `cut at flash op ${cut}: the cloud holds seq 1 and 2, the new entry got ${seq}`);
    }
    console.log(`outbox order: ${to - from + 1} cut points in the acknowledgement, new entry seq ${[...new Set(seen)].join(",")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
