// Prints what a board's flash image holds, decoded without running the firmware:
//   npm run flash:inspect -- data/devices/heater.flash [--values]
// Values are hidden unless --values is given (a flash image holds secrets).
import { readFileSync } from "node:fs";
import { readPages } from "../host-sim/flash/record-store-image.ts";

const file = process.argv[2];
if (!file) { console.error("usage: npm run flash:inspect -- <flash image> [--values]"); process.exit(64); }
const showValues = process.argv.includes("--values");
const image = readFileSync(file);
for (const p of readPages(image)) {
  if (!p.inUse) { console.log(`page ${p.page}: free`); continue; }
  console.log(`page ${p.page}: seq ${p.seq}${p.freeing ? " (being collected)" : ""}, ${p.records.length} records`);
  for (const r of p.records) {
    const what = r.tombstone ? "removed" : `${r.data.length} bytes${r.dataCrcOk ? "" : " (bad CRC)"}`;
    const value = showValues && r.state === "committed" && !r.tombstone ? `  ${Buffer.from(r.data).toString("hex")}` : "";
    console.log(`  @${r.addr.toString(16).padStart(5, "0")} key ${r.key.toString(16).padStart(4, "0")} seq ${r.seq} ${r.state} ${what}${value}`);
  }
}
