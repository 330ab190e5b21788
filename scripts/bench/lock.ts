// The lock's figure for issue 12's closing note: the cost of one OPERATE, per event, part
// of `npm run bench`; alone:
//
//   npx tsx scripts/bench/lock.ts
//
// An OPERATE is one sealed frame over BLE (PROTOCOL.md §2) in an open session, after a
// CHALLENGE_REQUEST: the frame opened, the failure counter raised and written before
// anything is verified, the grant's signature verified under the maker key and the proof
// under the grant's phone key (two ECDSA P-256 verifies through the board), the
// revocation list and the schedule checked, the bolt thrown, the counter back to 0, an
// `access` entry in the outbox, the RESULT sealed. A SCHEDULED grant whose slot holds the
// whole run, action LOCK on a locked bolt: every OPERATE is granted and the same work.
// Each operation is a CHALLENGE_REQUEST, the OPERATE and the key server's ack of the
// outbox entry; the wall time counts the OPERATE events alone. On the posix board under
// callgrind, instructions of the whole board process for K1 and K2 operations:
// (I(K2) - I(K1)) / (K2 - K1), so start-up, set-up and the handshake cancel; that figure
// holds the whole operation; callgrind_annotate's inclusive count of the board's
// ecdsa_p256_verify over the same difference gives one verify's share.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { PosixDevice, posixExecutable } from "../../host-sim/device/posix-device.ts";
import { NATIVE_HOSTS, powerOn, type HostName, type NativeHostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardTime, type DeviceHandle } from "../../host-sim/device/types.ts";
import { provision, request } from "../../host-sim/clients/service-port.ts";
import { LOCK_SERIAL } from "../../host-sim/appliances/lock/index.ts";
import { grantBytes, timeBytes } from "../../host-sim/appliances/lock/cloud/blobs.ts";
import { LockBleSession } from "../../host-sim/phone/maker-sdk/ble-session.ts";
import { LockBle, operateFields, proofMessage, readResult } from "../../host-sim/phone/maker-sdk/frames.ts";
import { callgrindTotal, callgrindWrapper, valgrindAvailable } from "./callgrind.ts";

const K1 = 10, K2 = 40;
const START = Date.UTC(2026, 10, 22, 9, 0);
const DEVICE = "bench-lock";
const OP_INSTALL = 0x30, LOCK = 2, SCHEDULED = 1;

/** The uncompressed point (0x04 ‖ X ‖ Y): the last 65 bytes of a P-256 key's SPKI. */
const rawPublic = (k: KeyObject) => (k.export({ type: "spki", format: "der" }) as Buffer).subarray(-65);

function down(body: string): BoardEvent {
  const t = Buffer.from(`devices/${DEVICE}/down`), b = Buffer.from(body);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: Buffer.concat([t, b]) };
}

export interface LockOperateRun { host: HostName; operations: number; wallMs: number; flashOps: number; statuses: Record<string, number> }

/** A lock installed, its time set by the "key server", a BLE session open, then
 *  `operations` granted OPERATEs; wall time and flash operations of those OPERATE events. */
export async function lockOperations(host: HostName, operations: number, open?: (flashFile: string) => Promise<DeviceHandle>): Promise<LockOperateRun> {
  const dir = mkdtempSync(join(tmpdir(), "bench-lock-"));
  const flashFile = join(dir, "flash.bin");
  const dev = open ? await open(flashFile) : await powerOn(host, { image: "lock", flashFile });
  const maker = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const phone = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  let now = 0, lastSeq = 0, timeNonce: Buffer | null = null;
  const time = (): BoardTime => ({ nowMs: now, wallMs: -1 });
  let answer: Uint8Array | null = null;
  const send = async (ev: BoardEvent) => {
    now += 10;
    const r = await dev.event(time(), ev);
    if (r.result === null) throw new Error(`the lock went down: ${JSON.stringify(r.outputs.at(-1))}`);
    for (const o of r.outputs) {
      if (o.t === "link" && o.link === LinkId.BLE) answer = o.data;
      if (o.t === "mqtt_publish" && o.topic.endsWith("/up/time")) timeNonce = Buffer.from(JSON.parse(Buffer.from(o.payload).toString()).nonce, "hex");
      if (o.t === "mqtt_publish" && o.topic.includes("/up/")) {
        const m = JSON.parse(Buffer.from(o.payload).toString()) as { seq?: number };
        if (m.seq !== undefined) lastSeq = Math.max(lastSeq, m.seq);
      }
    }
    return r;
  };
  try {
    await dev.boot(time());
    await send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: provision(LOCK_SERIAL) });
    const id = Buffer.from(DEVICE), pass = Buffer.from("bench-lock-password-0123");
    const install = Buffer.concat([Buffer.of(id.length), id, Buffer.of(pass.length), pass, rawPublic(maker.publicKey)]);
    const installed = await send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: request(OP_INSTALL, 0, install) });
    if (installed.result !== 0) throw new Error(`INSTALL refused: ${installed.result}`);
    await send({ kind: EventKind.MQTT_STATE, arg: 1 });
    if (!timeNonce) throw new Error("the lock asked for no time on connect");
    const t = timeBytes(maker.privateKey, LOCK_SERIAL, timeNonce, START);
    const set = await send(down(JSON.stringify({ cmd: 1, time: t.toString("base64") })));
    if (set.result !== 0) throw new Error(`the time command was refused: ${set.result}`);
    const grantId = 7;
    const grant = grantBytes(maker.privateKey, { grantId, serial: LOCK_SERIAL, type: SCHEDULED, timeoutS: 0,
      schedules: [{ start: START - 3_600_000, end: START + 3_600_000 }], phoneKey: rawPublic(phone.publicKey) });
    const port = {
      request: async (frame: Uint8Array) => { answer = null; await send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }); if (!answer) throw new Error("no BLE answer"); return answer; },
      send: (frame: Uint8Array) => send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }),
    };
    const session = new LockBleSession(port);
    await session.open();
    const opsBefore = (await dev.flashStats()).ops;
    const statuses: Record<string, number> = {};
    let wallNs = 0n;
    for (let i = 0; i < operations; i++) {
      const challenge = await session.call(LockBle.CHALLENGE_REQUEST, new Uint8Array(0), LockBle.CHALLENGE, "CHALLENGE_REQUEST");
      const proof = sign("sha256", proofMessage(LOCK_SERIAL, challenge, grantId, LOCK), { key: phone.privateKey, dsaEncoding: "ieee-p1363" });
      const t0 = process.hrtime.bigint();
      const body = await session.call(LockBle.OPERATE, operateFields(LOCK, grant, proof), LockBle.RESULT, "OPERATE");
      wallNs += process.hrtime.bigint() - t0;
      const r = readResult(body);
      statuses[r.reason] = (statuses[r.reason] ?? 0) + 1;
      await send(down(JSON.stringify({ ack: lastSeq })));
    }
    const flashOps = (await dev.flashStats()).ops - opsBefore;
    return { host, operations, wallMs: Number(wallNs) / 1e6, flashOps, statuses };
  } finally {
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole process's instructions, and those inside the board's ecdsa_p256_verify
 *  (inclusive, by callgrind_annotate; null when it is not installed). */
async function irOfOperations(host: NativeHostName, operations: number, work: string): Promise<{ total: number; verify: number | null }> {
  const out = join(work, `${host}-${operations}.cg`);
  const wrapper = callgrindWrapper(work, `${host}-${operations}-wrap`, posixExecutable("lock", host), out);
  await lockOperations(host, operations, (flashFile) => PosixDevice.create({ image: wrapper, flashFile }, { answerMs: 300_000, quitMs: 300_000 }, host));
  const a = spawnSync("callgrind_annotate", ["--inclusive=yes", out], { encoding: "utf8" });
  const m = a.status === 0 ? /^\s*([\d,]+)\s.*\bboard_ecdsa_p256_verify\b/m.exec(a.stdout) : null;
  return { total: callgrindTotal(out), verify: m ? Number(m[1].replace(/,/g, "")) : null };
}

export interface LockOperateCost {
  host: HostName;
  irPerOperation: number | null;
  /** Instructions of one ecdsa_p256_verify through the board (posix, callgrind). */
  irPerVerify: number | null;
  usPerOperate: number;
  flashOpsPerOperation: number;
  statuses: Record<string, number>;
}

export async function lockOperateCosts(callgrind = true): Promise<LockOperateCost[]> {
  const hosts: HostName[] = ["ts", ...NATIVE_HOSTS.filter((h) => existsSync(posixExecutable("lock", h)))];
  const work = mkdtempSync(join(tmpdir(), "bench-lock-cg-"));
  const rows: LockOperateCost[] = [];
  try {
    for (const host of hosts) {
      const run = await lockOperations(host, K2);
      let ir: number | null = null, verify: number | null = null;
      if (callgrind && host === "posix" && valgrindAvailable()) {
        const a = await irOfOperations(host, K2, work), b = await irOfOperations(host, K1, work);
        ir = (a.total - b.total) / (K2 - K1);
        // Two verifies per OPERATE (the grant, the proof) and one for the time blob.
        if (a.verify !== null && b.verify !== null) verify = (a.verify - b.verify) / (2 * (K2 - K1));
      }
      rows.push({ host, irPerOperation: ir, irPerVerify: verify, usPerOperate: (run.wallMs * 1000) / K2, flashOpsPerOperation: run.flashOps / K2, statuses: run.statuses });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function printLockOperateCosts(rows: LockOperateCost[]): void {
  console.log("\nlock: one OPERATE (grant verify + proof verify through the board, granted; scripts/bench/lock.ts):");
  for (const r of rows) {
    const ir = r.irPerOperation === null ? "" : `${Math.round(r.irPerOperation).toLocaleString("en")} instructions per operation (callgrind, whole board process: challenge, OPERATE, ack), `
      + (r.irPerVerify === null ? "" : `${Math.round(r.irPerVerify).toLocaleString("en")} of them per ECDSA verify through the board (two per OPERATE), `);
    console.log(`  ${r.host.padEnd(13)} ${ir}${r.usPerOperate.toFixed(0)} µs wall per OPERATE event, ${r.flashOpsPerOperation.toFixed(1)} flash operations per operation; reasons ${JSON.stringify(r.statuses)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printLockOperateCosts(await lockOperateCosts(!process.env.BENCH_WALL));
