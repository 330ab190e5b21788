// Prints what a board's flash image holds, decoded without running the firmware:
//   npm run flash:inspect -- data/devices/heater.flash [--values] [--image <name>]
// Each record shows its name from its module's keyspace (host-sim/flash/record-names.ts),
// its type, its reset class and its state. Values are hidden unless --values is given;
// a secret's never is (sealed: encrypted under a key that is not in the flash image).
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { PAGE_SIZE, liveRecords, readPages } from "../host-sim/flash/record-store-image.ts";
import { COMMIT_KEY } from "../host-sim/flash/record-names.ts";
import { recordView } from "../host-sim/flash/flash-view.ts";

const USAGE = `usage: npm run flash:inspect -- <flash image> [--values] [--image <name>]

Lists the pages and records of a board's flash image (firmware/storage/FORMAT.md):
each record's id, name, type, reset class and state (live, scrubbed, removed, torn,
bad CRC), without running the firmware.

  --values        show the values of records that are not secrets (text, a number, or hex);
                  a secret (sealed) record's value is never shown: it is not in the image
                  in clear, and its encrypted bytes are not printed either
  --image <name>  the image whose keyspace names the records (water-heater, printer, meter,
                  power-conditioner, lock, devkit); default: from the file's name
                  (data/devices/heater.flash: water-heater)
  --help          this text`;

/** The home's flash files by device (data/devices/<device>.flash) and their images. */
const DEVICE_IMAGES: Record<string, string> = { heater: "water-heater", printer: "printer", meter: "meter", pcs: "power-conditioner", lock: "lock" };

const fail = (line: string, code: number): never => { console.error(`flash:inspect: ${line}`); process.exit(code); };

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) { console.log(USAGE); process.exit(0); }
const showValues = args.includes("--values");
const imageAt = args.indexOf("--image");
const imageArg = imageAt >= 0 ? args[imageAt + 1] : undefined;
if (imageAt >= 0 && (!imageArg || imageArg.startsWith("--"))) fail("--image needs an image name (see --help)", 64);
const files = args.filter((a, i) => !a.startsWith("--") && !(imageAt >= 0 && i === imageAt + 1));
const unknown = args.filter((a) => a.startsWith("--") && !["--values", "--image"].includes(a));
if (unknown.length) fail(`unknown option ${unknown[0]} (see --help)`, 64);
if (files.length !== 1) { console.error(USAGE.split("\n")[0]); process.exit(64); }
const file = files[0];

let image: Buffer;
try {
  if (!statSync(file).isFile()) fail(`${file} is not a file`, 2);
  image = readFileSync(file);
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  fail(code === "ENOENT" ? `${file}: no such file` : `${file}: ${(e as Error).message}`, 2);
}
const pages = readPages(image!);
// A record store's partition is whole pages, each with a record-store header or blank
// (an interrupted erase would be the one exception, which mount erases).
const blank = (p: number) => image!.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE).every((b) => b === 0xff);
if (image!.length === 0 || image!.length % PAGE_SIZE !== 0 || pages.filter((p) => !p.inUse && !blank(p.page)).length > 1 || !pages.some((p) => p.inUse || blank(p.page))) {
  fail(`${file} is not a flash image (whole ${PAGE_SIZE}-byte pages, each a record-store page or blank)`, 2);
}
const deviceImage = imageArg ?? DEVICE_IMAGES[basename(file).replace(/\.flash$/, "")];
const live = liveRecords(pages);

console.log(`${file}: ${pages.length} pages${deviceImage ? `, named in the ${deviceImage} image's keyspace` : ""}`);
for (const p of pages) {
  if (!p.inUse) { console.log(`page ${p.page}: ${blank(p.page) ? "free" : "unreadable (erased at the next mount)"}`); continue; }
  console.log(`page ${p.page}: seq ${p.seq}${p.freeing ? " (being collected)" : ""}, ${p.records.length} records`);
  for (const r of p.records) {
    const at = `  @${r.addr.toString(16).padStart(5, "0")} 0x${r.key.toString(16).padStart(4, "0")}`;
    const txn = r.inTransaction ? " (in a transaction)" : "";
    if (r.key === COMMIT_KEY) { console.log(`${at} record-store.commit  seq ${r.seq} ${r.state} transaction commit`); continue; }
    const isLive = live.get(r.key) === r;
    const v = recordView(r, deviceImage, isLive);
    const state = r.tombstone ? "removed" : v.state === "scrubbed" ? "scrubbed" : v.state === "bad-crc" ? "bad CRC"
      : isLive ? "live" : r.state === "torn" ? "torn" : "replaced";
    const value = showValues && isLive && !r.tombstone ? `  = ${v.value}` : v.secret && isLive ? `  ${v.value}` : "";
    console.log(`${at} ${v.name}  seq ${r.seq} ${state}${txn}, ${r.data.length} B, ${v.type || "bytes"}, reset: ${v.resetClass}${value}`);
  }
}
