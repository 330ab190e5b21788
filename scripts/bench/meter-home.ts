// One simulated day of one meter in the simulated home, in wall time (issue 10's closing
// note): the embedded broker, the real cloud with the head-end and the three company
// servers (SQLite), the HEMS on the LAN; the meter installed, Kanto Power as the contract
// company and the Data Utilization Co. as the data provision, both confirmed; then 24 h of
// the meter's virtual time played in steps (its timers fire; broker and cloud answer in
// between, in real time) until both companies hold the day's 48 readings. It reports what
// each company received; it asserts nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../../host-sim/home/world.ts";
import type { HostName } from "../../host-sim/device/power-on.ts";
import { METER_SERIAL } from "../../host-sim/appliances/meter/panel.ts";
import { DATA_UTILIZATION, KANTO_POWER } from "../../host-sim/appliances/meter/cloud/index.ts";

export interface CompanyDay { name: string; readings: number; firstRseq: number | null; lastRseq: number | null; missing: number; outOfScope: number }
export interface MeterHomeDay {
  host: HostName; steps: number; stepMs: number;
  /** Wall time until both companies held the day's readings, and of playing the day's time alone. */
  dayMs: number; playedMs: number;
  /** Kanto's readings when the day's time had been played (the rest came as the broker caught up). */
  atKantoWhenPlayed: number;
  companies: CompanyDay[];
}

const DAY_MS = 24 * 3600_000;

export async function meterHomeDay(host: HostName, stepMs = 60_000): Promise<MeterHomeDay> {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-meter-home-"));
  const home = new Home({ dataDir, broker: "embedded", heaterHost: "ts", meterHost: host, fresh: true, seeded: true, meter: true, clock: "virtual" });
  const settle = async (what: string, ok: () => boolean) => {
    for (let k = 0; k < 2000 && !ok(); k++) { await home.requireMeter().device.advance(1000); await new Promise((r) => setTimeout(r, 5)); }
    if (!ok()) throw new Error(`meter home day: ${what} did not happen`);
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
    const atKantoWhenPlayed = kanto.readings(METER_SERIAL).length;
    await settle("the day's 48 readings at both companies", () => kanto.readings(METER_SERIAL).length >= 48 && data.readings(METER_SERIAL).length >= 48);
    const dayMs = Number(process.hrtime.bigint() - started) / 1e6;
    const companies = [kanto, data].map((c): CompanyDay => {
      const r = c.readings(METER_SERIAL);
      return { name: c.name, readings: r.length, firstRseq: r[0]?.rseq ?? null, lastRseq: r.at(-1)?.rseq ?? null, missing: c.missing(METER_SERIAL).length, outOfScope: c.scopeViolations(METER_SERIAL).length };
    });
    return { host, steps: DAY_MS / stepMs, stepMs, dayMs, playedMs, atKantoWhenPlayed, companies };
  } finally {
    await home.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
