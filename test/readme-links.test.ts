// A clone holds everything README.md points at: every relative link and every path it
// names (`firmware/...`, `docs/...`), and the same in each document it names, resolves to a
// file or folder inside the repository. Nothing points beside the clone (../shared/...),
// which a clone does not have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
/** Top-level entries a path in the docs may start with; build/ and data/ are made by the
 *  kit (npm run build, npm start), so a path there need not exist in a clone. */
const CHECKED_TOPS = ["firmware", "boards", "host-sim", "scripts", "test", "docs", ".ci"];

interface Ref { doc: string; target: string }

/** The references of one Markdown file: link targets, and code spans that are paths. */
function referencesOf(doc: string): Ref[] {
  const text = readFileSync(join(ROOT, doc), "utf8").replace(/```[\s\S]*?```/g, "");
  const refs: Ref[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const t = m[1].split("#")[0];
    if (t && !/^[a-z]+:/i.test(t)) refs.push({ doc, target: t });
  }
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const t = m[1].replace(/[.,;:]+$/, "");
    // A path, not a pattern or a placeholder (build/posix/<image>, wamr32-*).
    if (!t.includes("/") || /[<>*{}$]|\.\.\.|^-/.test(t)) continue;
    if (t.startsWith("../") || CHECKED_TOPS.some((top) => t === top || t.startsWith(`${top}/`))) refs.push({ doc, target: t });
  }
  return refs;
}

/** Where a reference lands: relative to its document, or to the repository's root (the
 *  docs name most paths from the root). Null when neither exists inside the repository. */
function landing(r: Ref): { path: string; inside: boolean } | null {
  const candidates = [resolve(ROOT, dirname(r.doc), r.target), resolve(ROOT, r.target)];
  for (const c of candidates) {
    const inside = c === ROOT || c.startsWith(ROOT + sep);
    if (inside && existsSync(c)) return { path: relative(ROOT, c), inside };
  }
  return null;
}

test("README.md and the documents it names point only at files inside the repository", () => {
  const seen = new Set<string>(["README.md"]);
  const queue = ["README.md"];
  const dangling: string[] = [];
  while (queue.length > 0) {
    const doc = queue.shift()!;
    for (const r of referencesOf(doc)) {
      const to = landing(r);
      if (!to) { dangling.push(`${r.doc}: ${r.target}`); continue; }
      // Follow the Markdown documents README names (one level: their own references are
      // checked, not the whole tree behind them).
      if (doc === "README.md" && to.path.endsWith(".md") && !seen.has(to.path)) { seen.add(to.path); queue.push(to.path); }
    }
  }
  assert.ok(seen.size > 5, "README names its documents");
  assert.deepEqual(dangling, [], `references that do not resolve inside the repository:\n${dangling.join("\n")}`);
});
