// The smart meter in the simulated home, end to end on both hosts (ts, posix) with the
// embedded broker: the demo's story (installation, a new resident, a data-provision
// change, a switch Alice orders for the next half hour, an immediate card switch, a
// forged card's mismatch opening the breaker and the press that closes it again, a
// move-out), the readings each company got (its own data types only, each rseq once),
// what the companies and Alice's phone were told, the HEMS reading the load
// the meter measures, an unreadable card, and the device password kept out of every log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { playMeterDemo } from "../host-sim/appliances/meter/demo.ts";
import { METER_SERIAL } from "../host-sim/appliances/meter/panel.ts";
import { GREEN_POWER, KANTO_POWER, DATA_UTILIZATION, type MeterNoticesResponse } from "../host-sim/appliances/meter/cloud/index.ts";
import { meterCommand } from "../host-sim/home/meter-console.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { requirement } from "./support/requirement.ts";

const posixMissing = requirement("the posix meter board (build/posix/meter)", existsSync("build/posix/meter"), "npm run build");

async function withMeterHome(host: HostName, fn: (home: Home) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "meter-home-"));
  const home = new Home({ dataDir, broker: "embedded", heaterHost: "ts", meterHost: host, fresh: true, seeded: true, meter: true, clock: "virtual" });
  try {
    await home.start();
    await fn(home);
  } finally {
    await home.stop();
  }
}

for (const host of ["ts", "posix"] as HostName[]) {
  test(`${host}: the meter's demo, what each company and Alice's phone were told, the HEMS, and no password in any log`, { skip: host === "posix" && posixMissing }, async () => {
    await withMeterHome(host, async (home) => {
      const steps: string[] = [];
      await playMeterDemo(home, (s) => steps.push(s));
      const meter = home.requireMeter();
      const cloud = home.meterCloud!;
      assert.equal(meter.breaker, "closed", "Bob's supply is on at the end");
      const kinds = (code: number) => cloud.company(code)!.notices(METER_SERIAL).map((n) => n.kind);
      assert.ok(kinds(KANTO_POWER).includes("ending"), "Kanto was told of its scheduled end (S802)");
      assert.ok(kinds(GREEN_POWER).includes("security"), "Green heard of its mismatch");
      assert.ok(kinds(GREEN_POWER).includes("switched"));
      assert.ok(!kinds(DATA_UTILIZATION).includes("breaker"), "breaker transitions go to the contract company only");
      assert.ok(kinds(KANTO_POWER).includes("breaker"));
      const notices = await home.alice.cloud.expect<MeterNoticesResponse>(200, "GET", `/api/meter/${home.meterDeviceId}/notices`);
      assert.ok(notices.some((n) => n.kind === "security") && notices.some((n) => n.kind === "switched"));
      // Each company got only its own data types, each rseq once, none missing.
      const fields = (code: number) => new Set(cloud.company(code)!.readings(METER_SERIAL).flatMap((r) => ["t", "w", "wh", "d"].filter((k) => k in r)));
      assert.deepEqual([...fields(DATA_UTILIZATION)].sort(), ["t", "w"]);
      for (const code of [KANTO_POWER, GREEN_POWER]) assert.deepEqual([...fields(code)].sort(), ["d", "t", "wh"]);
      assert.ok(cloud.company(GREEN_POWER)!.readings(METER_SERIAL).length >= 2);
      for (const c of cloud.companies) {
        const rseqs = c.readings(METER_SERIAL).map((r) => r.rseq);
        assert.deepEqual(rseqs, rseqs.map((_, k) => k + 1), `${c.name}: rseq from 1, each once`);
        assert.deepEqual(c.scopeViolations(METER_SERIAL), [], `${c.name}: nothing outside its scope arrived`);
        assert.deepEqual(c.missing(METER_SERIAL), []);
      }
      assert.match(steps.join("\n"), /meter 192\.168\.1\.10[\s\S]*now +\d+ W[\s\S]*register +\d+\.\d{3} kWh/);

      // The HEMS reads what the meter measures: the load model's power and register now.
      const at = home.hems!.meter()!;
      const v = await home.hems!.read(at);
      const now = home.meterLoad!.sample(home.meterWallMs())[0];
      assert.equal(v.powerW, now.powerW);
      assert.equal(Math.round(v.energyKWh! * 1000), now.energyWh % 100_000_000);

      // The installer's password reached the meter and the head-end, nothing else.
      const password = meter.passwords[0];
      assert.ok(password && password.length >= 16);
      assert.doesNotMatch(JSON.stringify(home.flow), new RegExp(password));
      assert.doesNotMatch(meter.log.join("\n"), new RegExp(password));
    });
  });
}

test("an unreadable card changes nothing and the panel says so; the console's card and press commands", async () => {
  await withMeterHome("ts", async (home) => {
    const meter = home.requireMeter();
    await home.installMeter();
    await meter.cards.insert(2, Uint8Array.of(0x43, 0x54, 1, 0));
    assert.match(meter.device.screen, /Card 3 unreadable/);
    assert.match(meter.device.screen, /Contract none/);
    assert.equal(await meterCommand(home, ["card", "insert", "1", "kanto"]), "");
    await meterCommand(home, ["press", "meter", "select1"]);
    assert.match(meter.device.screen, /A001/i, "the selection button switched to the card's company at once");
    await assert.rejects(meterCommand(home, ["card", "insert", "4", "kanto"]), /slot is 1, 2 or 3/);
    await assert.rejects(meterCommand(home, ["press", "meter", "nope"]), /no button/);
    await assert.rejects(meterCommand(home, ["company", "nobody", "confirm"]), /no company/);
  });
});
