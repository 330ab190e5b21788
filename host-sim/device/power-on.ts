// One entry point for bringing up a board on either host, so scenarios and tools do not
// care which one runs the image.
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TsDevice } from "../board/ts-device.ts";
import { PosixDevice } from "./posix-device.ts";
import type { DeviceHandle, PowerOnOptions } from "./types.ts";

export type HostName = "ts" | "posix";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** An image name (no path separator, no .wasm) means build/images/<name>.wasm. */
export function wasmImagePath(image: string): string {
  if (!image.includes("/") && !image.endsWith(".wasm")) return join(ROOT, "build", "images", `${image}.wasm`);
  return isAbsolute(image) ? image : resolve(image);
}

export function powerOn(host: HostName, opts: PowerOnOptions): Promise<DeviceHandle> {
  if (host === "ts") return TsDevice.create({ ...opts, image: wasmImagePath(opts.image) });
  if (host === "posix") return PosixDevice.create(opts);
  throw new Error(`unknown host ${String(host)}`);
}
