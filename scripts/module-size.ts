// A firmware module's code size: two probe entries in the module's size/ folder, built as
// `npm run build` builds an image (asconfig.json's flags, target smart-plug, then
// convergeImage): `with-*.ts` calls the module, `without-*.ts` does what the module does
// to the store and the scheduler without it. The difference is the module.
//   npx tsx scripts/module-size.ts firmware/modules/contract-table/size
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { convergeImage } from "./build-converge.ts";

const dir = process.argv[2];
if (!dir) { console.error("usage: npx tsx scripts/module-size.ts <module>/size"); process.exit(2); }
const probes = readdirSync(dir).filter((f) => /^with(out)?-.*\.ts$/.test(f)).sort();
const withProbe = probes.find((f) => f.startsWith("with-")), withoutProbe = probes.find((f) => f.startsWith("without-"));
if (!withProbe || !withoutProbe) { console.error(`${dir}: needs a with-*.ts and a without-*.ts probe`); process.exit(2); }

const asc = (await import("assemblyscript/asc")).default;
const sizes: number[] = [];
for (const entry of [withProbe, withoutProbe]) {
  const out = `build/size-${entry.replace(/\.ts$/, "")}.wasm`, wat = out.replace(/\.wasm$/, ".wat");
  const { error } = await asc.main([join(dir, entry), "--config", resolve("asconfig.json"),
    "--target", "smart-plug", "--outFile", out, "--textFile", wat], { stdout: process.stdout, stderr: process.stderr });
  if (error) throw error;
  await convergeImage(out, wat, 3, 2, 32768);
  sizes.push(statSync(out).size);
}
console.log(`${withProbe} ${sizes[0]} bytes, ${withoutProbe} ${sizes[1]}: the module adds ${sizes[0] - sizes[1]}`);
