// The native engines a cross-host test compares with the TypeScript host (V8): wasm2c
// ("posix") always, WAMR's fast and classic interpreters when WAMR's sources are here
// (scripts/build-wamr.ts builds their boards with the images). Without them the WAMR
// part prints one skip line, or fails under CI (test/support/requirement.ts).
import { wamrSource } from "../../scripts/build-wamr.ts";
import type { NativeHostName } from "../../host-sim/device/types.ts";
import { requirement } from "./requirement.ts";

let engines: NativeHostName[] | undefined;

export function nativeEngines(): NativeHostName[] {
  if (!engines) {
    const missing = requirement("WAMR sources (the wamr-fast and wamr-classic boards)", wamrSource() !== null,
      "set WAMR_SOURCE to a WAMR checkout or its .tar.gz and run npm run build");
    engines = missing ? ["posix"] : ["posix", "wamr-fast", "wamr-classic"];
  }
  return engines;
}
