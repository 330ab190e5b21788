// One entry point for bringing up a board on any host (V8 in process, or a native board
// under wasm2c or WAMR), so scenarios and tools do not care which one runs the image.
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TsDevice } from "../board/ts-device.ts";
import { PosixDevice } from "./posix-device.ts";
import type { DeviceHandle, HostName, NativeHostName, PowerOnOptions } from "./types.ts";

export type { HostName, NativeHostName };
/** Every native engine: wasm2c ("posix") and WAMR's two interpreters. */
export const NATIVE_HOSTS: readonly NativeHostName[] = ["posix", "wamr-fast", "wamr-classic"];

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** An image name (no path separator, no .wasm) means build/images/<name>.wasm. */
export function wasmImagePath(image: string): string {
  if (!image.includes("/") && !image.endsWith(".wasm")) return join(ROOT, "build", "images", `${image}.wasm`);
  return isAbsolute(image) ? image : resolve(image);
}

export function powerOn(host: HostName, opts: PowerOnOptions): Promise<DeviceHandle> {
  if (host === "ts") return TsDevice.create({ ...opts, image: wasmImagePath(opts.image) });
  if ((NATIVE_HOSTS as readonly string[]).includes(host)) return PosixDevice.create(opts, {}, host as NativeHostName);
  throw new Error(`unknown host ${String(host)}`);
}
