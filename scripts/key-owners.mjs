// Compiler transform for the firmware images (asconfig.json "transform"): the owner name
// of every key range an image declares, `new KeyRange("credential-store: internal", ...)`,
// is left out of the image (an empty name in its place).
//
// Why: the names are for the specs and tools that explain a keyspace (Keyspace.ownerOf,
// Overlap.describe); each was a UTF-16 string object in the image's static data, read by
// nothing: 300 to 530 bytes an image.
//
// Why it changes nothing: a range's owner is read only through KeyRange's `owner` getter,
// and an image in which anything reads it (the getter was compiled) is refused at
// afterCompile, so no image can run with a name it would have shown. The specs compile
// without this transform and keep the names.
import { Transform } from "assemblyscript/transform";
import { Node, NodeKind, LiteralKind } from "assemblyscript";

const OWNER_GETTER = "firmware/storage/keyspace/KeyRange#get:owner";

function walk(node, seen) {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) { for (const n of node) walk(n, seen); return; }
  if (typeof node.kind !== "number" || node.range === undefined) return;
  for (const key of Object.keys(node)) if (key !== "range" && key !== "parent") walk(node[key], seen);
  if (node.kind === NodeKind.New && node.typeName.identifier.text === "KeyRange" && node.args.length > 0) {
    const owner = node.args[0];
    if (owner.kind === NodeKind.Literal && owner.literalKind === LiteralKind.String) {
      node.args[0] = Node.createStringLiteralExpression("", owner.range);
    }
  }
}

export default class KeyOwners extends Transform {
  afterParse(parser) {
    for (const source of parser.sources) {
      if (source.internalPath.startsWith("~lib/")) continue;
      walk(source.statements, new Set());
    }
  }

  afterCompile(module) {
    if (module.getFunction(OWNER_GETTER) !== 0) {
      throw new Error(`${OWNER_GETTER} is compiled into this image: it reads a key range's owner name, ` +
        "which scripts/key-owners.mjs leaves out of images");
    }
  }
}
