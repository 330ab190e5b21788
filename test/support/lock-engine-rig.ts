// The lock image on one engine, driven directly as its key server, its owner and a phone
// would drive it, with no broker: a board clock and its timers, every output kept (what it
// published, its screen, its pins) and a trace of every call. The maker key, the phones'
// keys and the sessions' keys come from seeds, and every signature is made once per body
// and reused (ECDSA draws its own nonce): two rigs given the same steps feed their locks
// the same bytes, so that the engines can be compared output by output and flash byte by
// flash byte. Used by test/lock-cross-host.test.ts.
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { createECDH, createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import { powerOn, type HostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type BoardTime, type CallResult, type DeviceHandle } from "../../host-sim/device/types.ts";
import { jsonOutput } from "../../host-sim/scenario/format.ts";
import { provision, request, parseAnswer } from "../../host-sim/clients/service-port.ts";
import { grantBytes, revocationBytes, timeBytes, type Schedule } from "../../host-sim/appliances/lock/cloud/blobs.ts";
import { LockBleSession, type BlePort } from "../../host-sim/phone/maker-sdk/ble-session.ts";
import { ACTION_CODES, LockBle, operateFields, proofMessage, readResult, type LockAction, type OperateResult } from "../../host-sim/phone/maker-sdk/frames.ts";

export const SERIAL = "LK-0001";
const DEVICE_ID = "lock-engine-1";
const enc = new TextEncoder();

/** A P-256 key from a seed: the raw public key and a KeyObject to sign with. */
function seededKey(seed: string): { pub: Buffer; key: KeyObject; d: Buffer } {
  for (let i = 0; ; i++) {
    const d = createHash("sha256").update(`${seed}:${i}`).digest(), e = createECDH("prime256v1");
    try { e.setPrivateKey(d); } catch { continue; }
    const pub = e.getPublicKey(), b64 = (b: Buffer) => b.toString("base64url");
    return { pub, d, key: createPrivateKey({ key: { kty: "EC", crv: "P-256", d: b64(d), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33)) }, format: "jwk" }) };
  }
}

/** One signature per (key, body), kept for every rig of the process. */
const signatures = new Map<string, Buffer>();
function signOnce(name: string, key: KeyObject, body: Buffer): Buffer {
  const k = `${name}:${body.toString("hex")}`;
  let s = signatures.get(k);
  if (!s) { s = sign("sha256", body, { key, dsaEncoding: "ieee-p1363" }); signatures.set(k, s); }
  return s;
}
/** A blob made by the key server's own functions, its signature replaced by the kept one. */
const resigned = (blob: Buffer, key: KeyObject) => { const body = blob.subarray(0, blob.length - 64); return Buffer.concat([body, signOnce("maker", key, body)]); };

export class LockEngineRig {
  dev!: DeviceHandle;
  now = 0;
  wall: number;
  timers = new Map<number, number>();
  trace: string[] = [];
  published: string[] = [];
  screen = "";
  pins = new Map<number, number>();
  dead = false;
  readonly maker = seededKey("lock-engine maker");
  readonly flashFile = join(mkdtempSync(join(tmpdir(), "lock-engine-")), "flash.bin");
  private cmd = 0;
  private acked = 0;
  private maxSeq = 0;
  private bleAnswers: Uint8Array[] = [];
  private sessions = 0;

  constructor(readonly host: HostName, readonly start: number) { this.wall = start; }

  time(): BoardTime { return { nowMs: this.now, wallMs: this.wall }; }

  private note(what: string, r: CallResult): CallResult {
    if (r.result === null) this.dead = true;
    this.trace.push(`${what} -> ${r.result} ${JSON.stringify(r.outputs.map(jsonOutput))}`);
    for (const o of r.outputs) {
      if (o.t === "timer_set") this.timers.set(o.id, this.now + o.delayMs);
      else if (o.t === "timer_cancel") this.timers.delete(o.id);
      else if (o.t === "display") this.screen = o.text;
      else if (o.t === "gpio") this.pins.set(o.pin, o.level);
      else if (o.t === "link" && o.link === LinkId.BLE) this.bleAnswers.push(o.data);
      else if (o.t === "mqtt_publish") {
        const s = Buffer.from(o.payload).toString();
        this.published.push(`${o.topic.split("/").slice(2).join("/")} ${s}`);
        const m = /^\{"seq":(\d+)/.exec(s);
        if (m) this.maxSeq = Math.max(this.maxSeq, Number(m[1]));
      }
    }
    return r;
  }

  async boot(): Promise<void> {
    this.timers.clear();
    this.dead = false;
    this.dev = await powerOn(this.host, { image: "lock", flashFile: this.flashFile });
    this.note("boot", await this.dev.boot(this.time()));
  }
  /** Power off for `ms` of wall time (the board clock starts again from 0 at boot). */
  async off(ms: number): Promise<void> { await this.dev.close(); this.wall += ms; this.now = 0; }
  async close(): Promise<void> { await this.dev.close(); }

  async send(ev: BoardEvent, what: string, dt = 10): Promise<CallResult> {
    this.now += dt; this.wall += dt;
    return this.note(what, await this.dev.event(this.time(), ev));
  }
  down(text: string): Promise<CallResult> {
    const t = enc.encode(`devices/${DEVICE_ID}/down`), b = enc.encode(text);
    const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
    return this.send({ kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p }, text.length > 80 ? `${text.slice(0, 80)}…` : text);
  }
  /** The key server acknowledges until the outbox has published everything it holds. */
  async drain(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (this.maxSeq <= this.acked) return;
      this.acked = this.maxSeq;
      await this.down(`{"ack":${this.acked}}`);
    }
  }
  online() { return this.send({ kind: EventKind.MQTT_STATE, arg: 1 }, "online"); }
  offline() { return this.send({ kind: EventKind.MQTT_STATE, arg: 0 }, "offline"); }
  pressOwner() { return this.send({ kind: EventKind.BUTTON, arg: 0 }, "owner's button"); }
  door(open: boolean) { return this.send({ kind: EventKind.GPIO, arg: 5 | ((open ? 1 : 0) << 8) }, `door ${open ? "open" : "closed"}`); }

  async service(frame: Uint8Array, what: string): Promise<number | null> {
    const r = await this.send({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame }, what);
    const a = r.outputs.find((o) => o.t === "link" && o.link === LinkId.SERVICE);
    return a && a.t === "link" ? parseAnswer(a.data)?.status ?? null : null;
  }

  /** The factory's PROVISION, the owner's INSTALL, the link up, the time answered. */
  async setUp(): Promise<void> {
    await this.boot();
    await this.service(provision(SERIAL), "provision");
    const lp = (s: string) => Buffer.concat([Buffer.of(s.length), Buffer.from(s)]);
    const s = await this.service(request(0x30, 0, Buffer.concat([lp(DEVICE_ID), lp("lock-engine-password-0123"), this.maker.pub])), "install");
    if (s !== 0) throw new Error(`INSTALL answered ${s}`);
    await this.online();
    await this.answerTime();
    await this.drain();
  }

  /** The status the lock answered command `n` with (its `reply` outbox entry). */
  status(n: number): number | undefined {
    return this.published.filter((p) => p.startsWith("up/reply")).map(body).find((b) => b.cmd === n)?.status as number | undefined;
  }
  /** The key server answers the lock's last up/time with its time now; the status. */
  async answerTime(): Promise<number | undefined> {
    const ask = this.published.filter((p) => p.startsWith("up/time")).at(-1);
    if (!ask) throw new Error("the lock asked for no time");
    const nonce = Buffer.from(body(ask).nonce as string, "hex");
    const n = ++this.cmd;
    await this.down(`{"cmd":${n},"time":"${resigned(timeBytes(this.maker.key, SERIAL, nonce, this.wall), this.maker.key).toString("base64")}"}`);
    await this.drain();
    return this.status(n);
  }
  async revocations(version: number, ids: number[]): Promise<number | undefined> {
    const n = ++this.cmd;
    await this.down(`{"cmd":${n},"revocations":"${resigned(revocationBytes(this.maker.key, SERIAL, version, ids), this.maker.key).toString("base64")}"}`);
    await this.drain();
    return this.status(n);
  }

  /** A grant of the maker for phone `phone` (a seed name). */
  grant(grantId: number, phone: string, schedules: Schedule[], type = 1, timeoutS = 0, serial = SERIAL): Buffer {
    return resigned(grantBytes(this.maker.key, { grantId, serial, type, timeoutS, schedules, phoneKey: seededKey(`phone ${phone}`).pub }), this.maker.key);
  }

  /** Phone `phone` presents `grant` for `action` over a fresh BLE session. */
  async operate(phone: string, grant: Buffer, action: LockAction): Promise<OperateResult> {
    const s = new LockBleSession(this.blePort(), 5000, createHash("sha256").update(`lock-engine session ${++this.sessions}`).digest());
    await s.open();
    const challenge = await s.call(LockBle.CHALLENGE_REQUEST, new Uint8Array(0), LockBle.CHALLENGE, "challenge");
    const grantId = grant.readUInt32LE(3), key = seededKey(`phone ${phone}`).key;
    const proof = signOnce(`phone ${phone}`, key, proofMessage(SERIAL, challenge, grantId, ACTION_CODES[action]));
    const r = readResult(await s.call(LockBle.OPERATE, operateFields(ACTION_CODES[action], grant, proof), LockBle.RESULT, "operate"));
    await s.close();
    await this.drain();
    return r;
  }

  blePort(): BlePort {
    return {
      request: async (frame) => {
        this.bleAnswers = [];
        await this.send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }, `ble 0x${(frame[0] ?? 0).toString(16)}`);
        const a = this.bleAnswers.shift();
        if (!a) throw new Error("the lock gave no BLE answer");
        return a;
      },
      send: (frame) => this.send({ kind: EventKind.LINK, arg: LinkId.BLE, payload: frame }, `ble 0x${(frame[0] ?? 0).toString(16)}`),
    };
  }

  /** Runs the board's timers up to `until` (wall), acknowledging what was published. */
  async runTo(until: number): Promise<void> {
    for (;;) {
      let id = -1, at = Infinity;
      for (const [k, v] of this.timers) if (v < at) { at = v; id = k; }
      if (id < 0 || this.wall + (at - this.now) > until) break;
      const step = Math.max(0, at - this.now - 10);
      this.wall += step; this.now += step;
      this.timers.delete(id);
      await this.send({ kind: EventKind.TIMER, arg: id }, `timer ${id}`);
      await this.drain();
    }
    if (until > this.wall) { this.now += until - this.wall; this.wall = until; }
  }
  runFor(ms: number): Promise<void> { return this.runTo(this.wall + ms); }

  /** Every outbox entry of `kind` published so far, one per seq. */
  entries(kind: string): Record<string, unknown>[] {
    const by = new Map<number, Record<string, unknown>>();
    for (const p of this.published) if (p.startsWith("up/history") && p.includes(`"kind":"${kind}"`)) { const b = body(p); by.set(b.seq as number, b); }
    return [...by.values()].sort((a, b) => (a.seq as number) - (b.seq as number));
  }

  flash(): Buffer { return readFileSync(this.flashFile); }
}

/** The JSON of a published payload ("up/history {…}" → {…}). */
export const body = (p: string): Record<string, unknown> => JSON.parse(p.slice(p.indexOf("{")));
