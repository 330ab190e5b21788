// One power-on of an image on the in-process TypeScript board. A device lives from
// powering on to a panic, a power cut or close(); the next power-on is a new TsDevice on
// the same flash file, as on a real board.
//
// A call is synchronous underneath (bootNow, eventNow): a fleet on one virtual clock
// drives thousands of devices without a promise per event; boot and event wrap them for
// the DeviceHandle interface both hosts share.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BoardEvent, BoardOutput, BoardTime, CallResult, DeviceHandle, FlashStats, PowerOnOptions } from "../device/types.ts";
import { EventKind, isEventKind } from "../device/types.ts";
import { ABI_MODULE, ABI_VERSION, checkImage, checkImageBytes } from "./abi.ts";
import { burnEfuse, efuseFileFor, readEfuse } from "./efuse.ts";
import { E_INVAL, E_RANGE } from "./errors.ts";
import { NorFlash, PowerCut } from "./flash.ts";
import { Drbg } from "./random.ts";
import { PanicSignal, TsBoard } from "./ts-board.ts";

interface ImageExports {
  memory: WebAssembly.Memory;
  fw_abi_version(): number;
  fw_boot(): number;
  fw_event(kind: number, arg: number, len: number): number;
  fw_inbox(): number;
  fw_inbox_size(): number;
}

/** Compiled images by content, so a fleet of one image compiles (and tiers up) its code
 *  once; a rebuilt image is a new key. */
const compiled = new Map<string, WebAssembly.Module>();

async function compileImage(path: string): Promise<WebAssembly.Module> {
  const bytes = readFileSync(path);
  const key = createHash("sha256").update(bytes).digest("hex");
  const hit = compiled.get(key);
  if (hit) return hit;
  checkImageBytes(bytes);
  const module = await WebAssembly.compile(bytes);
  checkImage(module);
  compiled.set(key, module);
  return module;
}

export class TsDevice implements DeviceHandle {
  readonly host = "ts" as const;
  private exports!: ImageExports;
  private down: string | null = null;
  private booted = false;
  private closed = false;
  private startOutputs: BoardOutput[] = [];

  private constructor(private readonly board: TsBoard, private readonly flash: NorFlash) {}

  /** Powers on: checks the image against the ABI, opens the flash file and instantiates.
   *  Outputs of the image's start section (static initialisers) are reported with boot. */
  static async create(opts: PowerOnOptions): Promise<TsDevice> {
    const module = await compileImage(opts.image);
    const flash = new NorFlash(opts.flashFile, opts.pages ?? 16,
      opts.cutAt !== undefined ? { cutAt: opts.cutAt, cutKeep: opts.cutKeep } : undefined);
    let dev: TsDevice | undefined;
    // The JS API hands out the memory only after the start section has run, so buffer
    // calls made from it see an empty memory (E_RANGE); top-level firmware code is expected
    // to leave the board alone.
    const efuse = opts.efuseFile ?? efuseFileFor(opts.flashFile);
    burnEfuse(efuse, opts.keySeed);
    // One view of linear memory, renewed only when the image grows it (the buffer moves).
    let buffer: ArrayBuffer | null = null, view = new Uint8Array(0);
    const memory = () => {
      const b = dev?.exports?.memory.buffer;
      if (b && b !== buffer) { buffer = b; view = new Uint8Array(b); }
      return view;
    };
    const board = new TsBoard(flash, new Drbg(opts.seed ?? 0), memory, readEfuse(efuse));
    dev = new TsDevice(board, flash);
    try {
      const instance = await WebAssembly.instantiate(module, { [ABI_MODULE]: board.imports() });
      dev.exports = instance.exports as unknown as ImageExports;
      dev.startOutputs = board.outputs;
      board.outputs = [];
      const v = dev.exports.fw_abi_version();
      if (v !== ABI_VERSION) throw new Error(`image reports ABI version ${v}; this board implements ${ABI_VERSION}`);
    } catch (e) {
      flash.close();
      throw e instanceof PanicSignal || e instanceof PowerCut || e instanceof WebAssembly.RuntimeError
        ? new Error(`image died while starting: ${e.message}`) : e;
    }
    return dev;
  }

  async boot(time: BoardTime): Promise<CallResult> {
    return this.bootNow(time);
  }

  async event(time: BoardTime, ev: BoardEvent): Promise<CallResult> {
    return this.eventNow(time, ev);
  }

  /** boot() without a promise. */
  bootNow(time: BoardTime): CallResult {
    if (this.booted) throw new Error("device already booted: power on a new one");
    this.booted = true;
    const r = this.call(time, () => this.exports.fw_boot());
    r.outputs.unshift(...this.startOutputs);
    this.startOutputs = [];
    return r;
  }

  /** An event of a kind the ABI does not define is not delivered (E_INVAL), nor a payload
   *  longer than the image's inbox (E_RANGE): no outputs, the image is not called. */
  eventNow(time: BoardTime, ev: BoardEvent): CallResult {
    if (!this.booted) throw new Error("event before boot");
    this.assertUp();
    if (!isEventKind(ev.kind)) return { outputs: [], result: E_INVAL };
    const payload = ev.payload ?? new Uint8Array(0);
    if (payload.length > this.exports.fw_inbox_size()) return { outputs: [], result: E_RANGE };
    if (ev.kind === EventKind.GPIO) this.board.gpioEvent(ev.arg);
    if (ev.kind === EventKind.MQTT_STATE) this.board.mqttState(ev.arg);
    return this.call(time, () => {
      if (payload.length > 0) new Uint8Array(this.exports.memory.buffer).set(payload, this.exports.fw_inbox() >>> 0);
      return this.exports.fw_event(ev.kind, ev.arg, payload.length);
    });
  }

  async flashStats(): Promise<FlashStats> {
    return { ops: this.flash.ops, erasesPerPage: this.flash.erasesPerPage };
  }

  /** Bytes touched by each flash operation since power-on, in order. */
  flashOpSizes(): number[] { return this.flash.opSizes; }

  /** Bytes of the image's linear memory now (it only grows: the bench samples it after
   *  each call for the peak). */
  linearMemoryBytes(): number { return this.exports.memory.buffer.byteLength; }

  /** The end of the image's fixed heap arena (its exported __heap_base): every byte of
   *  linear memory it touches lies below. Null for an image without one. */
  heapEnd(): number | null {
    const g = (this.exports as unknown as Record<string, unknown>).__heap_base;
    return g instanceof WebAssembly.Global ? g.value as number : null;
  }

  /** The flash contents now (what a FLASH_READ over the device link would return). */
  flashSnapshot(): Uint8Array { return this.flash.snapshot(); }

  /** Brings the flash file up to date now (it otherwise follows at the end of the
   *  current synchronous job, at close() or at exit: host-sim/board/flash.ts). */
  flushFlash(): void { this.flash.flush(); }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.down ??= "closed";
    this.flash.close();
  }

  private assertUp(): void {
    if (this.down) throw new Error(`device is down (${this.down}): power on a new one`);
  }

  private call(time: BoardTime, run: () => number): CallResult {
    this.assertUp();
    this.board.time = { ...time };
    this.board.outputs = [];
    let result: number | null;
    try {
      result = run();
    } catch (e) {
      result = null;
      if (e instanceof PanicSignal) {
        this.board.outputs.push(e.output);
        this.down = "panic";
      } else if (e instanceof PowerCut) {
        this.board.outputs.push({ t: "power_cut", op: e.op });
        this.down = "power cut";
      } else if (e instanceof WebAssembly.RuntimeError) {
        this.board.outputs.push({ t: "panic", line: 0, col: 0, text: e.message });
        this.down = "trap";
      } else {
        this.down = "host error";
        throw e;
      }
    }
    const outputs = this.board.outputs;
    this.board.outputs = [];
    return { outputs, result };
  }
}

export function createTsDevice(opts: PowerOnOptions): Promise<TsDevice> {
  return TsDevice.create(opts);
}
