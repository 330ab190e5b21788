// The flash record name table (host-sim/flash/record-names.ts) against the sources it is
// kept from: every key range the firmware declares, every record a module's README lists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { RANGES, RECORDS, describeKey } from "../host-sim/flash/record-names.ts";

const root = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "__tests__" ? [] : sources(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

test("every key range the firmware declares is in the table, with its owner, ids and reset class", () => {
  const decl = /new KeyRange\("([^"]+)",\s*(0x[0-9a-fA-F]+),\s*(0x[0-9a-fA-F]+),\s*ResetClass\.(\w+)\)/g;
  let found = 0;
  for (const file of [...sources(join(root, "firmware/modules")), ...sources(join(root, "firmware/images"))]) {
    for (const m of readFileSync(file, "utf8").matchAll(decl)) {
      found++;
      const [owner, first, last, reset] = [m[1], Number(m[2]), Number(m[3]), m[4]];
      assert.ok(RANGES.some((r) => r.owner === owner && r.first === first && r.last === last && r.reset === reset),
        `${file}: KeyRange "${owner}" ${m[2]}-${m[3]} ${reset} is not in record-names.ts`);
    }
  }
  assert.ok(found >= 25, `found the declarations (${found})`);
});

test("every record a module's or an image's README lists in a table has a name, and its secrets are secret", () => {
  const readmes = ["modules", "images"].flatMap((kind) => readdirSync(join(root, "firmware", kind))
    .map((name) => ({ kind, name, path: join(root, "firmware", kind, name, "README.md") })).filter((r) => existsSync(r.path)));
  let found = 0;
  for (const r of readmes) {
    for (const line of readFileSync(r.path, "utf8").split("\n")) {
      if (!line.startsWith("|")) continue;
      const cells = line.split("|").map((c) => c.trim());
      // A cell that is one record id (not a range, not an ECHONET class).
      for (const cell of cells) {
        if (!/^0x[0-9a-fA-F]{4}$/.test(cell)) continue;
        found++;
        const id = Number(cell);
        const named = RECORDS.find((x) => id >= x.key && id <= (x.last ?? x.key) && (r.kind === "modules" || x.image === r.name));
        assert.ok(named, `${r.kind}/${r.name}/README.md lists record ${cell}, which record-names.ts does not name`);
        if (cells.some((c) => /\bSECRET\b/.test(c))) assert.equal(named.secret, true, `${r.name}'s ${cell} is SECRET in its README`);
      }
    }
  }
  assert.ok(found >= 35, `found the README records (${found})`);
});

test("a key is described in its image's keyspace", () => {
  assert.deepEqual(describeKey(0x0502, "printer"), { name: "tokens.st", owner: "tokens", type: "bytes: ST (16-64)", reset: "INITIALIZATION", secret: true });
  assert.equal(describeKey(0x0301, "water-heater").name, "water-heater.settings");
  assert.equal(describeKey(0x0301, "devkit").owner, "devkit: user records", "the devkit's own range, not the heater's");
  assert.equal(describeKey(0x0222, "water-heater").name, "cloud-link.outbox_chunk[2]");
  assert.equal(describeKey(0x0a00, "water-heater").name, "0x0a00");
  assert.equal(describeKey(0x0a00, "water-heater").owner, "(no module)");
});
