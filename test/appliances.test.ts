// The host side's layering: firmware never reaches into the host simulator or the
// scripts (the image must build and run without them), and every appliance folder is in
// the registry with an image the build knows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { APPLIANCES } from "../host-sim/appliances/index.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.(ts|js|mjs)$/.test(n) ? [p] : [];
  });
}

/** Every module a source text names: import/export ... from "x", import "x", import("x"). */
function specifiers(text: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** The imports of `file` that land under one of `forbidden` (folders relative to ROOT). */
function forbiddenImports(file: string, text: string, forbidden: string[]): string[] {
  return specifiers(text).filter((s) => {
    const target = s.startsWith(".") ? relative(ROOT, resolve(dirname(file), s)) : s;
    return forbidden.some((f) => target === f || target.startsWith(f + sep) || target.startsWith(f + "/"));
  });
}

test("the import check sees every form of import", () => {
  const file = join(ROOT, "firmware", "images", "x", "main.ts");
  const text = [
    `import { a } from "../../../host-sim/scenario/steps.ts";`,
    `export * from '../../../scripts/build.ts';`,
    `import "../../../host-sim/side-effect.ts";`,
    `const m = await import("../../../host-sim/late.ts");`,
    `import {\n  b,\n} from "../../board/index";`,
    `import type { C } from "../../../host-sim-like/other.ts";`,
  ].join("\n");
  assert.deepEqual(forbiddenImports(file, text, ["host-sim", "scripts"]), [
    "../../../host-sim/scenario/steps.ts", "../../../scripts/build.ts", "../../../host-sim/side-effect.ts", "../../../host-sim/late.ts",
  ]);
});

test("nothing under firmware/ imports from host-sim/ or scripts/", () => {
  const files = sourceFiles(join(ROOT, "firmware"));
  assert.ok(files.length > 10, "the firmware sources were found");
  const found = files.flatMap((f) => forbiddenImports(f, readFileSync(f, "utf8"), ["host-sim", "scripts"])
    .map((s) => `${relative(ROOT, f)} imports ${s}`));
  assert.deepEqual(found, []);
});

test("every appliance folder is in the registry, with an image the build knows and its own scenarios", () => {
  const targets = Object.keys(JSON.parse(readFileSync(join(ROOT, "asconfig.json"), "utf8")).targets);
  const folders = readdirSync(join(ROOT, "host-sim", "appliances")).filter((n) => statSync(join(ROOT, "host-sim", "appliances", n)).isDirectory());
  assert.deepEqual([...folders].sort(), APPLIANCES.map((a) => a.name).sort(), "one registry line per folder");
  for (const a of APPLIANCES) {
    assert.ok(existsSync(join(ROOT, "host-sim", "appliances", a.name, "index.ts")), `${a.name}/index.ts`);
    assert.ok(targets.includes(a.image), `${a.name}: image ${a.image} is a target of asconfig.json`);
    if (a.cloud) assert.equal(a.cloud.appliance, a.name, `${a.name}: its cloud service names it`);
    for (const [name, make] of Object.entries(a.scenarios)) {
      const s = make();
      assert.equal(s.name, name, `${a.name}: scenario listed under its own name`);
      assert.equal(s.image, a.image, `${a.name}: scenario "${name}" runs the appliance's image`);
    }
  }
});
