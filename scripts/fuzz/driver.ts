// One board under the fuzzer, on any host (V8, or a native board under wasm2c or either
// WAMR interpreter): delivers events, keeps the screen as the image last drew it, the LAN
// frames it sent, and its MQTT link state, and powers on a fresh board (new flash) when
// asked. Hangs: a native board's answer timeout here; the TypeScript board is watched
// from outside its worker thread (run.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PosixDevice } from "../../host-sim/device/posix-device.ts";
import { powerOn, NATIVE_HOSTS, type HostName, type NativeHostName } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent, type CallResult, type DeviceHandle } from "../../host-sim/device/types.ts";

export class Hang extends Error {}

const FLASH_BYTES = 16 * 4096;
/** A FLASH_READ answer must fit one device-link frame. */
const READ_CHUNK = 2048;

export class Driver {
  dev!: DeviceHandle;
  screen = "";
  /** LAN frames the image sent during the last call. */
  lanOut: Uint8Array[] = [];
  /** Every link frame the image sent during the last call, and whether it asked to join
   *  the router (ABI v1.2 wifi_join) in it. */
  linkOut: { link: number; data: Uint8Array }[] = [];
  joinAsked = false;
  /** The image asked for a broker connection and has not dropped it. */
  mqttWanted = false;
  mqttUp = false;
  private nowMs = 0;
  private flashNo = 0;
  /** The flash file of the board now running (its key slots beside it: `<file>.efuse`). */
  flashFile = "";
  private readonly dir = mkdtempSync(join(tmpdir(), "fuzz-"));

  constructor(readonly host: HostName, readonly image: string, private readonly hangMs: number) {}

  /** A new board with erased flash, booted. */
  async powerOn(): Promise<void> {
    await this.dev?.close().catch(() => undefined);
    const opts = { image: this.image, flashFile: join(this.dir, `flash-${this.flashNo++ % 2}.bin`), seed: 7 };
    this.flashFile = opts.flashFile;
    rmSync(opts.flashFile, { force: true });
    const native = (NATIVE_HOSTS as readonly string[]).includes(this.host);
    this.dev = native
      ? await PosixDevice.create(opts, { answerMs: this.hangMs, quitMs: 500 }, this.host as NativeHostName)
      : await powerOn(this.host, opts);
    this.screen = "";
    this.mqttWanted = this.mqttUp = false;
    const r = await this.dev.boot(this.time());
    this.note(r);
    if (r.result !== 0) throw new Error(`boot failed: ${r.result}`);
  }

  /** The wall clock (UTC ms) at board time 0 that every power-on is told, or -1 (the
   *  default): the board does not know the date. An entry point whose inputs need the date
   *  (signed information with a lifetime) sets it in prepare. */
  wallStartMs = -1;

  private time() { this.nowMs += 10; return { nowMs: this.nowMs, wallMs: this.wallStartMs < 0 ? -1 : this.wallStartMs + this.nowMs }; }

  /** The board time of the last event (each event is 10 ms after the one before). */
  get now(): number { return this.nowMs; }
  /** Moves the clock: the next event comes at `ms` from now (10 ms more than without). No
   *  TIMER events are delivered for what falls due meanwhile: a board's deadlines fire
   *  only when its controller says so, and a token must be refused even before then. */
  at(ms: number): void { this.nowMs = ms - 10; }

  /** One event. Throws Hang when a native board does not answer in time. */
  async send(ev: BoardEvent): Promise<CallResult> {
    let r: CallResult;
    try {
      r = await this.dev.event(this.time(), ev);
    } catch (e) {
      const text = (e as Error).message;
      if (/no answer on the device link/.test(text)) throw new Hang(text);
      // A native board's link layer refuses some events before the image sees them
      // (boards/ABI.md): that is a refusal with a code, like the image's own.
      const refused = /posix board refused a frame: .*\((-\d+)\)$/.exec(text);
      if (refused) return { outputs: [], result: Number(refused[1]) };
      throw e;
    }
    this.note(r);
    if (ev.kind === EventKind.MQTT_STATE && r.result === 0) this.mqttUp = ev.arg === 1 && this.mqttWanted;
    return r;
  }

  /** An event the fuzzer needs to succeed (getting into a state). */
  async step(ev: BoardEvent, what: string): Promise<CallResult> {
    const r = await this.send(ev);
    if (r.result === null) throw new Error(`${what}: the board went down (${JSON.stringify(r.outputs.at(-1))})`);
    return r;
  }

  press(button: number): Promise<CallResult> { return this.step({ kind: EventKind.BUTTON, arg: button }, `button ${button}`); }
  service(frame: Uint8Array): Promise<CallResult> { return this.step({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame }, "service frame"); }
  async lan(frame: Uint8Array): Promise<{ result: number | null; replies: Uint8Array[] }> {
    const r = await this.step({ kind: EventKind.LINK, arg: LinkId.LAN, payload: frame }, "LAN frame");
    return { result: r.result, replies: this.lanOut };
  }

  async flashOps(): Promise<number> { return (await this.dev.flashStats()).ops; }

  /** The whole flash, as a FLASH_READ over the device link would return it. */
  async flash(): Promise<Uint8Array> {
    const d = this.dev as DeviceHandle & { flashSnapshot?: () => Uint8Array; flashRead?: (a: number, n: number) => Promise<Uint8Array> };
    if (d.flashSnapshot) return d.flashSnapshot();
    const out = new Uint8Array(FLASH_BYTES);
    for (let a = 0; a < FLASH_BYTES; a += READ_CHUNK) out.set(await d.flashRead!(a, READ_CHUNK), a);
    return out;
  }

  /** A native board's process, so that a watchdog outside can end it. */
  get pid(): number | undefined { return (this.dev as unknown as { child?: { pid?: number } }).child?.pid; }

  private note(r: CallResult): void {
    this.lanOut = [];
    this.linkOut = [];
    this.joinAsked = false;
    for (const o of r.outputs) {
      if (o.t === "display") this.screen = o.text;
      else if (o.t === "wifi_join") this.joinAsked = o.ssid.length > 0;
      else if (o.t === "link") {
        this.linkOut.push({ link: o.link, data: o.data });
        if (o.link === LinkId.LAN) this.lanOut.push(o.data);
      }
      else if (o.t === "mqtt_connect") { this.mqttWanted = true; this.mqttUp = false; }
      else if (o.t === "mqtt_disconnect") this.mqttWanted = this.mqttUp = false;
    }
  }

  async close(): Promise<void> {
    await this.dev?.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
