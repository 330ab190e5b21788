// A native board for a test image: the image is translated (wasm2c) or embedded (WAMR) and
// linked with the objects the build made for the devkit's boards, so a test can run any
// small image on every engine without a build target of its own.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NativeHostName } from "../../host-sim/device/types.ts";

const ROOT = join(import.meta.dirname, "..", "..");

/** The executable of a board for the image at `wasm` under `engine`. */
export function boardForImage(engine: NativeHostName, wasm: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${engine}-board-`));
  const exe = join(dir, "board");
  const cc = (args: string[]) => execFileSync("gcc", ["-O2", "-DIMAGE_NAME=\"tiny\"", ...args], { stdio: "inherit" });
  if (engine === "posix") {
    const objs = join(ROOT, "build/posix/devkit.wasm2c");
    execFileSync("wasm2c", [wasm, "-n", "fw", "-o", join(dir, "fw.c")]);
    const inc = ["-I", dir, "-I", join(ROOT, "boards/posix"), "-I", "/usr/src/wasm2c", "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"];
    cc(["-c", ...inc, "-o", join(dir, "fw.o"), join(dir, "fw.c")]);
    cc(["-c", ...inc, "-o", join(dir, "engine.o"), join(ROOT, "boards/wasm2c/engine.c")]);
    const board = readdirSync(objs).filter((f) => f.startsWith("boards_posix_")).map((f) => join(objs, f));
    cc(["-o", exe, ...board, join(dir, "fw.o"), join(dir, "engine.o"), join(objs, "wasm-rt-impl.o"), "-lcrypto", "-lm"]);
  } else {
    const objs = join(ROOT, `build/${engine}/devkit.obj`);
    cc(["-c", `-DIMAGE_WASM="${wasm}"`, `-DWAMR_FAST_INTERP=${engine === "wamr-fast" ? 1 : 0}`, "-o", join(dir, "image.o"), join(ROOT, "boards/wamr/image.c")]);
    const rest = readdirSync(objs).filter((f) => f !== "boards_wamr_image.o").map((f) => join(objs, f));
    cc(["-o", exe, ...rest, join(dir, "image.o"), join(ROOT, `build/${engine}/engine/libvmlib.a`), "-lcrypto", "-lm", "-lpthread"]);
  }
  return exe;
}
