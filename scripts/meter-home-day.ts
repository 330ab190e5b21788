// Figure for issue 10's closing note: one simulated day of one meter, in wall time. The
// simulated home (embedded broker, the real cloud with the head-end and the three company
// servers, the HEMS on the LAN) with the meter installed, Kanto Power as the contract
// company and the Data Utilization Co. as the data provision, then 24 h of the meter's
// time played in steps (its timers fire; the broker and cloud answer in between, in real
// time). Prints the wall time of the day and what each company received. It reports; it
// asserts nothing.
//   npx tsx scripts/meter-home-day.ts [--host ts|posix] [--step-s 60]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Home } from "../host-sim/home/world.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { METER_SERIAL } from "../host-sim/appliances/meter/panel.ts";
import { DATA_UTILIZATION, KANTO_POWER } from "../host-sim/appliances/meter/cloud/index.ts";

const { values } = parseArgs({ options: { host: { type: "string", default: "ts" }, "step-s": { type: "string", default: "60" } } });
const host = values.host as HostName;
const stepMs = Number(values["step-s"]) * 1000;
const DAY_MS = 24 * 3600_000;

const dataDir = mkdtempSync(join(tmpdir(), "meter-day-"));
const home = new Home({ dataDir, broker: "embedded", heaterHost: "ts", meterHost: host, fresh: true, seeded: true, meter: true, clock: "virtual" });
const settle = async (what: string, ok: () => boolean) => {
  for (let k = 0; k < 2000 && !ok(); k++) { await home.requireMeter().device.advance(1000); await new Promise((r) => setTimeout(r, 5)); }
  if (!ok()) throw new Error(`${what} did not happen`);
};
try {
  await home.start();
  const meter = home.requireMeter();
  const cloud = home.meterCloud!;
  const kanto = cloud.company(KANTO_POWER)!, data = cloud.company(DATA_UTILIZATION)!;
  await home.installMeter();
  kanto.orderSwitch(METER_SERIAL);
  data.orderSwitch(METER_SERIAL);
  await settle("the supply", () => meter.breaker === "closed" && data.workflows(METER_SERIAL).some((w) => w.state === "confirmed"));

  const started = process.hrtime.bigint();
  for (let t = 0; t < DAY_MS; t += stepMs) {
    await meter.device.advance(stepMs);
    await new Promise((r) => setImmediate(r));
  }
  const playedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const before = kanto.readings(METER_SERIAL).length;
  await settle("the day's 48 readings at Kanto", () => kanto.readings(METER_SERIAL).length >= 48 && data.readings(METER_SERIAL).length >= 48);
  const dayMs = Number(process.hrtime.bigint() - started) / 1e6;

  console.log(`host ${host}, ${DAY_MS / stepMs} steps of ${stepMs / 1000} s: one simulated day in ${(dayMs / 1000).toFixed(2)} s of wall time` +
    ` (the day's time played in ${(playedMs / 1000).toFixed(2)} s, ${before} of 48 readings at Kanto by then; the rest as the broker caught up)`);
  for (const c of [kanto, data]) {
    const r = c.readings(METER_SERIAL);
    console.log(`  ${c.name}: ${r.length} readings (rseq ${r[0]?.rseq}..${r.at(-1)?.rseq}), ${c.missing(METER_SERIAL).length} missing, ${c.scopeViolations(METER_SERIAL).length} out of scope`);
  }
} finally {
  await home.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
