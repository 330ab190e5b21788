// The meter's figures for issue 10's closing note, part of `npm run bench`; alone:
//
//   npx tsx scripts/bench/meter.ts [--no-home]
//
// - Cost per reading, on every engine built: simulated days of the image
//   (scripts/bench/meter-day.ts: every :00/:30 a TIMER event measures and hands the reading
//   to the outbox, then the head-end's acknowledgement). On the native boards under
//   callgrind, instructions of the whole board process for D1 and D2 days:
//   (I(D2) - I(D1)) / (readings(D2) - readings(D1)), so start-up, installation and boot
//   cancel. On every engine also the wall time of DAYS days, per reading (the controller's
//   pipe round trips included for the native boards).
// - One simulated day of one meter in the simulated home, in wall time, on the ts and posix
//   hosts (scripts/bench/meter-home.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { PosixDevice, posixExecutable } from "../../host-sim/device/posix-device.ts";
import { NATIVE_HOSTS, type HostName, type NativeHostName } from "../../host-sim/device/power-on.ts";
import { callgrindTotal, callgrindWrapper, valgrindAvailable } from "./callgrind.ts";
import { meterDay } from "./meter-day.ts";
import { meterHomeDay, type MeterHomeDay } from "./meter-home.ts";

const D1 = 1, D2 = 3, DAYS = 7;

export interface MeterCostRow {
  host: HostName;
  /** Instructions per reading (native boards under callgrind), null where not measured. */
  irPerReading: number | null;
  /** Wall time of DAYS simulated days and per reading. */
  wallMs: number; msPerReading: number; readings: number; flashOpsPerReading: number;
}

async function irOfDays(host: NativeHostName, days: number, work: string): Promise<{ ir: number; readings: number }> {
  const base = join(work, `${host}-${days}`);
  const wrapper = callgrindWrapper(work, `${host}-${days}-wrap`, posixExecutable("meter", host), `${base}.cg`);
  const r = await meterDay({ host, days, open: (flashFile) => PosixDevice.create({ image: wrapper, flashFile }, { answerMs: 300_000, quitMs: 300_000 }, host) });
  if (r.panic) throw new Error(`meter on ${host} under callgrind: ${r.panic}`);
  return { ir: callgrindTotal(`${base}.cg`), readings: r.readings };
}

/** `callgrind` false: wall time only (the bench's BENCH_WALL). */
export async function meterCosts(callgrind = true): Promise<MeterCostRow[]> {
  const hosts: HostName[] = ["ts", ...NATIVE_HOSTS.filter((h) => existsSync(posixExecutable("meter", h)))];
  const cg = callgrind && valgrindAvailable();
  const work = mkdtempSync(join(tmpdir(), "bench-meter-"));
  const rows: MeterCostRow[] = [];
  try {
    for (const host of hosts) {
      const day = await meterDay({ host, days: DAYS });
      if (day.panic) throw new Error(`meter on ${host}: ${day.panic}`);
      let irPerReading: number | null = null;
      if (cg && host !== "ts") {
        const [a, b] = await Promise.all([irOfDays(host, D1, work), irOfDays(host, D2, work)]);
        irPerReading = (b.ir - a.ir) / (b.readings - a.readings);
      }
      rows.push({ host, irPerReading, wallMs: day.wallMs, msPerReading: day.wallMs / day.readings, readings: day.readings, flashOpsPerReading: day.flashOps / day.readings });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function printMeterCosts(rows: MeterCostRow[]): void {
  const table = [["engine", "per reading", `${DAYS} days wall`, "wall per reading", "readings", "flash ops per reading"]];
  for (const r of rows) table.push([r.host, r.irPerReading === null ? "-" : `${(r.irPerReading / 1000).toFixed(1)}k Ir`,
    `${r.wallMs.toFixed(0)} ms`, `${r.msPerReading.toFixed(3)} ms`, String(r.readings), r.flashOpsPerReading.toFixed(1)]);
  const w = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log("\nmeter, cost per reading (scripts/bench/meter.ts, meter-day.ts):");
  for (const [i, row] of table.entries()) {
    console.log("  " + row.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join("  "));
    if (i === 0) console.log("  " + w.map((x) => "-".repeat(x)).join("  "));
  }
  console.log(`  a reading: its :00/:30 TIMER event (measure, store, hand to the outbox, publish) and the head-end's`);
  console.log(`  acknowledgement (MQTT message); one contract company confirmed, 500 W. per reading: callgrind, whole`);
  console.log(`  board process, (I(${D2} days) - I(${D1} day)) / readings between; wall: ${DAYS} simulated days on this machine`);
  console.log(`  (shared cores: varies run to run), native boards including the device link's pipe round trips.`);
}

export function printMeterHome(days: MeterHomeDay[]): void {
  console.log("\nmeter, one simulated day in the simulated home (scripts/bench/meter-home.ts, wall time on this machine):");
  for (const d of days) {
    console.log(`  ${d.host}: ${(d.dayMs / 1000).toFixed(2)} s for the day (${d.steps} steps of ${d.stepMs / 1000} s played in ${(d.playedMs / 1000).toFixed(2)} s,` +
      ` ${d.atKantoWhenPlayed} of 48 readings at Kanto by then; the rest as the broker caught up)`);
    for (const c of d.companies) console.log(`    ${c.name}: ${c.readings} readings (rseq ${c.firstRseq}..${c.lastRseq}), ${c.missing} missing, ${c.outOfScope} out of scope`);
  }
  console.log("  embedded broker, the cloud's head-end and company servers (SQLite), the HEMS on the LAN; the meter");
  console.log("  installed, Kanto Power (contract) and the Data Utilization Co. (provision) confirmed, then 24 h of");
  console.log("  its virtual time until both companies hold the day's 48 readings.");
}

export async function benchMeterHome(): Promise<MeterHomeDay[]> {
  const hosts: HostName[] = ["ts", ...(existsSync(posixExecutable("meter")) ? ["posix" as const] : [])];
  const out: MeterHomeDay[] = [];
  for (const h of hosts) out.push(await meterHomeDay(h));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  printMeterCosts(await meterCosts());
  if (!process.argv.includes("--no-home")) printMeterHome(await benchMeterHome());
}
