// No reading lost or duplicated across a 48-hour broker outage (issue 10, "Tests"), per
// company, on both hosts and both brokers: the meter in the simulated home (real broker,
// real cloud, the head-end and the company servers in SQLite), installed with Kanto Power
// as its contract company (TIME, ENERGY, HISTORY) and the Data Utilization Co. as its
// data-provision company (TIME, POWER), both confirmed. Then 48 h of meter time with the
// broker down, power cuts (an instant one, one spanning a :00/:30 boundary, one spanning
// three, one ending 29 min after a boundary) and a broker restart while the cloud is away; then the
// broker and the cloud back and time running until every reading is acknowledged. The
// figures come from the companies' own databases; each test prints one row per company
// of the meter outage table.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Home } from "../host-sim/home/world.ts";
import { METER_SERIAL } from "../host-sim/appliances/meter/panel.ts";
import { KANTO_POWER, DATA_UTILIZATION, type CompanyServer, type StoredReading } from "../host-sim/appliances/meter/cloud/index.ts";
import type { HostName } from "../host-sim/device/power-on.ts";
import { findMosquitto } from "../host-sim/net/broker-mosquitto.ts";
import type { BrokerKind } from "../host-sim/net/broker.ts";
import { requirement } from "./support/requirement.ts";

const MINUTE = 60_000;
const SLOT = 30 * MINUTE;
const HOUR = 60 * MINUTE;
/** Quality bit LATE (PROTOCOL.md §3.1): taken at boot, the meter was off at the boundary. */
const LATE = 1;
const FIELDS = ["t", "w", "wh", "d"] as const;

const posixMissing = requirement("the posix meter board (build/posix/meter)", existsSync("build/posix/meter"), "npm run build");
const mosquittoMissing = requirement("mosquitto", findMosquitto() !== null, "apt-get install mosquitto");

async function withMeterHome(host: HostName, broker: BrokerKind, fn: (home: Home) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "meter-outage-"));
  const home = new Home({ dataDir, broker, heaterHost: "ts", meterHost: host, fresh: true, seeded: true, meter: true, clock: "virtual" });
  try {
    await home.start();
    await fn(home);
  } finally {
    await home.stop();
  }
}

/** Moves the meter's time in `stepMs` steps (its timers fire, the broker and the cloud
 *  answer in between) until `done` holds, or throws after `realMs` of real time. */
async function until(home: Home, what: string, done: () => boolean, stepMs = 1_000, realMs = 60_000): Promise<void> {
  const meter = home.requireMeter().device;
  const end = Date.now() + realMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what} did not happen:\n${meter.screen}`);
    await meter.advance(stepMs);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What the meter must have made: the slot end of every reading, on time or LATE. */
class Expected {
  readonly ends: number[] = [];
  late = 0;
  constructor(private readonly home: Home) {}

  /** The meter on, its time running to wall time `to`: a reading at each boundary. */
  async runTo(to: number): Promise<void> {
    const from = this.home.meterWallMs();
    this.ends.push(...boundaries(from, to));
    await this.home.requireMeter().device.advance(to - from);
  }

  /** A power cut from now until wall time `to`: one LATE reading at boot for the latest
   *  boundary missed, if any (boundaries missed are not invented). */
  async cutUntil(to: number): Promise<void> {
    const meter = this.home.requireMeter();
    const missed = boundaries(this.home.meterWallMs(), to);
    await meter.device.powerOff();
    await meter.device.advance(to - this.home.meterWallMs());
    await this.home.powerCycleMeter();
    if (missed.length > 0) { this.ends.push(missed.at(-1)!); this.late++; }
  }
}

/** The :00/:30 boundaries in (from, to]. */
function boundaries(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = (Math.floor(from / SLOT) + 1) * SLOT; t <= to; t += SLOT) out.push(t);
  return out;
}

interface Row { made: number; late: number; received: number; lost: number; duplicated: number }

/** One company's figures from its own database, for the readings of the window. */
function tally(c: CompanyServer, expected: Expected, windowStart: number): Row & { readings: StoredReading[] } {
  const readings = c.readings(METER_SERIAL).filter((r) => r.t! > windowStart);
  const got = new Set(readings.map((r) => r.t!));
  const lost = expected.ends.filter((t) => !got.has(t)).length + c.missing(METER_SERIAL).length;
  // A reading stored twice would be under another rseq (the store keeps one per rseq) or
  // under the same rseq with other content (a conflict).
  const duplicated = readings.length - got.size + c.conflicts(METER_SERIAL).length;
  return { made: expected.ends.length, late: expected.late, received: readings.length, lost, duplicated, readings };
}

function row(host: string, broker: string, company: string, r: Row): void {
  console.log(`meter outage table | ${`${host}, ${broker}`.padEnd(16)} | ${company.padEnd(20)} | made ${r.made} (${r.late} LATE) | received ${r.received} | lost ${r.lost} | duplicated ${r.duplicated}`);
}

for (const host of ["ts", "posix"] as HostName[]) {
  for (const broker of ["embedded", "mosquitto"] as BrokerKind[]) {
    const skip = (host === "posix" && posixMissing) || (broker === "mosquitto" && mosquittoMissing);

    test(`${host}, ${broker}: a 48 h broker outage with power cuts and a broker restart loses and duplicates no reading, per company`, { skip }, async () => {
      await withMeterHome(host, broker, async (home) => {
        const meter = home.requireMeter();
        const cloud = home.meterCloud!;
        const kanto = cloud.company(KANTO_POWER)!, data = cloud.company(DATA_UTILIZATION)!;
        const confirmed = (c: CompanyServer, id: number) => c.workflows(METER_SERIAL).find((w) => w.id === id)!.state === "switched";

        // Installed, with both companies switched to and confirmed (the switch order
        // carries the confirmation): both are owed every reading from here.
        const deviceId = await home.installMeter();
        await until(home, "the meter's first table at the head-end", () => cloud.headEnd().table(deviceId) !== undefined);
        const k = kanto.orderSwitch(METER_SERIAL), d = data.orderSwitch(METER_SERIAL);
        await until(home, "both switches confirmed", () => confirmed(kanto, k) && confirmed(data, d));
        assert.match(meter.device.screen, /Contract A001[\s\S]*Provision C003/i);
        await until(home, "the resident's supply", () => meter.breaker === "closed");
        assert.notEqual(kanto.types, data.types, "the two companies have different scopes");

        const windowStart = home.meterWallMs();
        const expected = new Expected(home);
        const slotAfter = (hours: number) => (Math.floor((windowStart + hours * HOUR) / SLOT) + 1) * SLOT;
        await home.brokerDown();

        // Hours 0-6: running, then an instant power cut between two boundaries.
        await expected.runTo(slotAfter(6) + 7 * MINUTE);
        await home.powerCycleMeter();
        // Hour 10: a cut from 5 min before a boundary to 5 min after it.
        await expected.runTo(slotAfter(10) - 5 * MINUTE);
        await expected.cutUntil(slotAfter(10) + 5 * MINUTE);
        // Hour 17: a cut over three boundaries (LATE and GAP at boot).
        await expected.runTo(slotAfter(17) - 20 * MINUTE);
        await expected.cutUntil(slotAfter(17) + 70 * MINUTE);
        // Hour 24: the broker comes back while the cloud is away; the meter reconnects and
        // sends what it holds, which the broker keeps for the cloud's session; then the
        // broker restarts again, the cloud still away.
        await expected.runTo(slotAfter(24) + 3 * MINUTE);
        const restartFlow = Date.now();
        await home.brokerUp();
        await home.cloudDown();
        const onlineFrom = home.meterWallMs();
        await until(home, "the meter's reconnection", () => /\nOnline/.test(meter.device.screen), 5_000, 30_000);
        expected.ends.push(...boundaries(onlineFrom, home.meterWallMs()));
        await expected.runTo(home.meterWallMs() + 1_000);
        await home.brokerDown();
        const sent = home.flow.filter((l) => l.t >= restartFlow && /^meter -> broker  \S+\/up\/history /.test(l.text)).length;
        assert.ok(sent > 0, "the meter sent readings to the restarted broker (no company acknowledged them)");
        // Hour 36: a cut from 1 min before a boundary to 29 min after it.
        await expected.runTo(slotAfter(36) - MINUTE);
        await expected.cutUntil(slotAfter(36) + 29 * MINUTE);
        // To hour 48, the broker still down.
        await expected.runTo(windowStart + 48 * HOUR);

        // The broker and the cloud back: time runs until both companies hold everything.
        await home.brokerUp();
        await home.cloudUp();
        // The meter keeps measuring meanwhile: those readings are owed too.
        let counted = home.meterWallMs();
        const complete = () => {
          expected.ends.push(...boundaries(counted, counted = home.meterWallMs()));
          return [kanto, data].every((c) => tally(c, expected, windowStart).lost === 0);
        };
        const settleFrom = Date.now();
        await until(home, "every reading at its company", complete, 30_000, 120_000).catch(() => undefined);
        console.log(`settled in ${((home.meterWallMs() - windowStart) / HOUR - 48).toFixed(2)} h of meter time, ${Date.now() - settleFrom} ms of real time`);

        for (const c of [kanto, data]) {
          const r = tally(c, expected, windowStart);
          row(host, broker, c.name, r);
          assert.ok(r.made >= 96 - 4, `${c.name}: ${r.made} readings made over 48 h`);
          const notThere = expected.ends.filter((t) => !r.readings.some((x) => x.t === t)).map((t) => new Date(t).toISOString());
          assert.deepEqual({ lost: r.lost, duplicated: r.duplicated, received: r.received }, { lost: 0, duplicated: 0, received: r.made },
            `${c.name}: slots not received ${notThere.join(", ") || "none"}`);
          assert.deepEqual(c.missing(METER_SERIAL), [], `${c.name}: no rseq gap`);
          assert.deepEqual(c.conflicts(METER_SERIAL), [], `${c.name}: no rseq with two contents`);
          assert.equal(r.readings.filter((x) => (x.q & LATE) !== 0).length, expected.late, `${c.name}: the LATE readings`);
          // Only the company's own data types, none missing (no FAULT in this run).
          assert.deepEqual(c.scopeViolations(METER_SERIAL), [], `${c.name}: nothing outside its scope arrived`);
          const want = FIELDS.filter((f) => (c.types & { t: 1, w: 2, wh: 4, d: 8 }[f]) !== 0);
          for (const x of r.readings) assert.deepEqual(FIELDS.filter((f) => f in x), want, `${c.name}: rseq ${x.rseq}'s fields`);
        }
      });
    });
  }
}
