// One power-on of an image on the native C board (boards/posix/) under one engine (wasm2c:
// build/posix/<image>; WAMR: build/wamr-fast/<image>, build/wamr-classic/<image>): a child process
// speaking the device link on stdin/stdout. Its flash, random source and input levels
// live in the child; time and events come from here, as for the TypeScript board.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { E_INVAL, E_RANGE } from "../board/abi-constants.ts";
import { burnEfuse, efuseFileFor } from "../board/efuse.ts";
import { LinkChannel } from "../link/channel.ts";
import * as msg from "../link/messages.ts";
import { isEventKind, type BoardEvent, type BoardOutput, type BoardTime, type CallResult, type DeviceHandle, type FlashStats, type NativeHostName, type PowerOnOptions } from "./types.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ABI_VERSION = 1;

export interface PosixTimeouts {
  /** For HELLO, STATS and FLASH_READ answers, and between output frames of a call. */
  answerMs: number;
  /** How long close() waits for the process to exit after QUIT before killing it. */
  quitMs: number;
}
const DEFAULT_TIMEOUTS: PosixTimeouts = { answerMs: 10_000, quitMs: 2_000 };

/** Where an engine's boards are: build/<engine>; with BOARD_WAMR_BITS=32 the WAMR boards
 *  of the -m32 build, build/wamr32-<mode> (the bench's RAM figures, scripts/bench/wamr.ts:
 *  set in the environment, it reaches the boards the simulator starts). */
function engineDir(engine: NativeHostName): string {
  const m32 = process.env.BOARD_WAMR_BITS === "32" && engine.startsWith("wamr-");
  return join(ROOT, "build", m32 ? engine.replace("wamr-", "wamr32-") : engine);
}

/** `name` -> build/<engine>/<name>; a path to a .wasm image -> that engine's build of the
 *  image; any other path is taken as the executable itself. */
export function posixExecutable(image: string, engine: NativeHostName = "posix"): string {
  if (image.endsWith(".wasm")) return join(engineDir(engine), basename(image, ".wasm"));
  if (image.includes("/")) return isAbsolute(image) ? image : resolve(image);
  return join(engineDir(engine), image);
}

export function posixArgs(opts: PowerOnOptions): string[] {
  const a = ["--flash", opts.flashFile, "--efuse", opts.efuseFile ?? efuseFileFor(opts.flashFile)];
  if (opts.pages !== undefined) a.push("--pages", String(opts.pages));
  if (opts.seed !== undefined) a.push("--seed", BigInt.asUintN(64, BigInt(opts.seed)).toString());
  if (opts.cutAt !== undefined) {
    a.push("--cut-at", String(opts.cutAt));
    if (opts.cutKeep !== undefined) a.push("--cut-keep", String(opts.cutKeep));
  }
  return a;
}

export class PosixDevice implements DeviceHandle {
  private down: string | null = null;
  private exited: Promise<number | null>;
  private hasExited = false;
  /** The METER frame this board last got (its payload as hex), null before the first call:
   *  measure() on the board reads what the last METER frame said (DEVICE-LINK.md). */
  private meterSent: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly link: LinkChannel,
    private readonly timeouts: PosixTimeouts,
    readonly host: NativeHostName,
    /** The image name the board reported in READY. */
    readonly image: string = "",
  ) {
    this.exited = new Promise((res) => child.once("exit", (code) => {
      this.hasExited = true;
      link.fail(new Error(`posix board exited (status ${code})`));
      res(code);
    }));
  }

  static async create(opts: PowerOnOptions, timeouts: Partial<PosixTimeouts> = {}, engine: NativeHostName = "posix"): Promise<PosixDevice> {
    const t = { ...DEFAULT_TIMEOUTS, ...timeouts };
    const exe = posixExecutable(opts.image, engine);
    if (!existsSync(exe)) throw new Error(`no ${engine} board at ${exe}: run npm run build${engine === "posix" ? "" : " with WAMR_SOURCE set"}`);
    burnEfuse(opts.efuseFile ?? efuseFileFor(opts.flashFile), opts.keySeed);
    const child = spawn(exe, posixArgs(opts), { stdio: ["pipe", "pipe", "inherit"] });
    const link = new LinkChannel(child.stdout!, child.stdin!);
    child.once("error", (e) => link.fail(e));
    let dev = new PosixDevice(child, link, t, engine);
    try {
      link.send(msg.hello());
      const m = await link.next(t.answerMs);
      if (m.m !== "ready") throw new Error(`posix board answered HELLO with ${m.m}`);
      if (m.abiVersion !== ABI_VERSION) throw new Error(`posix board implements ABI ${m.abiVersion}, not ${ABI_VERSION}`);
      dev = Object.assign(dev, { image: m.image });
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
    return dev;
  }

  boot(time: BoardTime): Promise<CallResult> {
    this.sendMeter(time);
    return this.call(msg.boot(time));
  }

  event(time: BoardTime, ev: BoardEvent): Promise<CallResult> {
    // A kind the link's u8 cannot carry is no ABI kind either: E_INVAL, as the board says
    // for the ones it can (boards/ABI.md).
    if (!(Number.isInteger(ev.kind) && ev.kind >= 0 && ev.kind <= 0xff)) {
      return Promise.resolve({ outputs: [], result: E_INVAL });
    }
    // Larger than any frame, so larger than any inbox: E_RANGE without a call, as on the TS host;
    // but a kind outside the ABI is E_INVAL first, as the board and the TS host judge the kind
    // before the payload.
    if ((ev.payload?.length ?? 0) > msg.MAX_EVENT_PAYLOAD) return Promise.resolve({ outputs: [], result: isEventKind(ev.kind) ? E_RANGE : E_INVAL });
    this.sendMeter(time);
    return this.call(msg.event(time, ev));
  }

  /** Before a call: the samples of BoardTime.meter, when they differ from what the board
   *  last got (always at the first call), so measure() reads the same as on the TS board. */
  private sendMeter(time: BoardTime): void {
    this.assertUp();
    const frame = msg.meter(time.meter ?? []);
    const key = Buffer.from(frame.payload).toString("hex");
    if (key === this.meterSent) return;
    this.link.send(frame);
    this.meterSent = key;
  }

  async flashStats(): Promise<FlashStats> {
    this.assertUp();
    this.link.send(msg.stats());
    const m = await this.answer();
    if (m.m !== "stats") throw new Error(`posix board answered STATS with ${m.m}`);
    return m.stats;
  }

  /** Bytes of the board's flash, through FLASH_READ. */
  async flashRead(addr: number, len: number): Promise<Uint8Array> {
    this.assertUp();
    this.link.send(msg.flashRead(addr, len));
    const m = await this.answer();
    if (m.m !== "flash_data") throw new Error(`posix board answered FLASH_READ with ${m.m}`);
    return m.data;
  }

  async close(): Promise<void> {
    this.down ??= "closed";
    if (this.hasExited) return;
    // After a power cut or panic the board exits by itself; otherwise ask it to.
    if (this.down === "closed") this.link.send(msg.quit());
    const timer = setTimeout(() => this.child.kill("SIGKILL"), this.timeouts.quitMs);
    await this.exited;
    clearTimeout(timer);
  }

  private assertUp(): void {
    if (this.down) throw new Error(`device is down (${this.down}): power on a new one`);
  }

  private async answer(): Promise<msg.BoardMessage> {
    const m = await this.link.next(this.timeouts.answerMs);
    if (m.m === "error") throw new Error(`posix board refused a frame: ${m.text} (${m.code})`);
    return m;
  }

  // Collects output frames until the call ends: DONE, or POWER_CUT / PANIC after which
  // the board process exits on its own.
  private async call(frame: msg.OutFrame): Promise<CallResult> {
    this.assertUp();
    this.link.send(frame);
    const outputs: BoardOutput[] = [];
    for (;;) {
      const m = await this.answer();
      switch (m.m) {
        case "output": outputs.push(m.output); break;
        case "done": return { outputs, result: m.result };
        case "power_cut": case "panic":
          outputs.push(m.output);
          this.down = m.m;
          return { outputs, result: null };
        default: throw new Error(`posix board sent ${m.m} during a call`);
      }
    }
  }
}

export function createPosixDevice(opts: PowerOnOptions): Promise<PosixDevice> {
  return PosixDevice.create(opts);
}
