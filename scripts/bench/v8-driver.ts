// The V8 side of the bench, as a process of its own so valgrind can count it:
//   node --import tsx scripts/bench/v8-driver.ts <image> <events> <flash file>
// One power-on of build/images/<image>.wasm on the TypeScript host, its bench workload,
// then exit. Prints one JSON line (the WorkloadRun) on stdout.
import { TsDevice } from "../../host-sim/board/ts-device.ts";
import { wasmImagePath } from "../../host-sim/device/power-on.ts";
import { runWorkload } from "./run.ts";

const [image, events, flashFile] = process.argv.slice(2);
const n = Number(events);
if (!image || !flashFile || !Number.isInteger(n) || n < 0) {
  console.error("usage: v8-driver.ts <image> <events> <flash file>");
  process.exit(64);
}
const dev = await TsDevice.create({ image: wasmImagePath(image), flashFile });
try {
  console.log(JSON.stringify(await runWorkload(dev, image, n)));
} finally {
  await dev.close();
}
