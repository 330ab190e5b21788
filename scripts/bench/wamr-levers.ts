// One-off measurement of WAMR build levers on the 32-bit fast interpreter: for each
// variant directory given (each holding a board per image, built from
// boards/wamr/CMakeLists.txt with one option changed), the smallest stack and pool with
// which the image's scenarios give what wasm2c gives, and the cost per event, exactly as
// scripts/bench/wamr.ts measures them (its functions). The boards the simulator starts for
// "wamr-fast" are build/wamr32-fast/<image>; each variant's board is put there for its
// measurement and the original put back afterwards. With LEVERS_BITS=64 the variants are
// 64-bit boards, put in place of build/wamr-fast/<image> and compared with build/posix.
//
//   [LEVERS_BITS=64] npx tsx scripts/bench/wamr-levers.ts DIR[,DIR...] image [image ...]
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { outcome, perEvent, smallest, works } from "./wamr.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const [dirs, ...images] = process.argv.slice(2);
if (!dirs || !images.length) {
  console.error("usage: wamr-levers.ts DIR[,DIR...] image [image ...]");
  process.exit(2);
}
const BIG_POOL = 1 << 20, BIG_STACK = 16 << 10;
const m32 = process.env.LEVERS_BITS !== "64";
if (m32) process.env.BOARD_WAMR_BITS = "32";

for (const image of images) {
  const reference = await outcome(image, "posix");
  const base = await perEvent(image, "posix", join(ROOT, m32 ? "build/posix32" : "build/posix", image));
  const slot = join(ROOT, m32 ? "build/wamr32-fast" : "build/wamr-fast", image), saved = `${slot}.levers-saved`;
  if (!existsSync(saved)) renameSync(slot, saved);
  try {
    for (const dir of dirs.split(",")) {
      const exe = join(dir, image);
      rmSync(slot, { force: true }); // a board of the previous variant may still be exiting
      copyFileSync(exe, slot);
      if (!(await works(image, "wamr-fast", reference, BIG_STACK, BIG_POOL))) {
        console.log(`${image}\t${dir}\tdoes not run`);
        continue;
      }
      const stack = await smallest(256, BIG_STACK, 128, (s) => works(image, "wamr-fast", reference, s, BIG_POOL));
      const pool = await smallest(4096, BIG_POOL, 512, (p) => works(image, "wamr-fast", reference, stack, p));
      const ir = await perEvent(image, "wamr-fast", exe);
      console.log(`${image}\t${dir}\tstack ${stack}\tpool ${(pool / 1024).toFixed(1)} KiB\t${(ir / 1000).toFixed(1)}k Ir/event\t${(ir / base).toFixed(2)}x wasm2c-${m32 ? 32 : 64} (${(base / 1000).toFixed(1)}k)`);
    }
  } finally {
    renameSync(saved, slot);
  }
}
