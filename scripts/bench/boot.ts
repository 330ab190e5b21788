// Boot cost on blank flash: callgrind instruction count of the posix board
// (build/posix/<image>) that powers on and boots once, minus the same process powered on
// and closed without booting. The difference is fw_boot alone: the record store's mount
// (blank-page checks, opening the first page) plus whatever the image does at boot.
// Run alone: npx tsx scripts/bench/boot.ts [image...]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PosixDevice, posixExecutable } from "../../host-sim/device/posix-device.ts";
import { callgrindTotal, callgrindWrapper } from "./callgrind.ts";

export const BOOT_IMAGES = ["devkit", "water-heater", "meter"];

export interface BootCost {
  image: string;
  /** Instructions of the process that booted. */
  booted: number;
  /** Instructions of the process that did not. */
  idle: number;
  /** booted - idle: what one boot on blank flash costs. */
  boot: number;
}

const TIME = { nowMs: 0, wallMs: -1 };

async function run(dir: string, image: string, boot: boolean): Promise<number> {
  const base = join(dir, `${image}-${boot ? "boot" : "idle"}`);
  const wrapper = callgrindWrapper(dir, `${image}-${boot ? "boot" : "idle"}`, posixExecutable(image), `${base}.cg`);
  const dev = await PosixDevice.create({ image: wrapper, flashFile: `${base}.flash` }, { answerMs: 300_000, quitMs: 300_000 });
  try {
    if (boot) {
      const r = await dev.boot(TIME);
      if (r.result !== 0) throw new Error(`${image}: boot on blank flash returned ${r.result}`);
    }
  } finally {
    await dev.close();
  }
  return callgrindTotal(`${base}.cg`);
}

/** Boot cost of each image on blank flash (fresh flash file for every run). */
export async function bootCosts(images: string[] = BOOT_IMAGES): Promise<BootCost[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-boot-"));
  try {
    const out: BootCost[] = [];
    for (const image of images) {
      const [booted, idle] = await Promise.all([run(dir, image, true), run(dir, image, false)]);
      out.push({ image, booted, idle, boot: booted - idle });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printBootCosts(rows: BootCost[]): void {
  console.log("\nboot on blank flash (posix board under callgrind; instructions of a process that boots once");
  console.log("  minus the same process powered on without booting):");
  for (const r of rows) console.log(`  ${r.image.padEnd(14)} ${r.boot.toLocaleString("en-US").padStart(12)} instructions`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const images = process.argv.slice(2);
  printBootCosts(await bootCosts(images.length ? images : BOOT_IMAGES));
}
