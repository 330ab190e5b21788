// What the meter's bench parts share: a meter on the TS host whose heap is walked at every
// ABI call the image makes (the image collects at the end of an event, after its last ABI
// call, so the most the heap held at any of them, less what it held before, is what the
// event allocated), and the inputs that set a bench meter up (the factory's PROVISION, the
// installer's INSTALL, the head-end's messages).
import { TsDevice } from "../../host-sim/board/ts-device.ts";
import { TsBoard } from "../../host-sim/board/ts-board.ts";
import { wasmImagePath } from "../../host-sim/device/power-on.ts";
import { EventKind, LinkId, type BoardEvent } from "../../host-sim/device/types.ts";
import { provision } from "../../host-sim/clients/service-port.ts";
import { installRequest } from "../../host-sim/appliances/meter/install.ts";
import { walkHeap } from "./heap-walk.ts";

export const BENCH_DEVICE = "meter-dev-1";

export interface HeapWatch {
  dev: TsDevice;
  /** The heap's arena: the image's lowMemoryLimit less its static data. */
  arena: number;
  /** The bytes the heap holds now. */
  used(): number;
  /** The most it held at an ABI call since the last resetPeak. */
  peak(): number;
  /** Starts a new peak at what it holds now, and returns that. */
  resetPeak(): number;
  /** Collects from outside, between two calls (nothing on the wasm stack is live then:
   *  board/heap.ts), and returns what stays: the live objects. */
  live(): number;
}

export async function watchedTsMeter(flashFile: string): Promise<HeapWatch> {
  let sample: () => number = () => 0;
  let peak = 0;
  const imports = TsBoard.prototype.imports;
  // Wrapped for this device only: its board asks for its imports once, while it is made.
  TsBoard.prototype.imports = function (this: TsBoard) {
    const real = imports.call(this);
    const watched: typeof real = {};
    for (const [name, f] of Object.entries(real)) watched[name] = (...a: never[]) => { peak = Math.max(peak, sample()); return f(...a); };
    return watched;
  };
  let dev: TsDevice;
  try { dev = await TsDevice.create({ image: wasmImagePath("meter"), flashFile }); } finally { TsBoard.prototype.imports = imports; }
  const exp = (dev as unknown as { exports: Record<string, unknown> }).exports;
  const memory = exp.memory as WebAssembly.Memory;
  const dataEnd = (exp.__data_end as WebAssembly.Global).value as number;
  const heapEnd = dev.heapEnd()!;
  sample = () => walkHeap(memory, dataEnd, heapEnd)?.used ?? 0;
  // The runtime is exported (asconfig's exportRuntime).
  const live = () => { (exp.__collect as () => void)(); return sample(); };
  return { dev, arena: heapEnd - dataEnd, used: sample, peak: () => peak, resetPeak: () => (peak = sample()), live };
}

/** The factory's PROVISION and the installer's INSTALL (PROTOCOL.md §2) of a bench meter. */
export function provisionEvent(): BoardEvent {
  return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: provision("SM-0001") };
}
export function installEvent(): BoardEvent {
  return { kind: EventKind.LINK, arg: LinkId.SERVICE, payload: installRequest({ meterCode: "JP-0123-4567-8901", deviceId: BENCH_DEVICE, password: "meter-password-0123456789" }) };
}

/** A message from the head-end on the bench meter's down topic. */
export function down(body: string): BoardEvent {
  const enc = new TextEncoder();
  const t = enc.encode(`devices/${BENCH_DEVICE}/down`), b = enc.encode(body);
  const p = new Uint8Array(t.length + b.length); p.set(t); p.set(b, t.length);
  return { kind: EventKind.MQTT_MESSAGE, arg: t.length, payload: p };
}
