// The host's load model (host-sim/meter-model): what measure() reads on every host. The
// energy register must be exact and the same however often it is sampled, and the breaker
// must stop what flows through it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel, E_IO, OK, Pin } from "../host-sim/board/abi-constants.ts";
import { DAY_MS, MeterModel, PCS_SUNNY_DAY, SLOT_MS, TYPICAL_HOME, profileProblem, type LoadProfile } from "../host-sim/meter-model/index.ts";

const MIDNIGHT = Date.UTC(2026, 10, 22);
const ramp = Array.from({ length: 48 }, (_, k) => 100 * (k + 1)); // 100 W .. 4800 W
/** IMPORT ramps up over the day; PV is a flat 7 W (3.5 Wh a half hour: not a whole Wh). */
const PROFILE: LoadProfile = { channels: [ramp, new Array(48).fill(0), new Array(48).fill(7)] };
const wh = (m: MeterModel, t: number, c: number = Channel.IMPORT) => m.sample(t)[c].energyWh;

test("a day of a known profile gives the exact Wh, and the next day repeats it", () => {
  const m = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  // Σ 100(k+1) W × 0.5 h over k = 0..47 = 50 × 1176 Wh.
  assert.equal(wh(m, MIDNIGHT + DAY_MS), 58_800);
  assert.equal(wh(m, MIDNIGHT + 2 * DAY_MS), 117_600);
  assert.equal(wh(m, MIDNIGHT + 2 * DAY_MS, Channel.PV), 7 * 48, "7 W for 48 h");
  assert.equal(m.sample(MIDNIGHT + 2 * DAY_MS).length, 3, "only the channels the profile lists");
});

test("the register is floor(∫W dt), whatever the sampling: not a sum of rounded pieces", () => {
  const once = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  const often = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  assert.equal(wh(often, MIDNIGHT + SLOT_MS, Channel.PV), 3, "3.5 Wh reads 3");
  assert.equal(wh(often, MIDNIGHT + 2 * SLOT_MS, Channel.PV), 7, "the half Wh was kept");
  const end = MIDNIGHT + 5 * 3_600_000 + 12_345;
  for (let t = MIDNIGHT + 2 * SLOT_MS; t < end; t += 7 * 60_000 + 13) often.sample(t);
  assert.deepEqual(often.sample(end), once.sample(end));
  // 1 ms past midnight at 100 W is 100/3.6e6 Wh: still 0, and the power is the slot's.
  const fresh = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  assert.deepEqual(fresh.sample(MIDNIGHT + 1)[0], { status: OK, powerW: 100, energyWh: 0 });
  assert.equal(fresh.sample(MIDNIGHT + SLOT_MS)[0].powerW, 200, "a slot's power starts at its boundary");
});

test("an open breaker freezes IMPORT and EXPORT (power 0) but not what sits behind it", () => {
  const m = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT, startWh: [1000, 0, 0] });
  assert.equal(wh(m, MIDNIGHT + SLOT_MS), 1000 + 50);
  // The image opens the breaker at 00:30 (its gpio output) and closes it again at 01:30.
  m.observe([{ t: "log", level: 2, text: "x" }, { t: "gpio", pin: Pin.BREAKER, level: 0 }], MIDNIGHT + SLOT_MS);
  assert.equal(m.breaker, false);
  const open = m.sample(MIDNIGHT + 3 * SLOT_MS - 1);
  assert.deepEqual(open[0], { status: OK, powerW: 0, energyWh: 1050 }, "frozen while open");
  assert.equal(open[2].energyWh, Math.floor(7 * (3 * SLOT_MS - 1) / 3_600_000), "PV keeps counting");
  m.observe([{ t: "gpio", pin: Pin.RELAY, level: 0 }], MIDNIGHT + 3 * SLOT_MS);
  assert.equal(m.breaker, false, "another pin is not the breaker");
  m.observe([{ t: "gpio", pin: Pin.BREAKER, level: 1 }], MIDNIGHT + 3 * SLOT_MS);
  // 01:30-02:00 is slot 3: 400 W for half an hour.
  assert.deepEqual(m.sample(MIDNIGHT + 4 * SLOT_MS)[0], { status: OK, powerW: 500, energyWh: 1050 + 200 });
  const closedAllDay = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT, startWh: [1000, 0, 0] });
  assert.equal(wh(closedAllDay, MIDNIGHT + DAY_MS) - wh(m, MIDNIGHT + DAY_MS), 100 + 150, "slots 1 and 2 missing");
});

test("a grid outage stops every channel until it ends", () => {
  const m = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  m.setOutage(true, MIDNIGHT + SLOT_MS);
  assert.deepEqual(m.sample(MIDNIGHT + 10 * SLOT_MS).map((s) => [s.powerW, s.energyWh]), [[0, 50], [0, 0], [0, 3]]);
  m.setOutage(false, MIDNIGHT + 10 * SLOT_MS);
  assert.equal(wh(m, MIDNIGHT + 11 * SLOT_MS), 50 + 550, "slot 10 at 1100 W counts again");
});

test("a failed front end reads E_IO while the energy keeps flowing", () => {
  const m = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  m.setFault(Channel.IMPORT, true);
  assert.deepEqual(m.sample(MIDNIGHT + SLOT_MS)[0], { status: E_IO, powerW: 0, energyWh: 0 });
  m.setFault(Channel.IMPORT, false);
  assert.equal(wh(m, MIDNIGHT + 2 * SLOT_MS), 50 + 100);
});

test("refused: a malformed profile, and time going backwards", () => {
  assert.equal(profileProblem(TYPICAL_HOME), null);
  assert.match(profileProblem({ channels: [ramp.slice(1)] })!, /47 half hours/);
  assert.match(profileProblem({ channels: [[-1, ...ramp.slice(1)]] })!, /half hour 0: -1 W/);
  assert.match(profileProblem({ channels: [ramp, ramp, ramp, ramp, ramp, ramp] })!, /6 channels/);
  assert.throws(() => new MeterModel({ channels: [[1.5, ...ramp.slice(1)]] }, { originUtcMs: 0 }), /load profile/);
  const m = new MeterModel(PROFILE, { originUtcMs: MIDNIGHT });
  m.sample(MIDNIGHT + 10);
  assert.throws(() => m.sample(MIDNIGHT + 9), /before/);
  assert.throws(() => new MeterModel(PROFILE, { originUtcMs: MIDNIGHT }).sample(MIDNIGHT - 1), /before/);
});

test("the power conditioner's sunny day: PV only by day, charge at noon, discharge in the evening, the grid balances them", () => {
  assert.equal(profileProblem(PCS_SUNNY_DAY), null);
  const m = new MeterModel(PCS_SUNNY_DAY, { originUtcMs: MIDNIGHT });
  const at = (h: number) => m.sample(MIDNIGHT + h * 3_600_000);
  assert.equal(at(3).map((s) => s.powerW)[Channel.PV], 0, "no sun at 03:00");
  const noon = at(12).map((s) => s.powerW);
  assert.ok(noon[Channel.PV] > 3500, `PV at noon ${noon[Channel.PV]} W`);
  assert.equal(noon[Channel.CHARGE], 1500);
  assert.equal(noon[Channel.DISCHARGE], 0);
  assert.ok(noon[Channel.EXPORT] > 0 && noon[Channel.IMPORT] === 0, "the noon surplus goes to the grid");
  const evening = at(19).map((s) => s.powerW);
  assert.deepEqual([evening[Channel.PV], evening[Channel.CHARGE], evening[Channel.DISCHARGE]], [0, 0, 1200]);
  assert.equal(evening[Channel.IMPORT], 2400 - 1200, "the battery covers half the evening peak");
  const day = m.sample(MIDNIGHT + DAY_MS);
  assert.equal(day[Channel.CHARGE].energyWh, 6000, "4 h at 1.5 kW");
  assert.equal(day[Channel.DISCHARGE].energyWh, 4800, "4 h at 1.2 kW");
});
