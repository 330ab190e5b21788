// Prints what a board's flash image holds, decoded without running the firmware:
//   npm run flash:inspect -- data/devices/heater.flash [--values]
// Each live record shows its credential-store form: sealed (a secret: encrypted under a
// key that is not in the flash image, so no value can be shown), protected or clear.
// Values of the others are hidden unless --values is given.
import { readFileSync } from "node:fs";
import { readPages } from "../host-sim/flash/record-store-image.ts";
import { credentialView } from "../host-sim/flash/credential-record.ts";

const file = process.argv[2];
if (!file) { console.error("usage: npm run flash:inspect -- <flash image> [--values]"); process.exit(64); }
const showValues = process.argv.includes("--values");
const image = readFileSync(file);
for (const p of readPages(image)) {
  if (!p.inUse) { console.log(`page ${p.page}: free`); continue; }
  console.log(`page ${p.page}: seq ${p.seq}${p.freeing ? " (being collected)" : ""}, ${p.records.length} records`);
  for (const r of p.records) {
    const live = r.state === "committed" && !r.tombstone && r.dataCrcOk;
    const view = live ? credentialView(r.key, r.data) : null;
    const form = view ? `, ${view.form} ${view.type} (${view.valueLength} bytes of value)` : "";
    const txn = r.commit ? " transaction commit" : r.inTransaction ? " (in a transaction)" : "";
    const what = (r.tombstone ? "removed" : `${r.data.length} bytes${r.dataCrcOk ? "" : " (bad CRC)"}${form}`) + txn;
    const shown = view ? view.value : r.data;
    const value = showValues && live && shown ? `  ${Buffer.from(shown).toString("hex")}` : "";
    console.log(`  @${r.addr.toString(16).padStart(5, "0")} key ${r.key.toString(16).padStart(4, "0")} seq ${r.seq} ${r.state} ${what}${value}`);
  }
}
