// The contract table's code size: two probe entries built as `npm run build` builds an
// image (asconfig.json's flags, target smart-plug, then convergeImage), one calling the
// table, the other doing what the table does to the store and the scheduler without it
// (two PROTECTED records in a transaction, a UTC deadline). The difference is the table.
// Run from the repository's root: npx tsx firmware/modules/contract-table/size/measure.ts
import { resolve } from "node:path";
import { statSync } from "node:fs";
import { convergeImage } from "../../../../scripts/build-converge.ts";

const asc = (await import("assemblyscript/asc")).default;
const sizes: Record<string, number> = {};
for (const entry of ["with-table", "without-table"]) {
  const out = `build/size-${entry}.wasm`, wat = `build/size-${entry}.wat`;
  const { error } = await asc.main([`firmware/modules/contract-table/size/${entry}.ts`, "--config", resolve("asconfig.json"),
    "--target", "smart-plug", "--outFile", out, "--textFile", wat], { stdout: process.stdout, stderr: process.stderr });
  if (error) throw error;
  await convergeImage(out, wat, 3, 2, 32768);
  sizes[entry] = statSync(out).size;
}
console.log(`with the table ${sizes["with-table"]} bytes, without ${sizes["without-table"]}: the table adds ${sizes["with-table"] - sizes["without-table"]}`);
