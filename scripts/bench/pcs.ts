// The power conditioner's figure for issue 11's closing note: the cost of one credential
// check, per event, part of `npm run bench`; alone:
//
//   npx tsx scripts/bench/pcs.ts
//
// A check is one sealed AUTH frame over BLE (PROTOCOL.md §3) in an open session: the
// frame opened, the failure counter raised and written before comparing, the salted
// verifier compared under the key slot, the counters written again on a match, the
// answer sealed. The factory's maintenance credential is used, wrong and right in turn (a
// success resets the failures in a row, so it never locks): half the checks are
// mismatches, half matches. On the posix board under callgrind, instructions of the whole
// board process for K1 and K2 checks: (I(K2) - I(K1)) / (K2 - K1), so start-up, set-up
// and the handshake cancel. On every engine also the wall time of the K2 checks' events
// (the device link's round trip included on the native boards) and the flash operations.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createECDH, createHash } from "node:crypto";
import { PosixDevice, posixExecutable } from "../../host-sim/device/posix-device.ts";
import { NATIVE_HOSTS, powerOn, type HostName, type NativeHostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardTime, type DeviceHandle } from "../../host-sim/device/types.ts";
import { provision } from "../../host-sim/clients/service-port.ts";
import { installRequest, maintenanceRequest } from "../../host-sim/appliances/power-conditioner/install.ts";
import { credentialVerifier, maintenanceData } from "../../host-sim/appliances/power-conditioner/cloud/index.ts";
import { BleMsg, CredentialKind } from "../../host-sim/appliances/power-conditioner/ble.ts";
import { PCS_SERIAL } from "../../host-sim/appliances/power-conditioner/panel.ts";
import { PcsBleSession } from "../../host-sim/phone/pcs-app.ts";
import { seededRandom } from "../../host-sim/phone/seeded-random.ts";
import { callgrindTotal, callgrindWrapper, valgrindAvailable } from "./callgrind.ts";

const K1 = 20, K2 = 120;
const RIGHT = "271828182845", WRONG = "271828182846";
const START = Date.UTC(2026, 10, 22, 9, 0);
const BUTTON = { OK: 10, MENU: 12, DOWN: 14 };

/** A fixed P-256 public key for the operator and the partner (the bench verifies no
 *  signature: it only needs INSTALL and MAINTENANCE to take them). */
function fixedKey(name: string): Buffer {
  const e = createECDH("prime256v1");
  e.setPrivateKey(createHash("sha256").update(`pcs-bench ${name}`).digest());
  return e.getPublicKey();
}

export interface PcsCheckRun { host: HostName; checks: number; wallMs: number; flashOps: number; statuses: Record<string, number> }

/** A PCS installed with the maintenance credential, its BLE session open, then `checks`
 *  AUTH frames; wall time and flash operations of those frames alone. */
export async function pcsChecks(host: HostName, checks: number, open?: (flashFile: string) => Promise<DeviceHandle>): Promise<PcsCheckRun> {
  const dir = mkdtempSync(join(tmpdir(), "bench-pcs-"));
  const flashFile = join(dir, "flash.bin");
  const dev = open ? await open(flashFile) : await powerOn(host, { image: "power-conditioner", flashFile });
  let now = 0;
  const time = (): BoardTime => ({ nowMs: now, wallMs: START + now, meter: [0, 1, 2, 3, 4].map(() => ({ status: 0, powerW: 0, energyWh: 0 })) });
  let answer: Uint8Array | null = null;
  const send = async (ev: BoardEvent) => {
    now += 10;
    const r = await dev.event(time(), ev);
    if (r.result === null) throw new Error(`the power conditioner went down: ${JSON.stringify(r.outputs.at(-1))}`);
    for (const o of r.outputs) if (o.t === "link" && o.link === LinkId.BLE) answer = o.data;
    return r;
  };
  try {
    await dev.boot(time());
    const salt = Buffer.alloc(16, 5);
    await send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: provision(PCS_SERIAL) });
    await send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: maintenanceRequest(maintenanceData(0xe001, fixedKey("operator"), salt, credentialVerifier(PCS_SERIAL, salt, RIGHT))) });
    await send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: installRequest({ deviceId: "bench-pcs", password: "bench-pcs-password-0123",
      personal: { name: "Bench", address: "Bench 1" }, site: "JP-BENCH-1", capacities: { pvW: 1, batteryWh: 2, evWh: 3 },
      connection: { partner: 0xd101, publicKey: fixedKey("partner"), deviceKey: Buffer.alloc(32, 9) } }) });
    for (const b of [BUTTON.MENU, BUTTON.DOWN, BUTTON.DOWN, BUTTON.OK]) await send({ kind: EventKind.BUTTON, arg: b });
    const port = {
      request: async (frame: Uint8Array) => { answer = null; await send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }); if (!answer) throw new Error("no BLE answer (is the window open?)"); return answer; },
      send: (frame: Uint8Array) => send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }),
    };
    const session = new PcsBleSession(seededRandom("pcs-bench-phone"), port);
    await session.open();
    const frames = Array.from({ length: checks }, (_, i) => {
      const d = Buffer.from(i % 2 === 0 ? WRONG : RIGHT, "ascii");
      return session.seal(BleMsg.AUTH, Buffer.concat([Buffer.of(CredentialKind.MAINTENANCE, d.length), d]));
    });
    const opsBefore = (await dev.flashStats()).ops;
    const statuses: Record<string, number> = {};
    const t0 = process.hrtime.bigint();
    for (const f of frames) {
      const r = await send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: f });
      statuses[String(r.result)] = (statuses[String(r.result)] ?? 0) + 1;
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const flashOps = (await dev.flashStats()).ops - opsBefore;
    return { host, checks, wallMs, flashOps, statuses };
  } finally {
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function irOfChecks(host: NativeHostName, checks: number, work: string): Promise<number> {
  const out = join(work, `${host}-${checks}.cg`);
  const wrapper = callgrindWrapper(work, `${host}-${checks}-wrap`, posixExecutable("power-conditioner", host), out);
  await pcsChecks(host, checks, (flashFile) => PosixDevice.create({ image: wrapper, flashFile }, { answerMs: 300_000, quitMs: 300_000 }, host));
  return callgrindTotal(out);
}

export interface PcsCheckCost { host: HostName; irPerCheck: number | null; usPerCheck: number; flashOpsPerCheck: number; statuses: Record<string, number> }

export async function pcsCheckCosts(callgrind = true): Promise<PcsCheckCost[]> {
  const hosts: HostName[] = ["ts", ...NATIVE_HOSTS.filter((h) => existsSync(posixExecutable("power-conditioner", h)))];
  const work = mkdtempSync(join(tmpdir(), "bench-pcs-cg-"));
  const rows: PcsCheckCost[] = [];
  try {
    for (const host of hosts) {
      const run = await pcsChecks(host, K2);
      let ir: number | null = null;
      if (callgrind && host === "posix" && valgrindAvailable()) ir = (await irOfChecks(host, K2, work) - await irOfChecks(host, K1, work)) / (K2 - K1);
      rows.push({ host, irPerCheck: ir, usPerCheck: (run.wallMs * 1000) / K2, flashOpsPerCheck: run.flashOps / K2, statuses: run.statuses });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function printPcsCheckCosts(rows: PcsCheckCost[]): void {
  console.log("\npower conditioner: one credential check (a sealed AUTH over BLE, half mismatches, half matches; scripts/bench/pcs.ts):");
  for (const r of rows) {
    const ir = r.irPerCheck === null ? "" : `${Math.round(r.irPerCheck).toLocaleString("en")} instructions (callgrind, whole board process), `;
    console.log(`  ${r.host.padEnd(13)} ${ir}${r.usPerCheck.toFixed(0)} µs wall per event, ${r.flashOpsPerCheck.toFixed(1)} flash operations; statuses ${JSON.stringify(r.statuses)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printPcsCheckCosts(await pcsCheckCosts(!process.env.BENCH_WALL));
